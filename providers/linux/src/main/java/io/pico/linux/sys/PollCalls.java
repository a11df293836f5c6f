package io.pico.linux.sys;

import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.Poll;
import io.pico.posix.core.sys.SyscallTable;

/** Waiting for descriptors: poll, ppoll, select, pselect6, by checking readiness until the timeout. */
final class PollCalls {

    static final int POLLIN = 1;
    static final int POLLHUP = 0x10;
    private static final int POLLOUT = 4;
    static final int POLLNVAL = 0x20;
    private static final int POLLRDNORM = 0x40;
    private static final int POLLWRNORM = 0x100;
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

    /** Implements Linux poll(2) and ppoll(2): the core's loop with Linux's readiness. */
    private static long poll(Call c, long fds, long nfds, long timeout) throws InterruptedException {
        return Poll.poll(c, fds, nfds, timeout, PollCalls::ready);
    }

    /** Implements Linux select(2) and pselect6(2) (the remaining time is written back for select). */
    private static long select(Call c, long timeout, long timeAddress, boolean pselect) throws InterruptedException {
        long[] left = {0};
        long count = Poll.select(c, c.intArg(0), c.arg(1), c.arg(2), c.arg(3), timeout, left, PollCalls::ready);
        if (!pselect && timeAddress != 0) {
            c.mem().putLong(timeAddress, left[0] / 1_000_000_000L);
            c.mem().putLong(timeAddress + 8, left[0] % 1_000_000_000L / 1000);
        }
        return count;
    }
}
