package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * A thread waiting long in a system call gives its engine back (the kernel's {@code engineReleaseMs}, 200 ms by
 * default) and takes one again when the call returns: the kernel's open-engine count drops while guests sleep,
 * and the guest goes on with every register as it was (general registers, XMM0-15, MXCSR, the x87 control word,
 * FS and so thread-local variables: {@code linux/idle.c}, built with musl-gcc and gcc). Signals and kill reach a
 * thread without an engine; many sleeping processes hold no engine. {@code -Dpico.test.idle.processes=N} sets
 * how many processes sleep at once (20 by default, for CI).
 */
class EngineReleaseTest {

    private static final String BUSYBOX = "/bin/busybox";
    private static final int PROCESSES = Integer.getInteger("pico.test.idle.processes", 20);

    @InjectService(timeout = 10_000)
    Kernel kernel;

    /** A guest started with its standard output collected. */
    private record Guest(PicoProcess process, ByteArrayOutputStream out) {
        String output() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private Guest spawn(String program, String... argv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(null, null, false), kernel.hostStream(null, out, false),
            kernel.hostStream(null, out, false)};
        try {
            PicoProcess p = kernel.spawn(new Launch(program, List.of(argv), Map.of("PATH", "/bin"), "/", Path.of("/"),
                    stdio, null, 0));
            return new Guest(p, out);
        } finally {
            for (IoObject o : stdio) {
                o.release();
            }
        }
    }

    /** Waits until the guests of earlier tests have ended: their threads close their engines last. */
    @org.junit.jupiter.api.BeforeEach
    void quiet() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (kernel.statistics().threads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Waits until the kernel holds no more open engines than {@code most} while the processes still live. */
    private void awaitEnginesAtMost(int most, List<PicoProcess> alive, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (kernel.statistics().engines() > most) {
            for (PicoProcess p : alive) {
                assertTrue(p.exitStatus().isEmpty(), () -> what + ": pid " + p.pid() + " ended: " + p.exitStatus());
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": still " + kernel.statistics().engines() + " open engines, expected at most " + most
                        + " (" + kernel.statistics() + ")");
            }
            Thread.sleep(10);
        }
    }

    private ExitStatus finish(PicoProcess p) throws Exception {
        if (!kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(60))) {
            kernel.signal(p.pid(), "KILL");
            fail("pid " + p.pid() + " " + p.command() + " did not end");
        }
        ExitStatus s = p.waitFor();
        kernel.reap(p.pid());
        return s;
    }

    private void registersSurvive(String compiler) throws Exception {
        Path exe = LinuxTestSupport.cc(compiler, "idle.c", "idle");
        int before = kernel.statistics().engines();
        Guest g = spawn(exe.toString(), "idle", "regs", "2000");
        // the sleeping thread gives its engine back: the open count falls back to what it was before the guest
        awaitEnginesAtMost(before, List.of(g.process()), "a guest sleeping 2 s");
        ExitStatus s = finish(g.process());
        assertEquals("regs ok\n", g.output(), () -> "status " + s);
        assertEquals(0, s.shellStatus());
    }

    @Test
    void registersSurviveAReleasedEngineMusl() throws Exception {
        registersSurvive("/usr/bin/musl-gcc");
    }

    @Test
    void registersSurviveAReleasedEngineGlibc() throws Exception {
        registersSurvive("/usr/bin/gcc");
    }

    @Test
    void aSignalReachesAThreadWithoutEngine() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "idle.c", "idle");
        int before = kernel.statistics().engines();
        Guest g = spawn(exe.toString(), "idle", "signal", "20000");
        // the engine count alone can be low before the guest has started: first the handler, then the engine given back
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!g.output().contains("handler installed\n")) {
            assertTrue(g.process().exitStatus().isEmpty(), () -> "ended before its handler: " + g.output());
            assertTrue(System.nanoTime() < deadline, () -> "no handler within 20 s: " + g.output());
            Thread.sleep(10);
        }
        awaitEnginesAtMost(before, List.of(g.process()), "a guest sleeping 20 s");
        kernel.signal(g.process().pid(), "USR1");
        ExitStatus s = finish(g.process());
        assertEquals("handler installed\nhandler saw signal 10\nnanosleep: EINTR, remaining more than 1 s: yes\n",
                g.output(),
                () -> "status " + s);
        assertEquals(0, s.shellStatus());
    }

    /**
     * OS/2: DosSleep (DOSCALLS.229) reaches the provider through the API trap's software interrupt, handled outside
     * the engine: the engine is given back, and afterwards EBX, ESI, EDI, EBP and FS (the thread information block,
     * a selector of the LDT) are intact. nasm, bits 32, org 0x10000:
     * <pre>
     *        jmp start / nop x6 / slot_sleep: dd 0 / slot_exit: dd 0
     * start: mov ebx, 0x11111111 / mov esi, 0x22222222 / mov edi, 0x33333333 / mov ebp, 0x44444444
     *        push 2000 / call [slot_sleep] / add esp, 4
     *        mov eax, [fs:0]
     *        cmp ebx, 0x11111111 / jne bad / cmp esi, 0x22222222 / jne bad
     *        cmp edi, 0x33333333 / jne bad / cmp ebp, 0x44444444 / jne bad
     *        push 7 / push 1 / call [slot_exit]        ; DosExit(EXIT_PROCESS, 7)
     * bad:   push 9 / push 1 / call [slot_exit]        ; DosExit(EXIT_PROCESS, 9)
     * </pre>
     */
    @Test
    void anOs2ThreadInDosSleepHoldsNoEngine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] code = java.util.HexFormat.of().parseHex("eb0e909090909090" + "0000000000000000"
                + "bb11111111" + "be22222222" + "bf33333333" + "bd44444444"
                + "68d0070000" + "ff1508000100" + "83c404"
                + "64a100000000"
                + "81fb11111111" + "7522" + "81fe22222222" + "751a"
                + "81ff33333333" + "7512" + "81fd44444444" + "750a"
                + "6a07" + "6a01" + "ff150c000100"
                + "6a09" + "6a01" + "ff150c000100");
        Path exe = dir.resolve("sleep.exe");
        java.nio.file.Files.write(exe, new Os2Images(code).importAt(8, "DOSCALLS", 229).importAt(12, "DOSCALLS", 234)
                .build());
        int before = kernel.statistics().engines();
        Guest g = spawn(exe.toString(), "sleep.exe");
        awaitEnginesAtMost(before, List.of(g.process()), "an OS/2 program in DosSleep(2000)");
        ExitStatus s = finish(g.process());
        assertEquals(ExitStatus.exited(7), s, () -> "output " + g.output());
    }

    @Test
    void killEndsAProcessWithoutEngine() throws Exception {
        LinuxTestSupport.require(BUSYBOX);
        int before = kernel.statistics().engines();
        Guest g = spawn(BUSYBOX, "busybox", "sleep", "1000");
        awaitEnginesAtMost(before, List.of(g.process()), "busybox sleep 1000");
        kernel.signal(g.process().pid(), "KILL");
        ExitStatus s = finish(g.process());
        assertTrue(s.signalled() && s.signal() == 9, () -> "status " + s);
        assertEnginesBackTo(before);
    }

    @Test
    void aShellWaitingForItsChildHoldsNoEngine() throws Exception {
        LinuxTestSupport.require(BUSYBOX);
        int before = kernel.statistics().engines();
        // the shell waits in wait4, the child in nanosleep: neither holds an engine; then both go on
        Guest g = spawn(BUSYBOX, "busybox", "sh", "-c", "x=41; busybox sleep 2; echo $((x + 1)) done");
        awaitEnginesAtMost(before, List.of(g.process()), "a shell waiting for busybox sleep 2");
        ExitStatus s = finish(g.process());
        assertEquals("42 done\n", g.output(), () -> "status " + s);
        assertEquals(0, s.shellStatus());
    }

    /**
     * More sleepers than the engine pool holds (16): the engines beyond it are closed, and the threads go on from
     * CPU states that outlived the engines they were saved from.
     */
    @Test
    void moreSleepersThanThePoolWakeWithTheirRegisters() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "idle.c", "idle");
        int before = kernel.statistics().engines();
        List<Guest> guests = new ArrayList<>();
        for (int i = 0; i < Math.max(PROCESSES, 24); i++) {
            guests.add(spawn(exe.toString(), "idle", "regs", "3000"));
        }
        awaitEnginesAtMost(before, guests.stream().map(Guest::process).toList(), guests.size() + " sleeping guests");
        for (Guest g : guests) {
            ExitStatus s = finish(g.process());
            assertEquals("regs ok\n", g.output(), () -> "pid " + g.process().pid() + ", status " + s);
            assertEquals(0, s.shellStatus());
        }
    }

    @Test
    void manySleepingProcessesHoldNoEngine() throws Exception {
        LinuxTestSupport.require(BUSYBOX);
        int before = kernel.statistics().engines();
        List<PicoProcess> sleepers = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                sleepers.add(spawn(BUSYBOX, "busybox", "sleep", "1000").process());
            }
            awaitEnginesAtMost(before, sleepers, PROCESSES + " x busybox sleep 1000");
        } finally {
            for (PicoProcess p : sleepers) {
                kernel.signal(p.pid(), "KILL");
            }
            for (PicoProcess p : sleepers) {
                ExitStatus s = finish(p);
                assertTrue(s.signalled() && s.signal() == 9, () -> "status " + s);
            }
        }
        assertEnginesBackTo(before);
    }

    /** Ended processes give their engines back as their threads finish, which may be just after the status. */
    private void assertEnginesBackTo(int before) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (kernel.statistics().engines() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        var now = kernel.statistics();
        assertTrue(now.engines() <= before, () -> "engines " + now + ", before " + before);
    }
}
