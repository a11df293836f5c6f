package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.Provider;
import io.pico.api.SwapReport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 5: "parking that does not finish within a time limit rolls the swap back". A vfork child that neither
 * executes nor exits keeps its parent inside vfork, and a child is parked only once its parent is out of the
 * call that made it: such a process cannot be parked. A swap with a short time limit must then fail with a
 * clear message, leave the process with its provider, and the process must carry on to a normal end.
 */
class SwapRollbackTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();

    @Test
    void aSwapWhoseParkingDoesNotFinishInTimeRollsBackAndTheProcessRunsOn() throws Exception {
        LinuxTestSupport.require("/usr/bin/musl-gcc");
        Path src = dir.resolve("holder.c");
        Path exe = dir.resolve("holder");
        Files.writeString(src, """
                #include <stdio.h>
                #include <unistd.h>
                #include <sys/wait.h>
                int main(int argc, char **argv) {
                    pid_t p = vfork();
                    if (p == 0) {
                        /* the parent stays inside vfork until this child exits */
                        while (access(argv[1], F_OK) != 0) usleep(2000);
                        _exit(7);
                    }
                    int st;
                    if (p < 0 || waitpid(p, &st, 0) != p) return 3;
                    printf("child exited %d\\n", WEXITSTATUS(st));
                    return 0;
                }
                """);
        Process cc = new ProcessBuilder("/usr/bin/musl-gcc", "-static", "-O1", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), ccOut);
        Path go = dir.resolve("go");
        IoObject[] out = kernel.pipe();
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(exe.toString(), List.of(exe.toString(), go.toString()), Map.of(), "/",
                    Path.of("/"), new IoObject[] {out[1], out[1], out[1]}, null, 0));
        } finally {
            out[1].release();
        }
        ServiceRegistration<Provider> relay = null;
        try {
            HotSwapKit.await(() -> kernel.processes().stream().anyMatch(c -> c.parentPid() == p.pid()), 30,
                    () -> "the vfork child runs: " + kernel.processes());
            String before = p.provider().orElseThrow();
            ServiceReference<Provider> linux = context.getServiceReferences(Provider.class,
                    "(" + Provider.PERSONALITY + "=linux)").iterator().next();
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(Provider.PERSONALITY, "linux");
            props.put(Constants.SERVICE_RANKING, 100);
            relay = context.registerService(Provider.class, new NetProgramsTest.Relay(context.getService(linux)),
                    props);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernel.swap("linux", 300));
            assertTrue(e.getMessage().startsWith("rolled back: ") && e.getMessage().contains("300 ms"),
                    e::getMessage);
            assertEquals(before, p.provider().orElseThrow(), "the process stays with its provider");
            assertTrue(p.exitStatus().isEmpty(), "the process runs on");

            Files.writeString(go, "");
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(30)),
                    "the process ends once its child may exit");
            ByteBuffer buf = ByteBuffer.allocate(256);
            int n = out[0].read(buf);
            String text = new String(buf.array(), 0, Math.max(0, n), StandardCharsets.UTF_8);
            assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow(), text);
            assertEquals("child exited 7\n", text);
            // and with nothing holding it, the same swap goes through
            PicoProcess again = kernel.spawn(new Launch("/bin/busybox", List.of("/bin/busybox", "sleep", "30"),
                    Map.of(), "/", Path.of("/"), new IoObject[] {out[0], out[0], out[0]}, null, 0));
            try {
                SwapReport report = kernel.swap("linux", 5000);
                assertTrue(report.processes() >= 1, report::toString);
            } finally {
                kernel.signal(again.pid(), "KILL");
                again.waitFor();
                kernel.reap(again.pid());
            }
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "KILL");
            }
            p.waitFor();
            kernel.reap(p.pid());
            out[0].release();
            if (relay != null) {
                relay.unregister();
            }
        }
    }
}
