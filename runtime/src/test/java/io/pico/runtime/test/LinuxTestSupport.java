package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;

/**
 * What the Linux personality's in-framework tests share: running a guest through the launcher service (as
 * {@code ./pico run} does) and the same program natively, for comparison, and building C programs at test
 * time with {@code musl-gcc -static} and {@code gcc -static}.
 */
final class LinuxTestSupport {

    static final String BUSYBOX = "/bin/busybox";
    static final String BASH = "/bin/bash-static";
    static final String SASH = "/bin/sash";
    static final long TIMEOUT_SECONDS = 60;
    /** The environment of both runs: the same programs see the same variables. */
    static final Map<String, String> ENV = Map.of("PATH", "/bin:/usr/bin", "HOME", "/", "LC_ALL", "C", "TERM", "dumb");

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "linux-test-launcher");
        t.setDaemon(true);
        return t;
    });
    private static Path buildDir;

    private LinuxTestSupport() {
    }

    /** How a run ended: the shell status, standard output and standard error. */
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + ", stdout [" + out + "], stderr [" + err + "]";
        }
    }

    /** A program that must be installed; without it the test is skipped, except on CI where it fails. */
    static void require(String tool) {
        boolean present = Files.isExecutable(Path.of(tool));
        if (!present && System.getenv("CI") != null) {
            fail(tool + " is missing (./setup installs it)");
        }
        Assumptions.assumeTrue(present, tool + " is not installed (./setup installs it)");
    }

    /**
     * Runs a guest through the launcher service with its file system confined to {@code root}, from guest
     * directory {@code cwd} (only "/" when the root is not the host's), standard input {@code stdin}; signal
     * names put into {@code signals} are forwarded as the launcher does with Ctrl-C.
     */
    @SuppressWarnings("unchecked")
    static Result pico(Function<?, ?> launcher, Path root, String cwd, String stdin, BlockingQueue<String> signals,
            List<String> argv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Object> request = new HashMap<>();
        request.put("argv", argv);
        request.put("root", root.toString());
        request.put("strace", Boolean.FALSE);
        request.put("cwd", cwd);
        request.put("env", ENV);
        request.put("signals", signals == null ? new LinkedBlockingQueue<String>() : signals);
        request.put("stdin", stdin == null ? InputStream.nullInputStream()
                : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        request.put("stdout", out);
        request.put("stderr", err);
        Function<Object, Object> service = (Function<Object, Object>) launcher;
        Future<Object> f = RUNNER.submit(() -> service.apply(request));
        Object status;
        try {
            status = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("guest " + argv + " did not end within " + TIMEOUT_SECONDS + " s; stdout so far ["
                    + out.toString(StandardCharsets.UTF_8) + "]");
        }
        assertTrue(status instanceof Integer, () -> "status " + status);
        return new Result((Integer) status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a guest on the host's file system from host directory {@code cwd}. */
    static Result pico(Function<?, ?> launcher, Path cwd, String... argv) throws Exception {
        return pico(launcher, Path.of("/"), cwd.toString(), null, null, List.of(argv));
    }

    /** Runs the same program natively from host directory {@code cwd}, with the same environment. */
    static Result host(Path cwd, String stdin, List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(ENV);
        Path outFile = Files.createTempFile("linux-native-out", ".txt");
        Path errFile = Files.createTempFile("linux-native-err", ".txt");
        try {
            pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("native " + argv + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            int status = p.exitValue();
            return new Result(status, new String(Files.readAllBytes(outFile), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(errFile), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(outFile);
            Files.deleteIfExists(errFile);
        }
    }

    /** Runs the same program natively from host directory {@code cwd}. */
    static Result host(Path cwd, String... argv) throws Exception {
        return host(cwd, null, List.of(argv));
    }

    /** A directory for programs built during this framework run. */
    static synchronized Path buildDir() throws IOException {
        if (buildDir == null) {
            Path dir = Files.createTempDirectory("pico-linux-tests-");
            // the programs and the directories the native runs wrote in: gone with the framework's JVM
            Runtime.getRuntime().addShutdownHook(new Thread(() -> ReliabilityKit.deleteTree(dir),
                    "pico-linux-tests-cleanup"));
            buildDir = dir;
        }
        return buildDir;
    }

    /** The text of a resource of the test bundle (the C sources under linux/). */
    static String resource(String name) throws IOException {
        try (InputStream in = LinuxTestSupport.class.getResourceAsStream("/linux/" + name)) {
            if (in == null) {
                throw new IOException("no resource linux/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Builds a C resource into a static program with a compiler ({@code /usr/bin/musl-gcc} or
     * {@code /usr/bin/gcc}), once per framework run.
     */
    static synchronized Path cc(String compiler, String source, String name) throws Exception {
        require(compiler);
        Path dir = buildDir().resolve(Path.of(compiler).getFileName() + "-" + name);
        Path exe = dir.resolve(name);
        if (Files.isExecutable(exe)) {
            return exe;
        }
        Files.createDirectories(dir);
        Path c = dir.resolve(source);
        Files.writeString(c, resource(source));
        List<String> cmd = new ArrayList<>(List.of(compiler, "-static", "-O1", "-w", "-o", exe.toString(),
                c.toString()));
        if (compiler.endsWith("/gcc")) {
            cmd.add("-pthread");
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " failed:\n" + out);
        }
        return exe;
    }
}
