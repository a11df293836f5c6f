package io.pico.posix.sys;

import io.pico.api.IoObject;
import io.pico.posix.FreeBsdProcess;
import io.pico.posix.core.Call;
import io.pico.posix.core.Descriptors;
import io.pico.posix.core.Errno;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.OpenFlags;
import io.pico.posix.core.sys.SyscallTable;

/** The descriptor table: close, dup, fcntl, pipes, ioctl for terminals and FIONREAD/FIONBIO, closefrom. */
final class FdCalls {

    private static final int F_DUPFD = 0;
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_GETOWN = 5;
    private static final int F_SETOWN = 6;
    private static final int F_DUP2FD = 10;
    private static final int F_GETLK = 11;
    private static final int F_SETLK = 12;
    private static final int F_SETLKW = 13;
    private static final int F_DUPFD_CLOEXEC = 17;
    private static final int F_DUP2FD_CLOEXEC = 18;
    private static final int F_ISUNIONSTACK = 21;
    private static final int FD_CLOEXEC = 1;
    private static final int TIOCGETA = 0x402c7413;
    private static final int TIOCSETA = 0x802c7414;
    private static final int TIOCSETAW = 0x802c7415;
    private static final int TIOCSETAF = 0x802c7416;
    private static final int TIOCGWINSZ = 0x40087468;
    private static final int TIOCSWINSZ = 0x80087467;
    private static final int TIOCGPGRP = 0x40047477;
    private static final int TIOCSPGRP = 0x80047476;
    private static final int TIOCGSID = 0x40047463;
    private static final int FIONREAD = 0x4004667f;
    private static final int FIONBIO = 0x8004667e;
    private static final int FIOASYNC = 0x8004667d;
    private static final int FIOCLEX = 0x20006601;
    private static final int FIONCLEX = 0x20006602;
    private static final int FIODTYPE = 0x4004667a;
    private static final OpenFlags FLAGS = OpenFlags.FREEBSD;

    private FdCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(6, "d", c -> Descriptors.close(c, c.intArg(0)));
        t.full(41, "d", c -> Descriptors.dup(c, c.intArg(0), 0, false));
        t.full(90, "dd", c -> Descriptors.dup2(c, c.intArg(0), c.intArg(1), false));
        t.partial(92, "ddx", FdCalls::fcntl, "record locks always succeed (no other process shares the files)");
        t.full(542, "pO", FdCalls::pipe2);
        t.full(42, "", FdCalls::pipe);
        t.partial(54, "dxp", FdCalls::ioctl, "terminal settings are recorded, not applied; window size 80x24");
        t.full(89, "", c -> c.fds().max());
        t.full(509, "d", c -> closeFrom(c, c.intArg(0), Integer.MAX_VALUE));
        t.partial(575, "ddd", c -> {
            if (c.intArg(2) != 0 || Integer.compareUnsigned(c.intArg(0), c.intArg(1)) > 0) {
                throw Errno.EINVAL.error();
            }
            return closeFrom(c, c.intArg(0), c.intArg(1) < 0 ? Integer.MAX_VALUE : c.intArg(1));
        }, "no flags");
        t.partial(131, "dd", c -> {
            c.fds().get(c.intArg(0));
            return 0;
        }, "locks always succeed");
    }

    /** Implements FreeBSD fcntl(2): duplication, descriptor and status flags, advisory locks. */
    private static long fcntl(Call c) {
        int fd = c.intArg(0);
        FdTable fds = c.fds();
        OpenFile f = fds.get(fd);
        long arg = c.arg(2);
        switch (c.intArg(1)) {
            case F_DUPFD, F_DUPFD_CLOEXEC -> {
                return Descriptors.dup(c, fd, (int) Math.max(-1, Math.min(arg, Integer.MAX_VALUE)),
                        c.intArg(1) == F_DUPFD_CLOEXEC);
            }
            case F_DUP2FD, F_DUP2FD_CLOEXEC -> {
                return Descriptors.dup2(c, fd, (int) arg, c.intArg(1) == F_DUP2FD_CLOEXEC);
            }
            case F_GETFD -> {
                return Descriptors.cloexec(c, fd) ? FD_CLOEXEC : 0;
            }
            case F_SETFD -> {
                fds.cloexec(fd, (arg & FD_CLOEXEC) != 0);
                return 0;
            }
            case F_GETFL -> {
                return FLAGS.toGuest(f.flags());
            }
            case F_SETFL -> {
                f.setStatusFlags(FLAGS.toCore((int) arg));
                return 0;
            }
            case F_GETLK -> {
                c.mem().putInt(arg + 20, 2); // l_type = F_UNLCK (a short, with l_whence kept)
                return 0;
            }
            case F_SETLK, F_SETLKW, F_SETOWN -> {
                return 0;
            }
            case F_GETOWN, F_ISUNIONSTACK -> {
                return 0;
            }
            default -> throw Errno.EINVAL.error();
        }
    }

    /** Implements FreeBSD pipe2(2): the two descriptors written to an int[2]. */
    private static long pipe2(Call c) {
        int flags = c.intArg(1);
        if ((flags & ~(FLAGS.cloexec() | FLAGS.nonblock())) != 0) {
            throw Errno.EINVAL.error();
        }
        return Descriptors.pipe(c, c.arg(0), FLAGS.toCore(flags), (flags & FLAGS.cloexec()) != 0);
    }

    /** Implements FreeBSD 10's pipe(2): the read end in rax, the write end in rdx. */
    private static long pipe(Call c) {
        int[] fds = Descriptors.pipe(c, 0, false);
        c.secondResult(fds[1]);
        return fds[0];
    }

    /** Implements closefrom(2) and close_range(2): closes the open descriptors in the range. */
    private static long closeFrom(Call c, int low, int high) {
        for (int fd : c.fds().all().keySet()) {
            if (fd >= low && fd <= high) {
                c.fds().close(fd);
            }
        }
        return 0;
    }

    /** Implements FreeBSD ioctl(2) for terminals (TIOCGETA, TIOCGWINSZ ...) and generic file requests. */
    private static long ioctl(Call c) throws java.io.IOException {
        OpenFile f = c.fds().get(c.intArg(0));
        IoObject io = f.io();
        boolean tty = io != null && io.isTerminal();
        long arg = c.arg(2);
        FreeBsdProcess state = c.state();
        int request = c.intArg(1);
        switch (request) {
            case TIOCGETA -> {
                c.write(arg, tty(tty, state.termios()));
                return 0;
            }
            case TIOCSETA, TIOCSETAW, TIOCSETAF -> {
                tty(tty, null);
                state.termios(c.read(arg, FreeBsdProcess.TERMIOS_SIZE));
                return 0;
            }
            case TIOCGWINSZ -> {
                c.write(arg, tty(tty, new byte[] {24, 0, 80, 0, 0, 0, 0, 0}));
                return 0;
            }
            case TIOCSWINSZ, TIOCSPGRP -> {
                tty(tty, null);
                return 0;
            }
            case TIOCGPGRP, TIOCGSID -> {
                tty(tty, null);
                c.mem().putInt(arg, request == TIOCGPGRP ? state.pgid() : state.sid());
                return 0;
            }
            case FIONREAD -> {
                c.mem().putInt(arg, Descriptors.available(c, c.intArg(0)));
                return 0;
            }
            case FIONBIO -> {
                int on = c.mem().getInt(arg);
                f.setStatusFlags(on != 0 ? f.flags() | OpenFile.NONBLOCK : f.flags() & ~OpenFile.NONBLOCK);
                return 0;
            }
            case FIOASYNC -> {
                return 0;
            }
            case FIOCLEX, FIONCLEX -> {
                c.fds().cloexec(c.intArg(0), request == FIOCLEX);
                return 0;
            }
            case FIODTYPE -> {
                c.mem().putInt(arg, tty ? 0x0004 : 0); // D_TTY
                return 0;
            }
            default -> throw Errno.ENOTTY.error();
        }
    }

    private static byte[] tty(boolean tty, byte[] value) {
        if (!tty) {
            throw Errno.ENOTTY.error();
        }
        return value;
    }
}
