package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.api.PicoProcess;
import io.pico.api.ProcessState;
import io.pico.api.Provider;
import io.pico.runtime.test.ReliabilityKit.Guest;
import io.pico.runtime.test.ReliabilityKit.Run;
import io.pico.runtime.test.ReliabilityKit.Started;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 10, point 5: provider faults. A personality of the test's own ("faulty", {@link ReliabilityFaultyProvider})
 * throws in start, in a system call (an exception, an Error), in its exception handler and in signal delivery,
 * blocks inside a call (interruptibly and not), ignores KILL, and is unregistered while a call is inside it,
 * with and without the ability to hand its processes over. Each time only its own processes end or wait: a
 * busybox shell and other faulty processes run on, KILL always ends a process, and the kernel's tables (threads,
 * engines, guest memory), the JVM's threads and the host's descriptors return to their baseline, also after
 * 1,000 short processes of every kind.
 */
class ReliabilityProviderFaultsTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private final BundleContext ctx = FrameworkUtil.getBundle(getClass()).getBundleContext();
    private final List<ServiceRegistration<Provider>> registrations = new ArrayList<>();
    private final List<Integer> pids = java.util.Collections.synchronizedList(new ArrayList<>());
    private KernelStatistics baseline;
    private ReliabilityFaultyProvider faulty;

    private final List<ReliabilityFaultyProvider> providers = new ArrayList<>();

    private ServiceRegistration<Provider> register(ReliabilityFaultyProvider p) {
        providers.add(p);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Provider.PERSONALITY, ReliabilityFaultyProvider.PERSONALITY);
        ServiceRegistration<Provider> r = ctx.registerService(Provider.class, p, props);
        registrations.add(r);
        return r;
    }

    private static void unregister(ServiceRegistration<Provider> r) {
        try {
            r.unregister();
        } catch (IllegalStateException already) {
            // unregistered by the test
        }
    }

    @BeforeEach
    void setUp() throws InterruptedException {
        baseline = ReliabilityKit.awaitBaseline(kernel, kernel.statistics());
        faulty = new ReliabilityFaultyProvider(0);
        register(faulty);
    }

    @AfterEach
    void tearDown() throws Exception {
        providers.forEach(p -> p.release.countDown());
        ReliabilityKit.killAll(kernel, pids);
        registrations.forEach(ReliabilityProviderFaultsTest::unregister);
        ReliabilityKit.assertBackToBaseline(kernel, baseline, "the provider faults");
    }

    private final java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();

    private Started spawn(char mode, byte[] code) throws Exception {
        String name = "f" + counter.getAndIncrement();
        Files.write(dir.resolve(name), ReliabilityFaultyProvider.image(mode, code));
        Started s = ReliabilityKit.start(kernel, new Guest(List.of("/" + name), dir, "/", Map.of(), new byte[0]));
        pids.add(s.process().pid());
        return s;
    }

    private Started sentinel() throws Exception {
        Started s = ReliabilityKit.startWithPipe(kernel, Guest.of(Path.of("/"), ReliabilityKit.BUSYBOX, "sh", "-c",
                "read line; echo still $line"));
        pids.add(s.process().pid());
        return s;
    }

    private void assertSentinelAnswers(Started sentinel) throws Exception {
        assertTrue(sentinel.process().exitStatus().isEmpty(), "the bystander was taken down");
        sentinel.send("here\n");
        Run r = ReliabilityKit.finish(kernel, sentinel, 5_000);
        assertEquals("still here\n", r.out(), r::toString);
    }

    private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ReliabilityKit.CASE_LIMIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private ExitStatus await(PicoProcess p) throws InterruptedException {
        assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(),
                TimeUnit.SECONDS.toNanos(ReliabilityKit.CASE_LIMIT_SECONDS)), () -> "pid " + p.pid() + " did not end");
        return p.exitStatus().orElseThrow();
    }

    @Test
    void aProviderThatThrowsInStartLeavesNoProcessBehind() throws Exception {
        int before = kernel.processes().size();
        for (char mode : new char[] {'T', 'E'}) {
            ImageException e = assertThrows(ImageException.class, () -> spawn(mode, ReliabilityFaultyProvider.exit(0)));
            assertTrue(e.getMessage().contains("provider faulty failed"), e::getMessage);
            assertFalse(e.getMessage().contains("\n"), e::getMessage);
        }
        assertEquals(before, kernel.processes().size(), () -> "left in the table: " + kernel.processes());
    }

    @Test
    void aProviderThatThrowsEndsOnlyTheProcessItServes() throws Exception {
        Started sentinel = sentinel();
        Started blocked = spawn('R', ReliabilityFaultyProvider.callThenExit(102, 3));
        Started looping = spawn('R', ReliabilityFaultyProvider.JMP_SELF);
        waitUntil("a call blocks in the provider", () -> faulty.blocked.get() == 1);

        Started throwing = spawn('R', ReliabilityFaultyProvider.callThenExit(100, 0));
        ExitStatus st = await(throwing.process());
        assertTrue(st.signalled() && st.reason().contains("provider faulty failed"), st::toString);

        Started error = spawn('R', ReliabilityFaultyProvider.callThenExit(101, 0));
        ExitStatus se = await(error.process());
        assertTrue(se.signalled() && se.reason().contains("StackOverflowError"), se::toString);

        faulty.throwOnException = true;
        Started wild = spawn('R', ReliabilityFaultyProvider.WILD);
        ExitStatus sw = await(wild.process());
        assertTrue(sw.signalled() && sw.reason().contains("provider faulty failed"), sw::toString);

        // the provider's other processes and another personality's carry on
        assertTrue(blocked.process().exitStatus().isEmpty() && looping.process().exitStatus().isEmpty());
        faulty.release.countDown();
        assertEquals(ExitStatus.exited(3), await(blocked.process()));
        kernel.signal(looping.process().pid(), "KILL");
        assertEquals(9, await(looping.process()).signal());
        assertSentinelAnswers(sentinel);
    }

    @Test
    void aCallBlockedInsideTheProviderHoldsOnlyItsOwnThread() throws Exception {
        Started stuck = spawn('R', ReliabilityFaultyProvider.callThenExit(103, 0));
        waitUntil("a call blocks in the provider", () -> faulty.blocked.get() == 1);
        // KILL ends the process at once, although its thread is stuck in the provider ignoring interrupts
        kernel.signal(stuck.process().pid(), "KILL");
        assertEquals(9, await(stuck.process()).signal());
        assertEquals(1, faulty.blocked.get(), "still inside the provider");
        // everything else works meanwhile
        Run echo = ReliabilityKit.run(kernel, Path.of("/"), ReliabilityKit.BUSYBOX, "echo", "unaffected");
        assertEquals("unaffected\n", echo.out());
        Started other = spawn('R', ReliabilityFaultyProvider.exit(4));
        assertEquals(ExitStatus.exited(4), await(other.process()));
        // once the provider lets go, the thread ends and nothing is left
        faulty.release.countDown();
        waitUntil("the stuck thread leaves", () -> faulty.blocked.get() == 0);
        ReliabilityKit.killAll(kernel, pids);
        ReliabilityKit.assertBackToBaseline(kernel, baseline, "the stuck call");
    }

    @Test
    void killEndsAProcessWhateverItsProviderDoesWithIt() throws Exception {
        faulty.signals = ReliabilityFaultyProvider.Signals.THROW;
        Started a = spawn('R', ReliabilityFaultyProvider.JMP_SELF);
        // another signal's failure reaches the caller, and the process runs on
        assertThrows(IllegalStateException.class, () -> kernel.signal(a.process().pid(), "TERM"));
        Thread.sleep(100);
        assertTrue(a.process().exitStatus().isEmpty());
        kernel.signal(a.process().pid(), "KILL");
        assertEquals(9, await(a.process()).signal());

        faulty.signals = ReliabilityFaultyProvider.Signals.IGNORE;
        Started b = spawn('R', ReliabilityFaultyProvider.JMP_SELF);
        long t0 = System.nanoTime();
        kernel.signal(b.process().pid(), "KILL");
        ExitStatus sb = await(b.process());
        assertEquals(9, sb.signal(), sb::toString);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "KILL took "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }

    @Test
    void aProviderStoppedMidCallEndsOnlyItsOwnProcesses() throws Exception {
        Started sentinel = sentinel();
        Started blocked = spawn('R', ReliabilityFaultyProvider.callThenExit(102, 3));
        Started looping = spawn('R', ReliabilityFaultyProvider.JMP_SELF);
        waitUntil("a call blocks in the provider", () -> faulty.blocked.get() == 1);
        unregister(registrations.get(0));
        // this provider cannot hand its processes over: they end, nothing else does
        ExitStatus s1 = await(blocked.process());
        ExitStatus s2 = await(looping.process());
        assertTrue(s1.signalled() && s1.reason().contains("without handing the process over"), s1::toString);
        assertTrue(s2.signalled(), s2::toString);
        assertSentinelAnswers(sentinel);
    }

    @Test
    void aProviderStoppedMidCallSuspendsItsProcessesUntilASuccessorTakesThem() throws Exception {
        ServiceRegistration<Provider> first = registrations.get(0);
        unregister(first);
        ReliabilityFaultyProvider a = new ReliabilityFaultyProvider(1);
        ServiceRegistration<Provider> ra = register(a);
        faulty = a;
        Files.write(dir.resolve("b"), ReliabilityFaultyProvider.image('R', ReliabilityFaultyProvider.callThenExit(102,
                7)));
        Started blocked = ReliabilityKit.start(kernel, new Guest(List.of("/b"), dir, "/", Map.of(), new byte[0]));
        pids.add(blocked.process().pid());
        Files.write(dir.resolve("loop"), ReliabilityFaultyProvider.image('R', ReliabilityFaultyProvider.JMP_SELF));
        Started looping = ReliabilityKit.start(kernel, new Guest(List.of("/loop"), dir, "/", Map.of(), new byte[0]));
        pids.add(looping.process().pid());
        waitUntil("a call blocks in the provider", () -> a.blocked.get() == 1);
        unregister(ra);
        waitUntil("the process waits without a provider", () -> blocked.process().state() == ProcessState.SUSPENDED);
        assertTrue(blocked.process().exitStatus().isEmpty());
        // KILL ends a process that has no provider now
        kernel.signal(looping.process().pid(), "KILL");
        assertEquals(9, await(looping.process()).signal());
        // a successor takes it over; the interrupted call runs again there and returns at once
        ReliabilityFaultyProvider b = new ReliabilityFaultyProvider(1);
        b.release.countDown();
        register(b);
        assertEquals(ExitStatus.exited(7), await(blocked.process()));
        assertEquals(List.of(blocked.process().pid()), b.exitCalls, "the successor handled the exit");
    }

    private static int hostDescriptors() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    private static long picoThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pico-")
                && !t.getName().startsWith("pico-kernel") && !t.getName().startsWith("pico-stdin")).count();
    }

    /** The tables after 1,000 short processes of every kind: ends, faults, provider throws, kills, busybox. */
    @Test
    void aThousandShortProcessesLeaveNothingBehind() throws Exception {
        Path exit0 = ReliabilityKit.asm("exit0", """
                global _start
                section .text
                _start:
                    mov eax, 60
                    xor edi, edi
                    syscall
                """);
        int fdsBefore = hostDescriptors();
        long threadsBefore = picoThreads();
        int jvmThreadsBefore = Thread.activeCount();
        KernelStatistics before = kernel.statistics();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        faulty.release = new CountDownLatch(0);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int kind = i % 10;
            outcomes.add(pool.submit(() -> {
                switch (kind) {
                    case 0, 1, 2 -> {
                        return String.valueOf(await(spawn('R', ReliabilityFaultyProvider.exit(kind)).process()));
                    }
                    case 3 -> {
                        return String.valueOf(await(spawn('R', ReliabilityFaultyProvider.callThenExit(100, 0))
                                .process()).signal());
                    }
                    case 4 -> {
                        return String.valueOf(await(spawn('R', ReliabilityFaultyProvider.WILD).process()).signal());
                    }
                    case 5 -> {
                        Started s = spawn('R', ReliabilityFaultyProvider.JMP_SELF);
                        kernel.signal(s.process().pid(), "KILL");
                        return String.valueOf(await(s.process()).signal());
                    }
                    case 6 -> {
                        try {
                            spawn('T', ReliabilityFaultyProvider.exit(0));
                            return "started";
                        } catch (ImageException e) {
                            return "refused";
                        }
                    }
                    case 7, 8 -> {
                        Run r = ReliabilityKit.run(kernel, Path.of("/"), exit0.toString());
                        return String.valueOf(r.shell());
                    }
                    default -> {
                        Run r = ReliabilityKit.run(kernel, Path.of("/"), ReliabilityKit.BUSYBOX, "true");
                        return String.valueOf(r.shell());
                    }
                }
            }));
        }
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Future<String> f : outcomes) {
            counts.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
        }
        pool.shutdown();
        synchronized (pids) {
            for (int pid : pids) {
                kernel.reap(pid);
            }
            pids.clear();
        }
        System.out.println("ReliabilityProviderFaultsTest: 1000 short processes: " + counts);
        assertEquals(100, counts.get("refused"), counts::toString);
        ReliabilityKit.assertBackToBaseline(kernel, before, "1,000 short processes");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (picoThreads() > threadsBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(threadsBefore, picoThreads(), "guest host threads left");
        assertTrue(Thread.activeCount() <= jvmThreadsBefore + 8, "JVM threads " + jvmThreadsBefore + " -> "
                + Thread.activeCount());
        assertTrue(hostDescriptors() <= fdsBefore + 8, "host descriptors " + fdsBefore + " -> " + hostDescriptors());
    }
}
