package io.pico.posix.core;

import io.pico.api.IoObject;
import io.pico.api.Kernel;

/**
 * Waiting for descriptors (poll, ppoll, select, pselect) as Unix personalities share them: readiness is checked
 * every {@link #RECHECK_NANOS} until something is ready, the timeout passes or a signal interrupts. struct
 * pollfd and fd_set have the same layout and bits in Linux and FreeBSD. Files are always ready.
 */
public final class Poll {

    public static final int POLLIN = 1;
    public static final int POLLPRI = 2;
    public static final int POLLOUT = 4;
    public static final int POLLERR = 8;
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;
    public static final int POLLRDNORM = 0x40;
    /** How often readiness is checked again. */
    public static final long RECHECK_NANOS = 2_000_000L;

    private Poll() {
    }

    /** The poll events a descriptor is ready for now ({@code wrnorm} is the personality's POLLWRNORM), or POLLNVAL. */
    public static int ready(FdTable fds, int fd, int wrnorm) {
        FdTable.Fd entry = fds.entry(fd);
        if (entry == null) {
            return POLLNVAL;
        }
        OpenFile f = entry.file();
        if (f.special() != null) {
            int r = f.special().poll();
            return r | ((r & POLLIN) != 0 ? POLLRDNORM : 0) | ((r & POLLOUT) != 0 ? wrnorm : 0);
        }
        IoObject io = f.io();
        if (io == null || io.kind().equals("file")) {
            return POLLIN | POLLRDNORM | POLLOUT | wrnorm;
        }
        int r = 0;
        if (io.readable()) {
            r |= POLLIN | POLLRDNORM;
        }
        if (io.writable()) {
            r |= POLLOUT | wrnorm;
        }
        return r;
    }

    /** Sleeps a little before the next check; false when the deadline has passed (timeout -1: none). */
    public static boolean waitMore(long start, long timeout) throws InterruptedException {
        long nap = nap(start, timeout);
        if (nap <= 0) {
            return false;
        }
        Thread.sleep(nap / 1_000_000L, (int) (nap % 1_000_000L));
        return true;
    }

    /** How long to wait before the next check, at most {@link #RECHECK_NANOS}; 0 when the deadline has passed. */
    private static long nap(long start, long timeout) {
        if (timeout == 0) {
            return 0;
        }
        long left = timeout < 0 ? RECHECK_NANOS : timeout - (System.nanoTime() - start);
        return left <= 0 ? 0 : Math.min(left, RECHECK_NANOS);
    }

    /**
     * Waits a little before the next check, less when a kernel I/O object (pipe, socket) changes state; false when
     * the deadline has passed (timeout -1: none).
     *
     * @since 2.6
     */
    public static boolean waitMore(Kernel kernel, long start, long timeout) throws InterruptedException {
        long nap = nap(start, timeout);
        if (nap <= 0) {
            return false;
        }
        // the condition is false when first checked and true when checked again, after a change or the nap
        boolean[] checked = {false};
        kernel.awaitIo(() -> {
            boolean again = checked[0];
            checked[0] = true;
            return again;
        }, nap);
        return true;
    }

    /**
     * What a personality reports a descriptor ready for (its poll bits), or POLLNVAL for a closed one.
     *
     * @since 2.6
     */
    @FunctionalInterface
    public interface Readiness {
        /** The poll events descriptor {@code fd} is ready for now. */
        int ready(FdTable fds, int fd);
    }

    /** poll(2): fills revents of the pollfd array; returns how many are ready. */
    public static long poll(Call c, long fds, long nfds, long timeout, int wrnorm) throws InterruptedException {
        return poll(c, fds, nfds, timeout, (table, fd) -> ready(table, fd, wrnorm));
    }

    /**
     * poll(2) with the personality's readiness: fills revents of the pollfd array (the same layout in Linux and
     * FreeBSD); returns how many are ready, waiting at most {@code timeout} ns (-1: no limit) for one.
     *
     * @since 2.6
     */
    public static long poll(Call c, long fds, long nfds, long timeout, Readiness readiness)
            throws InterruptedException {
        if (nfds < 0 || nfds > c.fds().max()) {
            throw Errno.EINVAL.error();
        }
        int n = (int) nfds;
        int[] fd = new int[n];
        int[] events = new int[n];
        for (int i = 0; i < n; i++) {
            fd[i] = c.mem().getInt(fds + 8L * i);
            events[i] = c.mem().getInt(fds + 8L * i + 4) & 0xffff;
        }
        long start = System.nanoTime();
        while (true) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                int revents = 0;
                if (fd[i] >= 0) {
                    int r = readiness.ready(c.fds(), fd[i]);
                    revents = r == POLLNVAL ? POLLNVAL : r & (events[i] | POLLERR | POLLHUP);
                }
                c.mem().putByte(fds + 8L * i + 6, (byte) revents);
                c.mem().putByte(fds + 8L * i + 7, (byte) (revents >> 8));
                if (revents != 0) {
                    count++;
                }
            }
            if (count > 0 || !waitMore(c.kernel(), start, timeout)) {
                return count;
            }
        }
    }

    /**
     * select(2): reads the three fd_sets, waits, writes back the ready ones; returns how many bits are set. EBADF
     * for a closed descriptor in a set. The time left is returned through {@code left[0]} when given.
     */
    public static long select(Call c, int nfds, long readfds, long writefds, long exceptfds, long timeout,
            long[] left) throws InterruptedException {
        return select(c, nfds, readfds, writefds, exceptfds, timeout, left, (table, fd) -> ready(table, fd, POLLOUT));
    }

    /**
     * select(2) with the personality's readiness (a descriptor at its end, POLLHUP, reads at once).
     *
     * @since 2.6
     */
    public static long select(Call c, int nfds, long readfds, long writefds, long exceptfds, long timeout,
            long[] left, Readiness readiness) throws InterruptedException {
        if (nfds < 0 || nfds > c.fds().max()) {
            throw Errno.EINVAL.error();
        }
        long[] sets = {readfds, writefds, exceptfds};
        int words = (nfds + 63) / 64;
        long[][] in = new long[3][words];
        for (int s = 0; s < 3; s++) {
            for (int w = 0; w < words && sets[s] != 0; w++) {
                in[s][w] = c.mem().getLong(sets[s] + 8L * w);
            }
        }
        for (int fd = 0; fd < nfds; fd++) {
            boolean wanted = ((in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) >>> (fd % 64) & 1) != 0;
            if (wanted && c.fds().entry(fd) == null) {
                throw Errno.EBADF.error();
            }
        }
        long start = System.nanoTime();
        while (true) {
            long[][] out = new long[3][words];
            int count = 0;
            for (int fd = 0; fd < nfds; fd++) {
                long bit = 1L << (fd % 64);
                if (((in[0][fd / 64] | in[1][fd / 64]) & bit) == 0) {
                    continue;
                }
                int r = readiness.ready(c.fds(), fd);
                if ((in[0][fd / 64] & bit) != 0 && (r & (POLLIN | POLLHUP)) != 0) { // end of file reads at once
                    out[0][fd / 64] |= bit;
                    count++;
                }
                if ((in[1][fd / 64] & bit) != 0 && (r & POLLOUT) != 0) {
                    out[1][fd / 64] |= bit;
                    count++;
                }
            }
            if (count > 0 || !waitMore(c.kernel(), start, timeout)) {
                for (int s = 0; s < 3; s++) {
                    for (int w = 0; w < words && sets[s] != 0; w++) {
                        c.mem().putLong(sets[s] + 8L * w, out[s][w]);
                    }
                }
                if (left != null) {
                    left[0] = timeout < 0 ? 0 : Math.max(0, timeout - (System.nanoTime() - start));
                }
                return count;
            }
        }
    }
}
