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
        String nativeOut = String.join("\n", expected.out().lines().toList());
        String compared = withHostRefusals(expected.out(), pico.out(), true);
        String difference = firstDifference(nativeOut, compared);
        String host = "host kernel " + System.getProperty("os.version");
        // one short line in the build's output; the failure messages below stay short too, so that the end of a
        // CI log (where a report shows it) holds the line that differs rather than two copies of 280 lines
        System.out.println("LinuxSyscallCoverageTest: " + host + ", native and pico "
                + (difference.isEmpty() ? "print the same" : "differ " + difference));
        assertAll(
            () -> assertTrue(expected.out().contains("exit_group: next"), () -> "the native run: " + expected),
            () -> assertEquals("", difference, () -> "pico and native differ (" + host + "); around it, native:\n"
                    + around(nativeOut, difference) + "\npico:\n" + around(compared, difference)),
            () -> assertEquals(expected.status(), pico.status(), () -> "exit status (" + host + "); pico stderr "
                    + tail(pico.err()) + "; native stderr " + tail(expected.err())),
            () -> assertEquals(DOCUMENTED, documented.out(), () -> "the documented differences: " + documented),
            () -> assertTrue(supported.size() >= 150, () -> supported.size() + " supported rows"),
            () -> assertTrue(missing.isEmpty(), () -> missing.size() + " supported rows no guest called: " + missing),
            () -> assertTrue(staleExclusions.isEmpty(), () -> "excluded but not supported: " + staleExclusions));
    }

    /**
     * Lines a Linux 6.1 kernel printed for this program on a tmpfs (booted under qemu-system, as a CI machine's
     * older kernel and file system would): its refusals are taken, anything else pico answers differently is not.
     */
    @Test
    void onlyTheHostsRefusalsAreTakenFromTheHost() {
        String linux61 = """
                fchmodat2: ENOSYS
                  mode 600
                getxattr: EOPNOTSUPP
                getsid: ok
                """;
        String pico = """
                fchmodat2: ok
                  mode 644
                getxattr: ENODATA
                getsid: ok
                """;
        assertEquals(linux61.strip(), withHostRefusals(linux61, pico));
        // pico refusing what the host allowed, or answering a different value, still differs
        assertEquals("fchmodat2: EPERM\ngetsid: ok",
                withHostRefusals("fchmodat2: ok\ngetsid: ok", "fchmodat2: EPERM\ngetsid: ok"));
        assertEquals("at line 1: native [close_range: EINVAL], pico [close_range: ok]",
                firstDifference("close_range: EINVAL", withHostRefusals("close_range: EINVAL", "close_range: ok")));
        assertEquals("getpriority: 20", withHostRefusals("getpriority: 10", "getpriority: 20"));
    }

    /**
     * What the host refused for want of something pico's Linux has: a call newer than the host kernel (ENOSYS,
     * such as fchmodat2 before Linux 6.6), a file system without user extended attributes (EOPNOTSUPP, such as
     * tmpfs before 6.6), a privilege or a seccomp filter the machine withholds (EPERM, EACCES), a lower memory
     * lock limit (ENOMEM). On these lines the native run is no reference for pico's answer.
     */
    static final Set<String> HOST_REFUSALS = Set.of("ENOSYS", "EOPNOTSUPP", "EPERM", "EACCES", "ENOMEM");

    /**
     * Pico's output with the host's refusals taken as the host printed them: where the native run says
     * {@code NAME: E...} with an errno of {@link #HOST_REFUSALS} and pico answered NAME otherwise, pico's line and
     * its indented detail lines become the native line and the native detail lines (what the program saw after
     * the call failed). Every other line must be the same: pico refusing what the host allowed still differs.
     */
    static String withHostRefusals(String nativeOut, String picoOut) {
        return withHostRefusals(nativeOut, picoOut, false);
    }

    /** {@link #withHostRefusals(String, String)}, and a line in the build's output per refusal if {@code report}. */
    static String withHostRefusals(String nativeOut, String picoOut, boolean report) {
        List<String> nat = nativeOut.lines().toList();
        List<String> pic = picoOut.lines().toList();
        List<String> out = new java.util.ArrayList<>();
        int p = 0;
        for (int n = 0; n < nat.size() && p < pic.size(); n++) {
            String line = nat.get(n);
            String picoLine = pic.get(p++);
            int colon = line.lastIndexOf(": ");
            if (colon > 0 && HOST_REFUSALS.contains(line.substring(colon + 2)) && !picoLine.equals(line)
                    && picoLine.startsWith(line.substring(0, colon + 2))) {
                if (report) {
                    System.out.println("LinuxSyscallCoverageTest: the host refused (" + line + ") what pico answered: "
                            + picoLine);
                }
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

    /** Three lines either side of the line a {@link #firstDifference} names, numbered. */
    static String around(String text, String difference) {
        if (!difference.startsWith("at line ")) {
            return "";
        }
        int at = Integer.parseInt(difference.substring("at line ".length(), difference.indexOf(':')));
        List<String> lines = text.lines().toList();
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(1, at - 3); i <= Math.min(lines.size(), at + 3); i++) {
            b.append(String.format("%4d %s%n", i, lines.get(i - 1)));
        }
        return b.toString().stripTrailing();
    }

    /** The last lines of a stream, for a failure message. */
    static String tail(String text) {
        List<String> lines = text.lines().toList();
        return "[" + String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size())) + "]";
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
