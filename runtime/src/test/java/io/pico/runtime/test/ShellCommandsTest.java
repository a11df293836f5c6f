package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;

/**
 * The shell commands of issue 11 that watch running processes, run as a person runs them: in a Gogo session
 * whose output is the session's own stream (as in a remote or web shell), not the JVM's standard output.
 * {@code pico:strace PID} attaches a trace to a running busybox shell, shows its calls in the session and
 * detaches when the process ends or the command is interrupted; {@code pico:top} lists the busy process first;
 * {@code pico:ps} names each process's provider bundle and version; the completion helpers list pids and
 * personalities.
 */
class ShellCommandsTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** A command line's output in a session of its own; the value is formatted as the Gogo shell prints it. */
    private final class Session implements AutoCloseable {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
        final CommandSession session;

        Session() {
            assertTrue(ref != null, "no Gogo command processor");
            session = context.getService(ref).createSession(InputStream.nullInputStream(), out, out);
        }

        Future<String> execute(String line) {
            return executor.submit(() -> {
                Object value = session.execute(line);
                if (value != null) {
                    out.println(session.format(value, Converter.INSPECT));
                }
                return text();
            });
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            session.close();
            context.ungetService(ref);
        }
    }

    private PicoProcess busybox(IoObject stdin, IoObject out, String... args) throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        List<String> argv = new java.util.ArrayList<>(List.of(LinuxTestSupport.BUSYBOX));
        argv.addAll(List.of(args));
        return kernel.spawn(new Launch(LinuxTestSupport.BUSYBOX, argv, Map.of(), "/", Path.of("/"),
                new IoObject[] {stdin, out, out}, null, 0));
    }

    private void end(PicoProcess p) throws InterruptedException {
        if (p.exitStatus().isEmpty()) {
            kernel.signal(p.pid(), "KILL");
        }
        p.waitFor();
        kernel.reap(p.pid());
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "waited in vain: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void straceAttachesToARunningProcessShowsItsCallsInTheSessionAndDetaches() throws Exception {
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess sh;
        try {
            sh = busybox(in[0], out[1], "sh", "-c", "read x; echo got $x");
        } finally {
            in[0].release();
            out[1].release();
        }
        try (Session s = new Session()) {
            Future<String> strace = s.execute("pico:strace " + sh.pid());
            await(() -> sh.trace().isPresent(), "pico:strace attaches a trace");
            in[1].write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
            String text = strace.get(60, TimeUnit.SECONDS);
            assertTrue(text.contains(sh.pid() + " ended: exit 0"), text);
            // the calls after the attach, in the session's output: the rest of the read, the echo, the exit
            assertTrue(text.lines().anyMatch(l -> l.matches(sh.pid() + " write\\(1,0x[0-9a-f]+,10\\) = 10")), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith(sh.pid() + " exit_group(0)")), text);
            assertTrue(sh.trace().isEmpty(), "detached when the process ended");
        } finally {
            end(sh);
            in[1].release();
            out[0].release();
        }
    }

    /**
     * The same for an OS/2 program (os2cat.exe: DosRead and DosWrite until end of input), whose provider must look
     * the trace up at each call rather than keep the one it had at the start.
     */
    @Test
    void straceAttachesToARunningOs2Program() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("strace-os2");
        Path cat = dir.resolve("os2cat.exe");
        java.nio.file.Files.write(cat, Os2Images.cat());
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(cat.toString(), List.of(cat.toString()), Map.of(), dir.toString(), Path.of("/"),
                    new IoObject[] {in[0], out[1], out[1]}, null, 0));
        } finally {
            in[0].release();
            out[1].release();
        }
        try (Session s = new Session()) {
            Future<String> strace = s.execute("pico:strace " + p.pid());
            await(() -> p.trace().isPresent(), "pico:strace attaches a trace");
            in[1].write(ByteBuffer.wrap("os2 line\n".getBytes(StandardCharsets.UTF_8)));
            await(() -> s.text().contains("DosWrite("), "the traced DosWrite in the session: " + s.text());
            in[1].release();
            in[1] = null;
            String text = strace.get(60, TimeUnit.SECONDS);
            assertTrue(text.lines().anyMatch(l -> l.matches(p.pid() + " DOSCALLS\\.282 DosWrite\\(1, .*\"os2 line.*"
                    + " = 0 NO_ERROR")), text);
            assertTrue(text.lines().anyMatch(l -> l.matches(p.pid() + " DOSCALLS\\.234 DosExit\\(.*")), text);
            assertTrue(text.contains(p.pid() + " ended: exit 0"), text);
        } finally {
            end(p);
            if (in[1] != null) {
                in[1].release();
            }
            out[0].release();
            java.nio.file.Files.deleteIfExists(cat);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    @Test
    void anInterruptedStraceDetachesAndTheProcessRunsOnUntraced() throws Exception {
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess cat;
        try {
            cat = busybox(in[0], out[1], "sh", "-c", "while read x; do echo $x; done");
        } finally {
            in[0].release();
            out[1].release();
        }
        try (Session s = new Session()) {
            Future<String> strace = s.execute("pico:strace " + cat.pid());
            await(() -> cat.trace().isPresent(), "pico:strace attaches a trace");
            in[1].write(ByteBuffer.wrap("one\n".getBytes(StandardCharsets.UTF_8)));
            await(() -> s.text().contains(" write(1,"), "the traced write of 'one' in the session: " + s.text());
            // what Ctrl-C does in the Gogo shell: interrupt the foreground job
            org.apache.felix.service.command.Job job = s.session.foregroundJob();
            assertTrue(job != null, "pico:strace is the session's foreground job");
            job.interrupt();
            try {
                strace.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // Gogo ends an interrupted job's command line with InterruptedException, as the shell shows it
                assertTrue(e.getCause() instanceof InterruptedException, e::toString);
            }
            await(() -> cat.trace().isEmpty(), "pico:strace detaches when interrupted");
            String before = s.text();
            in[1].write(ByteBuffer.wrap("two\n".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(64);
            StringBuilder echoed = new StringBuilder();
            await(() -> {
                try {
                    if (out[0].available() > 0) {
                        buf.clear();
                        int n = out[0].read(buf);
                        echoed.append(new String(buf.array(), 0, Math.max(n, 0), StandardCharsets.UTF_8));
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return echoed.toString().equals("one\ntwo\n");
            }, "cat runs on: " + echoed);
            assertEquals(before, s.text(), "nothing more is traced after the detach");
            assertTrue(cat.exitStatus().isEmpty(), "the process was not ended by the detach");
        } finally {
            end(cat);
            in[1].release();
            out[0].release();
        }
    }

    /** A child forked while the trace is attached is traced too, and detached with its parent. */
    @Test
    void childrenForkedDuringTheTraceAreTracedAndDetachedWithTheirParent() throws Exception {
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess sh;
        try {
            sh = busybox(in[0], out[1], "sh", "-c", "read x; " + LinuxTestSupport.BUSYBOX + " sleep 60 & wait");
        } finally {
            in[0].release();
            out[1].release();
        }
        PicoProcess[] child = new PicoProcess[1];
        try (Session s = new Session()) {
            Future<String> strace = s.execute("pico:strace " + sh.pid());
            await(() -> sh.trace().isPresent(), "pico:strace attaches a trace");
            in[1].write(ByteBuffer.wrap("go\n".getBytes(StandardCharsets.UTF_8)));
            HotSwapKit.await(() -> {
                child[0] = kernel.processes().stream().filter(c -> c.parentPid() == sh.pid()).findFirst().orElse(null);
                return child[0] != null && s.text().contains(child[0].pid() + " execve(\"/bin/busybox\"");
            }, 20, () -> "the child's calls in the session: " + kernel.processes() + "\n" + s.text());
            s.session.foregroundJob().interrupt();
            try {
                strace.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof InterruptedException, e::toString);
            }
            await(() -> sh.trace().isEmpty() && child[0].trace().isEmpty(), "parent and child detached");
        } finally {
            if (child[0] != null) {
                end(child[0]);
            }
            end(sh);
            in[1].release();
            out[0].release();
        }
    }

    @Test
    void syscallsPrintsTheOneCallTableOfEachUnixPersonality() throws Exception {
        // Linux and FreeBSD rows come from the same table type (posix-core's SyscallTable): same columns, levels
        // and footer; each with its own numbers and names
        try (Session s = new Session()) {
            String linux = s.execute("pico:syscalls linux").get(60, TimeUnit.SECONDS);
            assertTrue(linux.lines().anyMatch(l -> l.matches("syscall +257 +openat +partial +\\S.*")), linux);
            assertTrue(linux.lines().anyMatch(l -> l.matches("syscall +231 +exit_group +full *")), linux);
            assertTrue(linux.lines().anyMatch(l -> l.matches("syscall +96 +gettimeofday +full *")), linux);
            assertTrue(linux.lines().anyMatch(l -> l.matches("linux: \\d+ full, \\d+ partial, \\d+ missing")), linux);
        }
        try (Session s = new Session()) {
            String posix = s.execute("pico:syscalls posix").get(60, TimeUnit.SECONDS);
            assertTrue(posix.lines().anyMatch(l -> l.matches("syscall +499 +openat +partial +\\S.*")), posix);
            assertTrue(posix.lines().anyMatch(l -> l.matches("syscall +116 +gettimeofday +full *")), posix);
            assertTrue(posix.lines().anyMatch(l -> l.matches("posix: \\d+ full, \\d+ partial, \\d+ missing")), posix);
        }
        try (Session s = new Session()) {
            String missing = s.execute("pico:syscalls -l missing linux").get(60, TimeUnit.SECONDS);
            assertTrue(missing.lines().anyMatch(l -> l.matches("syscall +134 +uselib +missing *")), missing);
            assertTrue(missing.lines().noneMatch(l -> l.contains(" openat ")), missing);
        }
    }

    @Test
    void topListsTheBusyProcessFirstAndPsAndCompletionNameProcessesAndProviders() throws Exception {
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess busy;
        PicoProcess idle;
        try {
            // the idle one first: in the process table's order it comes before the busy one, which top must sort up
            idle = busybox(in[0], out[1], "sleep", "60");
            busy = busybox(in[0], out[1], "sh", "-c", "while :; do :; done");
        } finally {
            in[0].release();
            out[1].release();
        }
        try (Session s = new Session()) {
            await(() -> busy.cpuNanos() > 0 && idle.state().name().equals("RUNNING"), "both run");
            String top = s.execute("pico:top -n 1 -i 500").get(60, TimeUnit.SECONDS);
            List<String> lines = top.lines().toList();
            assertTrue(lines.get(0).matches("PID +PERSONALITY +STATE +THREADS +%CPU +CPU\\(s\\) +MEM\\(KB\\) +COMMAND"),
                    top);
            int busyRow = -1;
            int idleRow = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(busy.pid() + " ")) {
                    busyRow = i;
                } else if (lines.get(i).startsWith(idle.pid() + " ")) {
                    idleRow = i;
                }
            }
            assertTrue(busyRow > 0 && idleRow > busyRow, "the busy shell above the sleeping one:\n" + top);
        }
        try (Session s = new Session()) {
            String ps = s.execute("pico:ps").get(60, TimeUnit.SECONDS);
            String linux = java.util.Arrays.stream(context.getBundles())
                    .filter(b -> "io.pico.provider.linux".equals(b.getSymbolicName())).findFirst().orElseThrow()
                    .getVersion().toString();
            assertTrue(ps.lines().anyMatch(l -> l.startsWith(busy.pid() + " ")
                    && l.contains("io.pico.provider.linux " + linux)), "pico:ps names provider and version:\n" + ps);
        }
        try (Session s = new Session()) {
            String pids = s.execute("pico:pids").get(60, TimeUnit.SECONDS);
            assertTrue(pids.contains(String.valueOf(busy.pid())) && pids.contains(String.valueOf(idle.pid())), pids);
        }
        try (Session s = new Session()) {
            String personalities = s.execute("pico:personalities").get(60, TimeUnit.SECONDS);
            assertTrue(personalities.contains("linux") && personalities.contains("os2"), personalities);
        } finally {
            end(busy);
            end(idle);
            in[1].release();
            out[0].release();
        }
    }
}
