package io.pico.linux.sys;

import io.pico.linux.LinuxAbi;
import io.pico.linux.Errno;
import io.pico.posix.core.Descriptors;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;

/** The descriptor table and descriptor control: close, dup, fcntl, ioctl, pipe, fsync, ftruncate. */
final class FdCalls {

    private static final int F_DUPFD = 0;
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_GETLK = 5;
    private static final int F_SETLK = 6;
    private static final int F_SETLKW = 7;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int FD_CLOEXEC = 1;

    private FdCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(3, "d", FdCalls::close);
        t.full(32, "d", c -> fds(c).install(fds(c).get(c.intArg(0)), false, 0));
        t.full(33, "dd", FdCalls::dup2);
        t.full(292, "ddO", FdCalls::dup3);
        t.partial(72, "ddx", FdCalls::fcntl, "record locks always succeed (no other process shares the files)");
        t.full(22, "p", c -> pipe(c, 0));
        t.full(293, "pO", c -> pipe(c, c.intArg(1)));
        t.full(436, "ddx", FdCalls::closeRange);
        t.full(74, "d", c -> sync(c));
        t.full(75, "d", c -> sync(c));
        t.full(77, "dl", FdCalls::ftruncate);
        t.partial(73, "dd", c -> {
            fds(c).get(c.intArg(0));
            return 0;
        }, "locks always succeed");
    }

    static FdTable fds(Call c) {
        return c.state().fds();
    }

    /** Implements Linux close(2) with the core's Descriptors.close. */
    private static long close(Call c) {
        return Descriptors.close(c.core(), c.intArg(0));
    }

    /** Implements Linux dup2(2) with the core's Descriptors.dup2. */
    private static long dup2(Call c) {
        return Descriptors.dup2(c.core(), c.intArg(0), c.intArg(1), false);
    }

    /** Implements Linux dup3(2): Linux's flag check, then the core's Descriptors.dup2. */
    private static long dup3(Call c) {
        int oldfd = c.intArg(0);
        int newfd = c.intArg(1);
        int flags = c.intArg(2);
        if (oldfd == newfd || (flags & ~LinuxAbi.O_CLOEXEC) != 0) {
            return -Errno.EINVAL;
        }
        return Descriptors.dup2(c.core(), oldfd, newfd, (flags & LinuxAbi.O_CLOEXEC) != 0);
    }

    /** Implements Linux fcntl(2): duplication, descriptor and status flags, advisory locks. */
    private static long fcntl(Call c) {
        int fd = c.intArg(0);
        FdTable fds = fds(c);
        OpenFile f = fds.get(fd);
        long arg = c.arg(2);
        switch (c.intArg(1)) {
            case F_DUPFD, F_DUPFD_CLOEXEC -> {
                if (arg < 0 || arg >= fds.max()) {
                    return -Errno.EINVAL;
                }
                return Descriptors.dup(c.core(), fd, (int) arg, c.intArg(1) == F_DUPFD_CLOEXEC);
            }
            case F_GETFD -> {
                return Descriptors.cloexec(c.core(), fd) ? FD_CLOEXEC : 0;
            }
            case F_SETFD -> {
                fds.cloexec(fd, (arg & FD_CLOEXEC) != 0);
                return 0;
            }
            case F_GETFL -> {
                return LinuxAbi.guest(Descriptors.statusFlags(c.core(), fd));
            }
            case F_SETFL -> {
                Descriptors.statusFlags(c.core(), fd, LinuxAbi.core((int) arg));
                return 0;
            }
            case F_GETLK -> {
                c.mem().putByte(arg, (byte) 2); // l_type = F_UNLCK (a short, little-endian)
                c.mem().putByte(arg + 1, (byte) 0);
                return 0;
            }
            case F_SETLK, F_SETLKW -> {
                return 0;
            }
            case 8, 10 -> { // F_SETOWN, F_SETSIG
                return 0;
            }
            case 9, 11 -> { // F_GETOWN, F_GETSIG
                return 0;
            }
            case 1031, 1032 -> { // F_SETPIPE_SZ, F_GETPIPE_SZ
                return f.io() != null && f.io().kind().equals("pipe") ? 65536 : -Errno.EBADF;
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
    }

    /** Implements Linux pipe(2) and pipe2(2): Linux's flags, then the core's Descriptors.pipe. */
    private static long pipe(Call c, int flags) {
        if ((flags & ~(LinuxAbi.O_CLOEXEC | LinuxAbi.O_NONBLOCK | 040000)) != 0) {
            return -Errno.EINVAL;
        }
        return Descriptors.pipe(c.core(), c.arg(0), LinuxAbi.core(flags & LinuxAbi.O_NONBLOCK),
                (flags & LinuxAbi.O_CLOEXEC) != 0);
    }

    /** Implements Linux close_range(2) (CLOSE_RANGE_CLOEXEC marks instead of closing). */
    private static long closeRange(Call c) {
        long first = c.arg(0) & 0xffff_ffffL;
        long last = c.arg(1) & 0xffff_ffffL;
        int flags = c.intArg(2);
        if (first > last || (flags & ~6) != 0) {
            return -Errno.EINVAL;
        }
        for (int fd : fds(c).all().keySet()) {
            if (fd >= first && fd <= last) {
                if ((flags & 4) != 0) {
                    fds(c).cloexec(fd, true);
                } else {
                    fds(c).close(fd);
                }
            }
        }
        return 0;
    }

    /** Implements Linux fsync(2) and fdatasync(2): host writes are already in the host's page cache. */
    private static long sync(Call c) {
        fds(c).get(c.intArg(0));
        return 0;
    }

    /** Implements Linux ftruncate(2). */
    private static long ftruncate(Call c) throws IOException {
        OpenFile f = fds(c).get(c.intArg(0));
        if (c.arg(1) < 0) {
            return -Errno.EINVAL;
        }
        if (!f.writable() || f.io() == null || !f.io().kind().equals("file")) {
            return -Errno.EINVAL;
        }
        f.io().truncate(c.arg(1));
        return 0;
    }
}
