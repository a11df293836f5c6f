package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.AddressSpace;
import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.CpuMode;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.ProcessState;
import io.pico.api.Provider;
import io.pico.api.Register;
import io.pico.api.SwapReport;
import io.pico.kernel.engine.UnicornEngineFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot-swap in the kernel: processes change providers without losing a system call. */
class HotSwapTest {

    static final long CODE = 0x10000;

    /** The state a counting provider keeps per process: the next number it expects. */
    static final class Counter {
        long next = 1;
    }

    /** Counts syscall 1 calls (rdi = 1, 2, 3 ...), checking each number arrives once, in order. */
    static final class CountingProvider implements Provider {
        final AtomicLong errors;
        final AtomicLong handled = new AtomicLong();
        volatile boolean stop;
        final boolean refuse;

        CountingProvider(AtomicLong errors, boolean refuse) {
            this.errors = errors;
            this.refuse = refuse;
        }

        @Override
        public List<String> formats() {
            return List.of("COUNT");
        }

        @Override
        public boolean claims(Image image) {
            return image.startsWith("COUNT".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
            // xor edi,edi; loop: inc rdi; mov eax,1; syscall; jmp loop
            byte[] code = {0x31, (byte) 0xff, 0x48, (byte) 0xff, (byte) 0xc7, (byte) 0xb8, 1, 0, 0, 0, 0x0f, 0x05,
                (byte) 0xeb, (byte) 0xf4};
            if (image.startsWith("COUNTSPIN".getBytes(StandardCharsets.US_ASCII))) {
                code = new byte[] {(byte) 0xeb, (byte) 0xfe}; // jmp $: never makes a call
            }
            process.memory().map(CODE, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.EXEC);
            process.memory().write(CODE, code, 0, code.length);
            process.providerState(new Counter());
            PicoThread t = process.createThread(CpuMode.X86_64);
            t.set(Register.RIP, CODE);
            t.start();
        }

        @Override
        public void systemCall(PicoThread thread) {
            Counter c = (Counter) thread.process().providerState();
            long n = thread.get(Register.RDI);
            if (n != c.next) {
                errors.incrementAndGet();
            }
            c.next = n + 1;
            handled.incrementAndGet();
            if (stop) {
                thread.process().exit(ExitStatus.exited(0));
            }
        }

        @Override
        public void exception(PicoThread thread, CpuException exception) {
            thread.process().exit(ExitStatus.signalled(11, exception.toString()));
        }

        @Override
        public void signal(PicoProcess process, String signal) {
            process.exit(ExitStatus.signalled(9, signal));
        }

        @Override
        public List<CallInfo> calls() {
            return List.of();
        }

        @Override
        public int stateVersion() {
            return 1;
        }

        @Override
        public Map<String, Object> exportState(PicoProcess process) {
            return Map.of("next", ((Counter) process.providerState()).next);
        }

        @Override
        public void importState(PicoProcess process, int version, Map<String, Object> state) {
            if (refuse || version != 1) {
                throw new IllegalArgumentException("unsupported state version " + version);
            }
            Counter c = new Counter();
            c.next = (Long) state.get("next");
            process.providerState(c);
        }
    }

    private final KernelImpl kernel = new KernelImpl(new UnicornEngineFactory(), new KernelLog(null), Limits.defaults());
    private final AtomicLong errors = new AtomicLong();
    private long ids = 100;

    private ProviderRegistry.Entry register(CountingProvider p) {
        ProviderRegistry.Entry e = new ProviderRegistry.Entry(p, "count", ids++, 0, "count", "1." + ids);
        kernel.registry().add(e);
        kernel.swapper().arrived(e);
        return e;
    }

    private PicoProcess spawn(Path dir) throws Exception {
        return spawn(dir, "COUNT");
    }

    private PicoProcess spawn(Path dir, String header) throws Exception {
        Files.write(dir.resolve("count"), header.getBytes(StandardCharsets.US_ASCII));
        IoObject[] stdio = {kernel.hostStream(null, null, false), kernel.hostStream(null, null, false),
            kernel.hostStream(null, null, false)};
        return kernel.spawn(new Launch("/count", List.of("count"), Map.of(), "/", dir, stdio, null, 0));
    }

    private static void waitFor(CountingProvider p, long calls) throws InterruptedException {
        long target = p.handled.get() + calls;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p.handled.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(p.handled.get() >= target, "the process made progress");
    }

    @Test
    void swapsBackAndForthWithoutLosingACall(@TempDir Path dir) throws Exception {
        CountingProvider a = new CountingProvider(errors, false);
        register(a);
        PicoProcess p1 = spawn(dir);
        PicoProcess p2 = spawn(dir);
        waitFor(a, 1000);
        CountingProvider last = a;
        for (int i = 0; i < 5; i++) {
            CountingProvider next = new CountingProvider(errors, false);
            register(next);
            SwapReport report = kernel.swap("count", 5000);
            assertEquals(2, report.processes(), report.toString());
            assertTrue(p1.provider().orElseThrow().endsWith("1." + ids), p1.provider().toString());
            waitFor(next, 1000);
            last = next;
        }
        last.stop = true;
        assertEquals(ExitStatus.exited(0), p1.waitFor());
        assertEquals(ExitStatus.exited(0), p2.waitFor());
        assertEquals(0, errors.get(), "every number arrived once, in order");
    }

    @Test
    void aCpuBoundProcessThatMakesNoCallDoesNotHoldTheSwapUp(@TempDir Path dir) throws Exception {
        CountingProvider a = new CountingProvider(errors, false);
        register(a);
        PicoProcess spinner = spawn(dir, "COUNTSPIN");
        PicoProcess counter = spawn(dir);
        waitFor(a, 1000);
        CountingProvider b = new CountingProvider(errors, false);
        register(b);
        SwapReport report = kernel.swap("count", 5000);
        assertEquals(2, report.processes(), report.toString());
        assertTrue(report.pauseNanos() < 2_000_000_000L, report.toString());
        waitFor(b, 1000);
        assertTrue(spinner.exitStatus().isEmpty(), "the spinner runs on");
        kernel.signal(spinner.pid(), "KILL");
        b.stop = true;
        assertEquals(ExitStatus.exited(0), counter.waitFor());
        assertTrue(spinner.waitFor().signalled());
        assertEquals(0, errors.get());
    }

    @Test
    void aRefusedStateRollsBackAndTheOldProviderCarriesOn(@TempDir Path dir) throws Exception {
        CountingProvider a = new CountingProvider(errors, false);
        register(a);
        PicoProcess p = spawn(dir);
        waitFor(a, 1000);
        register(new CountingProvider(errors, true));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernel.swap("count", 5000));
        assertTrue(e.getMessage().contains("rolled back") && e.getMessage().contains("unsupported state version"),
                e.getMessage());
        waitFor(a, 1000);
        a.stop = true;
        assertEquals(ExitStatus.exited(0), p.waitFor());
        assertEquals(0, errors.get());
    }

    @Test
    void aProviderLeavingSuspendsItsProcessesUntilTheNextComes(@TempDir Path dir) throws Exception {
        CountingProvider a = new CountingProvider(errors, false);
        ProviderRegistry.Entry ea = register(a);
        PicoProcess p = spawn(dir);
        waitFor(a, 1000);
        kernel.registry().remove(ea.serviceId());
        kernel.swapper().leaving(ea);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (p.state() != ProcessState.SUSPENDED && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(ProcessState.SUSPENDED, p.state());
        long handled = a.handled.get();
        Thread.sleep(50);
        assertEquals(handled, a.handled.get(), "no calls while suspended");
        assertTrue(p.provider().isEmpty());
        CountingProvider b = new CountingProvider(errors, false);
        register(b);
        waitFor(b, 1000);
        b.stop = true;
        assertEquals(ExitStatus.exited(0), p.waitFor());
        assertEquals(0, errors.get());
    }
}
