package io.pico.posix.core;

import io.pico.api.IoObject;

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
        if (timeout == 0) {
            return false;
        }
        long left = timeout < 0 ? RECHECK_NANOS : timeout - (System.nanoTime() - start);
        if (left <= 0) {
            return false;
        }
        long nap = Math.min(left, RECHECK_NANOS);
        Thread.sleep(nap / 1_000_000L, (int) (nap % 1_000_000L));
        return true;
    }

    /** poll(2): fills revents of the pollfd array; returns how many are ready. */
    public static long poll(Call c, long fds, long nfds, long timeout, int wrnorm) throws InterruptedException {
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
                    int r = ready(c.fds(), fd[i], wrnorm);
                    revents = r == POLLNVAL ? POLLNVAL : r & (events[i] | POLLERR | POLLHUP);
                }
                c.mem().putByte(fds + 8L * i + 6, (byte) revents);
                c.mem().putByte(fds + 8L * i + 7, (byte) (revents >> 8));
                if (revents != 0) {
                    count++;
                }
            }
            if (count > 0 || !waitMore(start, timeout)) {
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
                int r = ready(c.fds(), fd, POLLOUT);
                if ((in[0][fd / 64] & bit) != 0 && (r & POLLIN) != 0) {
                    out[0][fd / 64] |= bit;
                    count++;
                }
                if ((in[1][fd / 64] & bit) != 0 && (r & POLLOUT) != 0) {
                    out[1][fd / 64] |= bit;
                    count++;
                }
            }
            if (count > 0 || !waitMore(start, timeout)) {
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
