package io.pico.linux.sys;

import io.pico.linux.Errno;
import java.lang.management.ManagementFactory;
import java.time.Instant;

/** Clocks and sleeping: clock_gettime, gettimeofday, time, nanosleep, clock_nanosleep. */
final class TimeCalls {

    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int TIMER_ABSTIME = 1;

    private TimeCalls() {
    }

    static void register(SyscallTable t) {
        t.full(228, "dp", TimeCalls::clockGettime);
        t.full(229, "dp", TimeCalls::clockGetres);
        t.full(96, "pp", TimeCalls::gettimeofday);
        t.full(201, "p", TimeCalls::time);
        t.full(35, "pp", c -> sleep(c, CLOCK_MONOTONIC, 0, c.arg(0), c.arg(1)));
        t.full(230, "ddpp", c -> sleep(c, c.intArg(0), c.intArg(1), c.arg(2), c.arg(3)));
        t.partial(164, "pp", c -> -Errno.EPERM, "refused: the clock is the host's");
        t.partial(227, "dp", c -> -Errno.EPERM, "refused: the clock is the host's");
    }

    /** The clock's time in nanoseconds; EINVAL for an unknown clock. */
    static long nanos(int clock) {
        switch (clock) {
            case CLOCK_REALTIME, 5, 8, 11 -> { // REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI
                Instant now = Instant.now();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
            case CLOCK_MONOTONIC, 4, 6, 7, 9 -> { // MONOTONIC(_RAW, _COARSE), BOOTTIME(_ALARM)
                return System.nanoTime();
            }
            case 2, 3 -> { // PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID
                return cpu();
            }
            default -> {
                if (clock < 0) { // CPU clocks of a pid or thread (encoded negative)
                    return cpu();
                }
                throw Errno.error(Errno.EINVAL);
            }
        }
    }

    private static long cpu() {
        try {
            return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        } catch (UnsupportedOperationException e) {
            return System.nanoTime();
        }
    }

    static void putTimespec(Call c, long address, long nanos) {
        c.mem().putLong(address, Math.floorDiv(nanos, 1_000_000_000L));
        c.mem().putLong(address + 8, Math.floorMod(nanos, 1_000_000_000L));
    }

    /** Reads a timespec as nanoseconds; EINVAL when malformed. */
    static long getTimespec(Call c, long address) {
        long sec = c.mem().getLong(address);
        long nsec = c.mem().getLong(address + 8);
        if (sec < 0 || nsec < 0 || nsec > 999_999_999L) {
            throw Errno.error(Errno.EINVAL);
        }
        return sec > Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE : sec * 1_000_000_000L + nsec;
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

    /** Implements Linux gettimeofday(2). */
    private static long gettimeofday(Call c) {
        if (c.arg(0) != 0) {
            long n = nanos(CLOCK_REALTIME);
            c.mem().putLong(c.arg(0), n / 1_000_000_000L);
            c.mem().putLong(c.arg(0) + 8, n % 1_000_000_000L / 1000);
        }
        if (c.arg(1) != 0) {
            c.mem().putLong(c.arg(1), 0);
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

    /** Implements Linux nanosleep(2) and clock_nanosleep(2); a signal or kill interrupts it (EINTR). */
    private static long sleep(Call c, int clock, int flags, long req, long rem) {
        if (clock == 2 || clock == 3) {
            return -Errno.EINVAL;
        }
        long start = nanos(clock);
        long want = getTimespec(c, req);
        long deadline = (flags & TIMER_ABSTIME) != 0 ? want : start + want;
        long startNano = System.nanoTime();
        long duration = deadline - start;
        try {
            while (duration > 0) {
                long left = duration - (System.nanoTime() - startNano);
                if (left <= 0) {
                    break;
                }
                Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
            }
            return 0;
        } catch (InterruptedException e) {
            if (rem != 0 && (flags & TIMER_ABSTIME) == 0) {
                putTimespec(c, rem, Math.max(0, duration - (System.nanoTime() - startNano)));
            }
            return -Errno.EINTR;
        }
    }
}
