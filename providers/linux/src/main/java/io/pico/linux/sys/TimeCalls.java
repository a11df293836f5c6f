package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.Clock;
import io.pico.posix.core.sys.SyscallTable;
import java.time.Instant;

/** Clocks and sleeping: clock_gettime, gettimeofday, time, nanosleep, clock_nanosleep. */
final class TimeCalls {

    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int TIMER_ABSTIME = 1;

    private TimeCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(228, "dp", TimeCalls::clockGettime);
        t.full(229, "dp", TimeCalls::clockGetres);
        t.full(96, "pp", Clock::gettimeofday);
        t.full(201, "p", TimeCalls::time);
        t.full(35, "pp", c -> sleep(c, CLOCK_MONOTONIC, 0, c.arg(0), c.arg(1)));
        t.full(230, "ddpp", c -> sleep(c, c.intArg(0), c.intArg(1), c.arg(2), c.arg(3)));
        t.partial(164, "pp", c -> -Errno.EPERM, "refused: the clock is the host's");
        t.partial(227, "dp", c -> -Errno.EPERM, "refused: the clock is the host's");
    }

    /** The core's clock for a Linux clock id (the ABI conversion); EINVAL for an unknown clock. */
    static Clock.Kind kind(int clock) {
        return switch (clock) {
            case CLOCK_REALTIME, 5, 8, 11 -> Clock.Kind.REALTIME; // REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI
            case CLOCK_MONOTONIC, 4, 6, 7, 9 -> Clock.Kind.MONOTONIC; // MONOTONIC(_RAW, _COARSE), BOOTTIME(_ALARM)
            case 2 -> Clock.Kind.PROCESS_CPU;
            case 3 -> Clock.Kind.THREAD_CPU;
            default -> {
                if (clock < 0) { // CPU clocks of a pid or thread (encoded negative)
                    yield Clock.Kind.THREAD_CPU;
                }
                throw Errno.error(Errno.EINVAL);
            }
        };
    }

    /** The clock's time in nanoseconds (the core's Clock); EINVAL for an unknown clock. */
    static long nanos(int clock) {
        return Clock.nanos(kind(clock));
    }

    static void putTimespec(Call c, long address, long nanos) {
        Clock.putTimespec(c.mem(), address, nanos);
    }

    /** Reads a timespec as nanoseconds (the core's Clock); EINVAL when malformed. */
    static long getTimespec(Call c, long address) {
        return Clock.getTimespec(c.mem(), address);
    }

    /** Implements Linux clock_gettime(2). */
    private static long clockGettime(Call c) {
        long n = nanos(c.intArg(0));
        putTimespec(c, c.arg(1), n);
        return 0;
    }

    /** Implements Linux clock_getres(2): nanosecond resolution (coarse clocks: a tick). */
    private static long clockGetres(Call c) {
        int clock = c.intArg(0);
        nanos(clock);
        if (c.arg(1) != 0) {
            putTimespec(c, c.arg(1), clock == 5 || clock == 6 ? 4_000_000L : 1);
        }
        return 0;
    }

    /** Implements Linux time(2). */
    private static long time(Call c) {
        long s = Instant.now().getEpochSecond();
        if (c.arg(0) != 0) {
            c.mem().putLong(c.arg(0), s);
        }
        return s;
    }

    /** Implements Linux nanosleep(2) and clock_nanosleep(2) with the core's Clock.sleep; a signal interrupts it. */
    private static long sleep(Call c, int clock, int flags, long req, long rem) {
        if (clock == 2 || clock == 3) {
            return -Errno.EINVAL;
        }
        long start = nanos(clock);
        long want = getTimespec(c, req);
        long deadline = (flags & TIMER_ABSTIME) != 0 ? want : start + want;
        long left = Clock.sleep(deadline - start);
        if (left == 0) {
            return 0;
        }
        if (rem != 0 && (flags & TIMER_ABSTIME) == 0) {
            putTimespec(c, rem, left);
        }
        return -Errno.EINTR;
    }
}
