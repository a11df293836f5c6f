package io.pico.linux.sys;

import io.pico.linux.LinuxAbi;
import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.sys.SyscallTable;

/** Waiting for descriptors: poll, ppoll, select, pselect6, by checking readiness until the timeout. */
final class PollCalls {

    static final int POLLIN = 1;
    static final int POLLHUP = 0x10;
    private static final int POLLOUT = 4;
    static final int POLLNVAL = 0x20;
    private static final int POLLRDNORM = 0x40;
    private static final int POLLWRNORM = 0x100;
    static final long RECHECK_NANOS = 2_000_000L;
    private static final String NOTE = "readiness is checked every 2 ms; files are always ready";

    private PollCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(7, "pud", c -> poll(c, c.arg(0), c.arg(1), c.intArg(2) < 0 ? -1 : c.intArg(2) * 1_000_000L), NOTE);
        t.partial(271, "puppu", c -> SignalCalls.withMask(c, c.arg(3), c.arg(4)) ? -Errno.EINTR : poll(c, c.arg(0),
                c.arg(1), c.arg(2) == 0 ? -1 : TimeCalls.getTimespec(c, c.arg(2))), NOTE);
        t.partial(23, "dpppp", c -> select(c, c.arg(4) == 0 ? -1 : timeval(c, c.arg(4)), c.arg(4), false), NOTE);
        t.partial(270, "dppppp", c -> pselectMask(c) ? -Errno.EINTR : select(c, c.arg(4) == 0 ? -1
                : TimeCalls.getTimespec(c, c.arg(4)), c.arg(4), true), NOTE);
    }

    /** pselect6's sixth argument: {const sigset_t *ss, size_t ss_len}, or NULL. */
    private static boolean pselectMask(Call c) {
        long p = c.arg(5);
        return p != 0 && SignalCalls.withMask(c, c.mem().getLong(p), c.mem().getLong(p + 8));
    }

    private static long timeval(Call c, long address) {
        long sec = c.mem().getLong(address);
        long usec = c.mem().getLong(address + 8);
        if (sec < 0 || usec < 0 || usec > 999_999) {
            throw Errno.error(Errno.EINVAL);
        }
        return sec * 1_000_000_000L + usec * 1000;
    }

    /** The poll events a description is ready for now, POLLNVAL if the descriptor is closed. */
    static int ready(FdTable fds, int fd) {
        FdTable.Fd entry = fds.entry(fd);
        if (entry == null) {
            return POLLNVAL;
        }
        OpenFile f = entry.file();
        if (f.special() != null) {
            return f.special().poll();
        }
        IoObject io = f.io();
        if (io == null || io.kind().equals("file")) {
            return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
        }
        int r = 0;
        if (io.kind().equals("pipe") && (f.flags() & OpenFile.WRITE) == 0 && io.readable()
                && drained(io)) {
            return POLLHUP; // the read end of a pipe whose writers have all closed, drained: as Linux reports it
        }
        if (io.readable()) {
            r |= POLLIN | POLLRDNORM;
        }
        if (io.writable()) {
            r |= POLLOUT | POLLWRNORM;
        }
        return r;
    }

    private static boolean drained(IoObject io) {
        try {
            return io.available() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Sleeps a little before the next check, less when an I/O object changes; false when the deadline has passed. */
    static boolean waitMore(io.pico.api.Kernel kernel, long start, long timeout) throws InterruptedException {
        if (timeout == 0) {
            return false;
        }
        long left = timeout < 0 ? RECHECK_NANOS : timeout - (System.nanoTime() - start);
        if (left <= 0) {
            return false;
        }
        long nap = Math.min(left, RECHECK_NANOS);
        // issue 12 (sockets): the nap ends early when a kernel I/O object (pipe, socket) changes state: the
        // condition is false when first checked and true when checked again, after a change or the nap
        boolean[] checked = {false};
        kernel.awaitIo(() -> {
            boolean again = checked[0];
            checked[0] = true;
            return again;
        }, nap);
        return true;
    }

    /** Implements Linux poll(2) and ppoll(2). */
    private static long poll(Call c, long fds, long nfds, long timeout) throws InterruptedException {
        if (nfds < 0 || nfds > c.state().fds().max()) {
            return -Errno.EINVAL;
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
                    int r = ready(c.state().fds(), fd[i]);
                    revents = r == POLLNVAL ? POLLNVAL : r & (events[i] | 0x18);
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

    /** Implements Linux select(2) and pselect6(2) (the remaining time is written back for select). */
    private static long select(Call c, long timeout, long timeAddress, boolean pselect) throws InterruptedException {
        int nfds = c.intArg(0);
        if (nfds < 0 || nfds > c.state().fds().max()) {
            return -Errno.EINVAL;
        }
        int words = (nfds + 63) / 64;
        long[][] in = new long[3][words];
        for (int s = 0; s < 3; s++) {
            for (int w = 0; w < words && c.arg(1 + s) != 0; w++) {
                in[s][w] = c.mem().getLong(c.arg(1 + s) + 8L * w);
            }
        }
        for (int fd = 0; fd < nfds; fd++) {
            boolean wanted = ((in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) >>> (fd % 64) & 1) != 0;
            if (wanted && c.state().fds().entry(fd) == null) {
                return -Errno.EBADF;
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
                int r = ready(c.state().fds(), fd);
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
                    for (int w = 0; w < words && c.arg(1 + s) != 0; w++) {
                        c.mem().putLong(c.arg(1 + s) + 8L * w, out[s][w]);
                    }
                }
                if (!pselect && timeAddress != 0) {
                    long left = Math.max(0, timeout - (System.nanoTime() - start));
                    c.mem().putLong(timeAddress, left / 1_000_000_000L);
                    c.mem().putLong(timeAddress + 8, left % 1_000_000_000L / 1000);
                }
                return count;
            }
        }
    }
}
