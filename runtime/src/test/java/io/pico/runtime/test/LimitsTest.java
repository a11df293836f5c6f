package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.api.PicoProcess;
import io.pico.api.ResourceLimitException;
import io.pico.runtime.test.ReliabilityKit.Guest;
import io.pico.runtime.test.ReliabilityKit.Run;
import io.pico.runtime.test.ReliabilityKit.Started;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 10, point 4: resource limits, set through the kernel's configuration (PID io.pico.kernel) and restored
 * afterwards. A C program allocating beyond the memory limit gets NULL/ENOMEM and carries on; the process limit
 * refuses spawns and contains a fork bomb while the runtime stays usable; the thread limit makes
 * pthread_create fail with EAGAIN; the CPU-time limit ends a spinning guest and spares a sleeping one;
 * descriptors stop at EMFILE (and at a lowered RLIMIT_NOFILE) without leaking host descriptors; a runaway
 * {@code jmp $} guest, single- or multi-threaded, is killed by Kernel.signal(KILL) and by the shell's pico:kill.
 */
class LimitsTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    private final Set<Integer> started = new HashSet<>();
    private KernelStatistics baseline;

    static final String MEMHOG_C = """
            #include <errno.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <sys/syscall.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                long mb = 0, most = argc > 2 ? atol(argv[2]) : 1L << 20;
                for (;;) {
                    char *p = malloc(1 << 20);
                    if (!p) break;
                    memset(p, 1, 1 << 20);
                    if (++mb >= most) break;
                }
                printf("malloc: %ld MB then %s\\n", mb, mb >= most ? "enough" : "NULL");
                void *big = mmap(0, (size_t) atol(argv[1]) << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                printf("mmap %s MB: %s\\n", argv[1], big == MAP_FAILED ? (errno == ENOMEM ? "ENOMEM" : strerror(errno)) : "ok");
                long brk0 = syscall(SYS_brk, 0);
                long brk1 = syscall(SYS_brk, brk0 + ((long) atol(argv[1]) << 20));
                printf("brk: %s\\n", brk1 == brk0 ? "refused" : "moved");
                char *small = malloc(100);
                printf("still alive: %s\\n", small ? "yes" : "no");
                return 0;
            }
            """;

    static final String THREADS_C = """
            #include <pthread.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            static void *idle(void *a) { pause(); return 0; }
            int main(void) {
                int n = 0, err = 0;
                for (; n < 10000; n++) {
                    pthread_t t;
                    pthread_attr_t at;
                    pthread_attr_init(&at);
                    pthread_attr_setstacksize(&at, 65536);
                    if ((err = pthread_create(&t, &at, idle, 0)) != 0) break;
                }
                printf("threads: %d more, then %s\\n", n, err == 11 ? "EAGAIN" : strerror(err));
                return 0;
            }
            """;

    static final String FDS_C = """
            #include <errno.h>
            #include <fcntl.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/resource.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                if (argc > 1 && strcmp(argv[1], "-")) {
                    struct rlimit rl = {atol(argv[1]), atol(argv[1])};
                    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) printf("setrlimit: %s\\n", strerror(errno));
                }
                int n = 0;
                for (;;) {
                    int fd = open(argc > 2 ? argv[2] : "/dev/null", O_RDONLY);
                    if (fd < 0) { printf("open: %d more, then %s\\n", n, errno == EMFILE ? "EMFILE" : errno == ENFILE ? "ENFILE" : strerror(errno)); break; }
                    n++;
                }
                int p[2];
                printf("pipe: %s\\n", pipe(p) < 0 && errno == EMFILE ? "EMFILE" : "ok");
                printf("dup: %s\\n", dup(0) < 0 && errno == EMFILE ? "EMFILE" : "ok");
                close(3);
                printf("after a close: %s\\n", open("/dev/null", O_RDONLY) == 3 ? "fd 3 again" : "other");
                if (argc > 3) { /* hold every descriptor until the input ends */
                    fflush(stdout);
                    char b[16];
                    while (read(0, b, sizeof b) > 0) { }
                }
                return 0;
            }
            """;

    static final String SPIN_C = """
            #include <pthread.h>
            #include <stdio.h>
            static void *spin(void *a) { for (volatile long i = 0;; i++) ; return 0; }
            int main(int argc, char **argv) {
                pthread_t t1, t2;
                pthread_create(&t1, 0, spin, 0);
                pthread_create(&t2, 0, spin, 0);
                puts("spinning"); fflush(stdout);
                spin(0);
            }
            """;

    static final String FORKBOMB_C = """
            #include <errno.h>
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
                setvbuf(stdout, NULL, _IONBF, 0);
                printf("bomb\\n");
                for (;;) {
                    pid_t p = fork();
                    if (p < 0 && errno != EAGAIN) { printf("fork: errno %d\\n", errno); }
                }
            }
            """;

    /** {@code jmp $}: a guest that never makes a system call. */
    static final String JMP_ASM = """
            global _start
            section .text
            _start:
                jmp _start
            """;

    @BeforeEach
    void remember() throws InterruptedException {
        baseline = ReliabilityKit.awaitBaseline(kernel, kernel.statistics());
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            // with the limits still in force: a fork bomb must not regrow to the default limit meanwhile
            killTree(started);
        } finally {
            ReliabilityKit.restoreDefaults(kernel, configAdmin);
        }
        ReliabilityKit.assertBackToBaseline(kernel, baseline, "the limits test");
    }

    /**
     * Kills processes and everything they forked until none has been alive for a while (a fork bomb forks
     * while it is being killed), then reaps them all.
     */
    private void killTree(Set<Integer> roots) throws Exception {
        long t0 = System.nanoTime();
        int quiet = 0;
        Set<Integer> seen = new HashSet<>(roots);
        while (quiet < 5) {
            seen.addAll(ReliabilityKit.descendants(kernel, seen));
            List<Integer> live = seen.stream().filter(pid -> kernel.process(pid).map(p -> p.exitStatus().isEmpty())
                    .orElse(false)).toList();
            if (live.isEmpty()) {
                quiet++;
            } else {
                quiet = 0;
                for (int pid : live) {
                    try {
                        kernel.signal(pid, "KILL");
                    } catch (IllegalArgumentException ended) {
                        // gone meanwhile
                    }
                }
            }
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), () -> "processes still alive after 20 s "
                    + "of KILLs: " + kernel.processes().size());
            Thread.sleep(20);
        }
        ReliabilityKit.killAll(kernel, new ArrayList<>(seen));
        started.removeAll(seen);
    }

    private Started start(Guest g) throws Exception {
        Started s = ReliabilityKit.start(kernel, g);
        started.add(s.process().pid());
        return s;
    }

    private Run run(Path program, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(List.of(args));
        Started s = start(Guest.of(Path.of("/"), argv.toArray(String[]::new)).cwd(program.getParent().toString()));
        return ReliabilityKit.finish(kernel, s, TimeUnit.SECONDS.toMillis(ReliabilityKit.CASE_LIMIT_SECONDS));
    }

    @Test
    void beyondTheMemoryLimitTheGuestSeesEnomemAndCarriesOn() throws Exception {
        Path hog = ReliabilityKit.cc("memhog", MEMHOG_C);
        ReliabilityKit.configure(kernel, configAdmin, Map.of("memoryLimitMB", 64L));
        Run r = run(hog, "256");
        assertEquals(0, r.shell(), r::toString);
        String mb = r.out().lines().filter(l -> l.startsWith("malloc: ")).findFirst().orElseThrow(() ->
                new AssertionError(r.toString()));
        long got = Long.parseLong(mb.split(" ")[1]);
        assertTrue(got >= 32 && got < 64, () -> "allocated " + got + " MB under a 64 MB limit: " + r);
        assertTrue(r.out().contains("mmap 256 MB: ENOMEM\n"), r::toString);
        assertTrue(r.out().contains("brk: refused\n"), r::toString);
        assertTrue(r.out().contains("still alive: yes\n"), r::toString);

        // the same program under the default limit: the limit, not the machine, stopped it
        ReliabilityKit.restoreDefaults(kernel, configAdmin);
        Run free = run(hog, "256", "100");
        assertTrue(free.out().startsWith("malloc: 100 MB then enough\n"), free::toString);
        assertTrue(free.out().contains("mmap 256 MB: ok\n") && free.out().contains("brk: moved\n"), free::toString);
    }

    @Test
    void theProcessLimitRefusesSpawnsAndTheRuntimeStaysUsable() throws Exception {
        int live = (int) kernel.processes().stream().filter(p -> p.exitStatus().isEmpty()).count();
        ReliabilityKit.configure(kernel, configAdmin, Map.of("maxProcesses", live + 5, "memoryLimitMB", 4096L));
        List<Started> sleepers = new ArrayList<>();
        ResourceLimitException refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            try {
                sleepers.add(start(Guest.of(Path.of("/"), ReliabilityKit.BUSYBOX, "sleep", "30")));
            } catch (ResourceLimitException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "no limit was hit after " + sleepers.size() + " processes");
        assertEquals(5, sleepers.size(), () -> "processes started before the limit: " + sleepers.size());
        // the runtime still answers: statistics, the process table, killing
        assertTrue(kernel.statistics().processes() >= 5);
        kernel.signal(sleepers.get(0).process().pid(), "KILL");
        Run killed = ReliabilityKit.finish(kernel, sleepers.get(0), 5_000);
        assertEquals(128 + 9, killed.shell(), killed::toString);
        // one place is free again
        sleepers.set(0, start(Guest.of(Path.of("/"), ReliabilityKit.BUSYBOX, "sleep", "30")));
    }

    @Test
    void aForkBombIsContainedAndCanBeKilled() throws Exception {
        Path bomb = ReliabilityKit.cc("forkbomb", FORKBOMB_C);
        ReliabilityKit.require("/bin/busybox");
        int live = (int) kernel.processes().stream().filter(p -> p.exitStatus().isEmpty()).count();
        int limit = live + 24;
        ReliabilityKit.configure(kernel, configAdmin, Map.of("maxProcesses", limit, "memoryLimitMB", 1024L));
        Started s = start(Guest.of(Path.of("/"), bomb.toString()).cwd(bomb.getParent().toString()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int most = 0;
        while (System.nanoTime() < deadline) {
            long running = kernel.processes().stream().filter(p -> p.exitStatus().isEmpty()).count();
            most = (int) Math.max(most, running);
            assertTrue(running <= limit, "live processes " + running + " above the limit " + limit);
            Thread.sleep(20);
        }
        assertTrue(most >= limit - 1, "the bomb did not fork (forks need the Linux provider's fork): " + most + "; "
                + s.out().text() + s.err().text());
        // the runtime stays usable: a new spawn is refused cleanly, not hung
        assertThrows(ResourceLimitException.class, () -> start(Guest.of(Path.of("/"), ReliabilityKit.BUSYBOX,
                "true")));
        // and the bomb can be killed, children and all, while it keeps forking
        long t0 = System.nanoTime();
        killTree(Set.of(s.process().pid()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 10_000, "killing the bomb took " + ms + " ms");
        Run after = ReliabilityKit.run(kernel, Path.of("/"), ReliabilityKit.BUSYBOX, "echo", "usable");
        assertEquals("usable\n", after.out(), after::toString);
    }

    @Test
    void theThreadLimitMakesThreadCreationFailWithEagain() throws Exception {
        Path threads = ReliabilityKit.cc("threads", THREADS_C, "-lpthread");
        ReliabilityKit.configure(kernel, configAdmin, Map.of("maxThreads", 8, "memoryLimitMB", 4096L));
        Run r = run(threads);
        assertEquals(0, r.shell(), r::toString);
        assertEquals("threads: 7 more, then EAGAIN\n", r.out(), r::toString);
    }

    @Test
    void theCpuLimitEndsASpinningGuestAndSparesASleepingOne() throws Exception {
        Path spin = ReliabilityKit.asm("jmp", JMP_ASM);
        ReliabilityKit.configure(kernel, configAdmin, Map.of("cpuLimitSeconds", 1L, "memoryLimitMB", 4096L));
        Started sleeper = start(Guest.of(Path.of("/"), ReliabilityKit.BUSYBOX, "sleep", "2"));
        Started spinner = start(Guest.of(Path.of("/"), spin.toString()));
        Run r = ReliabilityKit.finish(kernel, spinner, 8_000);
        assertTrue(!r.killed() && r.status().signalled(), () -> "the CPU limit did not end the spinner: " + r);
        assertTrue(r.millis() < 5_000, () -> "ended after " + r.millis() + " ms with a 1 s limit");
        Run slept = ReliabilityKit.finish(kernel, sleeper, 8_000);
        assertEquals(0, slept.shell(), () -> "a sleeping process uses no CPU and must not be ended: " + slept);
    }

    private static int hostDescriptors() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    @Test
    void descriptorsStopAtEmfileAndLeakNoHostDescriptors() throws Exception {
        Path fds = ReliabilityKit.cc("fds", FDS_C);
        int hostBefore = hostDescriptors();
        Run r = run(fds);
        assertEquals(0, r.shell(), r::toString);
        assertEquals("open: 1021 more, then EMFILE\npipe: EMFILE\ndup: EMFILE\nafter a close: fd 3 again\n", r.out(),
                r::toString);
        // the process's handles are closed when its last thread has left, a moment after its exit status is set
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hostDescriptors() > hostBefore + 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        int hostAfter = hostDescriptors();
        assertTrue(hostAfter <= hostBefore + 5, "host descriptors " + hostBefore + " -> " + hostAfter);
    }

    private static long hostDescriptorLimit() {
        return ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getMaxFileDescriptorCount();
    }

    /**
     * Every guest descriptor of a host file is a descriptor of the runtime: enough processes opening all they
     * may (1024 each) would take every descriptor the JVM has, and then nothing could open a file any more,
     * neither guests nor the runtime. The kernel keeps a fifth of the runtime's limit for itself: beyond that
     * guests get ENFILE, and the runtime (and a new guest) still opens files.
     */
    @Test
    void guestsTogetherCannotTakeEveryHostDescriptor() throws Exception {
        Path fds = ReliabilityKit.cc("fds", FDS_C);
        long limit = hostDescriptorLimit();
        org.junit.jupiter.api.Assumptions.assumeTrue(limit <= 65536, "the runtime may open " + limit
                + " descriptors: too many processes would be needed here");
        int processes = (int) (limit / 1000) + 2;
        List<Started> holders = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            Started h = ReliabilityKit.startWithPipe(kernel, Guest.of(Path.of("/"), fds.toString(), "-", "/dev/null",
                    "hold"));
            started.add(h.process().pid());
            holders.add(h);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Started h : holders) {
            while (!h.out().text().contains("after a close") && h.process().exitStatus().isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        long opened = 0;
        int enfile = 0;
        for (Started h : holders) {
            String line = h.out().text().lines().filter(l -> l.startsWith("open: ")).findFirst().orElse("");
            if (!line.isEmpty()) {
                opened += Long.parseLong(line.split(" ")[1]);
                enfile += line.endsWith("ENFILE") ? 1 : 0;
            }
        }
        long total = opened;
        // the runtime still opens files and starts programs; a new guest's open fails cleanly (ENFILE)
        Path probe = Files.createTempFile("pico-limits-", ".txt");
        try {
            Files.writeString(probe, "readable\n");
            assertEquals("readable\n", Files.readString(probe), "the runtime cannot open a file any more");
            Run cat = ReliabilityKit.run(kernel, Path.of("/"), ReliabilityKit.BUSYBOX, "cat", probe.toString());
            assertTrue(cat.out().equals("readable\n") || cat.shell() == 1 && cat.err().contains(
                    "Too many open files in system"), () -> "a new guest: " + cat);
        } finally {
            Files.deleteIfExists(probe);
            for (Started h : holders) {
                h.stdin().release();
            }
        }
        for (Started h : holders) {
            ReliabilityKit.finish(kernel, h, 20_000);
        }
        int enfiles = enfile;
        assertTrue(enfiles > 0 && total < limit, () -> processes + " processes opened " + total + " files; the "
                + "runtime's limit is " + limit + " descriptors; " + enfiles + " saw ENFILE");
    }

    @Test
    void aLoweredRlimitNofileApplies() throws Exception {
        Path fds = ReliabilityKit.cc("fds", FDS_C);
        Run r = run(fds, "64");
        assertEquals(0, r.shell(), r::toString);
        assertTrue(r.out().startsWith("open: 61 more, then EMFILE\n"), r::toString);
    }

    /** What the shell's pico:kill does: the command object of the shell bundle, called as Gogo would. */
    private String shellKill(int pid, String signal) throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(getClass()).getBundleContext();
        ServiceReference<?>[] refs = ctx.getServiceReferences((String) null,
                "(&(osgi.command.scope=pico)(osgi.command.function=kill))");
        assertTrue(refs != null && refs.length > 0, "no pico:kill command registered");
        Object commands = ctx.getService(refs[0]);
        try {
            return String.valueOf(commands.getClass().getMethod("kill", int.class, String.class).invoke(commands, pid,
                    signal));
        } finally {
            ctx.ungetService(refs[0]);
        }
    }

    @Test
    void aRunawayGuestIsAlwaysKillable() throws Exception {
        Path jmp = ReliabilityKit.asm("jmp", JMP_ASM);
        Path spin = ReliabilityKit.cc("spin", SPIN_C, "-lpthread");
        // jmp $, killed through the kernel
        Started a = start(Guest.of(Path.of("/"), jmp.toString()));
        Thread.sleep(300);
        assertTrue(a.process().exitStatus().isEmpty());
        long t0 = System.nanoTime();
        kernel.signal(a.process().pid(), "KILL");
        Run ra = ReliabilityKit.finish(kernel, a, 3_000);
        assertEquals(128 + 9, ra.shell(), ra::toString);
        assertTrue(!ra.killed() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), ra::toString);
        // spinning threads (the first one to spin keeps the process's CPU: threads hand over only at calls),
        // killed with the shell's command
        Started b = start(Guest.of(Path.of("/"), spin.toString()));
        PicoProcess p = b.process();
        long waitSpin = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (p.threads().size() < 2 && System.nanoTime() < waitSpin) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        assertTrue(p.threads().size() >= 2, () -> "threads: " + p.threads() + " " + b.err().text());
        assertTrue(p.exitStatus().isEmpty());
        shellKill(p.pid(), "KILL");
        Run rb = ReliabilityKit.finish(kernel, b, 3_000);
        assertEquals(128 + 9, rb.shell(), rb::toString);
        assertTrue(!rb.killed(), rb::toString);
    }
}
