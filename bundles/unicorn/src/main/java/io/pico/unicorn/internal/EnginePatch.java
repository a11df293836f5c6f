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
 * A change to libunicorn's machine code, described in a resource ({@code fast-stores.patch}: what it changes and
 * why) and applied in this process's memory right after the library is loaded, before any engine exists. The
 * file on disk is never changed. Not API.
 */
public final class EnginePatch {
    /** The resource next to this class that describes pico's patch. */
    public static final String FAST_STORES = "fast-stores.patch";

    /** What applying did. */
    public enum Outcome {
        /** the original bytes were found once and replaced */
        APPLIED,
        /** the replacement was already there (the library was loaded and patched before) */
        ALREADY,
        /** this build of unicorn does not hold the original bytes: left as it is */
        NOT_THIS_BUILD,
        /** turned off ({@code -Dpico.unicorn.fastStores=false}) */
        OFF
    }

    final String symbol;
    final int window;
    final byte[] find;
    final byte[] replace;

    EnginePatch(String symbol, int window, byte[] find, byte[] replace) {
        if (symbol == null || window <= 0 || find == null || replace == null || find.length != replace.length
                || find.length == 0 || find.length > window) {
            throw new IllegalArgumentException("incomplete engine patch: symbol, window, find and replace of one length");
        }
        this.symbol = symbol;
        this.window = window;
        this.find = find;
        this.replace = replace;
    }

    /** Reads a patch description (lines "symbol", "window", "find", "replace"; '#' starts a comment). */
    public static EnginePatch parse(InputStream in) {
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
                    case "symbol" -> symbol = value;
                    case "window" -> window = Integer.parseInt(value);
                    case "find" -> find = HexFormat.of().parseHex(value);
                    case "replace" -> replace = HexFormat.of().parseHex(value);
                    default -> throw new IllegalArgumentException("engine patch: unknown line '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EnginePatch(symbol, window, find, replace);
    }

    /** pico's own patch, from the resource. */
    public static EnginePatch fastStores() {
        try (InputStream in = EnginePatch.class.getResourceAsStream(FAST_STORES)) {
            if (in == null) {
                throw new IllegalStateException("resource " + FAST_STORES + " is missing from the unicorn bundle");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes this patch replaces. */
    public byte[] find() {
        return find.clone();
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

    /** Applies this patch to the library loaded from {@code path} (already loaded: this only looks it up). */
    public Outcome apply(String path) {
        long base = Library.getCachedInstance(path, Library.LAZY | Library.LOCAL).getSymbolAddress(symbol);
        if (base == 0) {
            return Outcome.NOT_THIS_BUILD;
        }
        MemoryIO io = MemoryIO.getInstance();
        byte[] code = new byte[window];
        io.getByteArray(base, code, 0, window);
        int at = locate(code, find);
        if (at < 0) {
            return at == -1 && locate(code, replace) >= 0 ? Outcome.ALREADY : Outcome.NOT_THIS_BUILD;
        }
        long from = base + at;
        long page = from & -4096L;
        long length = ((from + find.length + 4095) & -4096L) - page;
        LibC c = Native.libc();
        int rwx = LibC.PROT_READ | LibC.PROT_WRITE | LibC.PROT_EXEC;
        if (c.mprotect(page, length, rwx) != 0) {
            throw new IllegalStateException("engine patch: mprotect of libunicorn's code failed");
        }
        try {
            io.putByteArray(from, replace, 0, replace.length);
        } finally {
            c.mprotect(page, length, LibC.PROT_READ | LibC.PROT_EXEC);
        }
        return Outcome.APPLIED;
    }
}
