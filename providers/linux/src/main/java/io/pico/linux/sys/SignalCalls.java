package io.pico.linux.sys;

import io.pico.posix.core.Disposition;
import io.pico.posix.core.HostIds;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;
import io.pico.linux.SigInfo;
import io.pico.linux.SignalDelivery;
import io.pico.linux.SignalQueue;
import io.pico.linux.Signals;
import io.pico.posix.core.sys.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Signals: dispositions, masks, pending sets, sending (kill, tkill, tgkill, sigqueue), waiting for them
 * (pause, sigsuspend, sigtimedwait), the alternate stack, rt_sigreturn, alarm and interval timers.
 */
final class SignalCalls {

    private static final long UNBLOCKABLE = SignalQueue.bit(Signals.SIGKILL) | SignalQueue.bit(Signals.SIGSTOP);
    private static final int ITIMER_REAL = 0;
    private static final int SIGALRM = 14;

    private SignalCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(13, "Sppu", SignalCalls::sigaction);
        t.full(14, "dppu", SignalCalls::sigprocmask);
        t.full(127, "pu", SignalCalls::sigpending);
        t.full(131, "pp", SignalCalls::sigaltstack);
        t.full(15, "=!", SignalCalls::sigreturn);
        t.partial(62, "dS", c -> kill(c, c.intArg(0), c.intArg(1)),
                "pid -1 reaches the Unix processes of the caller's session");
        t.full(200, "dS", c -> tkill(c, -1, c.intArg(0), c.intArg(1)));
        t.full(234, "ddS", c -> tkill(c, c.intArg(0), c.intArg(1), c.intArg(2)));
        t.full(129, "dSp", SignalCalls::sigqueueinfo);
        t.full(297, "ddSp", SignalCalls::tgsigqueueinfo);
        t.full(34, "", SignalCalls::pause);
        t.full(130, "pu", SignalCalls::sigsuspend);
        t.full(128, "pppu", SignalCalls::sigtimedwait);
        t.full(37, "u", SignalCalls::alarm);
        t.partial(38, "dpp", SignalCalls::setitimer,
                "ITIMER_VIRTUAL and ITIMER_PROF both count the process's CPU time, checked every 10 ms");
        t.partial(36, "dp", SignalCalls::getitimer, "ITIMER_VIRTUAL and ITIMER_PROF both count the process's CPU time");
    }

    private static int signal(int sig) {
        if (sig < 1 || sig > Signals.NSIG) {
            throw Errno.error(Errno.EINVAL);
        }
        return sig;
    }

    /** Implements Linux rt_sigaction(2). */
    private static long sigaction(Call c) {
        int sig = signal(c.intArg(0));
        if (c.arg(3) != 8) {
            return -Errno.EINVAL;
        }
        long act = c.arg(1);
        long old = c.arg(2);
        LinuxProcess lp = c.state();
        Disposition a = null;
        if (act != 0) {
            if (sig == Signals.SIGKILL || sig == Signals.SIGSTOP) {
                return -Errno.EINVAL;
            }
            // struct kernel_sigaction: handler, flags, restorer, mask
            a = new Disposition(c.mem().getLong(act), c.mem().getLong(act + 8),
                    io.pico.posix.core.SigSet.of(c.mem().getLong(act + 24) & ~UNBLOCKABLE), c.mem().getLong(act + 16));
        }
        // the core's change (an ignored signal is discarded where it is pending: Linux's queues here)
        Disposition previous = io.pico.posix.core.Signals.action(lp, sig, a, s -> {
            lp.queue().discard(s);
            for (PicoThread t : c.process().threads()) {
                LinuxThread.of(t).pending().discard(s);
            }
        });
        if (old != 0) {
            c.mem().putLong(old, previous.handler());
            c.mem().putLong(old + 8, previous.flags());
            c.mem().putLong(old + 16, previous.restorer());
            c.mem().putLong(old + 24, previous.mask().low());
        }
        return 0;
    }

    /** Implements Linux rt_sigprocmask(2). */
    private static long sigprocmask(Call c) {
        if (c.arg(3) != 8) {
            return -Errno.EINVAL;
        }
        io.pico.posix.core.SigSet set = null;
        io.pico.posix.core.Signals.MaskHow how = io.pico.posix.core.Signals.MaskHow.BLOCK;
        if (c.arg(1) != 0) {
            set = io.pico.posix.core.SigSet.of(c.mem().getLong(c.arg(1)));
            switch (c.intArg(0)) {
                case 0 -> how = io.pico.posix.core.Signals.MaskHow.BLOCK;
                case 1 -> how = io.pico.posix.core.Signals.MaskHow.UNBLOCK;
                case 2 -> how = io.pico.posix.core.Signals.MaskHow.SETMASK;
                default -> {
                    return -Errno.EINVAL;
                }
            }
        }
        io.pico.posix.core.SigSet current = io.pico.posix.core.Signals.procmask(c.state(), c.threadState(), how, set);
        if (c.arg(2) != 0) {
            c.mem().putLong(c.arg(2), current.low());
        }
        return 0;
    }

    /** Implements Linux rt_sigpending(2): blocked signals pending for the thread or its process. */
    private static long sigpending(Call c) {
        if (c.arg(1) != 8) {
            return -Errno.EINVAL;
        }
        long pending;
        synchronized (c.state().signalLock()) {
            LinuxThread t = c.threadState();
            pending = (t.pending().mask() | c.state().queue().mask()) & t.mask();
        }
        c.mem().putLong(c.arg(0), pending);
        return 0;
    }

    /** Implements Linux sigaltstack(2). */
    private static long sigaltstack(Call c) {
        LinuxThread t = c.threadState();
        long[] current = t.sigaltstack();
        boolean on = SignalDelivery.onAltStack(t, c.thread().get(Register.RSP));
        if (c.arg(0) != 0) {
            long sp = c.mem().getLong(c.arg(0));
            int flags = c.mem().getInt(c.arg(0) + 8);
            long size = c.mem().getLong(c.arg(0) + 16);
            if (on) {
                return -Errno.EPERM;
            }
            int mode = flags & ~(1 << 31); // SS_AUTODISARM is accepted
            if (mode != 0 && mode != SignalDelivery.SS_DISABLE && mode != SignalDelivery.SS_ONSTACK) {
                return -Errno.EINVAL;
            }
            if (mode == SignalDelivery.SS_DISABLE) {
                t.sigaltstack(0, SignalDelivery.SS_DISABLE, 0);
            } else {
                if (size < 2048) {
                    return -Errno.ENOMEM;
                }
                t.sigaltstack(sp, 0, size);
            }
        }
        if (c.arg(1) != 0) {
            boolean disabled = (current[1] & SignalDelivery.SS_DISABLE) != 0 || current[2] == 0;
            c.mem().putLong(c.arg(1), current[0]);
            c.mem().putLong(c.arg(1) + 8, disabled ? SignalDelivery.SS_DISABLE : on ? SignalDelivery.SS_ONSTACK : 0);
            c.mem().putLong(c.arg(1) + 16, current[2]);
        }
        return 0;
    }

    /** Implements Linux rt_sigreturn(2). */
    private static long sigreturn(Call c) {
        c.noReturn();
        if (!SignalDelivery.sigreturn(c.kernel(), c.thread())) {
            c.process().exit(io.pico.api.ExitStatus.signalled(Signals.SIGSEGV, "Segmentation fault (bad signal frame)"));
        }
        return 0;
    }

    /** The Linux processes of a process group, zombies (ended, not yet waited for) included as on Linux. */
    static List<PicoProcess> group(Call c, int pgid) {
        List<PicoProcess> result = new ArrayList<>();
        for (PicoProcess p : c.kernel().processes()) {
            if (p.providerState() instanceof LinuxProcess lp && lp.pgid() == pgid) {
                result.add(p);
            }
        }
        return result;
    }

    /** Sends a signal to one process; true when it ended it. */
    private static boolean sendTo(Call c, PicoProcess target, SigInfo info) {
        if (info.signo() == 0) {
            return false;
        }
        if (!(target.providerState() instanceof LinuxProcess)) {
            // another personality's process: by name, in its own terms
            try {
                c.kernel().signal(target.pid(), Signals.name(info.signo()));
            } catch (IllegalArgumentException e) {
                // it knows no such signal: nothing happens
            }
            return false;
        }
        return SignalDelivery.send(c.kernel(), target, info, null);
    }

    /** Implements Linux kill(2): the core's targets ({@link io.pico.posix.core.Signals#kill}), Linux's siginfo. */
    private static long kill(Call c, int pid, int sig) {
        if (sig < 0 || sig > Signals.NSIG) {
            return -Errno.EINVAL;
        }
        SigInfo info = SigInfo.user(sig, c.process().pid());
        if (io.pico.posix.core.Signals.kill(c.core(), pid, p -> sendTo(c, p, info))) {
            c.noReturn();
        }
        return 0;
    }

    /** Finds a thread by tid among the Linux processes (in process {@code tgid} when it is positive). */
    private static PicoThread thread(Call c, int tgid, int tid) {
        if (tid <= 0 || (tgid != -1 && tgid <= 0)) {
            throw Errno.error(Errno.EINVAL);
        }
        for (PicoProcess p : tgid > 0 ? c.kernel().process(tgid).stream().toList() : c.kernel().processes()) {
            if (p.exitStatus().isPresent() || !(p.providerState() instanceof LinuxProcess)) {
                continue;
            }
            for (PicoThread t : p.threads()) {
                if (t.tid() == tid) {
                    return t;
                }
            }
        }
        throw Errno.error(Errno.ESRCH);
    }

    /** Implements Linux tkill(2) and tgkill(2). */
    private static long tkill(Call c, int tgid, int tid, int sig) {
        if (sig < 0 || sig > Signals.NSIG) {
            return -Errno.EINVAL;
        }
        PicoThread t = thread(c, tgid, tid);
        if (sig != 0 && SignalDelivery.sendThread(c.kernel(), t,
                new SigInfo(sig, SigInfo.SI_TKILL, c.process().pid(), HostIds.uid(), 0, 0))
                && t.process() == c.process()) {
            c.noReturn();
        }
        return 0;
    }

    private static SigInfo queued(Call c, int sig, long address, int target) {
        SigInfo given = SigInfo.of(c.read(address, 128));
        if ((given.code() >= 0 || given.code() == SigInfo.SI_TKILL) && target != c.process().pid()) {
            // kill's and the kernel's codes cannot be claimed towards another process
            throw Errno.error(Errno.EPERM);
        }
        return new SigInfo(sig, given.code(), given.pid(), given.uid(), given.status(), 0);
    }

    /** Implements Linux rt_sigqueueinfo(2). */
    private static long sigqueueinfo(Call c) {
        int sig = c.intArg(1);
        if (sig < 0 || sig > Signals.NSIG) {
            return -Errno.EINVAL;
        }
        SigInfo info = queued(c, sig, c.arg(2), c.intArg(0));
        PicoProcess p = c.kernel().process(c.intArg(0)).filter(q -> q.exitStatus().isEmpty())
                .orElseThrow(() -> Errno.error(Errno.ESRCH));
        if (sig != 0 && sendTo(c, p, info) && p == c.process()) {
            c.noReturn();
        }
        return 0;
    }

    /** Implements Linux rt_tgsigqueueinfo(2). */
    private static long tgsigqueueinfo(Call c) {
        int sig = c.intArg(2);
        if (sig < 0 || sig > Signals.NSIG) {
            return -Errno.EINVAL;
        }
        SigInfo info = queued(c, sig, c.arg(3), c.intArg(0));
        PicoThread t = thread(c, c.intArg(0), c.intArg(1));
        if (sig != 0 && SignalDelivery.sendThread(c.kernel(), t, info) && t.process() == c.process()) {
            c.noReturn();
        }
        return 0;
    }

    /** Waits until the thread has a signal to take; returns EINTR (its handler then runs). */
    private static long awaitSignal(Call c) throws InterruptedException {
        return awaitSignal(c, null);
    }

    /** Waits in the core's {@link io.pico.posix.core.Signals#suspend} with Linux's test of what is deliverable. */
    private static long awaitSignal(Call c, io.pico.posix.core.SigSet temp) throws InterruptedException {
        LinuxProcess lp = c.state();
        LinuxThread lt = c.threadState();
        io.pico.posix.core.Signals.suspend(lp, lt, temp, () -> SignalDelivery.deliverable(lp, lt));
        return -Errno.EINTR;
    }

    /** Implements Linux pause(2). */
    private static long pause(Call c) throws InterruptedException {
        return awaitSignal(c);
    }

    /** Implements Linux rt_sigsuspend(2): the mask is the given one until a handler has run. */
    private static long sigsuspend(Call c) throws InterruptedException {
        if (c.arg(1) != 8) {
            return -Errno.EINVAL;
        }
        return awaitSignal(c, io.pico.posix.core.SigSet.of(c.mem().getLong(c.arg(0))));
    }

    /**
     * Puts the signal mask at {@code maskAddress} in force for the rest of the call (ppoll, pselect6,
     * epoll_pwait); the old one comes back when the call returns or at the sigreturn of a handler that
     * interrupted it. Returns true when a signal can be taken at once: the call then returns EINTR.
     */
    static boolean withMask(Call c, long maskAddress, long size) {
        if (maskAddress == 0) {
            return false;
        }
        if (size != 8) {
            throw Errno.error(Errno.EINVAL);
        }
        long mask = c.mem().getLong(maskAddress);
        synchronized (c.state().signalLock()) {
            c.threadState().temporaryMask(mask);
            return SignalDelivery.deliverable(c.state(), c.threadState());
        }
    }

    /** Implements Linux rt_sigtimedwait(2): takes a signal of the set without running its handler. */
    private static long sigtimedwait(Call c) throws InterruptedException {
        if (c.arg(3) != 8) {
            return -Errno.EINVAL;
        }
        long set = c.mem().getLong(c.arg(0)) & ~UNBLOCKABLE;
        long timeout = c.arg(2) == 0 ? -1 : TimeCalls.getTimespec(c, c.arg(2));
        long deadline = System.nanoTime() + timeout;
        LinuxProcess lp = c.state();
        LinuxThread lt = c.threadState();
        SigInfo info = null;
        synchronized (lp.signalLock()) {
            while (true) {
                long ready = (lt.pending().mask() | lp.queue().mask()) & set;
                if (ready != 0) {
                    int sig = Long.numberOfTrailingZeros(ready) + 1;
                    info = lt.pending().take(sig);
                    if (info == null) {
                        info = lp.queue().take(sig);
                    }
                    if (info != null) {
                        break;
                    }
                }
                if (((lt.pending().mask() | lp.queue().mask()) & ~lt.mask() & ~set) != 0) {
                    return -Errno.EINTR;
                }
                if (c.process().exitStatus().isPresent()) {
                    return -Errno.EINTR;
                }
                long left = timeout < 0 ? 1_000_000_000L : deadline - System.nanoTime();
                if (left <= 0) {
                    return -Errno.EAGAIN;
                }
                TimeUnit.NANOSECONDS.timedWait(lp.signalLock(), Math.min(left, 1_000_000_000L));
            }
        }
        if (c.arg(1) != 0) {
            c.write(c.arg(1), info.bytes());
        }
        return info.signo();
    }

    /** Implements Linux alarm(2) (ITIMER_REAL, once). */
    private static long alarm(Call c) {
        long seconds = c.arg(0) & 0xffff_ffffL;
        PicoProcess p = c.process();
        long[] old;
        if (seconds == 0) {
            old = c.state().realTimer(null, 0, 0);
        } else {
            long nanos = TimeUnit.SECONDS.toNanos(seconds);
            old = c.state().realTimer(SignalDelivery.later(c.kernel(), p, SIGALRM, nanos), System.nanoTime() + nanos, 0);
        }
        if (old[0] <= 0) {
            return 0;
        }
        return Math.max(1, (old[0] + 500_000_000L) / 1_000_000_000L);
    }

    private static long timeval(Call c, long address) {
        long sec = c.mem().getLong(address);
        long usec = c.mem().getLong(address + 8);
        if (sec < 0 || usec < 0 || usec > 999_999) {
            throw Errno.error(Errno.EINVAL);
        }
        return sec * 1_000_000_000L + usec * 1000;
    }

    private static void putItimer(Call c, long address, long interval, long value) {
        if (address == 0) {
            return;
        }
        // round a running timer's value up to a microsecond, so that it never reads as expired
        long v = value <= 0 ? 0 : (value + 999) / 1000;
        long i = interval / 1000;
        c.mem().putLong(address, i / 1_000_000);
        c.mem().putLong(address + 8, i % 1_000_000);
        c.mem().putLong(address + 16, v / 1_000_000);
        c.mem().putLong(address + 24, v % 1_000_000);
    }

    /** Implements Linux getitimer(2). */
    private static long getitimer(Call c) {
        int which = c.intArg(0);
        if (which == ITIMER_REAL) {
            long[] now = c.state().realTimer();
            putItimer(c, c.arg(1), now[1], now[0]);
            return 0;
        }
        if (which != 1 && which != 2) {
            return -Errno.EINVAL;
        }
        long[][] timers = c.state().cpuTimers();
        synchronized (timers) {
            long[] t = timers[which - 1];
            putItimer(c, c.arg(1), t[1], t[0] == 0 ? 0 : Math.max(1000, t[0] - c.process().cpuNanos()));
        }
        return 0;
    }

    /** Implements Linux setitimer(2). */
    private static long setitimer(Call c) {
        int which = c.intArg(0);
        if (which < 0 || which > 2) {
            return -Errno.EINVAL;
        }
        long interval = 0;
        long value = 0;
        if (c.arg(1) != 0) {
            interval = timeval(c, c.arg(1));
            value = timeval(c, c.arg(1) + 16);
        }
        getitimer(new Call(c.kernel(), c.thread(), c.state(), new long[] {which, c.arg(2), 0, 0, 0, 0}));
        PicoProcess p = c.process();
        if (which == ITIMER_REAL) {
            Future<?> next = value == 0 ? null : SignalDelivery.every(c.kernel(), p, SIGALRM, value, interval);
            c.state().realTimer(next, System.nanoTime() + value, value == 0 ? 0 : interval);
            return 0;
        }
        long[][] timers = c.state().cpuTimers();
        synchronized (timers) {
            timers[which - 1][0] = value == 0 ? 0 : p.cpuNanos() + value;
            timers[which - 1][1] = value == 0 ? 0 : interval;
        }
        SignalDelivery.startCpuTimers(c.kernel(), c.state());
        return 0;
    }
}
