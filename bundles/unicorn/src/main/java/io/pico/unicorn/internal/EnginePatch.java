package io.pico.unicorn.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;

/**
 * A change to libunicorn's machine code, described in a resource next to this class ({@code fast-stores.patch},
 * {@code parallel-atomics.patch}: what each changes and why) and applied in this process's memory right after the
 * library is loaded, before any engine exists. The file on disk is never changed. Not API.
 */
public final class EnginePatch {
    /** The resource that describes pico's store patch. */
    public static final String FAST_STORES = "fast-stores.patch";
    /** The resource that describes pico's patch for atomic locked instructions across engines. */
    public static final String PARALLEL_ATOMICS = "parallel-atomics.patch";

    /** What applying did. */
    public enum Outcome {
        /** the original bytes were found once and replaced */
        APPLIED,
        /** the replacement was already there (the library was loaded and patched before) */
        ALREADY,
        /** this build of unicorn does not hold the original bytes: left as it is */
        NOT_THIS_BUILD,
        /**
         * turned off ({@code -Dpico.unicorn.fastStores=false}, {@code -Dpico.unicorn.parallelAtomics=false}; the
         * atomics patch also without the store patch)
         */
        OFF;

        /** Whether the patch is in the loaded library. */
        public boolean inPlace() {
            return this == APPLIED || this == ALREADY;
        }
    }

    /** One change: {@code find} (exactly once within {@code window} bytes of {@code symbol}) becomes {@code replace}. */
    public record Hunk(String symbol, int window, byte[] find, byte[] replace) {
        public Hunk {
            if (symbol == null || window <= 0 || find == null || replace == null || find.length != replace.length
                    || find.length == 0 || find.length > window) {
                throw new IllegalArgumentException("incomplete engine patch hunk for " + symbol
                        + ": symbol, window, find and replace of one length");
            }
        }
    }

    final String name;
    final java.util.List<Hunk> hunks;

    EnginePatch(String name, java.util.List<Hunk> hunks) {
        if (hunks.isEmpty()) {
            throw new IllegalArgumentException("engine patch " + name + " changes nothing");
        }
        this.name = name;
        this.hunks = java.util.List.copyOf(hunks);
    }

    /**
     * Reads a patch description: hunks of lines "symbol", "window", "find", "replace" (each "symbol" starts the
     * next hunk); '#' starts a comment.
     */
    public static EnginePatch parse(String name, InputStream in) {
        java.util.List<Hunk> hunks = new java.util.ArrayList<>();
        String symbol = null;
        int window = 0;
        byte[] find = null;
        byte[] replace = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] kv = line.split("\\s+", 2);
                String value = kv.length > 1 ? kv[1] : "";
                switch (kv[0]) {
                    case "symbol" -> {
                        if (symbol != null) {
                            hunks.add(new Hunk(symbol, window, find, replace));
                        }
                        symbol = value;
                        window = 0;
                        find = null;
                        replace = null;
                    }
                    case "window" -> window = Integer.parseInt(value);
                    case "find" -> find = HexFormat.of().parseHex(value);
                    case "replace" -> replace = HexFormat.of().parseHex(value);
                    default -> throw new IllegalArgumentException("engine patch: unknown line '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (symbol != null) {
            hunks.add(new Hunk(symbol, window, find, replace));
        }
        return new EnginePatch(name, hunks);
    }

    /** One of pico's patches, from the resource of that name next to this class. */
    public static EnginePatch named(String resource) {
        try (InputStream in = EnginePatch.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the unicorn bundle");
            }
            return parse(resource, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** pico's store patch. */
    public static EnginePatch fastStores() {
        return named(FAST_STORES);
    }

    /** The hunks, in order. */
    public java.util.List<Hunk> hunks() {
        return hunks;
    }

    /** How often {@code what} occurs in {@code code} (a whole library file, for tests and tools). */
    public static int occurrences(byte[] code, byte[] what) {
        int n = 0;
        for (int i = indexOf(code, what, 0); i >= 0; i = indexOf(code, what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Where the find bytes occur in {@code code}: their offset when exactly once, -1 when never, -2 when more. */
    static int locate(byte[] code, byte[] what) {
        int at = indexOf(code, what, 0);
        return at >= 0 && indexOf(code, what, at + 1) >= 0 ? -2 : at;
    }

    private static int indexOf(byte[] code, byte[] what, int from) {
        for (int i = from; i + what.length <= code.length; i++) {
            if (java.util.Arrays.equals(code, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Applies this patch to the library loaded from {@code path} (already loaded: this only looks it up): every
     * hunk or none. A hunk whose bytes are not there leaves the library as it is.
     */
    public Outcome apply(String path) {
        Library lib = Library.getCachedInstance(path, Library.LAZY | Library.LOCAL);
        MemoryIO io = MemoryIO.getInstance();
        long[] at = new long[hunks.size()];
        int already = 0;
        for (int i = 0; i < at.length; i++) {
            Hunk h = hunks.get(i);
            long base = lib == null ? 0 : lib.getSymbolAddress(h.symbol());
            if (base == 0) {
                return Outcome.NOT_THIS_BUILD;
            }
            byte[] code = new byte[h.window()];
            io.getByteArray(base, code, 0, code.length);
            int off = locate(code, h.find());
            if (off == -1 && locate(code, h.replace()) >= 0) {
                already++;
            } else if (off < 0) {
                return Outcome.NOT_THIS_BUILD;
            }
            at[i] = off < 0 ? 0 : base + off;
        }
        if (already == at.length) {
            return Outcome.ALREADY;
        }
        if (already > 0) {
            return Outcome.NOT_THIS_BUILD; // partly there: not something this patch made
        }
        for (int i = 0; i < at.length; i++) {
            write(io, at[i], hunks.get(i).replace());
        }
        return Outcome.APPLIED;
    }

    private static void write(MemoryIO io, long from, byte[] bytes) {
        long page = from & -4096L;
        long length = ((from + bytes.length + 4095) & -4096L) - page;
        LibC c = Native.libc();
        if (c.mprotect(page, length, LibC.PROT_READ | LibC.PROT_WRITE | LibC.PROT_EXEC) != 0) {
            throw new IllegalStateException("engine patch: mprotect of libunicorn's code failed");
        }
        try {
            io.putByteArray(from, bytes, 0, bytes.length);
        } finally {
            c.mprotect(page, length, LibC.PROT_READ | LibC.PROT_EXEC);
        }
    }
}
