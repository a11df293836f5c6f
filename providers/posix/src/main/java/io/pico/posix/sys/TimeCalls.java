package io.pico.posix.sys;

import io.pico.posix.core.Call;
import io.pico.posix.core.Clock;
import io.pico.posix.core.Errno;
import io.pico.posix.core.sys.SyscallTable;

/** Clocks and sleeping: clock_gettime, clock_getres, gettimeofday, nanosleep, clock_nanosleep. */
final class TimeCalls {

    private static final int TIMER_ABSTIME = 1;

    private TimeCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(232, "dp", c -> {
            Clock.putTimespec(c.mem(), c.arg(1), Clock.nanos(clock(c.intArg(0))));
            return 0;
        });
        t.full(234, "dp", TimeCalls::getres);
        t.full(116, "pp", Clock::gettimeofday);
        t.full(240, "pp", c -> sleep(c, 4, 0, c.arg(0), c.arg(1), false));
        t.full(244, "ddpp", c -> sleep(c, c.intArg(0), c.intArg(1), c.arg(2), c.arg(3), true));
        t.partial(233, "dp", c -> fail(Errno.EPERM), "refused: the clock is the host's");
        t.partial(122, "pp", c -> fail(Errno.EPERM), "refused: the clock is the host's");
        t.partial(140, "pp", c -> fail(Errno.EPERM), "refused: the clock is the host's");
        t.full(247, "ddp", c -> {
            c.mem().putInt(c.arg(2), c.intArg(0) == 1 ? 14 : 15); // the thread's or the process's CPU clock
            return 0;
        });
    }

    private static long fail(Errno e) {
        throw e.error();
    }

    /**
     * The clock of a FreeBSD clock id: REALTIME (0, 9, 10, 13), MONOTONIC and UPTIME (4, 5, 7, 8, 11, 12),
     * VIRTUAL, PROF and THREAD_CPUTIME (1, 2, 14), PROCESS_CPUTIME (15); EINVAL otherwise.
     */
    static Clock.Kind clock(int id) {
        return switch (id) {
            case 0, 9, 10, 13 -> Clock.Kind.REALTIME;
            case 4, 5, 7, 8, 11, 12 -> Clock.Kind.MONOTONIC;
            case 1, 2, 14 -> Clock.Kind.THREAD_CPU;
            case 15 -> Clock.Kind.PROCESS_CPU;
            default -> throw Errno.EINVAL.error();
        };
    }

    /** Implements FreeBSD clock_getres(2): nanosecond resolution, a second for CLOCK_SECOND, a tick for FAST. */
    private static long getres(Call c) {
        int id = c.intArg(0);
        clock(id);
        if (c.arg(1) != 0) {
            long res = id == 13 ? 1_000_000_000L : id == 8 || id == 10 || id == 12 ? 1_000_000L : 1;
            Clock.putTimespec(c.mem(), c.arg(1), res);
        }
        return 0;
    }

    /**
     * Implements FreeBSD nanosleep(2) and clock_nanosleep(2); a signal interrupts it (EINTR, with the time left).
     * clock_nanosleep returns its error number instead of failing.
     */
    private static long sleep(Call c, int clockId, int flags, long req, long rem, boolean errorAsResult) {
        try {
            Clock.Kind kind = clock(clockId);
            if (kind == Clock.Kind.THREAD_CPU || kind == Clock.Kind.PROCESS_CPU) {
                throw Errno.EINVAL.error();
            }
            long want = Clock.getTimespec(c.mem(), req);
            long duration = (flags & TIMER_ABSTIME) != 0 ? want - Clock.nanos(kind) : want;
            long left = Clock.sleep(duration);
            if (left > 0) {
                if (rem != 0 && (flags & TIMER_ABSTIME) == 0) {
                    Clock.putTimespec(c.mem(), rem, left);
                }
                throw Errno.EINTR.error();
            }
            return 0;
        } catch (io.pico.posix.core.SysError e) {
            if (errorAsResult) {
                return e.number(c.abi());
            }
            throw e;
        }
    }
}
