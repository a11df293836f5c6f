package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;

/**
 * A Linux process lives through a restart of the Linux provider bundle: its state is exported by the leaving
 * provider and imported by the new one. The guest ({@code guest swap}) is blocked reading its input during the
 * restart; afterwards its signal handler still runs, its blocked mask and pending signal are kept, and its
 * pipe and child are still there to be written to and waited for.
 */
class LinuxSwapTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @Test
    void aLinuxProcessSurvivesARestartOfTheProviderBundle() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "guest.c", "guest");
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(exe.toString(), List.of(exe.toString(), "swap"), Map.of(), "/", Path.of("/"),
                    new IoObject[] {in[0], out[1], out[1]}, null, 0));
        } finally {
            in[0].release();
            out[1].release();
        }
        StringBuilder seen = new StringBuilder();
        try {
            await(out[0], seen, "ready\n");
            kernel.signal(p.pid(), "USR2"); // blocked: stays pending across the restart
            Bundle provider = Arrays.stream(FrameworkUtil.getBundle(getClass()).getBundleContext().getBundles())
                    .filter(b -> "io.pico.provider.linux".equals(b.getSymbolicName())).findFirst().orElseThrow();
            provider.stop();
            try {
                assertTrue(p.exitStatus().isEmpty(), "the process waits for a provider");
            } finally {
                provider.start();
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (kernel.providers().stream().noneMatch(i -> i.personality().equals("linux"))) {
                assertTrue(System.nanoTime() < end, "the provider came back");
                Thread.sleep(10);
            }
            kernel.signal(p.pid(), "USR1");
            write(in[1], "usr1\n");
            await(out[0], seen, "usr1 count=1\n");
            write(in[1], "mask\n");
            await(out[0], seen, "usr2 blocked=1 pending=1\n");
            write(in[1], "child\n");
            await(out[0], seen, "child waited=1 status=5\n");
            write(in[1], "quit\n");
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(20)));
            assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow(), seen::toString);
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "KILL");
            }
            p.waitFor();
            kernel.reap(p.pid());
            in[1].release();
            out[0].release();
        }
    }

    private static void write(IoObject pipe, String text) throws Exception {
        pipe.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Reads until the output ends with {@code expected} (10 s at most). */
    private static void await(IoObject pipe, StringBuilder seen, String expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (!seen.toString().endsWith(expected)) {
            assertTrue(System.nanoTime() < end, () -> "waiting for [" + expected + "], got [" + seen + "]");
            if (pipe.available() == 0) {
                Thread.sleep(5);
                continue;
            }
            buf.clear();
            int n = pipe.read(buf);
            if (n < 0) {
                break;
            }
            seen.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
        }
        assertTrue(seen.toString().endsWith(expected), () -> "expected [" + expected + "], got [" + seen + "]");
    }
}
