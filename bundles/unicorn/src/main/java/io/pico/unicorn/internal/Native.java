package io.pico.unicorn.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import com.kenai.jffi.MemoryIO;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;

/**
 * Finds and loads libunicorn (once, lazily, thread-safe) and libc. Not API.
 *
 * <p>Order: system property {@code pico.unicorn.library} (full path of the .so; must exist), else system property
 * {@code pico.unicorn.dir}, else environment variable {@code PICO_UNICORN_DIR} (a directory holding
 * {@code usr/lib/x86_64-linux-gnu/libunicorn.so.2}, i.e. an unpacked .deb, or holding {@code libunicorn.so.2}
 * directly; a directory without the library is skipped), else the system's {@code libunicorn.so.2}, with one
 * warning line on System.err when that one is older than 2.1.
 *
 * <p>Once loaded, pico's engine patches ({@link EnginePatch}: resources {@code fast-stores.patch} and
 * {@code parallel-atomics.patch}) are applied to the library in memory, unless
 * {@code -Dpico.unicorn.fastStores=false} or {@code -Dpico.unicorn.parallelAtomics=false} (the atomics patch also
 * needs the store patch).
 */
public final class Native {
    public static final String SONAME = "libunicorn.so.2";
    static final String DEB_SUBDIR = "usr/lib/x86_64-linux-gnu";
    private static final String[] SYSTEM_DIRS = {
        "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/local/lib", "/usr/lib", "/lib"
    };

    /** The loaded library, its path and version. */
    public static final class Loaded {
        public final UcLib lib;
        public final jnr.ffi.Runtime runtime;
        public final String path;
        public final String version;
        /** major << 16 | minor << 8 | patch */
        public final int versionCode;
        /** What became of pico's store patch ({@link EnginePatch#FAST_STORES}) in this library. */
        public final EnginePatch.Outcome fastStores;
        /** What became of pico's atomics patch ({@link EnginePatch#PARALLEL_ATOMICS}) in this library. */
        public final EnginePatch.Outcome parallelAtomics;

        Loaded(UcLib lib, String path, int major, int minor, int patch, EnginePatch.Outcome fastStores,
                EnginePatch.Outcome parallelAtomics) {
            this.lib = lib;
            this.runtime = jnr.ffi.Runtime.getRuntime(lib);
            this.path = path;
            this.version = major + "." + minor + "." + patch;
            this.versionCode = major << 16 | minor << 8 | patch;
            this.fastStores = fastStores;
            this.parallelAtomics = parallelAtomics;
        }

        /** True when guest stores to data pages take the engine's fast path (the patch is in place). */
        public boolean hasFastStores() {
            return fastStores.inPlace();
        }

        /** True when locked instructions are atomic across engines (the atomics patch is in place). */
        public boolean hasParallelAtomics() {
            return parallelAtomics.inPlace();
        }
    }

    private static volatile Loaded loaded;
    private static RuntimeException failure;
    private static volatile LibC libc;

    private Native() {
    }

    /** The loaded unicorn; loads it on first use. Throws (the same exception every time) if it cannot load. */
    public static Loaded unicorn() {
        Loaded l = loaded;
        if (l != null) {
            return l;
        }
        synchronized (Native.class) {
            if (loaded != null) {
                return loaded;
            }
            if (failure != null) {
                throw failure;
            }
            try {
                loaded = load();
                return loaded;
            } catch (RuntimeException | LinkageError e) {
                failure = e instanceof IllegalStateException ? (IllegalStateException) e
                        : new IllegalStateException("pico: cannot load unicorn: " + e.getMessage(), e);
                throw failure;
            }
        }
    }

    public static LibC libc() {
        LibC c = libc;
        if (c == null) {
            synchronized (Native.class) {
                if (libc == null) {
                    libc = LibraryLoader.create(LibC.class)
                            .option(LibraryOption.IgnoreError, true)
                            .failImmediately()
                            .load(Platform.getNativePlatform().getStandardCLibraryName());
                }
                c = libc;
            }
        }
        return c;
    }

    private static Loaded load() {
        String explicit = System.getProperty("pico.unicorn.library");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Paths.get(explicit);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("pico: -Dpico.unicorn.library=" + explicit + " does not exist");
            }
            return open(p.toAbsolutePath().toString());
        }
        for (String dir : new String[] {System.getProperty("pico.unicorn.dir"), System.getenv("PICO_UNICORN_DIR")}) {
            Path p = inDir(dir);
            if (p != null) {
                return open(p.toAbsolutePath().toString());
            }
        }
        // the system's library: by full path when we can find it, else by soname through the dynamic linker
        String path = SONAME;
        for (String d : SYSTEM_DIRS) {
            Path p = Paths.get(d, SONAME);
            if (Files.isRegularFile(p)) {
                path = p.toString();
                break;
            }
        }
        Loaded l = open(path);
        if (l.versionCode < (2 << 16 | 1 << 8)) {
            System.err.println("pico: warning: using system unicorn " + l.version + "; run ./setup for the faster 2.1.x");
        }
        return l;
    }

    private static Path inDir(String dir) {
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path deb = Paths.get(dir, DEB_SUBDIR, SONAME);
        if (Files.isRegularFile(deb)) {
            return deb;
        }
        Path flat = Paths.get(dir, SONAME);
        return Files.isRegularFile(flat) ? flat : null;
    }

    private static Loaded open(String path) {
        // jnr-ffi first dlopen()s the given name literally, so a full path (or the bare soname) is used as is:
        // no "libunicorn.so" development symlink is needed.
        UcLib lib = LibraryLoader.create(UcLib.class)
                .option(LibraryOption.IgnoreError, true)
                .option(LibraryOption.LoadNow, true)
                .failImmediately()
                .load(path);
        MemoryIO io = MemoryIO.getInstance();
        long buf = io.allocateMemory(8, true);
        int combined;
        try {
            combined = lib.uc_version(buf, buf + 4);
        } finally {
            io.freeMemory(buf);
        }
        int major = (combined >>> 24) & 0xff;
        int minor = (combined >>> 16) & 0xff;
        int patch = (combined >>> 8) & 0xff;
        if (major < 2) {
            throw new IllegalStateException("pico: " + path + " is unicorn " + major + "." + minor + "; need 2.x");
        }
        String where = path.startsWith("/") ? Paths.get(path).normalize().toString() : mappedPath();
        EnginePatch.Outcome fast = patch(EnginePatch.FAST_STORES, "pico.unicorn.fastStores", path);
        // the atomics patch relies on the store patch's write entries for pages that are not writable
        EnginePatch.Outcome atomics = fast.inPlace()
                ? patch(EnginePatch.PARALLEL_ATOMICS, "pico.unicorn.parallelAtomics", path) : EnginePatch.Outcome.OFF;
        if (major == 2 && minor >= 1 && (fast == EnginePatch.Outcome.NOT_THIS_BUILD
                || atomics == EnginePatch.Outcome.NOT_THIS_BUILD)) {
            System.err.println("pico: note: " + where + " (unicorn " + major + "." + minor + "." + patch
                    + ") is not the build pico's engine patches fit: guest stores take unicorn's slow path and the"
                    + " threads of a process take turns");
        }
        return new Loaded(lib, where, major, minor, patch, fast, atomics);
    }

    /** Applies one of pico's engine patches unless its system property is false. */
    private static EnginePatch.Outcome patch(String resource, String property, String path) {
        if (!Boolean.parseBoolean(System.getProperty(property, "true"))) {
            return EnginePatch.Outcome.OFF;
        }
        return EnginePatch.named(resource).apply(path);
    }

    /** Where the dynamic linker found libunicorn, from /proc/self/maps; the soname when that is unreadable. */
    private static String mappedPath() {
        try {
            List<String> lines = Files.readAllLines(Paths.get("/proc/self/maps"));
            for (String line : lines) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.contains("/libunicorn.so")) {
                    return line.substring(slash).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return SONAME;
    }
}
