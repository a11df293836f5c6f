package io.pico.linux.sys;

import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.linux.OpenFile;
import java.io.IOException;

/** Device control: ioctl for terminals, FIONREAD, FIONBIO and the close-on-exec requests. */
final class TtyCalls {

    private TtyCalls() {
    }

    static void register(SyscallTable t) {
        t.partial(16, "dxp", TtyCalls::ioctl, "terminal settings are recorded, not applied; window size 80x24");
    }

    /** Implements Linux ioctl(2) for terminals (TCGETS, TIOCGWINSZ ...), FIONREAD and FIONBIO. */
    private static long ioctl(Call c) throws IOException {
        OpenFile f = FdCalls.fds(c).get(c.intArg(0));
        IoObject io = f.io();
        boolean tty = io != null && io.isTerminal();
        long arg = c.arg(2);
        int request = (int) c.arg(1);
        switch (request) {
            case 0x5401 -> { // TCGETS
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                c.write(arg, c.state().termios());
                return 0;
            }
            case 0x5402, 0x5403, 0x5404 -> { // TCSETS, TCSETSW, TCSETSF
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                c.state().termios(c.read(arg, 36));
                return 0;
            }
            case 0x5413 -> { // TIOCGWINSZ
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                c.write(arg, new byte[] {24, 0, 80, 0, 0, 0, 0, 0});
                return 0;
            }
            case 0x5414, 0x5410, 0x540b, 0x540a, 0x5409 -> { // TIOCSWINSZ, TIOCSPGRP, TCFLSH, TCXONC, TCSBRK
                return tty ? 0 : -Errno.ENOTTY;
            }
            case 0x540f, 0x5429 -> { // TIOCGPGRP, TIOCGSID
                if (!tty) {
                    return -Errno.ENOTTY;
                }
                c.mem().putInt(arg, request == 0x540f ? c.state().pgid() : c.state().sid());
                return 0;
            }
            case 0x541b -> { // FIONREAD
                int n = f.content() != null ? (int) Math.max(0, f.content().length - f.position())
                        : io == null ? 0 : io.available();
                c.mem().putInt(arg, n);
                return 0;
            }
            case 0x5421 -> { // FIONBIO
                int on = c.mem().getInt(arg);
                f.setStatusFlags(on != 0 ? f.flags() | OpenFile.O_NONBLOCK : f.flags() & ~OpenFile.O_NONBLOCK);
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
