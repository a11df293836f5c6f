package io.pico.linux.sys;

import io.pico.posix.core.Disposition;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;
import io.pico.linux.LinuxSiginfo;
import io.pico.posix.core.IntervalTimers;
import io.pico.posix.core.SigInfo;
import io.pico.linux.SignalDelivery;
import io.pico.linux.Signals;
import io.pico.posix.core.sys.SyscallTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Signals: dispositions, masks, pending sets, sending (kill, tkill, tgkill, sigqueue), waiting for them
 * (pause, sigsuspend, sigtimedwait), the alternate stack, rt_sigreturn, alarm and interval timers.
 */
final class SignalCalls {

    private static final long UNBLOCKABLE = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1));

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
        // the core's change (an ignored signal is discarded where it is pending: the core's queues)
        Disposition previous = io.pico.posix.core.Signals.action(lp, sig, a, s -> { });
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
            pending = t.queue().pending().or(c.state().queue().pending()).and(t.sigmask()).low();
        }
        c.mem().putLong(c.arg(0), pending);
        return 0;
    }

    /** Implements Linux sigaltstack(2): the core's change ({@link io.pico.posix.core.Signals#altStack}), Linux's stack_t. */
    private static long sigaltstack(Call c) {
        LinuxThread t = c.threadState();
        long rsp = c.thread().get(Register.RSP);
        boolean on = t.onAltStack(rsp);
        io.pico.posix.core.Signals.AltStack set = null;
        if (c.arg(0) != 0) {
            long sp = c.mem().getLong(c.arg(0));
            int flags = c.mem().getInt(c.arg(0) + 8);
            long size = c.mem().getLong(c.arg(0) + 16);
            int mode = flags & ~(1 << 31); // SS_AUTODISARM is accepted
            if (mode != 0 && mode != SignalDelivery.SS_DISABLE && mode != SignalDelivery.SS_ONSTACK) {
                return on ? -Errno.EPERM : -Errno.EINVAL;
            }
            set = mode == SignalDelivery.SS_DISABLE ? new io.pico.posix.core.Signals.AltStack(0, 0, true)
                    : new io.pico.posix.core.Signals.AltStack(sp, size, false);
        }
        io.pico.posix.core.Signals.AltStack old = io.pico.posix.core.Signals.altStack(t, rsp, set,
                SignalDelivery.MINSIGSTKSZ);
        if (c.arg(1) != 0) {
            boolean disabled = old.disabled() || old.size() == 0;
            c.mem().putLong(c.arg(1), old.base());
            c.mem().putLong(c.arg(1) + 8, disabled ? SignalDelivery.SS_DISABLE : on ? SignalDelivery.SS_ONSTACK : 0);
            c.mem().putLong(c.arg(1) + 16, old.size());
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

    /**
     * Sends a signal to one process of any personality: the core's {@link io.pico.posix.core.Signals#send} (a Linux
     * process's own generation, another Unix personality's process the same signal by name with this siginfo,
     * others by name); true when it ended it.
     */
    private static boolean sendTo(Call c, PicoProcess target, SigInfo info) {
        return io.pico.posix.core.Signals.send(c.kernel(), target, io.pico.linux.LinuxAbi.INSTANCE, info);
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
        if (sig != 0 && io.pico.posix.core.Signals.sendThread(c.kernel(), t,
                SigInfo.toThread(sig, c.process().pid()))
                && t.process() == c.process()) {
            c.noReturn();
        }
        return 0;
    }

    private static SigInfo queued(Call c, int sig, long address, int target) {
        SigInfo given = LinuxSiginfo.of(c.read(address, 128));
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
        if (sig != 0 && io.pico.posix.core.Signals.sendThread(c.kernel(), t, info) && t.process() == c.process()) {
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

    /** Implements Linux rt_sigtimedwait(2): the core's wait ({@link io.pico.posix.core.Signals#await}), Linux's siginfo. */
    private static long sigtimedwait(Call c) throws InterruptedException {
        if (c.arg(3) != 8) {
            return -Errno.EINVAL;
        }
        long set = c.mem().getLong(c.arg(0)) & ~UNBLOCKABLE;
        long timeout = c.arg(2) == 0 ? -1 : TimeCalls.getTimespec(c, c.arg(2));
        SigInfo info = io.pico.posix.core.Signals.await(c.state(), c.threadState(),
                io.pico.posix.core.SigSet.of(set), timeout);
        if (c.arg(1) != 0) {
            c.write(c.arg(1), LinuxSiginfo.bytes(info));
        }
        return info.signo();
    }

    /** Implements Linux alarm(2): the core's ITIMER_REAL, once; the old time left rounded to the nearest second. */
    private static long alarm(Call c) {
        long left = c.state().timers().alarm(c.kernel(), c.arg(0) & 0xffff_ffffL).value();
        return left <= 0 ? 0 : Math.max(1, (left + 500_000_000L) / 1_000_000_000L);
    }

    /** Implements Linux getitimer(2): the core's timers ({@link IntervalTimers}). */
    private static long getitimer(Call c) {
        IntervalTimers.Value now = c.state().timers().get(c.intArg(0));
        if (c.arg(1) != 0) {
            IntervalTimers.write(c.mem(), c.arg(1), now);
        }
        return 0;
    }

    /** Implements Linux setitimer(2): the core's timers; no new value turns the timer off. */
    private static long setitimer(Call c) {
        if (c.intArg(0) < IntervalTimers.REAL || c.intArg(0) > IntervalTimers.PROF) {
            return -Errno.EINVAL;
        }
        IntervalTimers.Value v = c.arg(1) == 0 ? IntervalTimers.Value.OFF : IntervalTimers.read(c.mem(), c.arg(1));
        IntervalTimers.Value old = c.state().timers().set(c.kernel(), c.intArg(0), v);
        if (c.arg(2) != 0) {
            IntervalTimers.write(c.mem(), c.arg(2), old);
        }
        return 0;
    }
}
