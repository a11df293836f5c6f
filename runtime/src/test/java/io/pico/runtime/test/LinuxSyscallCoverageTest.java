package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallEvent;
import io.pico.api.CallInfo;
import io.pico.api.CallObserver;
import io.pico.api.Kernel;
import io.pico.api.Support;
import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 4, "every supported entry is exercised by a test": {@code linux/syscalls.c} calls every system call the
 * Linux table marks full or partial, one output line per call with what a program can observe of its result. It
 * runs natively and under pico, each in a fresh directory (relative names only, the pico run confined to it), and
 * the outputs must be the same; the calls whose pico result is documented to differ (privileged calls a native run
 * as root would really make, the subsets the notes name) run under pico only, against the lines an unprivileged
 * Linux process would print. A call observer records every call the guests make: each full or partial row of
 * {@code pico:syscalls linux} must be among them, or be named in {@link #NOT_EXERCISED} with the reason.
 */
class LinuxSyscallCoverageTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    /** Supported rows this test does not call, each with the reason. Empty: every row is called. */
    static final Map<String, String> NOT_EXERCISED = Map.of();

    /** What {@code syscalls documented} prints under pico: what an unprivileged Linux process sees. */
    static final String DOCUMENTED = """
            rseq: ENOSYS
            mknod fifo: EPERM
            setxattr: EOPNOTSUPP
            lsetxattr: EOPNOTSUPP
            fsetxattr: EOPNOTSUPP
            removexattr: EOPNOTSUPP
            lremovexattr: EOPNOTSUPP
            fremovexattr: EOPNOTSUPP
            syslog: EPERM
            vhangup: EPERM
            chroot: EPERM
            settimeofday: EPERM
            clock_settime: EPERM
            mount: EPERM
            umount2: EPERM
            reboot: EPERM
            sethostname: EPERM
            setdomainname: EPERM
            capset: EPERM
            """;

    @Test
    void everySupportedCallIsExercisedAndAnswersAsNatively() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "syscalls.c", "syscalls");
        Path nativeDir = Files.createTempDirectory(LinuxTestSupport.buildDir(), "native-");
        Path picoDir = Files.createTempDirectory(LinuxTestSupport.buildDir(), "pico-");
        Files.copy(exe, nativeDir.resolve("syscalls"));
        Files.copy(exe, picoDir.resolve("syscalls"));
        Result expected = LinuxTestSupport.host(nativeDir, nativeDir.resolve("syscalls").toString(), "all");

        Set<String> called = new ConcurrentSkipListSet<>();
        CallObserver observer = new CallObserver() {
            @Override
            public void before(CallEvent call) {
                if (call.personality().equals("linux")) {
                    called.add(call.name());
                }
            }

            @Override
            public void after(CallEvent call, long result) {
                // the names are all this test needs
            }
        };
        BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
        ServiceRegistration<CallObserver> registration = context.registerService(CallObserver.class, observer, null);
        Result actual;
        Result documented;
        try {
            actual = LinuxTestSupport.pico(launcher, picoDir, "/", null, null, List.of("/syscalls", "all"));
            Path docDir = Files.createTempDirectory(LinuxTestSupport.buildDir(), "documented-");
            Files.copy(exe, docDir.resolve("syscalls"));
            documented = LinuxTestSupport.pico(launcher, docDir, "/", null, null, List.of("/syscalls", "documented"));
        } finally {
            registration.unregister();
        }

        Set<String> supported = kernel.calls("linux").stream().filter(c -> c.support() != Support.MISSING)
                .map(CallInfo::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(supported);
        missing.removeAll(called);
        missing.removeAll(NOT_EXERCISED.keySet());
        Set<String> staleExclusions = new TreeSet<>(NOT_EXERCISED.keySet());
        staleExclusions.removeIf(supported::contains);
        Result pico = actual;
        String difference = firstDifference(expected.out(), newerThanHost(expected.out(), pico.out()));
        // one short line in the build's output, where CI's report shows it (the assertion below prints both runs)
        System.out.println("LinuxSyscallCoverageTest: host kernel " + System.getProperty("os.version") + ", native and pico "
                + (difference.isEmpty() ? "print the same" : "differ " + difference));
        assertAll(
            () -> assertTrue(expected.out().contains("exit_group: next"), () -> "the native run: " + expected),
            () -> assertEquals(String.join("\n", expected.out().lines().toList()), newerThanHost(expected.out(), pico.out()),
                    () -> "pico and native differ " + difference + "; pico " + pico
                            + "; native " + expected),
            () -> assertEquals(expected.status(), pico.status(), () -> "pico " + pico + "; native " + expected),
            () -> assertEquals(DOCUMENTED, documented.out(), () -> "the documented differences: " + documented),
            () -> assertTrue(supported.size() >= 150, () -> supported.size() + " supported rows"),
            () -> assertTrue(missing.isEmpty(), () -> missing.size() + " supported rows no guest called: " + missing),
            () -> assertTrue(staleExclusions.isEmpty(), () -> "excluded but not supported: " + staleExclusions));
    }

    /**
     * Pico's output with the calls the host kernel is too old for taken as the host prints them: where the native
     * run says {@code NAME: ENOSYS} (a call newer than the host kernel, such as fchmodat2 before Linux 6.6), pico's
     * line for NAME and its indented detail lines become the native line and the native detail lines (what the
     * program saw after the call failed). Every other line must be the same.
     */
    static String newerThanHost(String nativeOut, String picoOut) {
        List<String> nat = nativeOut.lines().toList();
        List<String> pic = picoOut.lines().toList();
        List<String> out = new java.util.ArrayList<>();
        int p = 0;
        for (int n = 0; n < nat.size() && p < pic.size(); n++) {
            String line = nat.get(n);
            String picoLine = pic.get(p++);
            if (line.endsWith(": ENOSYS") && !picoLine.equals(line)
                    && picoLine.startsWith(line.substring(0, line.length() - "ENOSYS".length()))) {
                System.out.println("LinuxSyscallCoverageTest: the host kernel lacks what pico answered: " + picoLine);
                out.add(line);
                while (p < pic.size() && pic.get(p).startsWith("  ")) {
                    p++;
                }
                while (n + 1 < nat.size() && nat.get(n + 1).startsWith("  ")) {
                    out.add(nat.get(++n));
                }
                continue;
            }
            out.add(picoLine);
        }
        out.addAll(pic.subList(p, pic.size()));
        return String.join("\n", out);
    }

    /** Where two outputs first differ, by line, for the failure message; empty where they do not. */
    static String firstDifference(String a, String b) {
        List<String> x = a.lines().toList();
        List<String> y = b.lines().toList();
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            String l = i < x.size() ? x.get(i) : "<end>";
            String r = i < y.size() ? y.get(i) : "<end>";
            if (!l.equals(r)) {
                return "at line " + (i + 1) + ": native [" + l + "], pico [" + r + "]";
            }
        }
        return "";
    }
}
