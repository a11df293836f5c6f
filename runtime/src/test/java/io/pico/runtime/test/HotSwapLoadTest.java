package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.SwapReport;
import io.pico.runtime.test.HotSwapKit.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;

/**
 * The five swaps of {@link LinuxHotSwapTest} under many concurrent processes: counter pipelines (a shell and
 * a cat each) and one CPU-bound guest that spins in guest code, making no system call, through every swap.
 * The swaps must not wait for it (a thread running guest code is not stopped; it meets the new provider at
 * its next call), and when it is let go its first call goes to the provider that runs it now.
 * CI runs 20 processes; {@code -Dpico.hotswap.processes=100} is the full size of the acceptance.
 */
class HotSwapLoadTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private static int processes() {
        String v = System.getProperty("pico.hotswap.processes", "");
        return v.isBlank() ? 20 : Integer.parseInt(v.trim());
    }

    /** A static Linux program spinning until the byte {@code flag} is set, then writing "spun" and exiting 0. */
    private Path spinner() throws Exception {
        Path asm = dir.resolve("spin.asm");
        Path obj = dir.resolve("spin.o");
        Path exe = dir.resolve("spin");
        Files.writeString(asm, """
                bits 64
                section .text
                global _start
                _start:
                spin:
                  cmp byte [rel flag], 0   ; no system call while it spins
                  je spin
                  mov eax, 1               ; write(1, "spun\\n", 5)
                  mov edi, 1
                  lea rsi, [rel msg]
                  mov edx, 5
                  syscall
                  mov eax, 60              ; exit(0)
                  xor edi, edi
                  syscall
                section .data
                global flag
                flag: db 0
                msg: db "spun", 10
                """);
        exec("nasm", "-f", "elf64", "-o", obj.toString(), asm.toString());
        exec("ld", "-static", "-o", exe.toString(), obj.toString());
        return exe;
    }

    private static String exec(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.assumeTrue(false, command[0] + " is not installed");
            return "";
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", command) + ": " + output);
        return output;
    }

    private long flagAddress(Path exe) throws Exception {
        for (String line : exec("nm", exe.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[2].equals("flag")) {
                return Long.parseUnsignedLong(f[0], 16);
            }
        }
        throw new AssertionError("no symbol flag in " + exe);
    }

    @Test
    void fiveSwapsUnderManyProcessesWithACpuBoundGuestThatMakesNoCall() throws Exception {
        HotSwapKit kit = new HotSwapKit(kernel, FrameworkUtil.getBundle(getClass()).getBundleContext(), dir);
        Path spin = spinner();
        long flag = flagAddress(spin);
        IoObject[] out = kernel.pipe();
        PicoProcess spinner;
        try {
            spinner = kernel.spawn(new Launch(spin.toString(), List.of(spin.toString()), Map.of(), "/", Path.of("/"),
                    new IoObject[] {out[1], out[1], out[1]}, null, 0));
        } finally {
            out[1].release();
        }
        List<Counter> counters = new ArrayList<>();
        try {
            for (int i = 0; i < processes() / 2; i++) {
                counters.add(kit.counter("count" + i, 10_000));
            }
            kit.awaitProgress(counters, 3, "start");
            List<SwapReport> reports = kit.fiveSwaps(counters, List.of(spinner));
            for (SwapReport r : reports) {
                assertTrue(r.processes() >= 2 * counters.size() + 1, () -> "every shell and cat, and the spinner: " + r);
            }
            System.out.println("HotSwapLoadTest: " + (2 * counters.size() + 1) + " processes, pauses "
                    + reports.stream().map(r -> String.format("%.1f ms", r.pauseNanos() / 1e6)).toList());
            // the spinner made no call through the five swaps: it is still in its loop, run by the newest provider
            assertTrue(spinner.exitStatus().isEmpty(), () -> "the spinner still spins: " + spinner.exitStatus());
            assertEquals(0, out[0].available(), "the spinner wrote nothing yet");
            spinner.memory().putByte(flag, (byte) 1);
            assertTrue(kernel.awaitProcesses(() -> spinner.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(20)),
                    "the spinner ends once its flag is set");
            assertEquals(ExitStatus.exited(0), spinner.exitStatus().orElseThrow());
            ByteBuffer buf = ByteBuffer.allocate(16);
            int n = out[0].read(buf);
            assertEquals("spun\n", new String(buf.array(), 0, Math.max(0, n), StandardCharsets.UTF_8));
            kit.finish(counters);
        } finally {
            if (spinner.exitStatus().isEmpty()) {
                kernel.signal(spinner.pid(), "KILL");
            }
            Files.writeString(kit.stopFile(), "");
            for (Counter c : counters) {
                kernel.awaitProcesses(() -> c.shell().exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(30));
            }
            spinner.waitFor();
            kernel.reap(spinner.pid());
            out[0].release();
        }
    }
}
