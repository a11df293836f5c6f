package io.pico.posix.sys;

import io.pico.api.Register;
import io.pico.posix.FreeBsdProcess;
import io.pico.posix.core.Call;
import io.pico.posix.core.Clock;
import io.pico.posix.core.Entropy;
import io.pico.posix.core.Errno;
import io.pico.posix.core.Poll;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.sys.SyscallTable;
import java.nio.charset.StandardCharsets;

/** The rest: sysarch, resource limits and usage, getrandom, poll and select, utrace, procctl, capsicum. */
final class MiscCalls {

    private static final int AMD64_GET_FSBASE = 128;
    private static final int AMD64_SET_FSBASE = 129;
    private static final int AMD64_GET_GSBASE = 130;
    private static final int AMD64_SET_GSBASE = 131;
    private static final long CANONICAL_END = 0x8000_0000_0000L;
    private static final String POLL_NOTE = "readiness is checked every 2 ms; files are always ready";

    private MiscCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(165, "dp", MiscCalls::sysarch, "AMD64_GET/SET_FSBASE and GSBASE; no I/O permissions or LDT");
        t.full(194, "dp", c -> rlimit(c, 0, c.arg(1)));
        t.partial(195, "dp", c -> rlimit(c, c.arg(1), 0), "recorded, not enforced (descriptors stop at the table size)");
        t.partial(117, "dp", MiscCalls::getrusage, "CPU time (as user time) only");
        t.full(563, "pux", c -> Entropy.getrandom(c, 3, 1 << 20)); // GRND_NONBLOCK, GRND_RANDOM
        t.partial(209, "pud", c -> Poll.poll(c, c.arg(0), c.arg(1), c.intArg(2) < 0 ? -1 : c.intArg(2) * 1_000_000L,
                Poll.POLLOUT), POLL_NOTE);
        t.partial(545, "pupp", c -> withMask(c, c.arg(3), () -> Poll.poll(c, c.arg(0), c.arg(1),
                c.arg(2) == 0 ? -1 : Clock.getTimespec(c.mem(), c.arg(2)), Poll.POLLOUT)), POLL_NOTE);
        t.partial(93, "dpppp", c -> Poll.select(c, c.intArg(0), c.arg(1), c.arg(2), c.arg(3),
                c.arg(4) == 0 ? -1 : Clock.getTimeval(c.mem(), c.arg(4)), null), POLL_NOTE);
        t.partial(522, "dppppp", c -> withMask(c, c.arg(5), () -> Poll.select(c, c.intArg(0), c.arg(1), c.arg(2),
                c.arg(3), c.arg(4) == 0 ? -1 : Clock.getTimespec(c.mem(), c.arg(4)), null)), POLL_NOTE);
        t.partial(335, "pu", c -> 0, "trace records are dropped (no ktrace)");
        t.partial(544, "dldp", MiscCalls::procctl, "status queries answer \"not traced, default\"; controls are "
                + "accepted with no effect");
        t.partial(516, "", c -> 0, "accepted; capability mode is not enforced");
        t.full(517, "p", c -> {
            c.mem().putInt(c.arg(0), 0);
            return 0;
        });
        t.partial(100, "dd", c -> 0, "every process has priority 0");
        t.partial(96, "ddd", c -> c.intArg(2) >= 0 ? 0 : fail(Errno.EACCES), "accepted, no effect");
        t.full(523, "pu", c -> {
            byte[] b = "default\0".getBytes(StandardCharsets.UTF_8);
            if (c.arg(1) < b.length) {
                throw Errno.ERANGE.error();
            }
            c.write(c.arg(0), b);
            return 0;
        });
    }

    private static long fail(Errno e) {
        throw e.error();
    }

    /** A call run with a temporary signal mask (ppoll, pselect), restored at its end unless a handler takes it. */
    private interface Body {
        long run() throws Exception;
    }

    private static long withMask(Call c, long set, Body body) throws Exception {
        if (set == 0) {
            return body.run();
        }
        PosixThread t = c.threadState();
        t.saveMask(t.sigmask());
        t.sigmask(SignalCalls.read(c, set));
        return body.run();
    }

    /** Implements FreeBSD sysarch(2) for the FS and GS base registers (the thread pointer). */
    private static long sysarch(Call c) {
        long p = c.arg(1);
        switch (c.intArg(0)) {
            case AMD64_GET_FSBASE, AMD64_GET_GSBASE -> {
                c.mem().putLong(p, c.thread().get(c.intArg(0) == AMD64_GET_FSBASE ? Register.FS_BASE
                        : Register.GS_BASE));
                return 0;
            }
            case AMD64_SET_FSBASE, AMD64_SET_GSBASE -> {
                long base = c.mem().getLong(p);
                if (Long.compareUnsigned(base, CANONICAL_END) >= 0) {
                    throw Errno.EINVAL.error();
                }
                c.thread().set(c.intArg(0) == AMD64_SET_FSBASE ? Register.FS_BASE : Register.GS_BASE, base);
                return 0;
            }
            default -> throw Errno.EINVAL.error();
        }
    }

    /** Implements FreeBSD getrlimit(2) and setrlimit(2): the core's rule (raising the hard limit is refused). */
    private static long rlimit(Call c, long newLimit, long oldLimit) {
        return c.<FreeBsdProcess>state().limits().exchange(c, c.intArg(0), newLimit, oldLimit);
    }

    /** Implements FreeBSD getrusage(2): RUSAGE_SELF and RUSAGE_THREAD report CPU time, children nothing. */
    private static long getrusage(Call c) {
        int who = c.intArg(0);
        if (who != 0 && who != 1 && who != -1) {
            throw Errno.EINVAL.error();
        }
        io.pico.posix.core.Clock.putRusage(c.mem(), c.arg(1), who == -1 ? 0 : who == 1 ? Clock.nanos(Clock.Kind.THREAD_CPU)
                : c.process().cpuNanos());
        return 0;
    }

    /** Implements FreeBSD procctl(2): tracing, ASLR and stack gap status queries; controls accepted. */
    private static long procctl(Call c) {
        int cmd = c.intArg(2);
        long data = c.arg(3);
        switch (cmd) {
            case 8 -> { // PROC_TRACE_STATUS: not traced
                c.mem().putInt(data, 0);
                return 0;
            }
            case 14, 18, 10, 16 -> { // ASLR, STACKGAP, TRAPCAP, PROTMAX status
                c.mem().putInt(data, 0);
                return 0;
            }
            case 1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 13, 15, 17 -> {
                return 0;
            }
            default -> throw Errno.EINVAL.error();
        }
    }
}
