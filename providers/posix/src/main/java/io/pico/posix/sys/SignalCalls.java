package io.pico.posix.sys;

import io.pico.posix.FreeBsdProcess;
import io.pico.posix.SignalFrame;
import io.pico.posix.core.Call;
import io.pico.posix.core.Disposition;
import io.pico.posix.core.IntervalTimers;
import io.pico.posix.core.Errno;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.SigInfo;
import io.pico.posix.core.SigSet;
import io.pico.posix.core.Signals;
import io.pico.posix.core.sys.SyscallTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Signals: dispositions, masks, kill, handler frames and sigreturn, contexts, sigsuspend, interval timers. */
final class SignalCalls {

    private static final int SIG_BLOCK = 1;
    private static final int SIG_UNBLOCK = 2;
    private static final int SIG_SETMASK = 3;
    private static final int SS_ONSTACK = 1;
    private static final int SS_DISABLE = 4;
    private static final int MINSIGSTKSZ = 2048;

    private SignalCalls() {
    }

    static void register(SyscallTable t) {
        t.full(416, "Spp", SignalCalls::sigaction);
        t.full(340, "dpp", SignalCalls::sigprocmask);
        t.full(343, "p", SignalCalls::sigpending);
        t.full(53, "pp", SignalCalls::sigaltstack);
        t.partial(37, "dS", SignalCalls::kill, "pid -1 reaches the Unix processes of the caller's session");
        t.full(417, "p=!", SignalCalls::sigreturn);
        t.full(341, "p", SignalCalls::sigsuspend);
        t.full(421, "p", SignalCalls::getcontext);
        t.full(422, "p=!", SignalCalls::setcontext);
        t.full(423, "pp=!", c -> {
            getcontext(c, c.arg(0));
            return setcontext(c);
        });
        t.partial(83, "dpp", SignalCalls::setitimer, "ITIMER_VIRTUAL and ITIMER_PROF both count the process's CPU time");
        t.partial(86, "dp", SignalCalls::getitimer, "ITIMER_VIRTUAL and ITIMER_PROF both count the process's CPU time");
    }

    /** Reads a sigset_t (four 32-bit words). */
    static SigSet read(Call c, long address) {
        return SigSet.ofWords(c.mem().getInt(address), c.mem().getInt(address + 4), c.mem().getInt(address + 8),
                c.mem().getInt(address + 12));
    }

    /** Writes a sigset_t. */
    static void write(Call c, long address, SigSet set) {
        for (int i = 0; i < 4; i++) {
            c.mem().putInt(address + 4L * i, set.word(i));
        }
    }

    /**
     * Implements FreeBSD sigaction(2): struct sigaction is handler, flags (int), mask (sigset_t); the change is the
     * core's ({@link Signals#action}).
     */
    private static long sigaction(Call c) {
        int sig = c.intArg(0);
        if (!c.abi().signals().valid(sig)) {
            throw Errno.EINVAL.error();
        }
        long act = c.arg(1);
        long old = c.arg(2);
        Disposition a = null;
        if (act != 0) {
            long handler = c.mem().getLong(act);
            if ((sig == c.abi().signals().number("KILL") || sig == c.abi().signals().number("STOP"))
                    && handler != Disposition.SIG_DFL) {
                throw Errno.EINVAL.error();
            }
            a = new Disposition(handler, c.mem().getInt(act + 8), read(c, act + 12), 0);
        }
        Disposition previous = Signals.action(c.state(), sig, a, s -> { }); // no queues beyond the core's set
        if (old != 0) {
            c.mem().putLong(old, previous.handler());
            c.mem().putInt(old + 8, (int) previous.flags());
            write(c, old + 12, previous.mask());
        }
        return 0;
    }

    /** Implements FreeBSD sigprocmask(2) for the calling thread (the core's); pending signals it unblocks are delivered. */
    private static long sigprocmask(Call c) {
        SigSet set = c.arg(1) != 0 ? read(c, c.arg(1)) : null;
        Signals.MaskHow how = set == null ? Signals.MaskHow.BLOCK : switch (c.intArg(0)) {
            case SIG_BLOCK -> Signals.MaskHow.BLOCK;
            case SIG_UNBLOCK -> Signals.MaskHow.UNBLOCK;
            case SIG_SETMASK -> Signals.MaskHow.SETMASK;
            default -> throw Errno.EINVAL.error();
        };
        SigSet current = Signals.procmask(c.state(), c.threadState(), how, set);
        if (c.arg(2) != 0) {
            write(c, c.arg(2), current);
        }
        return 0;
    }

    /**
     * Implements FreeBSD sigaltstack(2): stack_t is ss_sp, ss_size, ss_flags; the change is the core's
     * ({@link Signals#altStack}: EPERM on the stack, ENOMEM below MINSIGSTKSZ); a disabled stack keeps its address.
     */
    private static long sigaltstack(Call c) {
        PosixThread t = c.threadState();
        long rsp = c.thread().get(io.pico.api.Register.RSP);
        boolean on = t.onAltStack(rsp);
        Signals.AltStack set = null;
        if (c.arg(0) != 0) {
            long sp = c.mem().getLong(c.arg(0));
            long sz = c.mem().getLong(c.arg(0) + 8);
            int flags = c.mem().getInt(c.arg(0) + 16);
            if ((flags & ~SS_DISABLE) != 0) {
                throw Errno.EINVAL.error();
            }
            set = new Signals.AltStack(sp, sz, (flags & SS_DISABLE) != 0);
        }
        Signals.AltStack old = Signals.altStack(t, rsp, set, MINSIGSTKSZ);
        if (c.arg(1) != 0) {
            c.mem().putLong(c.arg(1), old.base());
            c.mem().putLong(c.arg(1) + 8, old.size());
            c.mem().putInt(c.arg(1) + 16, old.disabled() ? SS_DISABLE : on ? SS_ONSTACK : 0);
        }
        return 0;
    }

    /** Implements FreeBSD sigpending(2): the blocked signals pending for the thread or its process. */
    private static long sigpending(Call c) {
        PosixThread ts = c.threadState();
        SigSet pending;
        synchronized (c.state().signalLock()) {
            pending = c.state().pending().or(ts.queue().pending()).and(ts.sigmask());
        }
        write(c, c.arg(0), pending);
        return 0;
    }

    /** Implements FreeBSD kill(2): the core's targets ({@link Signals#kill}); another personality's by name. */
    private static long kill(Call c) {
        int pid = c.intArg(0);
        int sig = c.intArg(1);
        if (sig != 0 && !c.abi().signals().valid(sig)) {
            throw Errno.EINVAL.error();
        }
        SigInfo info = SigInfo.user(sig, c.process().pid());
        if (Signals.kill(c, pid, p -> Signals.send(c.kernel(), p, c.abi(), info))) {
            c.noReturn();
        }
        return 0;
    }

    /** Implements FreeBSD sigreturn(2): the registers and mask of the ucontext the trampoline passes. */
    private static long sigreturn(Call c) {
        SignalFrame.restore(c.thread(), c.threadState(), c.mem(), c.arg(0));
        c.noReturn();
        return 0;
    }

    /** Implements FreeBSD sigsuspend(2): the core's wait with a temporary mask until a signal arrives; always EINTR. */
    private static long sigsuspend(Call c) {
        PosixThread t = c.threadState();
        PosixProcess s = c.state();
        try {
            Signals.suspend(s, t, read(c, c.arg(0)), () -> Signals.deliverable(s, t));
        } catch (InterruptedException e) {
            // a signal: delivered when the call returns
        }
        throw Errno.EINTR.error();
    }

    /** Implements FreeBSD getcontext(2): the context as if the call had returned 0. */
    private static long getcontext(Call c) {
        getcontext(c, c.arg(0));
        return 0;
    }

    private static void getcontext(Call c, long address) {
        ByteBuffer b = ByteBuffer.allocate(SignalFrame.UCONTEXT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        PosixThread t = c.threadState();
        SignalFrame.writeContext(b, 0, c.thread(), t.sigmask(), 0);
        b.putLong(16 + 56, 0); // mc_rax: the call returns 0
        b.putLong(16 + 24, 0); // mc_rdx
        b.putLong(16 + 176, b.getLong(16 + 176) & ~1L); // no carry
        c.write(address, b.array());
    }

    /** Implements FreeBSD setcontext(2). */
    private static long setcontext(Call c) {
        long uc = c.arg(c.number() == 423 ? 1 : 0);
        SignalFrame.restore(c.thread(), c.threadState(), c.mem(), uc);
        c.noReturn();
        return 0;
    }

    /**
     * Implements FreeBSD setitimer(2): the core's timers ({@link IntervalTimers}: ITIMER_REAL, ITIMER_VIRTUAL,
     * ITIMER_PROF); without a new value it reads the timer, as FreeBSD's does.
     */
    private static long setitimer(Call c) {
        FreeBsdProcess s = c.state();
        IntervalTimers.Value old = c.arg(1) == 0 ? s.timers().get(c.intArg(0))
                : s.timers().set(c.kernel(), c.intArg(0), IntervalTimers.read(c.mem(), c.arg(1)));
        if (c.arg(2) != 0) {
            IntervalTimers.write(c.mem(), c.arg(2), old);
        }
        return 0;
    }

    /** Implements FreeBSD getitimer(2): the core's timers, the time left and the interval. */
    private static long getitimer(Call c) {
        IntervalTimers.Value now = c.<FreeBsdProcess>state().timers().get(c.intArg(0));
        IntervalTimers.write(c.mem(), c.arg(1), now);
        return 0;
    }
}
