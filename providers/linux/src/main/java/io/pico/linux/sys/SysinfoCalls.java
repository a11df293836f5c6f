package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.Uname;
import io.pico.posix.core.Entropy;
import io.pico.posix.core.sys.SyscallTable;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The system: uname, sysinfo, resource limits and usage, getrandom, CPU affinity. */
final class SysinfoCalls {

    private static final int RLIMIT_NLIMITS = 16;

    private SysinfoCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(63, "p", SysinfoCalls::uname);
        t.partial(99, "p", SysinfoCalls::sysinfo, "memory and uptime of the host, one process");
        t.full(97, "dp", c -> prlimit(c, 0, c.intArg(0), 0, c.arg(1)));
        t.partial(160, "dp", c -> prlimit(c, 0, c.intArg(0), c.arg(1), 0), LIMITS_NOTE);
        t.partial(302, "ddpp", c -> prlimit(c, c.intArg(0), c.intArg(1), c.arg(2), c.arg(3)), LIMITS_NOTE);
        t.partial(98, "dp", SysinfoCalls::getrusage, "CPU time of the calling thread, no memory or I/O counts");
        t.full(318, "pux", c -> Entropy.getrandom(c, 7, 33554431)); // GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE
        t.full(204, "dup", SysinfoCalls::getaffinity);
        t.partial(203, "dup", c -> 0, "accepted, no effect");
        t.full(309, "ppp", c -> {
            if (c.arg(0) != 0) {
                c.mem().putInt(c.arg(0), 0);
            }
            if (c.arg(1) != 0) {
                c.mem().putInt(c.arg(1), 0);
            }
            return 0;
        });
        t.partial(100, "p", SysinfoCalls::times, "CPU time of the calling thread");
        t.partial(170, "pd", c -> -Errno.EPERM, "refused: the host name is the host's");
        t.partial(171, "pd", c -> -Errno.EPERM, "refused");
    }

    private static final String LIMITS_NOTE = "RLIMIT_AS (mmap, brk: ENOMEM) and RLIMIT_NOFILE (EMFILE) are "
            + "enforced, the others recorded; any Linux process";

    private static void field(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int start = b.position();
        b.put(bytes, 0, Math.min(64, bytes.length));
        b.position(start + 65);
    }

    /** Implements Linux uname(2). */
    private static long uname(Call c) {
        ByteBuffer b = ByteBuffer.allocate(6 * 65);
        field(b, Uname.SYSNAME);
        field(b, Uname.nodename());
        field(b, Uname.RELEASE);
        field(b, Uname.VERSION);
        field(b, Uname.MACHINE);
        field(b, Uname.DOMAINNAME);
        c.write(c.arg(0), b.array());
        return 0;
    }

    private static long meminfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // no host /proc: report nothing
        }
        return 0;
    }

    /** Implements Linux sysinfo(2). */
    private static long sysinfo(Call c) {
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        try {
            uptime = (long) Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        } catch (Exception e) {
            // the JVM's uptime will do
        }
        ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(uptime).putLong(0).putLong(0).putLong(0);
        b.putLong(meminfo("MemTotal")).putLong(meminfo("MemAvailable")).putLong(meminfo("Shmem"))
                .putLong(meminfo("Buffers")).putLong(meminfo("SwapTotal")).putLong(meminfo("SwapFree"));
        b.putShort((short) Math.max(1, c.kernel().processes().size())).putShort((short) 0).putInt(0);
        b.putLong(0).putLong(0).putInt(1);
        c.write(c.arg(0), b.array());
        return 0;
    }

    /** Implements Linux prlimit64(2), getrlimit(2) and setrlimit(2): the core's rule, on any Linux process. */
    private static long prlimit(Call c, int pid, int resource, long newLimit, long oldLimit) {
        if (resource < 0 || resource >= RLIMIT_NLIMITS) {
            return -Errno.EINVAL;
        }
        LinuxProcess st = pid == 0 || pid == c.process().pid() ? c.state()
                : c.kernel().process(pid).filter(p -> p.exitStatus().isEmpty())
                        .map(p -> p.providerState() instanceof LinuxProcess lp ? lp : null)
                        .orElseThrow(() -> io.pico.linux.Errno.error(Errno.ESRCH));
        return st.limits().exchange(c, resource, newLimit, oldLimit);
    }

    private static long cpuNanos() {
        try {
            return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        } catch (UnsupportedOperationException e) {
            return 0;
        }
    }

    /** Implements Linux getrusage(2). */
    private static long getrusage(Call c) {
        int who = c.intArg(0);
        if (who != 0 && who != -1 && who != 1) {
            return -Errno.EINVAL;
        }
        io.pico.posix.core.Clock.putRusage(c.mem(), c.arg(1), who == -1 ? 0 : cpuNanos());
        return 0;
    }

    /** Implements Linux times(2). */
    private static long times(Call c) {
        long ticks = cpuNanos() / 10_000_000L;
        if (c.arg(0) != 0) {
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(ticks).putLong(0).putLong(0).putLong(0);
            c.write(c.arg(0), b.array());
        }
        return System.nanoTime() / 10_000_000L;
    }

    /** Implements Linux sched_getaffinity(2): every host processor. */
    private static long getaffinity(Call c) {
        long len = c.arg(1);
        if (len < 8 || (len & 7) != 0) {
            return -Errno.EINVAL;
        }
        int cpus = Math.min(64, Runtime.getRuntime().availableProcessors());
        long mask = cpus == 64 ? -1L : (1L << cpus) - 1;
        c.mem().putLong(c.arg(2), mask);
        return 8;
    }
}
