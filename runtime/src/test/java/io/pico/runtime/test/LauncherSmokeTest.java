package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Kernel;
import io.pico.api.ProviderInfo;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectService;

/**
 * What {@code ./pico run} does, in the framework: the shell bundle's {@code pico.launcher=run} service runs
 * real Linux programs (the host's static busybox) with its output sent to streams of the test.
 */
class LauncherSmokeTest {

    private static final String BUSYBOX = "/bin/busybox";
    private static final long TIMEOUT_SECONDS = 60;
    private static final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "launcher-smoke");
        t.setDaemon(true);
        return t;
    });

    /** The shell bundle's launcher; osgi-test injects raw service types only. */
    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    @AfterAll
    static void stopRunner() {
        runner.shutdownNow();
    }

    /** The outcome of one run: shell status, stdout and stderr. */
    record Run(int status, String out, String err) {
    }

    private Run run(String root, String... argv) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Object> request = new HashMap<>();
        request.put("argv", Arrays.asList(argv));
        request.put("root", root);
        request.put("strace", Boolean.FALSE);
        request.put("cwd", "/");
        request.put("env", Map.of("PATH", "/bin:/usr/bin", "HOME", "/"));
        request.put("signals", new LinkedBlockingQueue<String>());
        request.put("stdin", InputStream.nullInputStream());
        request.put("stdout", out);
        request.put("stderr", err);
        @SuppressWarnings("unchecked")
        Function<Object, Object> service = launcher;
        Future<Object> f = runner.submit(() -> service.apply(request));
        Object status = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(status instanceof Integer, () -> "status " + status);
        return new Run((Integer) status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void busyboxEchoPrintsHelloAndExitsZero() throws Exception {
        Run r = run("/", BUSYBOX, "echo", "hello");
        assertEquals(new Run(0, "hello\n", ""), r);
    }

    @Test
    void busyboxFalseExitsOne() throws Exception {
        Run r = run("/", BUSYBOX, "false");
        assertEquals(1, r.status(), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void aTruncatedElfFailsWithOneLineAndStatus126() throws Exception {
        byte[] busybox = Files.readAllBytes(Path.of(BUSYBOX));
        Files.write(dir.resolve("busybox"), Arrays.copyOf(busybox, 2000));
        Run r = run(dir.toString(), "/busybox", "echo", "hello");
        assertEquals(126, r.status(), r::toString);
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), () -> "stderr: " + r.err());
        assertFalse(lines.get(0).isBlank());
        assertTrue(lines.get(0).contains("busybox"), () -> "names the program: " + lines.get(0));
    }

    @Test
    void theLinuxProviderIsListedWithItsBundleVersion() {
        ProviderInfo linux = kernel.providers().stream().filter(p -> p.personality().equals("linux")).findFirst()
                .orElseThrow(() -> new AssertionError("no linux provider in " + kernel.providers()));
        Bundle bundle = Arrays.stream(FrameworkUtil.getBundle(getClass()).getBundleContext().getBundles())
                .filter(b -> "io.pico.provider.linux".equals(b.getSymbolicName())).findFirst().orElseThrow();
        assertEquals("io.pico.provider.linux", linux.bundle());
        assertEquals(bundle.getVersion().toString(), linux.version());
        assertFalse(linux.formats().isEmpty(), "formats");
        assertTrue(linux.total() > 0 && linux.full() + linux.partial() <= linux.total(), linux::toString);
        assertTrue(kernel.engine().startsWith("unicorn "), kernel::engine);
    }
}
