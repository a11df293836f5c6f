package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.runtime.test.ReliabilityKit.Guest;
import io.pico.runtime.test.ReliabilityKit.Run;
import io.pico.runtime.test.ReliabilityKit.Started;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 10, point 1: malformed images. Real programs — the host's static busybox, a small musl-gcc -static
 * program built here, the corpus's FreeBSD programs (POSIX personality), the OS/2 corpus's LX programs (and
 * emx.dll, loaded by helloc.exe) and NE programs — are
 * mutated by a seeded generator (truncation, bit flips in headers, tables and fixups, absurd sizes and offsets
 * in header and table fields, random splats, pairs of these) and started, one after the other on two workers,
 * inside this one framework. Every case must end in an {@link ImageException} with a one-line message (for
 * the OS/2 images also printable, no raw bytes of the image, and status 126) or in a guest exit or fault; a
 * case that still runs after {@value #RUN_MILLIS} ms is killed (KILL) and must then end; nothing may take
 * longer than {@link ReliabilityKit#CASE_LIMIT_SECONDS} s; a provider that throws (an exception wrapped by the
 * kernel) is a failure. The kernel's memory limit is set to {@value #LIMIT_MB} MB
 * for the run: the guest memory the kernel holds never exceeds it per running case, a load never allocates
 * more than that on the Java heap, and the kernel's tables return to the baseline afterwards. A busybox shell
 * started before the first case must still answer after the last.
 *
 * <p>Size and seed: {@value #CI_CASES} cases by default (CI). The full run of 2,000 cases or more, another seed,
 * or one case again (system properties passed to the framework by test.bndrun; the environment variables
 * PICO_FUZZ_CASES, PICO_FUZZ_SEED and PICO_FUZZ_CASE work too):
 * <pre>
 *   mvn -o install -DskipTests &amp;&amp; mvn -o verify -pl runtime -Dtest=io.pico.runtime.test.FuzzImagesTest \
 *       -Dpico.fuzz.cases=2000 [-Dpico.fuzz.seed=12345] [-Dpico.fuzz.case=417]
 * </pre>
 * Failing cases are written to {@code target/test-reports/fuzz-failures/} with their seed and description.
 */
class FuzzImagesTest {

    static final int CI_CASES = 300;
    static final long DEFAULT_SEED = 0x10_5EED;
    static final long LIMIT_MB = 512;
    static final long RUN_MILLIS = 1500;
    static final int WORKERS = 2;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @TempDir
    Path dir;

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null && !v.isBlank() ? v : System.getenv(env);
    }

    static int cases() {
        String v = setting("pico.fuzz.cases", "PICO_FUZZ_CASES");
        return v == null || v.isBlank() ? CI_CASES : Integer.parseInt(v.trim());
    }

    static long seed() {
        String v = setting("pico.fuzz.seed", "PICO_FUZZ_SEED");
        return v == null || v.isBlank() ? DEFAULT_SEED : Long.decode(v.trim());
    }

    // ---------------------------------------------------------------------------------------------------------
    // the images to mutate

    /** A region of an image: where mutations of one kind go. */
    record Region(String name, int start, int end) {
        int length() {
            return end - start;
        }
    }

    /** A field of a header or table: where absurd values go. */
    record Field(String name, int offset, int width) {
    }

    /**
     * An image to mutate: the file name it gets in the case's root, the command line, the files it needs beside
     * it, its regions and fields. {@code mutateExtra} names the extra file that is mutated instead of the program.
     */
    record Base(String name, String fileName, byte[] bytes, List<String> args, Map<String, byte[]> extras,
            List<Region> regions, List<Field> fields, String mutated) {
    }

    private static final String HELLO_C = """
            #include <stdio.h>
            int main(int argc, char **argv) { printf("hello %d\\n", argc); return 3; }
            """;

    private List<Base> bases() throws Exception {
        List<Base> bases = new ArrayList<>();
        byte[] busybox = Files.readAllBytes(Path.of(ReliabilityKit.BUSYBOX));
        bases.add(elf("busybox", "busybox", busybox, List.of("echo", "fuzz")));
        byte[] hello = Files.readAllBytes(ReliabilityKit.cc("fuzzhello", HELLO_C));
        bases.add(elf("musl-hello", "hello", hello, List.of("a")));
        Path corpus = ReliabilityKit.corpus();
        if (corpus == null || !Files.isDirectory(corpus.resolve("os2"))) {
            if (System.getenv("CI") != null) {
                fail("the OS/2 corpus (../shared/corpus/os2) is missing");
            }
            System.out.println("FuzzImagesTest: no OS/2 corpus here, LX and NE images are left out");
            return bases;
        }
        Path freebsd = corpus.resolve("freebsd/bin");
        for (String f : List.of("x8664_hello_static", "x8664_hello_asm")) {
            if (Files.isRegularFile(freebsd.resolve(f))) {
                bases.add(elf("freebsd " + f, f, Files.readAllBytes(freebsd.resolve(f)), List.of()));
            }
        }
        Path os2 = corpus.resolve("os2");
        byte[] emx = Files.readAllBytes(os2.resolve("2ine/emx.dll"));
        for (String lx : List.of("2ine/hello.exe", "2ine/testbeep.exe", "os2tools/cmp.exe", "2ine/helloc.exe")) {
            byte[] b = Files.readAllBytes(os2.resolve(lx));
            String file = Path.of(lx).getFileName().toString().toUpperCase(java.util.Locale.ROOT);
            Map<String, byte[]> extras = lx.endsWith("helloc.exe") ? Map.of("EMX.DLL", emx) : Map.of();
            bases.add(mz("lx " + lx, file, b, List.of(), extras, null));
        }
        bases.add(mz("lx emx.dll (loaded by helloc.exe)", "HELLOC.EXE", Files.readAllBytes(os2.resolve(
                "2ine/helloc.exe")), List.of(), Map.of("EMX.DLL", emx), "EMX.DLL"));
        for (String ne : List.of("2ine/hello16.exe", "2ine/testargv16.exe")) {
            byte[] b = Files.readAllBytes(os2.resolve(ne));
            bases.add(mz("ne " + ne, Path.of(ne).getFileName().toString().toUpperCase(java.util.Locale.ROOT), b,
                    List.of("x"), Map.of(), null));
        }
        return bases;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int clamp(long v, int size) {
        return (int) Math.max(0, Math.min(size, v));
    }

    /** An ELF64 image: the ELF header, program and section header tables; relocation sections as "fixups". */
    static Base elf(String name, String fileName, byte[] b, List<String> args) {
        ByteBuffer e = le(b);
        List<Region> regions = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        regions.add(new Region("header", 0, 64));
        long phoff = e.getLong(32);
        long shoff = e.getLong(40);
        int phentsize = e.getShort(54) & 0xffff;
        int phnum = e.getShort(56) & 0xffff;
        int shentsize = e.getShort(58) & 0xffff;
        int shnum = e.getShort(60) & 0xffff;
        int[][] ehdr = {{24, 8}, {32, 8}, {40, 8}, {48, 4}, {52, 2}, {54, 2}, {56, 2}, {58, 2}, {60, 2}, {62, 2},
            {16, 2}, {18, 2}};
        for (int[] f : ehdr) {
            fields.add(new Field("e@" + f[0], f[0], f[1]));
        }
        regions.add(new Region("program headers", clamp(phoff, b.length), clamp(phoff + (long) phnum * phentsize,
                b.length)));
        for (int i = 0; i < phnum; i++) {
            int p = (int) phoff + i * phentsize;
            int[][] ph = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {32, 8}, {40, 8}, {48, 8}};
            for (int[] f : ph) {
                fields.add(new Field("ph" + i + "@" + f[0], p + f[0], f[1]));
            }
        }
        if (shoff > 0 && shoff < b.length) {
            regions.add(new Region("section headers", clamp(shoff, b.length), clamp(shoff + (long) shnum * shentsize,
                    b.length)));
            for (int i = 0; i < shnum; i++) {
                int s = (int) shoff + i * shentsize;
                if (s + 64 > b.length) {
                    break;
                }
                int type = e.getInt(s + 4);
                if (type == 4 || type == 9) { // SHT_RELA, SHT_REL
                    long off = e.getLong(s + 24);
                    long size = e.getLong(s + 32);
                    regions.add(new Region("fixups", clamp(off, b.length), clamp(off + size, b.length)));
                }
            }
        }
        regions.removeIf(r -> r.length() <= 0);
        fields.removeIf(f -> f.offset() < 0 || f.offset() + f.width() > b.length);
        List<String> argv = new ArrayList<>();
        argv.add("/" + fileName);
        argv.addAll(args);
        return new Base(name, fileName, b, argv, Map.of(), regions, fields, null);
    }

    /** An MZ image with an LX or NE header: header fields, loader tables, fixups (LX) or relocations (NE). */
    static Base mz(String name, String fileName, byte[] program, List<String> args, Map<String, byte[]> extras,
            String mutated) {
        byte[] b = mutated == null ? program : extras.get(mutated);
        ByteBuffer e = le(b);
        List<Region> regions = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        regions.add(new Region("mz header", 0, Math.min(0x40, b.length)));
        fields.add(new Field("e_lfanew", 0x3c, 4));
        int h = e.getInt(0x3c);
        if (b[h] == 'L' && b[h + 1] == 'X') {
            regions.add(new Region("lx header", h, h + 0xc4));
            for (int off = 0x08; off < 0xb0; off += 4) {
                fields.add(new Field("lx@" + Integer.toHexString(off), h + off, 4));
            }
            int objtab = h + e.getInt(h + 0x40);
            int objcnt = e.getInt(h + 0x44);
            int pagemap = h + e.getInt(h + 0x48);
            int pages = e.getInt(h + 0x14);
            int fixpage = h + e.getInt(h + 0x68);
            int fixrec = h + e.getInt(h + 0x6c);
            int impmod = h + e.getInt(h + 0x70);
            int loaderEnd = h + e.getInt(h + 0x40) + e.getInt(h + 0x38);
            regions.add(new Region("lx loader tables", objtab, Math.min(b.length, Math.max(loaderEnd, objtab + 24))));
            for (int i = 0; i < objcnt; i++) {
                for (int off = 0; off < 24; off += 4) {
                    fields.add(new Field("obj" + i + "@" + off, objtab + i * 24 + off, 4));
                }
            }
            for (int i = 0; i < pages; i++) {
                fields.add(new Field("page" + i + ".offset", pagemap + i * 8, 4));
                fields.add(new Field("page" + i + ".size", pagemap + i * 8 + 4, 2));
            }
            regions.add(new Region("lx fixup page table", fixpage, fixrec));
            for (int i = 0; i <= pages; i++) {
                fields.add(new Field("fixpage" + i, fixpage + i * 4, 4));
            }
            regions.add(new Region("lx fixup records", fixrec, Math.min(b.length, impmod)));
        } else if (b[h] == 'N' && b[h + 1] == 'E') {
            regions.add(new Region("ne header", h, h + 0x40));
            for (int off = 0x04; off < 0x40; off += 2) {
                fields.add(new Field("ne@" + Integer.toHexString(off), h + off, 2));
            }
            int segtab = h + (e.getShort(h + 0x22) & 0xffff);
            int segcnt = e.getShort(h + 0x1c) & 0xffff;
            int shift = e.getShort(h + 0x32) & 0xffff;
            int tablesEnd = h + (e.getShort(h + 0x2a) & 0xffff) + 64;
            regions.add(new Region("ne tables", segtab, Math.min(b.length, tablesEnd)));
            for (int i = 0; i < segcnt; i++) {
                int s = segtab + i * 8;
                for (int off = 0; off < 8; off += 2) {
                    fields.add(new Field("seg" + i + "@" + off, s + off, 2));
                }
                int sector = e.getShort(s) & 0xffff;
                int length = e.getShort(s + 2) & 0xffff;
                int flags = e.getShort(s + 4) & 0xffff;
                if ((flags & 0x100) != 0 && sector != 0) {
                    int reloc = (sector << shift) + (length == 0 ? 0x10000 : length);
                    if (reloc + 2 < b.length) {
                        int count = e.getShort(reloc) & 0xffff;
                        regions.add(new Region("ne relocations", reloc, Math.min(b.length, reloc + 2 + count * 8)));
                        fields.add(new Field("seg" + i + ".relocs", reloc, 2));
                    }
                }
            }
        }
        int size = b.length;
        regions.replaceAll(r -> new Region(r.name(), clamp(r.start(), size), clamp(r.end(), size)));
        regions.removeIf(r -> r.length() <= 0);
        fields.removeIf(f -> f.offset() < 0 || f.offset() + f.width() > size);
        List<String> argv = new ArrayList<>();
        argv.add("/" + fileName);
        argv.addAll(args);
        return new Base(name, fileName, program, argv, extras, regions, fields, mutated);
    }

    // ---------------------------------------------------------------------------------------------------------
    // mutations

    /** A mutated image and what was done to it. */
    record Mutation(byte[] bytes, String description) {
    }

    private static final long[] ABSURD = {0, 1, 2, 0x7f, 0xff, 0x7fff, 0x8000, 0xffff, 0x1_0000, 0x7fff_ffffL,
        0x8000_0000L, 0xffff_ffffL, 0xffff_f000L, 0x1_0000_0000L, 0x7fff_ffff_ffff_ffffL, -1L, -4096L,
        0x4000_0000_0000L};

    static Mutation mutate(Base base, Random rng) {
        byte[] original = base.mutated() == null ? base.bytes() : base.extras().get(base.mutated());
        int kind = rng.nextInt(8);
        if (kind == 7) {
            Mutation first = mutateOnce(original, base, rng, 1 + rng.nextInt(5));
            Mutation second = mutateOnce(first.bytes(), base, rng, rng.nextInt(6));
            return new Mutation(second.bytes(), first.description() + " + " + second.description());
        }
        return mutateOnce(original, base, rng, kind);
    }

    private static Region region(Base base, Random rng, String prefix) {
        List<Region> matching = base.regions().stream().filter(r -> r.name().contains(prefix)).toList();
        if (matching.isEmpty()) {
            matching = base.regions();
        }
        return matching.get(rng.nextInt(matching.size()));
    }

    private static Mutation mutateOnce(byte[] in, Base base, Random rng, int kind) {
        byte[] b = in.clone();
        switch (kind) {
            case 0 -> {
                int len = rng.nextBoolean() ? rng.nextInt(Math.min(b.length, 8192)) : rng.nextInt(b.length);
                return new Mutation(java.util.Arrays.copyOf(b, len), "truncated to " + len);
            }
            case 1, 2, 3 -> {
                Region r = region(base, rng, kind == 1 ? "header" : kind == 2 ? "table" : "fixup");
                int flips = 1 + rng.nextInt(4);
                StringBuilder d = new StringBuilder("bit flips in " + r.name() + ":");
                for (int i = 0; i < flips; i++) {
                    int at = r.start() + rng.nextInt(r.length());
                    int bit = rng.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    d.append(String.format(" 0x%x.%d", at, bit));
                }
                return new Mutation(b, d.toString());
            }
            case 4, 5 -> {
                if (base.fields().isEmpty()) {
                    return mutateOnce(in, base, rng, 6);
                }
                Field f = base.fields().get(rng.nextInt(base.fields().size()));
                long v = rng.nextInt(4) == 0 ? (long) b.length + rng.nextInt(16) - 8
                        : rng.nextInt(5) == 0 ? rng.nextLong() : ABSURD[rng.nextInt(ABSURD.length)];
                ByteBuffer e = le(b);
                switch (f.width()) {
                    case 1 -> e.put(f.offset(), (byte) v);
                    case 2 -> e.putShort(f.offset(), (short) v);
                    case 4 -> e.putInt(f.offset(), (int) v);
                    default -> e.putLong(f.offset(), v);
                }
                return new Mutation(b, String.format("field %s (0x%x, %d bytes) = 0x%x", f.name(), f.offset(),
                        f.width(), v));
            }
            default -> {
                int len = 1 + rng.nextInt(32);
                int at = rng.nextBoolean() ? rng.nextInt(Math.min(b.length, 4096)) : rng.nextInt(b.length);
                for (int i = at; i < Math.min(b.length, at + len); i++) {
                    b[i] = (byte) rng.nextInt(256);
                }
                return new Mutation(b, String.format("%d random bytes at 0x%x", len, at));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // running the cases

    enum Outcome { IMAGE_ERROR, EXITED, SIGNALLED, KILLED, FAILED }

    /** What one case did. */
    record Result(int index, String base, String mutation, Outcome outcome, String detail) {
    }

    private final ExecutorService loaders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-loader");
        t.setDaemon(true);
        return t;
    });
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private Result runCase(int index, long seed, List<Base> bases, Path work) throws Exception {
        Base base = bases.get(index % bases.size());
        Random rng = new Random(seed * 1_000_003L + index);
        Mutation m = mutate(base, rng);
        Path root = work.resolve("case" + index);
        Files.createDirectories(root);
        try {
            for (Map.Entry<String, byte[]> x : base.extras().entrySet()) {
                Files.write(root.resolve(x.getKey()), x.getKey().equals(base.mutated()) ? m.bytes() : x.getValue());
            }
            Files.write(root.resolve(base.fileName()), base.mutated() == null ? m.bytes() : base.bytes());
            ReliabilityKit.Capped trace = new ReliabilityKit.Capped(1 << 16);
            Guest g = new Guest(base.args(), root, "/", Map.of("PATH", "/"), new byte[0],
                    new java.io.PrintStream(trace, true, java.nio.charset.StandardCharsets.UTF_8));
            // the load runs on a thread of its own so that a loader that loops cannot hang the run
            Future<Object> load = loaders.submit(() -> {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                Object r;
                try {
                    r = ReliabilityKit.start(kernel, g);
                } catch (ImageException e) {
                    r = e;
                }
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                if (allocated > LIMIT_MB << 20) {
                    return new IllegalStateException("loading allocated " + (allocated >> 20) + " MB on the heap");
                }
                return r;
            });
            Object loaded;
            try {
                loaded = load.get(ReliabilityKit.CASE_LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                load.cancel(true);
                return result(index, base, m, Outcome.FAILED, "loading did not end within "
                        + ReliabilityKit.CASE_LIMIT_SECONDS + " s");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                return result(index, base, m, Outcome.FAILED, "spawn threw " + cause);
            }
            if (loaded instanceof ImageException ie) {
                String msg = String.valueOf(ie.getMessage());
                if (msg.isBlank() || msg.contains("\n")) {
                    return result(index, base, m, Outcome.FAILED, "an unclear image error: [" + msg + "]");
                }
                boolean os2 = base.name().startsWith("lx ") || base.name().startsWith("ne ");
                if (os2 && msg.chars().anyMatch(c -> c < 0x20 || c >= 0x7f)) {
                    // OS/2 (issue 6): one printable line; the bytes of a corrupt name appear as \xNN, never raw
                    return result(index, base, m, Outcome.FAILED, "raw bytes in the image error: ["
                            + msg.chars().mapToObj(c -> c < 0x20 || c >= 0x7f ? String.format("<%02x>", c)
                                    : String.valueOf((char) c)).collect(java.util.stream.Collectors.joining()) + "]");
                }
                if (os2 && ie.status() != ImageException.NOT_EXECUTABLE) {
                    return result(index, base, m, Outcome.FAILED, "status " + ie.status() + ", not 126: " + msg);
                }
                if (msg.contains(": provider ") && msg.contains(" failed: ")) {
                    return result(index, base, m, Outcome.FAILED, "the provider threw while loading: " + msg);
                }
                return result(index, base, m, Outcome.IMAGE_ERROR, msg);
            }
            if (loaded instanceof Throwable t) {
                return result(index, base, m, Outcome.FAILED, t.toString());
            }
            Started s = (Started) loaded;
            Run run;
            try {
                run = ReliabilityKit.finish(kernel, s, RUN_MILLIS);
            } catch (AssertionError hung) {
                return result(index, base, m, Outcome.FAILED, hung.getMessage());
            }
            ExitStatus st = run.status();
            String signalling = trace.text().lines().filter(l -> l.matches("\\d+ (kill|tkill|tgkill|rt_sigqueueinfo|"
                    + "rt_tgsigqueueinfo)\\(.*")).findFirst().orElse(null);
            if (signalling != null && !signalling.matches("(\\d+) \\w+\\(\\1,.*")) {
                m = new Mutation(m.bytes(), m.description() + " [signals another process: " + signalling + "]");
            }
            if (st.reason().contains("provider ") && st.reason().contains(" failed")
                    || st.reason().contains("kernel error")) {
                return result(index, base, m, Outcome.FAILED, "ended by a failure of pico, not of the guest: " + st);
            }
            if (run.killed()) {
                return result(index, base, m, Outcome.KILLED, st.toString());
            }
            return result(index, base, m, st.signalled() ? Outcome.SIGNALLED : Outcome.EXITED, st.toString());
        } finally {
            ReliabilityKit.deleteTree(root);
        }
    }

    private static Result result(int index, Base base, Mutation m, Outcome o, String detail) {
        return new Result(index, base.name(), m.description(), o, detail);
    }

    private static void save(Result r, List<Base> bases, long seed, Path failures) {
        try {
            Files.createDirectories(failures);
            Base base = bases.get(r.index() % bases.size());
            Mutation m = mutate(base, new Random(seed * 1_000_003L + r.index()));
            Path f = failures.resolve("case" + r.index() + "-" + (base.mutated() == null ? base.fileName()
                    : base.mutated()));
            Files.write(f, m.bytes());
            Files.writeString(failures.resolve("case" + r.index() + ".txt"), "seed " + seed + ", case " + r.index()
                    + "\nbase " + r.base() + "\nmutation " + r.mutation() + "\n" + r.outcome() + ": " + r.detail()
                    + "\n");
        } catch (IOException e) {
            // the report names the case; the file is a convenience
        }
    }

    private static Path reports() {
        String log = System.getProperty("pico.log");
        return log == null ? Path.of("target/test-reports") : Path.of(log).getParent();
    }

    @Test
    void malformedImagesEndInAClearErrorOrAGuestExitAndNothingLeaks() throws Exception {
        long seed = seed();
        int cases = cases();
        String only = setting("pico.fuzz.case", "PICO_FUZZ_CASE");
        List<Base> bases = bases();
        ReliabilityKit.awaitBaseline(kernel, kernel.statistics());

        ReliabilityKit.configure(kernel, configAdmin, Map.of("memoryLimitMB", LIMIT_MB));
        Started sentinel = null;
        Run sentinelRun = null;
        String sentinelStacks = "";
        List<Result> results = Collections.synchronizedList(new ArrayList<>());
        AtomicLong peakHostMemory = new AtomicLong();
        KernelStatistics baseline;
        long t0 = System.nanoTime();
        try {
            // a process that must survive every case: busybox sh blocked on its input until the end
            sentinel = ReliabilityKit.startWithPipe(kernel, Guest.of(Path.of("/"), ReliabilityKit.BUSYBOX, "sh", "-c",
                    "read line; echo alive $line"));
            Thread.sleep(200);
            io.pico.api.PicoProcess sentinelProcess = sentinel.process();
            java.util.concurrent.atomic.AtomicBoolean sentinelHit = new java.util.concurrent.atomic.AtomicBoolean();
            baseline = kernel.statistics();
            KernelStatistics base0 = baseline;
            AtomicInteger next = new AtomicInteger(only == null ? 0 : Integer.parseInt(only.trim()));
            int end = only == null ? cases : next.get() + 1;
            Path work = dir.resolve("cases");
            ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
            var sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peakHostMemory.accumulateAndGet(
                    kernel.statistics().hostMemory() - base0.hostMemory(), Math::max), 0, 2, TimeUnit.MILLISECONDS);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                running.add(workers.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < end) {
                        try {
                            Result r = runCase(i, seed, bases, work);
                            io.pico.api.ProcessState st = sentinelProcess.state();
                            boolean stopped = sentinelProcess.threads().stream().anyMatch(
                                    io.pico.api.PicoThread::suspended);
                            if ((st != io.pico.api.ProcessState.RUNNING || stopped)
                                    && sentinelHit.compareAndSet(false, true)) {
                                // another process was touched: this case or the one running beside it did it
                                r = new Result(r.index(), r.base(), r.mutation(), Outcome.FAILED, "after this case the "
                                        + "sentinel process (pid " + sentinelProcess.pid() + ") is " + st + (stopped ? " (stopped)" : "") + " "
                                        + sentinelProcess.exitStatus().map(Object::toString).orElse("") + "; the case: "
                                        + r.outcome() + " " + r.detail());
                            }
                            results.add(r);
                        } catch (Exception | AssertionError e) {
                            results.add(new Result(i, bases.get(i % bases.size()).name(), "?", Outcome.FAILED,
                                    "the test itself failed: " + e));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(30, TimeUnit.MINUTES);
            }
            workers.shutdownNow();
            sampler.shutdownNow();
            loaders.shutdownNow();

            // the sentinel lived through it all
            sentinel.send("after " + results.size() + " cases\n");
            if (!kernel.awaitProcesses(() -> sentinelProcess.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(3))) {
                sentinelStacks = ReliabilityKit.stacks("pico-" + sentinelProcess.pid() + "-");
            }
            Run alive = ReliabilityKit.finish(kernel, sentinel, 5_000);
            sentinel = null;
            sentinelRun = alive;
        } finally {
            if (sentinel != null) {
                ReliabilityKit.killAll(kernel, List.of(sentinel.process().pid()));
            }
            ReliabilityKit.restoreDefaults(kernel, configAdmin);
        }

        // the report: outcomes per base, failures with what it takes to reproduce them
        Map<String, Map<Outcome, Integer>> table = new TreeMap<>();
        for (Result r : results) {
            table.computeIfAbsent(r.base(), k -> new java.util.EnumMap<>(Outcome.class)).merge(r.outcome(), 1,
                    Integer::sum);
        }
        List<Result> failed = results.stream().filter(r -> r.outcome() == Outcome.FAILED)
                .sorted(java.util.Comparator.comparingInt(Result::index)).toList();
        StringBuilder report = new StringBuilder(String.format("FuzzImagesTest: seed 0x%x, %d cases in %d s, peak "
                + "guest memory %d MB (limit %d MB per process, %d workers)%n", seed, results.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), peakHostMemory.get() >> 20, LIMIT_MB, WORKERS));
        table.forEach((b, counts) -> report.append("  ").append(b).append(": ").append(counts).append('\n'));
        results.stream().filter(r -> r.mutation().contains("[signals another process")).forEach(r -> report.append(
                String.format("  case %d (%s) %s: %s%n", r.index(), r.base(), r.mutation(), r.outcome())));
        Path failures = reports().resolve("fuzz-failures");
        for (Result r : failed) {
            report.append(String.format("  FAILED case %d (%s; %s): %s%n", r.index(), r.base(), r.mutation(),
                    r.detail()));
            save(r, bases, seed, failures);
        }
        System.out.print(report);

        assertEquals(only == null ? cases : 1, results.size(), "every case ran");
        Run alive = sentinelRun;
        String stacks = sentinelStacks;
        assertEquals("alive after " + results.size() + " cases\n", alive.out(), () -> "the sentinel process did not "
                + "answer: " + alive + "\n" + stacks);
        assertTrue(failed.isEmpty(), () -> failed.size() + " cases failed (images in " + failures + "):\n" + report);
        assertTrue(peakHostMemory.get() <= WORKERS * (LIMIT_MB << 20), () -> "guest memory peaked at "
                + (peakHostMemory.get() >> 20) + " MB, more than " + WORKERS + " x " + LIMIT_MB + " MB");
        ReliabilityKit.assertBackToBaseline(kernel, baseline, results.size() + " malformed images");
    }

    /** The generator is reproducible: the same seed and case give the same bytes. */
    @Test
    void theGeneratorIsReproducible() throws Exception {
        List<Base> bases = bases();
        for (int i = 0; i < 50; i++) {
            Base b = bases.get(i % bases.size());
            Mutation m1 = mutate(b, new Random(seed() * 1_000_003L + i));
            Mutation m2 = mutate(b, new Random(seed() * 1_000_003L + i));
            assertEquals(m1.description(), m2.description());
            assertTrue(java.util.Arrays.equals(m1.bytes(), m2.bytes()), "case " + i);
        }
    }
}
