package io.pico.linux.sys;

import io.pico.api.PicoProcess;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;
import io.pico.linux.SignalDelivery;
import io.pico.linux.Signals;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Signals as far as they go without signal frames: dispositions, masks, kill, alarm, pause. */
final class SignalCalls {

    private static final String NOT_RUN = "recorded; handlers are not run yet (default actions only)";

    private SignalCalls() {
    }

    static void register(SyscallTable t) {
        t.partial(13, "Sppu", SignalCalls::sigaction, NOT_RUN);
        t.partial(14, "dppu", SignalCalls::sigprocmask, "recorded; no signal is ever pending");
        t.partial(127, "pu", c -> {
            c.mem().putLong(c.arg(0), 0);
            return 0;
        }, "no signal is ever pending");
        t.full(131, "pp", SignalCalls::sigaltstack);
        t.partial(62, "dS", c -> kill(c, c.intArg(0), c.intArg(1)), "default actions only");
        t.partial(200, "dS", c -> tkill(c, c.intArg(0), c.intArg(1)), "default actions only");
        t.partial(234, "ddS", c -> c.intArg(0) == c.process().pid() ? tkill(c, c.intArg(1), c.intArg(2))
                : -Errno.ESRCH, "own process, default actions only");
        t.partial(34, "", SignalCalls::pause, "waits until the process is ended");
        t.partial(130, "pu", c -> pause(c), "waits until the process is ended");
        t.partial(37, "u", SignalCalls::alarm, "SIGALRM takes its default action");
    }

    private static int signal(int sig) {
        if (sig < 1 || sig > Signals.NSIG) {
            throw Errno.error(Errno.EINVAL);
        }
        return sig;
    }

    /** Implements Linux rt_sigaction(2): records the disposition. */
    private static long sigaction(Call c) {
        int sig = signal(c.intArg(0));
        if (c.arg(3) != 8) {
            return -Errno.EINVAL;
        }
        long act = c.arg(1);
        long old = c.arg(2);
        LinuxProcess.SigAction previous = c.state().action(sig);
        if (act != 0) {
            if (sig == Signals.SIGKILL || sig == Signals.SIGSTOP) {
                return -Errno.EINVAL;
            }
            LinuxProcess.SigAction a = new LinuxProcess.SigAction(c.mem().getLong(act), c.mem().getLong(act + 8),
                    c.mem().getLong(act + 16), c.mem().getLong(act + 24));
            c.state().action(sig, a);
        }
        if (old != 0) {
            c.mem().putLong(old, previous.handler());
            c.mem().putLong(old + 8, previous.flags());
            c.mem().putLong(old + 16, previous.restorer());
            c.mem().putLong(old + 24, previous.mask());
        }
        return 0;
    }

    /** Implements Linux rt_sigprocmask(2): keeps the calling thread's mask. */
    private static long sigprocmask(Call c) {
        if (c.arg(3) != 8) {
            return -Errno.EINVAL;
        }
        LinuxThread t = c.threadState();
        long current = t.sigmask();
        if (c.arg(1) != 0) {
            long set = c.mem().getLong(c.arg(1));
            switch (c.intArg(0)) {
                case 0 -> t.sigmask(current | set);
                case 1 -> t.sigmask(current & ~set);
                case 2 -> t.sigmask(set);
                default -> {
                    return -Errno.EINVAL;
                }
            }
        }
        if (c.arg(2) != 0) {
            c.mem().putLong(c.arg(2), current);
        }
        return 0;
    }

    /** Implements Linux sigaltstack(2). */
    private static long sigaltstack(Call c) {
        LinuxThread t = c.threadState();
        long[] current = t.altStack();
        if (c.arg(0) != 0) {
            long sp = c.mem().getLong(c.arg(0));
            int flags = c.mem().getInt(c.arg(0) + 8);
            long size = c.mem().getLong(c.arg(0) + 16);
            if ((flags & ~(2 | (1 << 31))) != 0) {
                return -Errno.EINVAL;
            }
            if ((flags & 2) == 0 && size < 2048) {
                return -Errno.ENOMEM;
            }
            t.altStack(sp, flags, size);
        }
        if (c.arg(1) != 0) {
            c.mem().putLong(c.arg(1), current[0]);
            c.mem().putLong(c.arg(1) + 8, current[1]);
            c.mem().putLong(c.arg(1) + 16, current[2]);
        }
        return 0;
    }

    /** Implements Linux kill(2) for Linux processes of the kernel. */
    private static long kill(Call c, int pid, int sig) {
        if (sig < 0 || sig > Signals.NSIG) {
            return -Errno.EINVAL;
        }
        PicoProcess target;
        if (pid == 0 || pid == c.process().pid() || pid == -1 || pid == -c.state().pgid()) {
            target = c.process();
        } else {
            Optional<PicoProcess> p = c.kernel().process(Math.abs(pid));
            if (p.isEmpty() || !(p.get().providerState() instanceof LinuxProcess) || p.get().exitStatus().isPresent()) {
                return -Errno.ESRCH;
            }
            target = p.get();
        }
        if (sig != 0 && SignalDelivery.raise(c.kernel(), target, sig, null) && target == c.process()) {
            c.noReturn();
        }
        return 0;
    }

    /** Implements Linux tkill(2) and tgkill(2) for threads of the calling process. */
    private static long tkill(Call c, int tid, int sig) {
        if (sig < 0 || sig > Signals.NSIG || tid <= 0) {
            return -Errno.EINVAL;
        }
        if (c.process().threads().stream().noneMatch(t -> t.tid() == tid)) {
            return -Errno.ESRCH;
        }
        if (sig != 0 && SignalDelivery.raise(c.kernel(), c.process(), sig, null)) {
            c.noReturn();
        }
        return 0;
    }

    /** Implements Linux pause(2) and rt_sigsuspend(2): no handler can run, so only the end of the process wakes it. */
    private static long pause(Call c) throws InterruptedException {
        Object never = new Object();
        synchronized (never) {
            while (c.process().exitStatus().isEmpty()) {
                never.wait(1000);
            }
        }
        return -Errno.EINTR;
    }

    /** Implements Linux alarm(2). */
    private static long alarm(Call c) {
        long seconds = c.arg(0) & 0xffff_ffffL;
        PicoProcess p = c.process();
        if (seconds == 0) {
            return c.state().alarm(null, 0);
        }
        long due = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        return c.state().alarm(SignalDelivery.later(c.kernel(), p, 14, TimeUnit.SECONDS.toNanos(seconds)), due);
    }
}
