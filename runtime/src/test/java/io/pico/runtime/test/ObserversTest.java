package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallEvent;
import io.pico.api.CallObserver;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.Kernel;
import io.pico.api.ObserverInfo;
import io.pico.api.PicoProcess;
import io.pico.api.ProcessObserver;
import io.pico.api.VetoException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Observers over every personality, registered as whiteboard services: a process observer's veto is the
 * guest's "Permission denied" until the observer goes; a call observer's counts per process and personality
 * are the {@code --strace} lines of the same mixed run; observers that throw or overrun their budget are
 * disabled and the guests carry on.
 */
class ObserversTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();

    /** Runs {@code busybox sh -c script} from {@code dir} through the launcher, optionally with --strace. */
    @SuppressWarnings("unchecked")
    private LinuxTestSupport.Result sh(String script, boolean strace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Object> request = new HashMap<>();
        request.put("argv", List.of(LinuxTestSupport.BUSYBOX, "sh", "-c", script));
        request.put("root", "/");
        request.put("cwd", dir.toString());
        request.put("env", LinuxTestSupport.ENV);
        request.put("strace", strace);
        request.put("signals", new LinkedBlockingQueue<String>());
        request.put("stdin", InputStream.nullInputStream());
        request.put("stdout", out);
        request.put("stderr", err);
        Object status = ((Function<Object, Object>) launcher).apply(request);
        return new LinuxTestSupport.Result((Integer) status, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aVetoIsPermissionDeniedForTheShellUntilTheObserverGoes() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        CrossPersonalityTest.os2Programs(dir);
        Path denied = dir.resolve("true");
        Files.copy(Path.of(LinuxTestSupport.BUSYBOX), denied);
        denied.toFile().setExecutable(true);
        List<String> refused = new CopyOnWriteArrayList<>();
        ProcessObserver veto = new ProcessObserver() {
            @Override
            public void starting(PicoProcess process, Image image, List<String> argv) {
                if (image != null && Set.of("hello.exe", "true").contains(image.fileName())) {
                    refused.add(process.personality() + " " + image.fileName());
                    throw new VetoException("not on the allow list");
                }
            }
        };
        // a Linux image (a copy of busybox, as its applet true) and an OS/2 image are refused; the other programs run
        String script = "./true; echo \"denied=$?\"; ./hello.exe; echo \"hello=$?\"; "
                + "./testargv.exe x > /dev/null; echo \"testargv=$?\"; /bin/busybox echo yes; echo \"echo=$?\"";
        ServiceRegistration<ProcessObserver> registration = context.registerService(ProcessObserver.class, veto, null);
        LinuxTestSupport.Result r;
        try {
            r = sh(script, false);
        } finally {
            registration.unregister();
        }
        assertEquals(0, r.status(), r::toString);
        assertEquals("denied=126\nhello=126\ntestargv=0\nyes\necho=0\n", r.out(), r::toString);
        assertTrue(r.err().contains("./true: Permission denied") && r.err().contains("./hello.exe: Permission denied"),
                r::toString);
        assertEquals(List.of("linux true", "linux hello.exe"), refused, "the shell's children asked to exec them");

        LinuxTestSupport.Result lifted = sh(script, false);
        assertTrue(lifted.out().startsWith("denied=0\nHello world! I'm a 32-bit OS/2 binary!"), lifted::toString);
        assertTrue(lifted.out().endsWith("hello=0\ntestargv=0\nyes\necho=0\n"), lifted::toString);
    }

    /**
     * Image loads across personalities: a process observer hears of the static busybox shell's program, Debian's
     * dynamic /bin/ls with its dynamic linker and the C library the linker maps executable, and an OS/2 program
     * with the emx.dll it imports, each with the process it went into and a mapped range.
     */
    @Test
    void aProcessObserverHearsOfEveryImageMappedIntoAProcess() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        LinuxTestSupport.require("/bin/ls");
        CrossPersonalityTest.os2Programs(dir);
        Files.copy(CrossPersonalityTest.corpus("os2").resolve("2ine/helloc.exe"), dir.resolve("helloc.exe"));
        dir.resolve("helloc.exe").toFile().setExecutable(true);
        List<String> loads = new CopyOnWriteArrayList<>();
        List<String> bad = new CopyOnWriteArrayList<>();
        ProcessObserver observer = new ProcessObserver() {
            @Override
            public void imageLoaded(PicoProcess process, String path, long base, long size) {
                String line = process.personality() + " " + path;
                loads.add(line);
                if (base <= 0 || size <= 0 || process.memory().regions().stream()
                        .noneMatch(r -> r.start() <= base && base < r.end())) {
                    bad.add(line + String.format(" at 0x%x+0x%x", base, size));
                }
            }
        };
        ServiceRegistration<ProcessObserver> registration = context.registerService(ProcessObserver.class, observer,
                null);
        LinuxTestSupport.Result r;
        try {
            r = sh("/bin/ls -d /; ./helloc.exe", false);
        } finally {
            registration.unregister();
        }
        assertEquals(0, r.status(), r::toString);
        assertTrue(bad.isEmpty(), () -> "loads outside the process's memory: " + bad);
        Function<String, Boolean> seen = pattern -> loads.stream().anyMatch(l -> l.matches(pattern));
        assertAll(
            () -> assertTrue(seen.apply("linux .*/busybox"), () -> "the shell's program: " + loads),
            () -> assertTrue(seen.apply("linux .*/ls"), () -> "ls: " + loads),
            () -> assertTrue(seen.apply("linux .*/ld-linux-x86-64\\.so\\.2"), () -> "the dynamic linker: " + loads),
            () -> assertTrue(seen.apply("linux .*/libc\\.so\\.6"), () -> "the C library: " + loads),
            () -> assertTrue(seen.apply("(?i)os2 .*\\\\helloc\\.exe"), () -> "the OS/2 program: " + loads),
            () -> assertTrue(seen.apply("(?i)os2 .*\\\\emx\\.dll"), () -> "its DLL: " + loads));
    }

    /**
     * The OS/2 side of a veto: DosExecPgm of a vetoed image returns ERROR_ACCESS_DENIED (5), which exec.exe
     * passes to DosExit; without the observer the same program starts its (Linux) child and ends with 100 + the
     * child's status.
     */
    @Test
    void aVetoIsErrorAccessDeniedForDosExecPgm() throws Exception {
        Path linux = LinuxTestSupport.cc("/usr/bin/musl-gcc", "foreign_child.c", "foreign_child");
        Files.copy(linux, dir.resolve("hello.exe"));
        dir.resolve("hello.exe").toFile().setExecutable(true);
        Files.write(dir.resolve("exec.exe"), Os2Images.execHello());
        Map<String, String> env = Map.of("PATH", "C:\\bin;C:\\usr\\bin");
        List<String> refused = new CopyOnWriteArrayList<>();
        ProcessObserver veto = new ProcessObserver() {
            @Override
            public void starting(PicoProcess process, Image image, List<String> argv) {
                if (image != null && image.fileName().equalsIgnoreCase("hello.exe")) {
                    refused.add(image.fileName());
                    throw new VetoException("not on the allow list");
                }
            }
        };
        ServiceRegistration<ProcessObserver> registration = context.registerService(ProcessObserver.class, veto, null);
        CrossPersonalityTest.Run denied;
        try {
            denied = CrossPersonalityTest.direct(kernel, dir, env, dir.resolve("exec.exe").toString());
        } finally {
            registration.unregister();
        }
        assertEquals(ExitStatus.exited(5), denied.status(), "ERROR_ACCESS_DENIED from DosExecPgm: " + denied.text());
        assertEquals(List.of("hello.exe"), refused);
        CrossPersonalityTest.Run lifted = CrossPersonalityTest.direct(kernel, dir, env,
                dir.resolve("exec.exe").toString());
        assertEquals(ExitStatus.exited(107), lifted.status(), "the veto is lifted: " + lifted.text());
    }

    /** A call line of the trace: its process or thread number, and whether it is an OS/2 API call. */
    private static final Pattern POSIX_CALL = Pattern.compile("^(\\d+) (\\[int 0x80\\] )?[a-z_][a-z_0-9]*\\(");
    private static final Pattern OS2_CALL = Pattern.compile("^(\\d+) (\\[tid \\d+\\] )?[A-Z0-9$_]+\\.\\d+ ");

    @Test
    void aCallObserverCountsPerPersonalityWhatStraceShows() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        CrossPersonalityTest.os2Programs(dir);
        Path freebsd = dir.resolve("x8664_hello_static");
        Files.copy(CrossPersonalityTest.corpus("freebsd").resolve("bin/x8664_hello_static"), freebsd);
        freebsd.toFile().setExecutable(true);
        // the key of a call: the thread for the POSIX personalities (their trace lines start with it), the
        // process for OS/2 (ditto)
        Map<Integer, AtomicLong> before = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> after = new ConcurrentHashMap<>();
        Map<Integer, String> personalities = new ConcurrentHashMap<>();
        CallObserver counter = new CallObserver() {
            @Override
            public void before(CallEvent call) {
                int key = call.personality().equals("os2") ? call.pid() : call.tid();
                personalities.put(key, call.personality());
                before.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }

            @Override
            public void after(CallEvent call, long result) {
                int key = call.personality().equals("os2") ? call.pid() : call.tid();
                after.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }
        };
        ServiceRegistration<CallObserver> registration = context.registerService(CallObserver.class, counter, null);
        LinuxTestSupport.Result r;
        try {
            r = sh("./hello.exe; ./testargv.exe x | /bin/busybox wc -l; ./x8664_hello_static; echo; "
                    + "/bin/busybox echo done", true);
        } finally {
            registration.unregister();
        }
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().endsWith("Hello, World!\ndone\n"), r::toString);
        Map<Integer, Long> traced = new TreeMap<>();
        Map<Integer, Boolean> os2Lines = new HashMap<>();
        for (String line : r.err().split("\n")) {
            Matcher os2 = OS2_CALL.matcher(line);
            Matcher posix = POSIX_CALL.matcher(line);
            Matcher m = os2.find() ? os2 : posix.find() ? posix : null;
            if (m != null) {
                int key = Integer.parseInt(m.group(1));
                traced.merge(key, 1L, Long::sum);
                os2Lines.merge(key, m == os2, (a, b) -> a || b);
            }
        }
        Map<Integer, Long> observed = new TreeMap<>();
        for (Integer key : traced.keySet()) {
            observed.put(key, before.getOrDefault(key, new AtomicLong()).get());
        }
        assertEquals(traced, observed, "calls per process/thread: strace lines and observed calls");
        Map<String, Long> perPersonality = new TreeMap<>();
        traced.forEach((key, n) -> perPersonality.merge(personalities.get(key), n, Long::sum));
        assertEquals(Set.of("linux", "os2", "posix"), perPersonality.keySet(), perPersonality::toString);
        for (Integer key : traced.keySet()) {
            assertEquals(os2Lines.get(key), "os2".equals(personalities.get(key)), () -> "key " + key);
            assertTrue(after.getOrDefault(key, new AtomicLong()).get() >= traced.get(key) - 1,
                    () -> "each call also ends (but a process's last call): " + key);
        }
    }

    @Test
    void observersThatThrowOrAreSlowAreDisabledAndGuestsRunOn() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        CrossPersonalityTest.os2Programs(dir);
        CallObserver slow = new CallObserver() {
            @Override
            public void before(CallEvent call) {
                try {
                    Thread.sleep(60); // over the kernel's budget of 50 ms per call
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void after(CallEvent call, long result) {
            }
        };
        CallObserver throwing = new CallObserver() {
            @Override
            public void before(CallEvent call) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void after(CallEvent call, long result) {
                throw new IllegalStateException("observer bug");
            }
        };
        ProcessObserver throwingProcess = new ProcessObserver() {
            @Override
            public void starting(PicoProcess process, Image image, List<String> argv) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void exited(PicoProcess process, ExitStatus status) {
                throw new IllegalStateException("observer bug");
            }
        };
        List<ServiceRegistration<?>> registrations = List.of(
                context.registerService(CallObserver.class, slow, null),
                context.registerService(CallObserver.class, throwing, null),
                context.registerService(ProcessObserver.class, throwingProcess, null));
        LinuxTestSupport.Result r;
        List<ObserverInfo> infos;
        String listed;
        try {
            r = sh("./hello.exe; /bin/busybox echo done", false);
            infos = kernel.observers();
            listed = CrossPersonalityTest.picoCommand("observers");
        } finally {
            registrations.forEach(ServiceRegistration::unregister);
        }
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().startsWith("Hello world! I'm a 32-bit OS/2 binary!") && r.out().endsWith("done\n"),
                r::toString);
        String bundle = context.getBundle().getSymbolicName();
        List<ObserverInfo> ours = infos.stream().filter(i -> i.bundle().contains(bundle)).toList();
        assertEquals(3, ours.size(), infos::toString);
        assertTrue(ours.stream().allMatch(ObserverInfo::disabled), () -> "all disabled after repeated faults: " + ours);
        // pico:observers lists them: kind, bundle, calls, faults, state
        List<String> rows = listed.lines().filter(l -> l.contains(bundle)).toList();
        assertEquals(3, rows.size(), listed);
        assertTrue(rows.stream().allMatch(l -> l.trim().endsWith("disabled")), listed);
        assertEquals(2, rows.stream().filter(l -> l.trim().startsWith("call ")).count(), listed);
    }

    @Test
    void aProcessObserverThatHangsIsDisabledAndProcessesStartWithoutIt() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        ProcessObserver hanging = new ProcessObserver() {
            @Override
            public void starting(PicoProcess process, Image image, List<String> argv) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ServiceRegistration<ProcessObserver> registration = context.registerService(ProcessObserver.class, hanging,
                null);
        LinuxTestSupport.Result r;
        List<ObserverInfo> infos;
        try {
            r = sh("/bin/busybox echo one; /bin/busybox echo two", false);
            infos = kernel.observers();
        } finally {
            registration.unregister();
            never.countDown();
        }
        assertEquals(new LinuxTestSupport.Result(0, "one\ntwo\n", ""), r);
        String bundle = context.getBundle().getSymbolicName();
        ObserverInfo info = infos.stream().filter(i -> i.bundle().equals(bundle) && i.kind().equals("process"))
                .findFirst().orElseThrow(() -> new AssertionError(infos));
        assertTrue(info.disabled() && info.calls() == 1, () -> "disabled at its first hang: " + info);
    }
}
