package io.pico.linux.sys;

import io.pico.linux.LinuxAbi;
import io.pico.linux.Epoll;
import io.pico.linux.Errno;
import io.pico.linux.EventFd;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.sys.SyscallTable;

/** Provider-side event files: eventfd and epoll (readiness checked while waiting, as poll does). */
final class EventCalls {

    private static final int EFD_SEMAPHORE = 1;
    private static final int EPOLLERR = 8;
    private static final int EPOLLHUP = 0x10;
    private static final String EPOLL_NOTE = "level-triggered (EPOLLET is treated as level), readiness checked every "
            + "2 ms; registrations follow descriptor numbers";

    private EventCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(284, "u", c -> eventfd(c, c.arg(0) & 0xffff_ffffL, 0));
        t.full(290, "ux", c -> eventfd(c, c.arg(0) & 0xffff_ffffL, c.intArg(1)));
        t.partial(213, "d", c -> c.intArg(0) <= 0 ? -Errno.EINVAL : create(c, 0), EPOLL_NOTE);
        t.partial(291, "x", c -> create(c, c.intArg(0)), EPOLL_NOTE);
        t.partial(233, "dddp", EventCalls::control, EPOLL_NOTE);
        t.partial(232, "dpdd", c -> await(c, c.intArg(3)), EPOLL_NOTE);
        t.partial(281, "dpddpu", c -> SignalCalls.withMask(c, c.arg(4), c.arg(5)) ? -Errno.EINTR
                : await(c, c.intArg(3)), EPOLL_NOTE);
        t.partial(441, "dpdppu", c -> SignalCalls.withMask(c, c.arg(4), c.arg(5)) ? -Errno.EINTR
                : await(c, c.arg(3) == 0 ? -1 : TimeCalls.getTimespec(c, c.arg(3)) / 1_000_000L), EPOLL_NOTE);
    }

    private static long install(Call c, OpenFile f, boolean cloexec) {
        try {
            return c.state().fds().install(f, cloexec, 0);
        } catch (RuntimeException e) {
            f.discard();
            throw e;
        }
    }

    /** Implements Linux eventfd(2) and eventfd2(2). */
    private static long eventfd(Call c, long initial, int flags) {
        if ((flags & ~(EFD_SEMAPHORE | LinuxAbi.O_CLOEXEC | LinuxAbi.O_NONBLOCK)) != 0) {
            return -Errno.EINVAL;
        }
        EventFd e = new EventFd(initial, (flags & EFD_SEMAPHORE) != 0);
        OpenFile f = OpenFile.special(c.process(), e, LinuxAbi.core(LinuxAbi.O_RDWR | (flags & LinuxAbi.O_NONBLOCK)));
        return install(c, f, (flags & LinuxAbi.O_CLOEXEC) != 0);
    }

    /** Implements Linux epoll_create(2) and epoll_create1(2). */
    private static long create(Call c, int flags) {
        if ((flags & ~LinuxAbi.O_CLOEXEC) != 0) {
            return -Errno.EINVAL;
        }
        return install(c, OpenFile.special(c.process(), new Epoll(), OpenFile.READ | OpenFile.WRITE),
                (flags & LinuxAbi.O_CLOEXEC) != 0);
    }

    private static Epoll epoll(Call c, int fd) {
        OpenFile f = c.state().fds().get(fd);
        if (!(f.special() instanceof Epoll e)) {
            throw Errno.error(Errno.EINVAL);
        }
        return e;
    }

    /** Implements Linux epoll_ctl(2). */
    private static long control(Call c) {
        int epfd = c.intArg(0);
        Epoll e = epoll(c, epfd);
        int op = c.intArg(1);
        int fd = c.intArg(2);
        OpenFile target = c.state().fds().get(fd);
        if (fd == epfd) {
            return -Errno.EINVAL;
        }
        if (target.directory() || target.content() != null
                || (target.io() != null && target.io().kind().equals("file"))) {
            return -Errno.EPERM; // regular files and directories are always ready: Linux refuses them
        }
        int events = 0;
        long data = 0;
        if (op != 2) {
            events = c.mem().getInt(c.arg(3));
            data = c.mem().getLong(c.arg(3) + 4);
        }
        return e.control(op, fd, events, data);
    }

    /** Implements Linux epoll_wait(2), epoll_pwait(2) and epoll_pwait2(2). */
    private static long await(Call c, long timeoutMillis) throws InterruptedException {
        Epoll e = epoll(c, c.intArg(0));
        int max = c.intArg(2);
        long events = c.arg(1);
        if (max <= 0 || max > 1 << 20) {
            return -Errno.EINVAL;
        }
        FdTable fds = c.state().fds();
        long timeout = timeoutMillis < 0 ? -1 : timeoutMillis * 1_000_000L;
        long start = System.nanoTime();
        while (true) {
            int count = 0;
            for (Epoll.Interest i : e.interests()) {
                if (count >= max) {
                    break;
                }
                if (fds.entry(i.fd()) == null) {
                    e.forget(i.fd());
                    continue;
                }
                int ready = PollCalls.ready(fds, i.fd()) & (i.events() | EPOLLERR | EPOLLHUP);
                if (ready != 0) {
                    c.mem().putInt(events + 12L * count, ready);
                    c.mem().putLong(events + 12L * count + 4, i.data());
                    e.disarm(i.fd());
                    count++;
                }
            }
            if (count > 0 || !io.pico.posix.core.Poll.waitMore(c.kernel(), start, timeout)) {
                return count;
            }
        }
    }
}
