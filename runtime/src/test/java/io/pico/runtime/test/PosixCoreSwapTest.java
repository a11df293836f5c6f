package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectService;

/**
 * Updating the POSIX core library bundle swaps the personalities that use it (the FreeBSD and the Linux
 * provider): a FreeBSD program echoing its input keeps running, and afterwards both providers are new provider
 * services wired to the new revision of the core.
 */
class PosixCoreSwapTest {

    private static final String CORE = "io.pico.posix.core";
    private static final String POSIX = "io.pico.provider.posix";

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();

    /** A FreeBSD program (nasm + ld, OS/ABI 9) that copies its input to its output until end of file. */
    private Path echo() throws Exception {
        return FreeBsdKit.build(dir, "echo", """
                bits 64
                section .text
                global _start
                _start:
                  xor edi, edi
                  lea rsi, [rel buf]
                  mov edx, 64
                  mov eax, 3              ; read
                  syscall
                  jc bad
                  test rax, rax
                  jz done
                  mov rdx, rax
                  mov edi, 1
                  lea rsi, [rel buf]
                  mov eax, 4              ; write
                  syscall
                  jmp _start
                done:
                  xor edi, edi
                  mov eax, 1              ; exit
                  syscall
                bad:
                  mov edi, 1
                  mov eax, 1
                  syscall
                section .bss
                buf: resb 64
                """);
    }

    @Test
    void updatingThePosixCoreSwapsTheFreeBsdPersonality() throws Exception {
        HotSwapKit kit = new HotSwapKit(kernel, context, dir);
        Path exe = echo();
        Bundle core = kit.bundle(CORE);
        Bundle posix = kit.bundle(POSIX);
        BundleRevision oldCore = core.adapt(BundleRevision.class);
        long service = HotSwapKit.providerService(posix);
        Bundle linux = kit.bundle(HotSwapKit.LINUX);
        long linuxService = HotSwapKit.providerService(linux);
        assertNotEquals(-1, linuxService, "the Linux provider is registered");
        assertNotEquals(-1, service, "the FreeBSD provider is registered");
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(exe.toString(), List.of(exe.toString()), Map.of(), "/", Path.of("/"),
                    new IoObject[] {in[0], out[1], out[1]}, null, 0));
        } finally {
            in[0].release();
            out[1].release();
        }
        try {
            assertEquals("posix", p.personality());
            in[1].write(ByteBuffer.wrap("one\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals("one\n", read(out[0], 4));

            core.update(); // the kernel refreshes it: the FreeBSD provider stops, is rewired and starts again
            kit.awaitNewProviderService(posix, service);
            kit.awaitProvider("posix", null);
            BundleWiring wiring = posix.adapt(BundleWiring.class);
            assertTrue(wiring.getRequiredWires(null).stream().map(BundleWire::getProvider)
                    .anyMatch(r -> r.getBundle().getBundleId() == core.getBundleId() && r != oldCore),
                    "the FreeBSD provider now uses the new revision of the POSIX core");
            // the Linux personality runs on the core too: it is rewired and registers again
            kit.awaitNewProviderService(linux, linuxService);
            kit.awaitProvider("linux", null);
            assertTrue(linux.adapt(BundleWiring.class).getRequiredWires(null).stream().map(BundleWire::getProvider)
                    .anyMatch(r -> r.getBundle().getBundleId() == core.getBundleId() && r != oldCore),
                    "the Linux provider now uses the new revision of the POSIX core");
            assertTrue(p.exitStatus().isEmpty(), () -> "the program still runs: " + p.exitStatus());

            in[1].write(ByteBuffer.wrap("two\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals("two\n", read(out[0], 4));
            assertTrue(p.provider().orElse("-").startsWith(POSIX + " "), () -> "its provider: " + p.provider());
            in[1].release();
            in[1] = null;
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(20)));
            assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "KILL");
            }
            p.waitFor();
            kernel.reap(p.pid());
            if (in[1] != null) {
                in[1].release();
            }
            out[0].release();
        }
    }

    /** Reads exactly n bytes (10 s at most). */
    private static String read(IoObject pipe, int n) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(n);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (buf.hasRemaining()) {
            assertTrue(System.nanoTime() < end, () -> "read " + new String(buf.array(), 0, buf.position(),
                    StandardCharsets.UTF_8));
            if (pipe.available() == 0) {
                Thread.sleep(5);
                continue;
            }
            if (pipe.read(buf) < 0) {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }
}
