package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.Image;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.ProcessState;
import io.pico.api.Provider;
import io.pico.api.SwapReport;
import io.pico.runtime.test.HotSwapKit.Counter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Hot-swap of the real Linux provider bundle under real busybox shells: three {@code sh -c} loops write a
 * counter every few milliseconds through a pipe into {@code busybox cat > FILE} while the provider is updated,
 * swapped with {@code pico:swap} and {@link Kernel#swap} to builds with other bundle versions, stopped and
 * started, and refused by a provider that will not take the state; each file must hold every number once and
 * in order.
 */
class LinuxHotSwapTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
    private HotSwapKit kit;

    @BeforeEach
    void kit() {
        kit = new HotSwapKit(kernel, context, dir);
    }

    private List<Counter> counters(int n) throws Exception {
        List<Counter> counters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            counters.add(kit.counter("count" + i));
        }
        kit.awaitProgress(counters, 5, "start");
        return counters;
    }

    private void assertProvider(List<Counter> counters, String version) {
        kit.assertProvider(counters.stream().map(Counter::shell).toList(), version);
    }

    @Test
    void countersSurviveFiveSwapsIncludingUpdatesAndBuildsWithOtherVersions() throws Exception {
        List<Counter> counters = counters(3);
        List<SwapReport> reports = kit.fiveSwaps(counters, List.of());
        for (SwapReport r : reports) {
            assertTrue(r.processes() >= 6, () -> "3 shells and 3 cats at least: " + r);
        }
        kit.finish(counters);
    }

    @Test
    void stoppingTheProviderSuspendsItsProcessesStartingItResumesThemAndKillStillEndsThem() throws Exception {
        List<Counter> counters = counters(3);
        Counter victim = kit.counter("victim");
        Bundle linux = kit.bundle(HotSwapKit.LINUX);
        linux.stop();
        try {
            List<PicoProcess> all = new ArrayList<>();
            counters.forEach(c -> all.add(c.shell()));
            all.add(victim.shell());
            HotSwapKit.await(() -> all.stream().allMatch(p -> p.state() == ProcessState.SUSPENDED), 10,
                    () -> "suspended: " + all.stream().map(p -> p.pid() + "=" + p.state()).toList());
            String ps = kit.gogo("pico:ps");
            for (PicoProcess p : all) {
                assertTrue(ps.lines().anyMatch(l -> l.trim().startsWith(p.pid() + " ") && l.contains("SUSPENDED")),
                        () -> "pico:ps shows pid " + p.pid() + " suspended:\n" + ps);
            }
            int[] before = new int[counters.size()];
            for (int i = 0; i < before.length; i++) {
                before[i] = counters.get(i).lines();
            }
            Thread.sleep(200);
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i], counters.get(i).lines(), "a suspended counter writes nothing");
            }
            // pico:kill still ends a suspended process
            kit.gogo("pico:kill " + victim.shell().pid() + " KILL");
            assertTrue(kernel.awaitProcesses(() -> victim.shell().exitStatus().isPresent(),
                    TimeUnit.SECONDS.toNanos(10)), "KILL ends a suspended process");
            assertEquals(9, victim.shell().exitStatus().orElseThrow().signal());
            kernel.reap(victim.shell().pid());
        } finally {
            linux.start();
        }
        kit.awaitProvider("linux", null);
        kit.awaitProgress(counters, 5, "after the provider came back");
        kit.finish(counters);
    }

    /** A Linux provider that takes over no state: it throws, or refuses the snapshot's version. */
    static final class Refusing implements Provider {
        private final boolean byVersion;

        Refusing(boolean byVersion) {
            this.byVersion = byVersion;
        }

        @Override
        public List<String> formats() {
            return List.of();
        }

        @Override
        public boolean claims(Image image) {
            return false;
        }

        @Override
        public void start(PicoProcess process, Image image, Launch launch) {
            throw new UnsupportedOperationException("a test provider");
        }

        @Override
        public void systemCall(PicoThread thread) {
            throw new UnsupportedOperationException("a test provider");
        }

        @Override
        public void exception(PicoThread thread, CpuException exception) {
            throw new UnsupportedOperationException("a test provider");
        }

        @Override
        public void signal(PicoProcess process, String signal) {
        }

        @Override
        public List<CallInfo> calls() {
            return List.of();
        }

        @Override
        public int stateVersion() {
            return 99;
        }

        @Override
        public void importState(PicoProcess process, int version, Map<String, Object> state) {
            if (byVersion && version != 99) {
                throw new IllegalArgumentException("snapshot version " + version + " is not supported (reads 99)");
            }
            throw new IllegalStateException("the importer broke down");
        }
    }

    @Test
    void aRefusedStateRollsBackWithAClearMessageAndTheProcessesKeepRunning() throws Exception {
        List<Counter> counters = counters(3);
        String version = kit.bundle(HotSwapKit.LINUX).getVersion().toString();
        for (boolean byVersion : new boolean[] {true, false}) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Provider.PERSONALITY, "linux");
            props.put(Constants.SERVICE_RANKING, 100);
            ServiceRegistration<Provider> refusing = context.registerService(Provider.class, new Refusing(byVersion),
                    props);
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernel.swap("linux", 5000));
                String expected = byVersion ? "snapshot version 1 is not supported" : "the importer broke down";
                assertTrue(e.getMessage().startsWith("rolled back: ") && e.getMessage().contains(expected)
                        && e.getMessage().contains("refused the state"), e.getMessage());
                // the same through the shell command, which says why
                Exception shell = assertThrows(Exception.class, () -> kit.gogo("pico:swap linux"));
                assertTrue(String.valueOf(shell.getMessage()).contains("rolled back"), String.valueOf(shell));
            } finally {
                refusing.unregister();
            }
            assertProvider(counters, version);
            kit.awaitProgress(counters, 5, "after the refusal");
        }
        kit.finish(counters);
    }

    /**
     * A vfork child between vfork and its execve holds its parent inside the vfork call: parking the child at
     * its execve would leave the parent in its call for ever (the swap would time out and roll back). Five
     * swaps while a program does nothing but vfork + execve + wait must each go through.
     */
    @Test
    void vforkChildrenBetweenVforkAndExecveDoNotHoldASwap() throws Exception {
        Path src = dir.resolve("vforker.c");
        Path exe = dir.resolve("vforker");
        java.nio.file.Files.writeString(src, """
                #include <stdio.h>
                #include <unistd.h>
                #include <sys/wait.h>
                int main(int argc, char **argv) {
                    int n = 0;
                    while (access(argv[1], F_OK) != 0) {
                        pid_t p = vfork();
                        if (p == 0) {
                            execl("/bin/busybox", "busybox", "true", (char *) 0);
                            _exit(127);
                        }
                        int st;
                        if (p < 0 || waitpid(p, &st, 0) != p || st != 0) {
                            fprintf(stderr, "child %d failed: %d\\n", n, p < 0 ? -1 : st);
                            return 3;
                        }
                        n++;
                    }
                    printf("%d children\\n", n);
                    return 0;
                }
                """);
        LinuxTestSupport.require("/usr/bin/musl-gcc");
        Process cc = new ProcessBuilder("/usr/bin/musl-gcc", "-static", "-O1", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), ccOut);
        Path stop = dir.resolve("stop");
        IoObject[] out = kernel.pipe();
        List<ServiceRegistration<Provider>> relays = new ArrayList<>();
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(exe.toString(), List.of(exe.toString(), stop.toString()), Map.of(), "/",
                    Path.of("/"), new IoObject[] {out[1], out[1], out[1]}, null, 0));
        } finally {
            out[1].release();
        }
        try {
            Thread.sleep(200);
            org.osgi.framework.ServiceReference<Provider> linux = context.getServiceReferences(Provider.class,
                    "(" + Provider.PERSONALITY + "=linux)").iterator().next();
            Provider inner = context.getService(linux);
            // each swap goes to a new relay of the Linux provider ranked above the last: Kernel.swap rolls back
            // (throws) when parking does not finish in time
            for (int i = 0; i < 5; i++) {
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(Provider.PERSONALITY, "linux");
                props.put(Constants.SERVICE_RANKING, 50 + i);
                relays.add(context.registerService(Provider.class, new NetProgramsTest.Relay(inner), props));
                SwapReport report = kernel.swap("linux", 5000);
                assertTrue(report.processes() >= 1, report::toString);
                assertTrue(p.exitStatus().isEmpty(), () -> "the vforker still runs: " + p.exitStatus());
                Thread.sleep(50);
            }
            java.nio.file.Files.writeString(stop, "");
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(30)));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(256);
            int n = out[0].read(buf);
            String text = new String(buf.array(), 0, Math.max(0, n), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(io.pico.api.ExitStatus.exited(0), p.exitStatus().orElseThrow(), text);
            assertTrue(text.matches("[1-9][0-9]* children\\n"), text);
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "KILL");
            }
            p.waitFor();
            kernel.reap(p.pid());
            out[0].release();
            relays.forEach(ServiceRegistration::unregister);
        }
    }

    /**
     * A child that has ended but that its parent has not waited for yet is handed over with the others: after
     * an update of the provider bundle (new classes) the parent's waitpid still finds it with its status.
     */
    @Test
    void anEndedChildNotYetWaitedForIsHandedOverToo() throws Exception {
        Path src = dir.resolve("zombie.c");
        Path exe = dir.resolve("zombie");
        java.nio.file.Files.writeString(src, """
                #include <stdio.h>
                #include <unistd.h>
                #include <sys/wait.h>
                int main(int argc, char **argv) {
                    pid_t p = fork();
                    if (p == 0) {
                        _exit(7);
                    }
                    while (access(argv[1], F_OK) != 0) {
                        usleep(2000);
                    }
                    int st = 0;
                    pid_t r = waitpid(p, &st, 0);
                    printf("%d %d\\n", r == p, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
                    return 0;
                }
                """);
        LinuxTestSupport.require("/usr/bin/musl-gcc");
        Process cc = new ProcessBuilder("/usr/bin/musl-gcc", "-static", "-O1", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), ccOut);
        Path stop = dir.resolve("stop");
        IoObject[] out = kernel.pipe();
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(exe.toString(), List.of(exe.toString(), stop.toString()), Map.of(), "/",
                    Path.of("/"), new IoObject[] {out[1], out[1], out[1]}, null, 0));
        } finally {
            out[1].release();
        }
        try {
            HotSwapKit.await(() -> kernel.processes().stream().anyMatch(c -> c.parentPid() == p.pid()
                    && c.exitStatus().isPresent()), 20, () -> "the child ended");
            Bundle linux = kit.bundle(HotSwapKit.LINUX);
            long service = HotSwapKit.providerService(linux);
            linux.update();
            kit.awaitNewProviderService(linux, service);
            java.nio.file.Files.writeString(stop, "");
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(30)));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(64);
            int n = out[0].read(buf);
            assertEquals("1 7\n", new String(buf.array(), 0, Math.max(0, n), java.nio.charset.StandardCharsets.UTF_8),
                    "waitpid found the child and its status");
            assertEquals(io.pico.api.ExitStatus.exited(0), p.exitStatus().orElseThrow());
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "KILL");
            }
            p.waitFor();
            kernel.reap(p.pid());
            out[0].release();
        }
    }
}
