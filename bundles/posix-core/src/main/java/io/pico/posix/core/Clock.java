package io.pico.posix.core;

import io.pico.api.AddressSpace;
import java.lang.management.ManagementFactory;
import java.time.Instant;

/**
 * Time as Unix personalities share it: the clocks (each personality maps its clock ids onto {@link Kind}),
 * timespec and timeval in their x86-64 layout (two 64-bit words in both Linux and FreeBSD), and interruptible
 * sleeping.
 */
public final class Clock {

    /** The clocks. */
    public enum Kind {
        /** Wall-clock time since the epoch. */ REALTIME,
        /** Time since an arbitrary start, never going back. */ MONOTONIC,
        /** CPU time of the process. */ PROCESS_CPU,
        /** CPU time of the calling thread. */ THREAD_CPU
    }

    private Clock() {
    }

    /** The size of struct rusage, the same in Linux and FreeBSD on x86-64. */
    public static final int RUSAGE_SIZE = 144;

    /**
     * Writes a struct rusage (Linux's and FreeBSD's are alike on x86-64) with {@code cpuNanos} as the user time and
     * every other field zero.
     *
     * @since 2.6
     */
    public static void putRusage(AddressSpace mem, long address, long cpuNanos) {
        byte[] b = new byte[RUSAGE_SIZE];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, cpuNanos / 1_000_000_000L)
                .putLong(8, cpuNanos % 1_000_000_000L / 1000);
        mem.write(address, b, 0, RUSAGE_SIZE);
    }

    /** The time of a clock in nanoseconds. */
    public static long nanos(Kind kind) {
        return switch (kind) {
            case REALTIME -> {
                Instant now = Instant.now();
                yield now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }
            case MONOTONIC -> System.nanoTime();
            case PROCESS_CPU, THREAD_CPU -> threadCpu();
        };
    }

    private static long threadCpu() {
        try {
            return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        } catch (UnsupportedOperationException e) {
            return System.nanoTime();
        }
    }

    /** Writes a struct timespec (seconds, nanoseconds). */
    public static void putTimespec(AddressSpace mem, long address, long nanos) {
        mem.putLong(address, Math.floorDiv(nanos, 1_000_000_000L));
        mem.putLong(address + 8, Math.floorMod(nanos, 1_000_000_000L));
    }

    /** Writes a struct timeval (seconds, microseconds). */
    public static void putTimeval(AddressSpace mem, long address, long nanos) {
        mem.putLong(address, Math.floorDiv(nanos, 1_000_000_000L));
        mem.putLong(address + 8, Math.floorMod(nanos, 1_000_000_000L) / 1000);
    }

    /** Reads a struct timespec as nanoseconds; EINVAL when negative or malformed. */
    public static long getTimespec(AddressSpace mem, long address) {
        long sec = mem.getLong(address);
        long nsec = mem.getLong(address + 8);
        if (sec < 0 || nsec < 0 || nsec > 999_999_999L) {
            throw Errno.EINVAL.error();
        }
        return sec > Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE : sec * 1_000_000_000L + nsec;
    }

    /** Reads a struct timeval as nanoseconds; EINVAL when malformed. */
    public static long getTimeval(AddressSpace mem, long address) {
        long sec = mem.getLong(address);
        long usec = mem.getLong(address + 8);
        if (sec < 0 || usec < 0 || usec > 999_999L) {
            throw Errno.EINVAL.error();
        }
        return sec > Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE : sec * 1_000_000_000L + usec * 1000;
    }

    /**
     * Implements gettimeofday(2) for every Unix personality (both tables' row): the real time as a struct timeval
     * (the same layout on Linux and FreeBSD amd64); the time zone, when asked for, is UTC (zeros).
     */
    public static long gettimeofday(Call c) {
        if (c.arg(0) != 0) {
            putTimeval(c.mem(), c.arg(0), nanos(Kind.REALTIME));
        }
        if (c.arg(1) != 0) {
            c.mem().putLong(c.arg(1), 0);
        }
        return 0;
    }

    /**
     * Sleeps for the given nanoseconds; returns 0, or the nanoseconds left when the thread was interrupted (a
     * signal, a kill), which the caller turns into EINTR.
     */
    public static long sleep(long nanos) {
        long start = System.nanoTime();
        try {
            while (nanos > 0) {
                long left = nanos - (System.nanoTime() - start);
                if (left <= 0) {
                    break;
                }
                Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
            }
            return 0;
        } catch (InterruptedException e) {
            return Math.max(1, nanos - (System.nanoTime() - start));
        }
    }
}
