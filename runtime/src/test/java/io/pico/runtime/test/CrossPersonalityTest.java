package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;

/**
 * One kernel, many personalities: a Linux shell runs OS/2 and FreeBSD programs inline (execve of a foreign
 * image starts a child pico process under the provider that claims it, connected by the kernel's pipes), an
 * OS/2 program starts a Linux program with DosExecPgm, and pico:ps shows the tree across personalities. The
 * expected values come from running the same programs directly through the kernel.
 */
class CrossPersonalityTest {

    private static final long TIMEOUT_SECONDS = 60;

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    /** A folder of the shared corpus: the property pico.corpus, shared/corpus upwards, or /work/shared/corpus. */
    static Path corpus(String folder) {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("pico.corpus");
        if (prop != null) {
            candidates.add(Path.of(prop).resolve(folder));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p.resolve("shared/corpus").resolve(folder));
        }
        candidates.add(Path.of("/work/shared/corpus").resolve(folder));
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        Assumptions.assumeTrue(false, "the corpus folder " + folder + " is not on this machine");
        return null;
    }

    /** Copies the OS/2 corpus programs the tests use, and the test programs, into {@code to}, executable. */
    static void os2Programs(Path to) throws Exception {
        Path os2 = corpus("os2");
        for (String f : new String[] {"2ine/hello.exe", "2ine/testargv.exe", "2ine/emx.dll", "os2tools/cmp.exe"}) {
            Path target = to.resolve(Path.of(f).getFileName().toString());
            Files.copy(os2.resolve(f), target);
            target.toFile().setExecutable(true);
        }
        Files.write(to.resolve("os2cat.exe"), Os2Images.cat());
        to.resolve("os2cat.exe").toFile().setExecutable(true);
    }

    /** How a direct run through the kernel ended. */
    record Run(ExitStatus status, byte[] out) {
        String text() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }
    }

    /** Runs a program directly through the kernel (no shell), from {@code cwd}, with this environment. */
    static Run direct(Kernel kernel, Path cwd, Map<String, String> env, String... argv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(InputStream.nullInputStream(), null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, new ByteArrayOutputStream(), false)};
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(argv[0], List.of(argv), env, cwd.toString(), Path.of("/"), stdio, null, 0));
        } finally {
            for (IoObject io : stdio) {
                io.release();
            }
        }
        boolean ended = kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
        if (!ended) {
            kernel.signal(p.pid(), "KILL");
        }
        ExitStatus status = p.waitFor();
        kernel.reap(p.pid());
        assertTrue(ended, () -> String.join(" ", argv) + " timed out");
        return new Run(status, out.toByteArray());
    }

    /** The values of {@code name=value} lines of the shell's output. */
    private static Map<String, String> values(String out) {
        Map<String, String> result = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                result.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return result;
    }

    private static long lines(byte[] out) {
        long n = 0;
        for (byte b : out) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    @Test
    void aShellScriptRunsOs2ProgramsInlineThroughPipesAndSeesTheirStatuses() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        os2Programs(dir);
        Files.writeString(dir.resolve("one"), "abcdef\n");
        Files.writeString(dir.resolve("two"), "abcxef\n");
        byte[] data = new byte[20_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ("pico" + i % 97 + "\n").charAt(i % 3);
        }
        Files.write(dir.resolve("data"), data);
        // hello.exe and testargv.exe (with emx.dll beside it) straight from the corpus
        String corpus = corpus("os2").resolve("2ine").toString();
        Files.writeString(dir.resolve("s.sh"), String.join("\n",
                "C=" + corpus,
                "/bin/busybox env > env.txt",
                "$C/hello.exe > hello.out; echo \"hello=$?\"",
                "$C/testargv.exe x > argv.out; echo \"testargv=$?\"",
                "echo \"hello-lines=$($C/hello.exe | /bin/busybox wc -l)\"",
                "echo \"testargv-lines=$($C/testargv.exe x | /bin/busybox wc -l)\"",
                "./cmp.exe one two > /dev/null; echo \"cmp-differ=$?\"",
                "./cmp.exe one one > /dev/null; echo \"cmp-same=$?\"",
                "./cmp.exe - one > /dev/null 2>&1; echo \"cmp-dash=$?\"",
                "echo \"cat=$(/bin/busybox cat data | ./os2cat.exe | /bin/busybox md5sum)\"",
                "./nosuch.exe 2> /dev/null; echo \"missing=$?\"", ""));
        LinuxTestSupport.Result r = LinuxTestSupport.pico(launcher, dir, LinuxTestSupport.BUSYBOX, "sh", "s.sh");
        assertEquals(0, r.status(), r::toString);
        Map<String, String> v = values(r.out());

        // the expected values: the same programs run directly, with the environment the shell gave its children
        // (PATH in OS/2 terms, as the Linux side translates it for an OS/2 child)
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("env.txt"))) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        env.put("PATH", "C:\\bin;C:\\usr\\bin");
        Run hello = direct(kernel, dir, env, corpus + "/hello.exe");
        Run argv = direct(kernel, dir, env, corpus + "/testargv.exe", "x");
        assertEquals(String.valueOf(hello.status().code()), v.get("hello"), r::toString);
        assertEquals(hello.text(), Files.readString(dir.resolve("hello.out"), StandardCharsets.ISO_8859_1));
        assertEquals(String.valueOf(argv.status().code()), v.get("testargv"), r::toString);
        assertEquals(argv.text(), Files.readString(dir.resolve("argv.out"), StandardCharsets.ISO_8859_1));
        assertTrue(argv.text().contains("argv[1] = 'x'") && argv.text().contains("PATH=C:\\bin;C:\\usr\\bin"),
                argv::text);
        assertEquals(String.valueOf(lines(hello.out())), v.get("hello-lines"), r::toString);
        assertEquals(String.valueOf(lines(argv.out())), v.get("testargv-lines"), r::toString);
        assertTrue(lines(argv.out()) > 5, argv::text);

        Run differ = direct(kernel, dir, env, "./cmp.exe", "one", "two");
        Run same = direct(kernel, dir, env, "./cmp.exe", "one", "one");
        Run dash = direct(kernel, dir, env, "./cmp.exe", "-", "one");
        assertEquals(1, differ.status().code(), differ::text);
        assertEquals(String.valueOf(differ.status().code()), v.get("cmp-differ"), r::toString);
        assertEquals(String.valueOf(same.status().code()), v.get("cmp-same"), r::toString);
        // cmp.exe takes no '-' for its standard input: it reports "Unknown options '-'." and ends with 255
        assertEquals(String.valueOf(dash.status().code()), v.get("cmp-dash"), r::toString);

        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        assertEquals(md5 + "  -", v.get("cat"), "bytes through pipe -> OS/2 -> pipe");
        assertEquals("127", v.get("missing"), r::toString);
        assertTrue(kernel.processes().stream().noneMatch(p -> p.command().contains("./os2cat.exe")),
                () -> "no process is left behind: " + kernel.processes());
    }

    @Test
    void aShellRunsAFreeBsdProgramInline() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        Path hello = dir.resolve("x8664_hello_static");
        Files.copy(corpus("freebsd").resolve("bin/x8664_hello_static"), hello);
        hello.toFile().setExecutable(true);
        Run expected = direct(kernel, dir, Map.of(), hello.toString());
        LinuxTestSupport.Result r = LinuxTestSupport.pico(launcher, dir, LinuxTestSupport.BUSYBOX, "sh", "-c",
                "./x8664_hello_static | /bin/busybox wc -c; ./x8664_hello_static; echo \" status=$?\"");
        assertEquals(0, r.status(), r::toString);
        assertEquals(expected.out().length + "\n" + expected.text() + " status=" + expected.status().code() + "\n",
                r.out());
    }

    /** Starts {@code sh -c 'exec ./os2cat.exe'} with a standard input that stays open; returns its future. */
    private CompletableFuture<LinuxTestSupport.Result> standIn(PipedOutputStream feed, BlockingQueue<String> signals)
            throws Exception {
        PipedInputStream in = new PipedInputStream(feed, 1 << 16);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return pico(in, signals, "exec ./os2cat.exe");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private LinuxTestSupport.Result pico(InputStream stdin, BlockingQueue<String> signals, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Object> request = new HashMap<>();
        request.put("argv", List.of(LinuxTestSupport.BUSYBOX, "sh", "-c", script));
        request.put("root", "/");
        request.put("cwd", dir.toString());
        request.put("env", LinuxTestSupport.ENV);
        request.put("signals", signals);
        request.put("stdin", stdin);
        request.put("stdout", out);
        request.put("stderr", err);
        Object status = ((Function<Object, Object>) launcher).apply(request);
        return new LinuxTestSupport.Result((Integer) status, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    /** The OS/2 child of a running stand-in, once it is there. */
    private PicoProcess os2Child() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < end) {
            for (PicoProcess p : kernel.processes()) {
                Optional<PicoProcess> parent = kernel.process(p.parentPid());
                if (p.personality().equals("os2") && p.exitStatus().isEmpty() && parent.isPresent()
                        && parent.get().personality().equals("linux") && p.command().contains("./os2cat.exe")) {
                    return p;
                }
            }
            Thread.sleep(10); // a process appearing wakes no waiter: look again shortly
        }
        throw new AssertionError("no OS/2 child among " + kernel.processes());
    }

    /** What pico:ps prints. */
    private String ps() throws Exception {
        return picoCommand("ps");
    }

    /** What a pico: command without arguments prints (the command component called as Gogo calls it). */
    static String picoCommand(String name) throws Exception {
        BundleContext context = FrameworkUtil.getBundle(CrossPersonalityTest.class).getBundleContext();
        for (ServiceReference<?> ref : context.getServiceReferences((String) null, "(osgi.command.scope=pico)")) {
            Object commands = context.getService(ref);
            try {
                for (Method m : commands.getClass().getMethods()) {
                    if (m.getName().equals(name) && m.getParameterCount() == 0) {
                        return String.valueOf(m.invoke(commands));
                    }
                }
            } finally {
                context.ungetService(ref);
            }
        }
        throw new AssertionError("no pico:" + name + " command");
    }

    @Test
    void signalsEndTheLinuxStandInAndItsOs2ChildTogetherAndPsShowsTheTree() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        os2Programs(dir);
        // SIGINT and SIGKILL to the Linux stand-in end its OS/2 child; the child killed ends the stand-in
        for (String signal : new String[] {"INT", "KILL", "KILL the child"}) {
            PipedOutputStream feed = new PipedOutputStream();
            BlockingQueue<String> signals = new LinkedBlockingQueue<>();
            CompletableFuture<LinuxTestSupport.Result> run = standIn(feed, signals);
            PicoProcess child = os2Child();
            PicoProcess parent = standInOf(child);
            try {
                String ps = ps();
                List<String> rows = ps.lines().toList();
                int childRow = -1;
                int parentRow = -1;
                for (int i = 0; i < rows.size(); i++) {
                    List<String> cells = List.of(rows.get(i).trim().split("\\s+"));
                    if (cells.size() > 3 && cells.get(0).equals(String.valueOf(child.pid()))
                            && cells.get(1).equals(String.valueOf(parent.pid())) && cells.get(2).equals("os2")
                            && rows.get(i).endsWith("\\_ ./os2cat.exe")) {
                        childRow = i;
                    }
                    if (cells.size() > 3 && cells.get(0).equals(String.valueOf(parent.pid()))
                            && cells.get(2).equals("linux") && rows.get(i).endsWith(" ./os2cat.exe")) {
                        parentRow = i;
                    }
                }
                assertTrue(parentRow >= 0 && childRow == parentRow + 1,
                        "the OS/2 child right under its Linux parent:\n" + ps);
                feed.write("ping\n".getBytes(StandardCharsets.UTF_8));
                feed.flush();
                if (signal.endsWith("child")) {
                    kernel.signal(child.pid(), "KILL");
                } else {
                    signals.add(signal);
                }
                LinuxTestSupport.Result r = run.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertEquals(signal.equals("INT") ? 130 : 137, r.status(), () -> signal + ": " + r);
                assertTrue(child.waitFor().signalled(), () -> "the OS/2 child was killed: " + child.exitStatus());
            } finally {
                feed.close();
                if (parent.exitStatus().isEmpty()) {
                    kernel.signal(parent.pid(), "KILL");
                }
            }
        }
    }

    /** The Linux stand-in of a child, once its exec has completed (it shows the program's command line). */
    private PicoProcess standInOf(PicoProcess child) throws Exception {
        PicoProcess parent = kernel.process(child.parentPid()).orElseThrow();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!parent.command().equals(child.command()) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(List.of("./os2cat.exe"), parent.command(), "the stand-in shows the program it runs");
        return parent;
    }

    @Test
    void anOs2ProgramStartsALinuxProgramWithDosExecPgm() throws Exception {
        Path linux = LinuxTestSupport.cc("/usr/bin/musl-gcc", "foreign_child.c", "foreign_child");
        Files.copy(linux, dir.resolve("hello.exe"));
        dir.resolve("hello.exe").toFile().setExecutable(true);
        Files.write(dir.resolve("exec.exe"), Os2Images.execHello());
        Run r = direct(kernel, dir, Map.of("PATH", "C:\\bin;C:\\usr\\bin;D:\\tools"), dir.resolve("exec.exe").toString());
        assertEquals(ExitStatus.exited(107), r.status(), "100 + the Linux child's exit code 7: " + r.text());
        assertEquals("linux child: argc=1 argv0=hello cwd=" + dir.toRealPath() + " PATH=/bin:/usr/bin\n", r.text());
    }

    @Test
    void aStandInSurvivesARestartOfTheLinuxProvider() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        os2Programs(dir);
        PipedOutputStream feed = new PipedOutputStream();
        CompletableFuture<LinuxTestSupport.Result> run = standIn(feed, new LinkedBlockingQueue<>());
        PicoProcess child = os2Child();
        PicoProcess standIn = standInOf(child);
        try {
            org.osgi.framework.Bundle provider = java.util.Arrays.stream(FrameworkUtil.getBundle(getClass())
                    .getBundleContext().getBundles()).filter(b -> "io.pico.provider.linux".equals(b.getSymbolicName()))
                    .findFirst().orElseThrow();
            provider.stop();
            try {
                assertTrue(standIn.exitStatus().isEmpty() && standIn.provider().isEmpty(),
                        "the stand-in waits, parked, for a provider");
            } finally {
                provider.start();
            }
            feed.write("after the restart\n".getBytes(StandardCharsets.UTF_8));
            feed.close();
            LinuxTestSupport.Result r = run.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals(new LinuxTestSupport.Result(0, "after the restart\n", ""), r);
            assertEquals(ExitStatus.exited(0), child.waitFor());
        } finally {
            feed.close();
            if (standIn.exitStatus().isEmpty()) {
                kernel.signal(standIn.pid(), "KILL");
            }
        }
    }
}
