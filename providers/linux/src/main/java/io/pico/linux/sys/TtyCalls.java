package io.pico.linux.sys;

import io.pico.posix.core.Descriptors;
import io.pico.linux.LinuxAbi;
import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.posix.core.OpenFile;
import io.pico.linux.Tty;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;

/** Device control: ioctl for terminals (settings, window size, job control), FIONREAD, FIONBIO, FIOCLEX. */
final class TtyCalls {

    private TtyCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(16, "dxp", TtyCalls::ioctl, "terminals: settings (applied to the host terminal with stty), window "
                + "size, foreground group, controlling terminal; FIONREAD, FIONBIO, FIOCLEX, FIONCLEX");
    }

    /** Implements Linux ioctl(2) for terminals (TCGETS, TIOCGWINSZ ...), FIONREAD and FIONBIO. */
    private static long ioctl(Call c) throws IOException {
        OpenFile f = FdCalls.fds(c).get(c.intArg(0));
        IoObject io = f.io();
        boolean tty = io != null && io.isTerminal();
        long arg = c.arg(2);
        int request = (int) c.arg(1);
        LinuxProcess lp = c.state();
        switch (request) {
            case 0x5401 -> { // TCGETS
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                c.write(arg, Tty.of(io).termios());
                return 0;
            }
            case 0x5402, 0x5403, 0x5404 -> { // TCSETS, TCSETSW, TCSETSF
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                byte[] t = c.read(arg, 36);
                Tty.of(io).termios(t);
                lp.termios(t);
                return 0;
            }
            case 0x5413 -> { // TIOCGWINSZ
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                c.write(arg, Tty.of(io).winsize());
                return 0;
            }
            case 0x540f -> { // TIOCGPGRP
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                Tty t = Tty.of(io);
                if (lp.ctty() == null || Tty.of(lp.ctty()) != t) {
                    return -Errno.ENOTTY;
                }
                c.mem().putInt(arg, t.foreground() != 0 ? t.foreground() : lp.pgid());
                return 0;
            }
            case 0x5410 -> { // TIOCSPGRP
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                Tty t = Tty.of(io);
                if (lp.ctty() == null || Tty.of(lp.ctty()) != t) {
                    return -Errno.ENOTTY;
                }
                int pgid = c.mem().getInt(arg);
                if (pgid < 0) {
                    return -Errno.EINVAL;
                }
                if (SignalCalls.group(c, pgid).stream().noneMatch(p -> p.providerState() instanceof LinuxProcess q
                        && q.sid() == lp.sid())) {
                    return -Errno.EPERM;
                }
                t.foreground(pgid);
                return 0;
            }
            case 0x5429 -> { // TIOCGSID
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                if (lp.ctty() == null || Tty.of(lp.ctty()) != Tty.of(io)) {
                    return -Errno.ENOTTY;
                }
                c.mem().putInt(arg, Tty.of(io).session() != 0 ? Tty.of(io).session() : lp.sid());
                return 0;
            }
            case 0x540e -> { // TIOCSCTTY
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                if (lp.sid() != c.process().pid()) {
                    return -Errno.EPERM;
                }
                if (lp.ctty() == null) {
                    lp.ctty(io);
                    Tty.of(io).control(lp.sid(), lp.pgid());
                }
                return 0;
            }
            case 0x5422 -> { // TIOCNOTTY
                if (!tty || lp.ctty() == null) {
                    return -Errno.ENOTTY;
                }
                lp.ctty(null);
                return 0;
            }
            case 0x5414, 0x540b, 0x540a, 0x5409, 0x5425, 0x5427, 0x5428 -> {
                // TIOCSWINSZ, TCFLSH, TCXONC, TCSBRK, TCSBRKP, TIOCSBRK, TIOCCBRK
                return tty ? 0 : -Errno.ENOTTY;
            }
            case 0x541b -> { // FIONREAD: the core's Descriptors.available
                c.mem().putInt(arg, Descriptors.available(c.core(), c.intArg(0)));
                return 0;
            }
            case 0x5421 -> { // FIONBIO
                int on = c.mem().getInt(arg);
                f.setStatusFlags(on != 0 ? f.flags() | OpenFile.NONBLOCK : f.flags() & ~OpenFile.NONBLOCK);
                return 0;
            }
            case 0x5451, 0x5450 -> { // FIOCLEX, FIONCLEX
                FdCalls.fds(c).cloexec(c.intArg(0), request == 0x5451);
                return 0;
            }
            default -> {
                return -Errno.ENOTTY;
            }
        }
    }
}
