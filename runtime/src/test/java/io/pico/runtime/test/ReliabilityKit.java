package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What the reliability, fuzz, confinement and limits tests share: guest programs built from C or assembly
 * source at test time (musl-gcc -static, nasm + ld), running a guest in the one framework with its output
 * captured, running the same binary natively for comparison, the kernel's configuration, and waiting for the
 * kernel's tables to return to a baseline.
 */
final class ReliabilityKit {

    /** A case that takes longer than this is a failure (issue 10). */
    static final long CASE_LIMIT_SECONDS = 10;
    static final String BUSYBOX = "/bin/busybox";
    /** The default memory limit of the kernel's configuration (KernelConfig.memoryLimitMB). */
    static final long DEFAULT_MEMORY_MB = 8192;

    private ReliabilityKit() {
    }

    // ---------------------------------------------------------------------------------------------------------
    // building guest programs

    private static Path buildDir;

    /** Where built programs are kept for the run (one directory per framework run). */
    static synchronized Path buildDir() throws IOException {
        if (buildDir == null) {
            Path dir = Files.createTempDirectory("pico-reliability-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "pico-reliability-cleanup"));
            buildDir = dir;
        }
        return buildDir;
    }

    /** Whether a tool is installed; without it the test is skipped, except on CI where that is a failure. */
    static void require(String tool) {
        boolean present = Files.isExecutable(Path.of(tool));
        if (!present && System.getenv("CI") != null) {
            fail(tool + " is missing (./setup installs it)");
        }
        Assumptions.assumeTrue(present, tool + " is not installed (./setup installs it)");
    }

    /** Compiles a C program with {@code musl-gcc -static} (cached by name and source for the run). */
    static synchronized Path cc(String name, String source, String... flags) throws Exception {
        require("/usr/bin/musl-gcc");
        Path dir = buildDir().resolve(name + "-" + hash(source + String.join(" ", flags)).substring(0, 12));
        Path exe = dir.resolve(name);
        if (Files.isExecutable(exe)) {
            return exe;
        }
        Files.createDirectories(dir);
        Path c = dir.resolve(name + ".c");
        Files.writeString(c, source);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/musl-gcc", "-static", "-O1", "-w", "-o", exe.toString(),
                c.toString()));
        cmd.addAll(List.of(flags));
        exec(cmd, dir);
        return exe;
    }

    /** Assembles and links a nasm program ({@code nasm -f elf64}, {@code ld}, static, no C library). */
    static synchronized Path asm(String name, String source) throws Exception {
        require("/usr/bin/nasm");
        require("/usr/bin/ld");
        Path dir = buildDir().resolve(name + "-" + hash(source).substring(0, 12));
        Path exe = dir.resolve(name);
        if (Files.isExecutable(exe)) {
            return exe;
        }
        Files.createDirectories(dir);
        Path s = dir.resolve(name + ".asm");
        Files.writeString(s, source);
        exec(List.of("/usr/bin/nasm", "-f", "elf64", "-o", dir.resolve(name + ".o").toString(), s.toString()), dir);
        exec(List.of("/usr/bin/ld", "-static", "-o", exe.toString(), dir.resolve(name + ".o").toString()), dir);
        return exe;
    }

    private static void exec(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    static String hash(String s) {
        return hash(s.getBytes(StandardCharsets.UTF_8));
    }

    static String hash(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // running guests

    /** How a guest run ended: its status, what it wrote, and whether the test had to kill it. */
    record Run(int pid, ExitStatus status, String out, String err, boolean killed, long millis, String stacks) {

        /** The status a shell reports: the code, or 128 plus the signal. */
        int shell() {
            return status.shellStatus();
        }

        @Override
        public String toString() {
            return "pid " + pid + ": " + status + (killed ? " (killed)" : "") + " in " + millis + " ms, stdout ["
                    + abbreviate(out) + "], stderr [" + abbreviate(err) + "]" + (stacks.isEmpty() ? ""
                    : "\nits threads when it was killed:\n" + stacks);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 300) + " ... " + s.substring(s.length() - 300);
    }

    /** An output stream that keeps the first {@code cap} bytes: a runaway guest cannot fill the heap. */
    static final class Capped extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int cap;
        private long total;

        Capped(int cap) {
            this.cap = cap;
        }

        @Override
        public synchronized void write(int b) {
            total++;
            if (bytes.size() < cap) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            total += len;
            int n = Math.min(len, cap - bytes.size());
            if (n > 0) {
                bytes.write(b, off, n);
            }
        }

        synchronized long total() {
            return total;
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * A guest to start: its program (a guest path), arguments, root, working directory, standard input and where
     * its system call trace goes (null for none).
     */
    record Guest(List<String> argv, Path root, String cwd, Map<String, String> env, byte[] stdin,
            java.io.PrintStream trace) {

        Guest(List<String> argv, Path root, String cwd, Map<String, String> env, byte[] stdin) {
            this(argv, root, cwd, env, stdin, null);
        }

        static Guest of(Path root, String... argv) {
            return new Guest(List.of(argv), root, "/", Map.of("PATH", "/bin:/usr/bin", "HOME", "/"), new byte[0]);
        }

        Guest cwd(String dir) {
            return new Guest(argv, root, dir, env, stdin, trace);
        }

        Guest stdin(String text) {
            return new Guest(argv, root, cwd, env, text.getBytes(StandardCharsets.UTF_8), trace);
        }

        Guest env(Map<String, String> environment) {
            return new Guest(argv, root, cwd, environment, stdin, trace);
        }

        Guest trace(java.io.PrintStream out) {
            return new Guest(argv, root, cwd, env, stdin, out);
        }
    }

    /**
     * A started guest with its output buffers; {@code stdin} is the writing end of its input pipe when it was
     * started with one (the test writes and releases it), else null.
     */
    record Started(PicoProcess process, Capped out, Capped err, long startNanos, IoObject stdin) {

        /** Writes to the guest's input pipe and closes it. */
        void send(String text) throws Exception {
            stdin.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            stdin.release();
        }
    }

    /** Starts a guest with its stdout and stderr going into capped buffers of the test. */
    static Started start(Kernel kernel, Guest g) throws io.pico.api.ImageException {
        InputStream in = g.stdin().length == 0 ? InputStream.nullInputStream() : new ByteArrayInputStream(g.stdin());
        return start(kernel, g, kernel.hostStream(in, null, false), null);
    }

    /** Starts a guest whose standard input is a pipe the test holds the writing end of ({@link Started#send}). */
    static Started startWithPipe(Kernel kernel, Guest g) throws io.pico.api.ImageException {
        IoObject[] pipe = kernel.pipe();
        try {
            return start(kernel, g, pipe[0], pipe[1]);
        } catch (io.pico.api.ImageException | RuntimeException e) {
            pipe[1].release();
            throw e;
        }
    }

    private static Started start(Kernel kernel, Guest g, IoObject in, IoObject writer)
            throws io.pico.api.ImageException {
        Capped out = new Capped(1 << 20);
        Capped err = new Capped(1 << 16);
        IoObject[] stdio = {in, kernel.hostStream(null, out, false), kernel.hostStream(null, err, false)};
        long t0 = System.nanoTime();
        try {
            PicoProcess p = kernel.spawn(new Launch(g.argv().get(0), g.argv(), g.env(), g.cwd(), g.root(), stdio,
                    g.trace(), 0));
            return new Started(p, out, err, t0, writer);
        } finally {
            for (IoObject io : stdio) {
                io.release();
            }
        }
    }

    /**
     * Waits for a started guest; {@code killAfterMillis} after its start it is sent KILL (counted as killed), and
     * a guest still alive {@value #CASE_LIMIT_SECONDS} s after that fails the test as hung. The process is reaped.
     */
    static Run finish(Kernel kernel, Started s, long killAfterMillis) throws InterruptedException {
        PicoProcess p = s.process();
        boolean killed = false;
        long deadline = s.startNanos() + TimeUnit.MILLISECONDS.toNanos(killAfterMillis);
        String stacks = "";
        if (!kernel.awaitProcesses(() -> p.exitStatus().isPresent(), Math.max(0, deadline - System.nanoTime()))) {
            killed = true;
            stacks = stacks("pico-" + p.pid() + "-");
            try {
                kernel.signal(p.pid(), "KILL");
            } catch (IllegalArgumentException ended) {
                // it ended in between
            }
        }
        if (!kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(CASE_LIMIT_SECONDS))) {
            p.exit(ExitStatus.signalled(9, "test: hung past the case limit"));
            kernel.reap(p.pid());
            fail("pid " + p.pid() + " " + p.command() + " did not end within " + CASE_LIMIT_SECONDS + " s"
                    + (killed ? " although it was sent KILL" : ""));
        }
        ExitStatus status = p.waitFor();
        kernel.reap(p.pid());
        return new Run(p.pid(), status, s.out().text(), s.err().text(), killed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s.startNanos()), stacks);
    }

    /** The stacks of the host threads whose name starts with the prefix (guest threads: pico-PID-TID). */
    static String stacks(String prefix) {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, st) -> {
            if (t.getName().startsWith(prefix)) {
                sb.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (int i = 0; i < Math.min(st.length, 25); i++) {
                    sb.append("    at ").append(st[i]).append('\n');
                }
            }
        });
        return sb.toString();
    }

    /** Runs a guest to its end (killing it after {@code timeoutSeconds}). */
    static Run run(Kernel kernel, Guest g, long timeoutSeconds) throws Exception {
        return finish(kernel, start(kernel, g), TimeUnit.SECONDS.toMillis(timeoutSeconds));
    }

    static Run run(Kernel kernel, Path root, String... argv) throws Exception {
        return run(kernel, Guest.of(root, argv), CASE_LIMIT_SECONDS);
    }

    /** The outcome of a native run of the same program: shell status (128+signal) and output. */
    record Native(int status, String out) {
    }

    /** Runs a host program natively, for comparison (shell status: 128+signal when a signal ended it). */
    static Native runNative(Path dir, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(CASE_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("native " + String.join(" ", argv) + " did not end");
        }
        return new Native(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------------
    // the kernel's configuration and tables

    /** The memory limit a new process gets now: spawns {@code busybox true} and reads it. */
    static long memoryLimitOfANewProcess(Kernel kernel) throws Exception {
        IoObject[] stdio = {kernel.hostStream(null, null, false), kernel.hostStream(null, null, false),
            kernel.hostStream(null, null, false)};
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(BUSYBOX, List.of("busybox", "true"), Map.of(), "/", Path.of("/"), stdio, null,
                    0));
        } finally {
            for (IoObject o : stdio) {
                o.release();
            }
        }
        long limit = p.memory().limit();
        if (!kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(CASE_LIMIT_SECONDS))) {
            kernel.signal(p.pid(), "KILL");
        }
        p.waitFor();
        kernel.reap(p.pid());
        return limit;
    }

    /**
     * Sets the kernel's configuration (PID io.pico.kernel) and waits until it applies. The memory limit is the
     * marker: the kernel takes every limit from one configuration at once, so a new process with the new memory
     * limit means the other limits apply too.
     */
    static void configure(Kernel kernel, ConfigurationAdmin ca, Map<String, Object> settings) throws Exception {
        Configuration c = ca.getConfiguration("io.pico.kernel", "?");
        Hashtable<String, Object> props = new Hashtable<>(settings);
        long memoryMb = ((Number) settings.getOrDefault("memoryLimitMB", DEFAULT_MEMORY_MB)).longValue();
        props.put("memoryLimitMB", memoryMb);
        c.update(props);
        awaitMemoryLimit(kernel, memoryMb);
    }

    /** Deletes the kernel's configuration and waits until the defaults apply again. */
    static void restoreDefaults(Kernel kernel, ConfigurationAdmin ca) throws Exception {
        Configuration c = ca.getConfiguration("io.pico.kernel", "?");
        c.delete();
        awaitMemoryLimit(kernel, DEFAULT_MEMORY_MB);
    }

    private static void awaitMemoryLimit(Kernel kernel, long mb) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long now;
        while ((now = memoryLimitOfANewProcess(kernel)) != mb << 20) {
            if (System.nanoTime() > deadline) {
                fail("the kernel's memory limit is " + (now >> 20) + " MB, not the configured " + mb + " MB");
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the kernel holds no more than the baseline: no process, thread, engine or memory leaked. */
    static KernelStatistics awaitBaseline(Kernel kernel, KernelStatistics baseline) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        KernelStatistics s = kernel.statistics();
        while (!(s.processes() <= baseline.processes() && s.threads() <= baseline.threads()
                && s.engines() <= baseline.engines() && s.hostMemory() <= baseline.hostMemory())) {
            if (System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(20);
            s = kernel.statistics();
        }
        return s;
    }

    /** Fails unless the kernel's tables are back at the baseline. */
    static void assertBackToBaseline(Kernel kernel, KernelStatistics baseline, String after) throws InterruptedException {
        KernelStatistics s = awaitBaseline(kernel, baseline);
        KernelStatistics now = s;
        assertTrue(now.processes() <= baseline.processes() && now.threads() <= baseline.threads()
                && now.engines() <= baseline.engines() && now.hostMemory() <= baseline.hostMemory(),
                () -> "after " + after + " the kernel holds " + now + ", before it held " + baseline + "; processes: "
                        + kernel.processes());
    }

    /** Ends and reaps every process the test left (a failed assertion must not leave guests running). */
    static void killAll(Kernel kernel, java.util.Collection<Integer> pids) throws InterruptedException {
        for (int pid : pids) {
            PicoProcess p = kernel.process(pid).orElse(null);
            if (p == null) {
                continue;
            }
            if (p.exitStatus().isEmpty()) {
                try {
                    kernel.signal(pid, "KILL");
                } catch (IllegalArgumentException e) {
                    // ended meanwhile
                }
                if (!kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(5))) {
                    p.exit(ExitStatus.signalled(9, "test cleanup"));
                }
            }
            kernel.reap(pid);
        }
    }

    /** Processes whose parent is one of the given pids, transitively (children a guest forked). */
    static List<Integer> descendants(Kernel kernel, java.util.Set<Integer> roots) {
        List<Integer> result = new ArrayList<>();
        java.util.Set<Integer> known = new java.util.HashSet<>(roots);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (PicoProcess p : kernel.processes()) {
                if (known.contains(p.parentPid()) && known.add(p.pid())) {
                    result.add(p.pid());
                    grew = true;
                }
            }
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the shared corpus

    /**
     * The shared corpus of real guest programs: the property pico.corpus (set by test.bndrun from the project's
     * base directory: ../shared/corpus beside the repository), else shared/corpus found upwards from the working
     * directory. Null when neither exists.
     */
    static Path corpus() {
        String prop = System.getProperty("pico.corpus");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/corpus");
            if (Files.isDirectory(c)) {
                return c;
            }
            Path sibling = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        return null;
    }

    /** Deletes a directory tree (best effort; test temp directories). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort
        }
    }
}
