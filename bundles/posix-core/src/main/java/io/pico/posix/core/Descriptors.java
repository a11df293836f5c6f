package io.pico.posix.core;

import io.pico.api.IoObject;

/**
 * The descriptor table operations Unix personalities share: close, the dup family, status and descriptor
 * flags, pipes over kernel pipes and the controlling terminal. Flags are the core's ({@link OpenFile#READ} ...);
 * each personality translates its own bits with {@link OpenFlags}.
 */
public final class Descriptors {

    private Descriptors() {
    }

    /** close(2). */
    public static long close(Call c, int fd) {
        c.fds().close(fd);
        return 0;
    }

    /** dup(2), and F_DUPFD from {@code min}. */
    public static long dup(Call c, int fd, int min, boolean cloexec) {
        if (min < 0 || min >= c.fds().max()) {
            throw Errno.EINVAL.error();
        }
        return c.fds().install(c.fds().get(fd), cloexec, min);
    }

    /** dup2(2) (and dup3 with {@code cloexec}): a descriptor at a given number, closing what was there. */
    public static long dup2(Call c, int oldfd, int newfd, boolean cloexec) {
        OpenFile f = c.fds().get(oldfd);
        if (oldfd == newfd) {
            return newfd;
        }
        c.fds().installAt(newfd, f, cloexec);
        return newfd;
    }

    /** Whether a descriptor is marked close-on-exec (F_GETFD). */
    public static boolean cloexec(Call c, int fd) {
        FdTable.Fd e = c.fds().entry(fd);
        if (e == null) {
            throw Errno.EBADF.error();
        }
        return e.cloexec();
    }

    /** The core status flags of a descriptor's description (F_GETFL). */
    public static int statusFlags(Call c, int fd) {
        return c.fds().get(fd).flags();
    }

    /** Changes the status flags F_SETFL may change. */
    public static void statusFlags(Call c, int fd, int coreFlags) {
        c.fds().get(fd).setStatusFlags(coreFlags);
    }

    /**
     * pipe2 as Linux and FreeBSD share it: a pipe whose two descriptors go to the int[2] at {@code address} (EFAULT,
     * with nothing made, when it is not mapped); 0.
     *
     * @param coreFlags {@link OpenFile#NONBLOCK} for non-blocking ends
     * @since 2.6
     */
    public static long pipe(Call c, long address, int coreFlags, boolean cloexec) {
        if (!c.mem().isMapped(address, 8)) {
            throw Errno.EFAULT.error();
        }
        int[] ends = pipe(c, coreFlags, cloexec);
        c.mem().putInt(address, ends[0]);
        c.mem().putInt(address + 4, ends[1]);
        return 0;
    }

    /**
     * pipe(2) and pipe2(2): a kernel pipe as two new descriptors, read end first.
     *
     * @param coreFlags {@link OpenFile#NONBLOCK} for non-blocking ends
     */
    public static int[] pipe(Call c, int coreFlags, boolean cloexec) {
        IoObject[] ends = c.kernel().pipe();
        int status = coreFlags & OpenFile.NONBLOCK;
        OpenFile r = OpenFile.adopt(c.process(), ends[0], null, false, OpenFile.READ | status);
        OpenFile w = OpenFile.adopt(c.process(), ends[1], null, false, OpenFile.WRITE | status);
        int rfd;
        try {
            rfd = c.fds().install(r, cloexec, 0);
        } catch (RuntimeException e) {
            r.discard();
            w.discard();
            throw e;
        }
        int wfd;
        try {
            wfd = c.fds().install(w, cloexec, 0);
        } catch (RuntimeException e) {
            c.fds().close(rfd);
            w.discard();
            throw e;
        }
        return new int[] {rfd, wfd};
    }

    /** The controlling terminal: the first of the standard handles 0..2 that is a terminal, or null. */
    public static IoObject terminal(Call c) {
        for (int i = 0; i < 3; i++) {
            IoObject io = c.process().handles().get(i);
            if (io != null && io.isTerminal()) {
                return io;
            }
        }
        return null;
    }

    /** Installs descriptors 0, 1 and 2 over the process's kernel handles 0, 1 and 2 (a new process). */
    public static void installStdio(PosixProcess state) {
        for (int fd = 0; fd < 3; fd++) {
            IoObject io = state.process().handles().get(fd);
            if (io != null) {
                int flags = io.isTerminal() ? OpenFile.READ | OpenFile.WRITE : fd == 0 ? OpenFile.READ : OpenFile.WRITE;
                state.fds().installAt(fd, OpenFile.ofHandle(state.process(), fd, null, false, flags), false);
            }
        }
    }

    /** Bytes readable without blocking on a descriptor (FIONREAD). */
    public static int available(Call c, int fd) throws java.io.IOException {
        OpenFile f = c.fds().get(fd);
        if (f.content() != null) {
            return (int) Math.max(0, f.content().length - f.position());
        }
        return f.io() == null ? 0 : f.io().available();
    }
}
