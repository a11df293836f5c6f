package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.pico.api.MemoryFault;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.Register;
import io.pico.kernel.engine.UnicornEngineFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel with the real unicorn engine and a minimal provider, without a framework. */
class KernelEngineTest {

    static final long CODE = 0x10000;
    static final long STACK = 0x20000;

    /** A provider whose images are "TEST" + x86-64 code; syscall 1 records rdi, 60 exits with rdi. */
    static final class TestProvider implements Provider {
        final List<Long> recorded = new CopyOnWriteArrayList<>();
        final List<Long> syscallPcs = new CopyOnWriteArrayList<>();
        final List<CpuException> faults = new CopyOnWriteArrayList<>();
        final List<PicoProcess> children = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public List<String> formats() {
            return List.of("TEST");
        }

        @Override
        public boolean claims(Image image) {
            return image.startsWith("TEST".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
            byte[] code;
            try {
                code = Files.readAllBytes(image.hostPath());
            } catch (IOException e) {
                throw new ImageException(e.toString());
            }
            process.memory().map(CODE, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.EXEC);
            process.memory().write(CODE, code, 4, code.length - 4);
            process.memory().map(STACK, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.WRITE);
            PicoThread t = process.createThread(CpuMode.X86_64);
            t.set(Register.RIP, CODE);
            t.set(Register.RSP, STACK + AddressSpace.PAGE_SIZE);
            t.start();
        }

        @Override
        public void systemCall(PicoThread thread) {
            long nr = thread.get(Register.RAX);
            syscallPcs.add(thread.get(Register.RIP));
            if (nr == 1) {
                recorded.add(thread.get(Register.RDI));
                thread.set(Register.RAX, 0);
            } else if (nr == 60) {
                thread.process().exit(ExitStatus.exited((int) thread.get(Register.RDI)));
            } else if (nr == 57) {
                PicoProcess child = thread.process().fork(thread);
                PicoThread ct = child.threads().get(0);
                ct.set(Register.RAX, 0);
                children.add(child);
                ct.start();
                thread.set(Register.RAX, child.pid());
            } else if (nr == 59) {
                // replace the code outside the engine, as execve does
                thread.defer(() -> {
                    AddressSpace m = thread.process().memory();
                    m.unmap(CODE, AddressSpace.PAGE_SIZE);
                    m.map(CODE, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.EXEC);
                    byte[] exit9 = {(byte) 0xbf, 9, 0, 0, 0, (byte) 0xb8, 60, 0, 0, 0, 0x0f, 0x05};
                    // at the very address of the old code: its translations must be gone with the unmap
                    m.write(CODE, exit9, 0, exit9.length);
                    thread.set(Register.RIP, CODE);
                });
            } else if (nr == 56) {
                PicoThread c = thread.process().cloneThread(thread);
                c.set(Register.RAX, 0);
                c.start();
                thread.set(Register.RAX, c.tid());
            } else if (nr == 62) {
                if (finished.incrementAndGet() == 4) {
                    long counter = thread.process().memory().getLong(STACK);
                    recorded.add(counter);
                    thread.process().exit(ExitStatus.exited(counter == 4 * 200_000 ? 0 : 1));
                } else {
                    thread.exit();
                }
            } else if (nr == 99) {
                throw new IllegalStateException("provider bug");
            } else {
                thread.set(Register.RAX, -38);
            }
        }

        @Override
        public void exception(PicoThread thread, CpuException exception) {
            faults.add(exception);
            thread.process().exit(ExitStatus.signalled(11, "fault " + exception));
        }

        @Override
        public void signal(PicoProcess process, String signal) {
            process.exit(ExitStatus.signalled(15, signal));
        }

        @Override
        public List<CallInfo> calls() {
            return List.of();
        }
    }

    private final TestProvider provider = new TestProvider();
    private final KernelImpl kernel = new KernelImpl(new UnicornEngineFactory(), new KernelLog(null), Limits.defaults());

    {
        kernel.registry().add(new ProviderRegistry.Entry(provider, "test", 1, 0, "test", "1"));
    }

    private PicoProcess spawn(Path dir, String name, int... code) throws Exception {
        byte[] image = new byte[4 + code.length];
        System.arraycopy("TEST".getBytes(StandardCharsets.US_ASCII), 0, image, 0, 4);
        for (int i = 0; i < code.length; i++) {
            image[4 + i] = (byte) code[i];
        }
        Files.write(dir.resolve(name), image);
        IoObject[] stdio = {kernel.hostStream(null, null, false), kernel.hostStream(null, null, false),
            kernel.hostStream(null, null, false)};
        return kernel.spawn(new Launch("/" + name, List.of(name), Map.of(), "/", dir, stdio, null, 0));
    }

    @Test
    void dispatchesSystemCallsAndExits(@TempDir Path dir) throws Exception {
        // mov eax,1; mov edi,42; syscall; mov eax,60; mov edi,7; syscall
        PicoProcess p = spawn(dir, "ok", 0xb8, 1, 0, 0, 0, 0xbf, 42, 0, 0, 0, 0x0f, 0x05, 0xb8, 60, 0, 0, 0, 0xbf, 7, 0,
                0, 0, 0x0f, 0x05);
        ExitStatus status = p.waitFor();
        assertEquals(ExitStatus.exited(7), status);
        assertEquals(List.of(42L), provider.recorded);
        // the instruction pointer a provider sees is after the syscall instruction
        assertEquals(List.of(CODE + 12, CODE + 24), provider.syscallPcs);
        assertTrue(kernel.process(p.pid()).isPresent(), "an ended process stays until reaped");
        kernel.reap(p.pid());
        assertTrue(kernel.process(p.pid()).isEmpty());
    }

    @Test
    void unmappedJumpReachesTheProviderAndOthersCarryOn(@TempDir Path dir) throws Exception {
        // mov rax,0xdead0000; jmp rax
        PicoProcess bad = spawn(dir, "bad", 0x48, 0xb8, 0, 0, 0xad, 0xde, 0, 0, 0, 0, 0xff, 0xe0);
        // mov eax,60; mov edi,3; syscall
        PicoProcess good = spawn(dir, "good", 0xb8, 60, 0, 0, 0, 0xbf, 3, 0, 0, 0, 0x0f, 0x05);
        assertEquals(11, bad.waitFor().signal());
        assertEquals(ExitStatus.exited(3), good.waitFor());
        CpuException fault = provider.faults.get(0);
        assertEquals(CpuException.Kind.UNMAPPED, fault.kind());
        assertEquals(CpuException.Access.EXECUTE, fault.access());
        assertEquals(0xdead0000L, fault.address());
    }

    @Test
    void forkCopiesMemoryAndHandlesAndTheChildRunsOnItsOwn(@TempDir Path dir) throws Exception {
        PicoProcess parent = spawn(dir, "fork",
                0xc7, 0x04, 0x25, 0x00, 0x00, 0x02, 0x00, 0x55, 0, 0, 0, // mov dword [0x20000],0x55
                0xb8, 57, 0, 0, 0, 0x0f, 0x05, // mov eax,57; syscall (fork)
                0x85, 0xc0, 0x74, 0x0c, // test eax,eax; jz child
                0xbf, 1, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05, // parent: exit(1)
                0x8b, 0x3c, 0x25, 0x00, 0x00, 0x02, 0x00, // child: mov edi,[0x20000]
                0xb8, 60, 0, 0, 0, 0x0f, 0x05); // exit(edi)
        assertEquals(ExitStatus.exited(1), parent.waitFor());
        PicoProcess child = provider.children.get(0);
        assertEquals(ExitStatus.exited(0x55), child.waitFor());
        assertEquals(parent.pid(), child.parentPid());
        assertTrue(kernel.awaitProcesses(() -> child.exitStatus().isPresent(), 0));
    }

    @Test
    void deferredActionsReplaceTheAddressSpaceOutsideTheEngine(@TempDir Path dir) throws Exception {
        // mov eax,59; syscall; jmp $ (never reached: the deferred action replaces the code)
        PicoProcess p = spawn(dir, "exec", 0xb8, 59, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xfe);
        assertEquals(ExitStatus.exited(9), p.waitFor());
    }

    @Test
    void processAndCpuLimitsContainRunawayGuests(@TempDir Path dir) throws Exception {
        KernelImpl limited = new KernelImpl(new UnicornEngineFactory(), new KernelLog(null), new Limits(2, 4, 1, 1L << 30));
        limited.registry().add(new ProviderRegistry.Entry(provider, "test", 1, 0, "test", "1"));
        Files.write(dir.resolve("loop"), new byte[] {'T', 'E', 'S', 'T', (byte) 0xeb, (byte) 0xfe}); // jmp $
        java.util.function.Supplier<Launch> launch = () -> new Launch("/loop", List.of("loop"), Map.of(), "/", dir,
                new IoObject[0], null, 0);
        PicoProcess a = limited.spawn(launch.get());
        PicoProcess b = limited.spawn(launch.get());
        assertThrows(io.pico.api.ResourceLimitException.class, () -> limited.spawn(launch.get()));
        assertThrows(io.pico.api.ResourceLimitException.class, () -> a.fork(a.threads().get(0)));
        // the CPU limit (1 s) ends both looping processes
        ExitStatus status = a.waitFor();
        assertTrue(status.reason().contains("CPU time limit"), status.toString());
        assertTrue(b.waitFor().signalled());
        assertTrue(a.cpuNanos() >= 1_000_000_000L, "cpu " + a.cpuNanos());
    }

    @Test
    void shortProcessesLeaveNoThreadsEnginesOrMemoryBehind(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 200; i++) {
            // mov eax,60; mov edi,3; syscall
            PicoProcess p = spawn(dir, "short", 0xb8, 60, 0, 0, 0, 0xbf, 3, 0, 0, 0, 0x0f, 0x05);
            assertEquals(ExitStatus.exited(3), p.waitFor());
            kernel.reap(p.pid());
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        io.pico.api.KernelStatistics s = kernel.statistics();
        while ((s.threads() > 0 || s.engines() > 0 || s.hostMemory() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            s = kernel.statistics();
        }
        assertEquals(new io.pico.api.KernelStatistics(0, 0, 0, 0), s);
    }

    @Test
    void aSuspendedThreadRunsNoGuestCodeUntilResumed(@TempDir Path dir) throws Exception {
        // loop: mov eax,2; syscall; jmp loop (a suspension takes effect at the thread's next call)
        PicoProcess p = spawn(dir, "spin", 0xb8, 2, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7);
        PicoThread t = p.threads().get(0);
        Thread.sleep(100);
        t.suspend();
        Thread.sleep(100);
        long c1 = p.cpuNanos();
        Thread.sleep(300);
        long c2 = p.cpuNanos();
        assertTrue(c2 - c1 < 30_000_000L, "suspended, yet used " + (c2 - c1) + " ns of CPU");
        t.resume();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (p.cpuNanos() - c2 < 50_000_000L && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(p.cpuNanos() - c2 >= 50_000_000L, "running again after resume");
        kernel.signal(p.pid(), "KILL");
        assertTrue(p.waitFor().signalled());
    }

    @Test
    void processObserversVetoImagesSeeExitsAndCannotBreakTheKernel(@TempDir Path dir) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        io.pico.api.ProcessObserver veto = new io.pico.api.ProcessObserver() {
            @Override
            public void starting(PicoProcess process, Image image, List<String> argv) {
                if (image != null && image.fileName().equals("denied")) {
                    throw new io.pico.api.VetoException("not on the allow list");
                }
            }

            @Override
            public void exited(PicoProcess process, ExitStatus status) {
                seen.add(process.command().get(0) + " " + status);
            }
        };
        io.pico.api.ProcessObserver broken = new io.pico.api.ProcessObserver() {
            @Override
            public void starting(PicoProcess process, Image image, List<String> argv) {
                throw new IllegalStateException("observer bug");
            }
        };
        kernel.observerRegistry().addProcessObserver(veto, "veto", 1);
        kernel.observerRegistry().addProcessObserver(broken, "broken", 2);
        int[] exit3 = {0xb8, 60, 0, 0, 0, 0xbf, 3, 0, 0, 0, 0x0f, 0x05};
        ImageException denied = assertThrows(ImageException.class, () -> spawn(dir, "denied", exit3));
        assertTrue(denied.getMessage().contains("Permission denied (not on the allow list)"), denied.getMessage());
        for (int i = 0; i < Observers.MAX_FAULTS + 1; i++) {
            assertEquals(ExitStatus.exited(3), spawn(dir, "allowed", exit3).waitFor());
        }
        assertTrue(seen.contains("allowed exit 3"), seen.toString());
        io.pico.api.ObserverInfo info = kernel.observers().stream().filter(o -> o.bundle().equals("broken"))
                .findFirst().orElseThrow();
        assertTrue(info.disabled(), "a throwing observer is disabled after repeated faults: " + info);
        kernel.observerRegistry().remove(1);
        assertEquals(ExitStatus.exited(3), spawn(dir, "denied", exit3).waitFor(), "removing the observer lifts the veto");
    }

    @Test
    void lockedInstructionsAreAtomicAcrossTheThreadsOfAProcess(@TempDir Path dir) throws Exception {
        PicoProcess p = spawn(dir, "atomic",
                0xb8, 56, 0, 0, 0, 0x0f, 0x05, // clone
                0xb8, 56, 0, 0, 0, 0x0f, 0x05, // clone: 4 threads
                0xb9, 0x40, 0x0d, 0x03, 0x00, // mov ecx, 200000
                0xf0, 0x48, 0xff, 0x04, 0x25, 0x00, 0x00, 0x02, 0x00, // lock inc qword [0x20000]
                0xff, 0xc9, 0x75, 0xf3, // dec ecx; jnz
                0xb8, 62, 0, 0, 0, 0x0f, 0x05, // done
                0xeb, 0xfe);
        assertEquals(ExitStatus.exited(0), p.waitFor(), () -> "4 x 200000 locked increments, none lost: "
                + provider.recorded);
    }

    /**
     * Two threads of one process that wait for each other's store, spinning without a system call: they finish
     * only if both run guest code at the same time (threads that took turns at calls would wait forever).
     */
    @Test
    void theThreadsOfAProcessRunAtTheSameTime(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(kernel.engines().parallelThreads(),
                "the engine runs the threads of a process one at a time: " + kernel.engines().name());
        PicoProcess p = spawn(dir, "meet",
                0xb8, 56, 0, 0, 0, 0x0f, 0x05, // clone
                0x85, 0xc0, 0x74, 0x1e, // test eax,eax; jz child
                0xc6, 0x04, 0x25, 0x08, 0x00, 0x02, 0x00, 0x01, // mov byte [0x20008],1
                0x80, 0x3c, 0x25, 0x10, 0x00, 0x02, 0x00, 0x01, 0x75, 0xf6, // wait: cmp byte [0x20010],1; jne wait
                0xbf, 0, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05, // exit(0)
                0x80, 0x3c, 0x25, 0x08, 0x00, 0x02, 0x00, 0x01, 0x75, 0xf6, // child: wait for [0x20008]
                0xc6, 0x04, 0x25, 0x10, 0x00, 0x02, 0x00, 0x01, // mov byte [0x20010],1
                0xeb, 0xfe); // jmp $
        java.util.concurrent.CompletableFuture<ExitStatus> status = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return p.waitFor();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        try {
            assertEquals(ExitStatus.exited(0), status.get(30, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "TERM");
            }
        }
    }

    @Test
    void aProviderThatThrowsEndsOnlyItsProcess(@TempDir Path dir) throws Exception {
        // mov eax,99; syscall
        PicoProcess p = spawn(dir, "throws", 0xb8, 99, 0, 0, 0, 0x0f, 0x05);
        ExitStatus status = p.waitFor();
        assertTrue(status.signalled());
        assertTrue(status.reason().contains("provider bug"), status.reason());
    }

    @Test
    void infiniteLoopIsKilledFromOutside(@TempDir Path dir) throws Exception {
        // jmp $
        PicoProcess p = spawn(dir, "loop", 0xeb, 0xfe);
        Thread.sleep(100);
        assertTrue(p.exitStatus().isEmpty());
        kernel.signal(p.pid(), "TERM");
        assertEquals(15, p.waitFor().signal());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!p.threads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(p.threads().isEmpty(), "the looping thread left the engine");
    }

    @Test
    void unclaimedAndMissingImagesAreImageErrors(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("junk"), new byte[] {1, 2, 3});
        IoObject[] stdio = {kernel.hostStream(null, null, false), kernel.hostStream(null, null, false),
            kernel.hostStream(null, null, false)};
        ImageException e = assertThrows(ImageException.class,
                () -> kernel.spawn(new Launch("/junk", List.of("junk"), Map.of(), "/", dir, stdio, null, 0)));
        assertEquals(126, e.status());
        ImageException missing = assertThrows(ImageException.class,
                () -> kernel.spawn(new Launch("/nope", List.of("nope"), Map.of(), "/", dir, stdio, null, 0)));
        assertEquals(127, missing.status());
    }

    @Test
    void addressSpaceSplitsAndFaults() {
        KAddressSpace space = new KAddressSpace();
        try {
            space.map(0x100000, 0x4000, AddressSpace.READ | AddressSpace.WRITE);
            space.putLong(0x100ff8, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, space.getLong(0x100ff8));
            space.unmap(0x101000, 0x1000);
            assertFalse(space.isMapped(0x101000, 1));
            assertTrue(space.isMapped(0x100000, 0x1000));
            assertTrue(space.isMapped(0x102000, 0x2000));
            assertEquals(0x1122334455667788L, space.getLong(0x100ff8), "the lower part keeps its contents");
            assertThrows(MemoryFault.class, () -> space.getByte(0x101000));
            space.protect(0x102000, 0x1000, AddressSpace.READ);
            assertEquals(3, space.regions().size());
            assertEquals(0x3000, space.mappedBytes());
            assertEquals(0x101000, space.findFree(0x100000, 0x1000));
            assertEquals(0x104000, space.findFree(0x100000, 0x2000));
            space.limit(0x5000);
            assertThrows(io.pico.api.MemoryLimitException.class,
                    () -> space.map(0x200000, 0x3000, AddressSpace.READ));
            assertFalse(space.isMapped(0x200000, 1), "a refused mapping maps nothing");
            space.map(0x200000, 0x2000, AddressSpace.READ);
            space.map(0x200000, 0x2000, AddressSpace.READ | AddressSpace.WRITE); // a replacement fits too
            space.unmap(0x200000, 0x2000);
            byte[] data = "across".getBytes(StandardCharsets.US_ASCII);
            space.write(0x102ffd, data, 0, data.length);
            byte[] back = new byte[data.length];
            space.read(0x102ffd, back, 0, back.length);
            assertArrayEquals(data, back);
        } finally {
            space.release();
        }
    }

    /** A range past the top of the 64-bit space (a fuzzed ELF's GNU_RELRO at 0x7fff...) is refused, not a crash. */
    @Test
    void rangesThatWrapAroundAreRefused() {
        KAddressSpace space = new KAddressSpace();
        try {
            long near = 0x7ffffffffffff000L;
            assertFalse(space.isMapped(near, 0x2000), "a wrapping range is never mapped");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> space.protect(near, 0x2000, AddressSpace.READ));
            assertTrue(e.getMessage().contains("wraps"), e::getMessage);
            assertThrows(IllegalArgumentException.class, () -> space.unmap(near, 0x2000));
            assertThrows(IllegalArgumentException.class, () -> space.map(near, 0x2000, AddressSpace.READ));
            assertEquals(0, space.mappedBytes());
        } finally {
            space.release();
        }
    }
}
