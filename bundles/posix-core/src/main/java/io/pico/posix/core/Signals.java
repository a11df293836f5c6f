package io.pico.posix.core;

import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Signals as Unix personalities share them (Linux's and FreeBSD's tables point here): generation
 * ({@link #deliver}, {@link #send}, {@link #sendThread}, {@link #kill}'s targets) into the queues of
 * {@link SigInfo}s of the process and its threads, the thread that takes a signal ({@link #chooseThread}),
 * waiting ({@link #suspend}, {@link #await}), delivery at call boundaries ({@link #deliverPending}, {@link #fault})
 * through the personality's {@link SignalFrames}, default actions (end, {@link #stop}, {@link #cont}, the parent
 * told through {@link PosixProcess#childChanged} and its waits, {@link Children}), dispositions and masks
 * ({@link #action}, {@link #procmask}) and the alternate stack ({@link #altStack}). What differs is a parameter:
 * the numbers and flag bits ({@link Abi}), the layouts (each personality's frames and siginfo_t).
 */
public final class Signals {

    private Signals() {
    }

    /**
     * Raises {@code sig} in the process after the delay (alarm); the future cancels it.
     *
     * @deprecated {@link PosixProcess#timers()}
     */
    @Deprecated
    public static Future<?> later(Kernel kernel, PicoProcess process, int sig, long nanos) {
        return IntervalTimers.schedule(() -> timer(kernel, process, sig), nanos);
    }

    /** A timer's signal: sent by the kernel (SI_KERNEL), as alarm(2) and setitimer(2) send it. */
    private static void timer(Kernel kernel, PicoProcess process, int sig) {
        if (process.exitStatus().isEmpty() && process.providerState() instanceof PosixProcess state) {
            state.raise(kernel, SigInfo.kernel(sig), null);
        }
    }

    /**
     * Raises {@code sig} in the process after {@code first} nanoseconds and then every {@code period} (setitimer).
     *
     * @deprecated {@link PosixProcess#timers()}
     */
    @Deprecated
    public static Future<?> every(Kernel kernel, PicoProcess process, int sig, long first, long period) {
        return IntervalTimers.scheduleEvery(() -> timer(kernel, process, sig), first, period);
    }

    /**
     * Delivers {@code sig} to a process of a Unix personality; returns true when it ended the process.
     *
     * @param reason the description of the end, null for the signal's strsignal text
     */
    public static boolean raise(Kernel kernel, PicoProcess process, int sig, String reason) {
        if (sig == 0 || process.exitStatus().isPresent() || !(process.providerState() instanceof PosixProcess state)) {
            return false;
        }
        return state.raise(kernel, sig, reason);
    }

    /**
     * Raises a signal given in the numbering of the personality {@code from} in a process of any Unix
     * personality: the same signal by name in the target's numbering (FreeBSD's SIGCHLD is 20, Linux's 17);
     * false when the target has no such signal or is not a Unix process.
     */
    public static boolean raise(Kernel kernel, PicoProcess process, Abi from, int sig, String reason) {
        if (sig == 0 || !(process.providerState() instanceof PosixProcess state)) {
            return false;
        }
        if (state.abi() == from) {
            return raise(kernel, process, sig, reason);
        }
        SignalTable to = state.abi().signals();
        String name = from.signals().name(sig);
        try {
            return raise(kernel, process, to.number(name), reason);
        } catch (IllegalArgumentException e) {
            return false; // no such signal there (or a real-time one, which has no common name)
        }
    }

    /**
     * Raises a signal of the personality {@code from} in any process: a Unix process gets it by name in its own
     * numbering ({@link #raise(Kernel, PicoProcess, Abi, int, String)}), another personality's process through the
     * kernel, by name, in its own terms (nothing when it knows no such signal). True when it ended the process.
     *
     * @since 2.1
     */
    public static boolean raiseAny(Kernel kernel, PicoProcess process, Abi from, int sig) {
        if (sig == 0 || process.exitStatus().isPresent()) {
            return false;
        }
        if (process.providerState() instanceof PosixProcess) {
            return raise(kernel, process, from, sig, null);
        }
        try {
            kernel.signal(process.pid(), from.signals().name(sig));
        } catch (IllegalArgumentException e) {
            // it knows no such signal, or has ended: nothing happens
        }
        return false;
    }

    /**
     * Sends a signal with its siginfo, given in the numbering of the personality {@code from}, to a process of any
     * personality: a Unix process gets it (by name in its own numbering, the siginfo kept) through
     * {@link PosixProcess#raise(Kernel, SigInfo, String)}, another personality's process by name through the kernel.
     * True when it ended the process.
     *
     * @since 2.3
     */
    public static boolean send(Kernel kernel, PicoProcess process, Abi from, SigInfo info) {
        int sig = info.signo();
        if (sig == 0 || process.exitStatus().isPresent()) {
            return false;
        }
        if (!(process.providerState() instanceof PosixProcess state)) {
            return raiseAny(kernel, process, from, sig);
        }
        if (state.abi() != from) {
            try {
                sig = state.abi().signals().number(from.signals().name(sig));
            } catch (IllegalArgumentException e) {
                return false; // no such signal there
            }
        }
        return state.raise(kernel, info.withSigno(sig), null);
    }

    /**
     * Sends a signal with its siginfo to one thread of a Unix process (tkill, tgkill, thr_kill), through
     * {@link PosixProcess#raise(Kernel, PicoThread, SigInfo)}; true when it ended the process.
     *
     * @since 2.3
     */
    public static boolean sendThread(Kernel kernel, PicoThread thread, SigInfo info) {
        PicoProcess process = thread.process();
        if (info.signo() == 0 || process.exitStatus().isPresent()
                || !(process.providerState() instanceof PosixProcess state)) {
            return false;
        }
        return state.raise(kernel, thread, info);
    }

    /**
     * kill(2)'s targets and order as Unix personalities share them: {@code pid} &gt; 0 one process of any
     * personality (an ended one not yet waited for exists, and gets nothing); 0 the caller's process group; -1 the
     * Unix processes of the caller's session but the caller; &lt; -1 group -pid (its members not yet waited for
     * count). Ended processes are skipped; the caller, when a target, gets the signal last.
     *
     * @param send sends the signal to one process, true when that ended it
     * @return true when the signal ended the caller
     * @throws SysError ESRCH when {@code pid} names no process
     * @since 2.1
     */
    public static boolean kill(Call c, int pid, java.util.function.Predicate<PicoProcess> send) {
        PicoProcess self = c.process();
        java.util.List<PicoProcess> targets = new java.util.ArrayList<>();
        if (pid > 0) {
            c.kernel().process(pid).ifPresent(targets::add);
        } else {
            int sid = c.state().sid();
            int group = pid == 0 ? c.state().pgid() : -pid;
            for (PicoProcess p : c.kernel().processes()) {
                if (!(p.providerState() instanceof PosixProcess s)) {
                    continue;
                }
                if (pid == -1 ? p != self && p.exitStatus().isEmpty() && s.sid() == sid : s.pgid() == group) {
                    targets.add(p);
                }
            }
        }
        if (targets.isEmpty()) {
            throw Errno.ESRCH.error();
        }
        boolean toSelf = false;
        for (PicoProcess p : targets) {
            if (p == self) {
                toSelf = true;
            } else if (p.exitStatus().isEmpty()) {
                send.test(p);
            }
        }
        return toSelf && self.exitStatus().isEmpty() && send.test(self);
    }

    /**
     * The core's own delivery of {@code sig} (what {@link PosixProcess#raise} does unless a personality delivers
     * signals its own way); returns true when it ended the process.
     */
    public static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, int sig, String reason) {
        return deliver(kernel, process, state, SigInfo.user(sig, 0), reason);
    }

    /**
     * The core's own delivery of a signal with its siginfo, queued for the process (standard signals once,
     * real-time ones each); returns true when it ended the process.
     *
     * @since 2.3
     */
    public static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, SigInfo info,
            String reason) {
        return deliver(kernel, process, state, null, info, reason);
    }

    /**
     * The core's own delivery of a signal with its siginfo to one thread of the process ({@code thread}: tkill,
     * thr_kill), queued for that thread, or to the process ({@code thread} null: the thread that takes it is
     * {@link #chooseThread chosen}); returns true when it ended the process.
     *
     * @since 2.3
     */
    public static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, PicoThread thread,
            SigInfo info, String reason) {
        int sig = info.signo();
        SignalTable table = state.abi().signals();
        if (sig <= 0 || sig > table.max() || process.exitStatus().isPresent()) {
            return false;
        }
        if (sig == table.number("KILL")) {
            terminate(process, table, sig, reason);
            return true;
        }
        int cont = table.number("CONT");
        if (sig == cont) {
            cont(kernel, state); // whatever its disposition
        }
        PicoThread wake;
        SignalTable.Action fatal = null;
        synchronized (state.signalLock()) {
            if (sig == cont) {
                for (SignalTable.Signal s : table.all()) {
                    if (s.action() == SignalTable.Action.STOP) {
                        state.removePending(s.number()); // a continue drops the stops pending
                    }
                }
            } else if (table.defaultAction(sig) == SignalTable.Action.STOP) {
                state.removePending(cont);
            }
            Disposition action = state.action(sig);
            PicoThread probe = thread != null ? thread : mainThread(process);
            boolean blocked = probe != null && state.<PosixThread>thread(probe).sigmask().contains(sig);
            SignalTable.Action def = table.defaultAction(sig);
            boolean ignored = action.ignored() || (!action.caught() && (def == SignalTable.Action.IGNORE
                    || def == SignalTable.Action.CONTINUE));
            if (ignored && (!blocked || !state.abi().pendsIgnoredWhileBlocked())) {
                return false;
            }
            (thread != null ? state.<PosixThread>thread(thread).queue() : state.queue()).add(info);
            wake = thread != null ? (blocked ? null : thread) : chooseThread(process, state, sig);
            state.signalLock().notifyAll(); // wakes sigsuspend ({@link #suspend}) and sigtimedwait ({@link #await})
            boolean byDefault = action.handler() == Disposition.SIG_DFL || (action.caught() && state.frames() == null);
            if (wake != null && byDefault && (def == SignalTable.Action.TERMINATE || def == SignalTable.Action.CORE
                    || def == SignalTable.Action.STOP)) {
                // fatal default actions and stops are taken at once, from the sender, for the whole process
                if (action.caught()) {
                    kernel.log(state.abi().personality() + ": pid " + process.pid() + ": SIG" + table.name(sig)
                            + " has a handler, but handlers are not run: default action taken");
                }
                fatal = def;
                (thread != null ? state.<PosixThread>thread(thread).queue() : state.queue()).take(sig);
            }
        }
        if (fatal == SignalTable.Action.STOP) {
            stop(kernel, state, sig);
            return false;
        }
        if (fatal != null) {
            terminate(process, table, sig, reason);
            return true;
        }
        if (wake != null) {
            state.wake(wake);
        }
        return false;
    }

    /**
     * How sigprocmask(2) changes a thread's mask (each personality numbers them its own way).
     *
     * @since 2.1
     */
    public enum MaskHow {
        /** Adds the set: SIG_BLOCK. */
        BLOCK,
        /** Removes the set: SIG_UNBLOCK. */
        UNBLOCK,
        /** Replaces the mask: SIG_SETMASK. */
        SETMASK
    }

    /**
     * sigprocmask(2) as Unix personalities share it: changes the thread's mask under the process's signal lock
     * (SIGKILL and SIGSTOP stay unblocked, {@link PosixThread#sigmask(SigSet)}) and returns the old one.
     *
     * @param set null to only read the mask
     * @since 2.1
     */
    public static SigSet procmask(PosixProcess state, PosixThread thread, MaskHow how, SigSet set) {
        synchronized (state.signalLock()) {
            SigSet old = thread.sigmask();
            if (set != null) {
                thread.sigmask(switch (how) {
                    case BLOCK -> old.or(set);
                    case UNBLOCK -> old.andNot(set);
                    case SETMASK -> set;
                });
            }
            return old;
        }
    }

    /**
     * sigaction(2) as Unix personalities share it: replaces the disposition of {@code sig} under the process's
     * signal lock and returns the previous one; a signal that is ignored now (SIG_IGN, or the default of a signal
     * whose default is to ignore or continue) is discarded where it is pending, as POSIX asks: from the core's
     * pending set and, through {@code discard}, from a personality's own queues. The row checks what its ABI
     * refuses first (SIGKILL and SIGSTOP).
     *
     * @param action the new disposition, null to only read it
     * @since 2.1
     */
    public static Disposition action(PosixProcess state, int sig, Disposition action,
            java.util.function.IntConsumer discard) {
        synchronized (state.signalLock()) {
            if (action == null) {
                return state.action(sig);
            }
            Disposition previous = state.action(sig, action);
            SignalTable.Action def = state.abi().signals().defaultAction(sig);
            if (action.ignored() || (!action.caught()
                    && (def == SignalTable.Action.IGNORE || def == SignalTable.Action.CONTINUE))) {
                state.removePending(sig);
                discard.accept(sig);
            }
            return previous;
        }
    }

    /**
     * A thread's alternate signal stack as sigaltstack(2) sets it (each personality numbers its SS_* flags).
     *
     * @param base ss_sp
     * @param size ss_size
     * @param disabled SS_DISABLE
     * @since 2.3
     */
    public record AltStack(long base, long size, boolean disabled) {
    }

    /**
     * sigaltstack(2) as Unix personalities share it: the thread's alternate stack before the call, after
     * replacing it with {@code set} (null to only read it). A thread running on its alternate stack ({@code sp})
     * cannot change it (EPERM); an enabled stack smaller than {@code minSize} is refused (ENOMEM). The row checks
     * its flags and decides what a disabled stack keeps of its address and size (Linux: nothing, FreeBSD: both).
     *
     * @since 2.3
     */
    public static AltStack altStack(PosixThread thread, long sp, AltStack set, long minSize) {
        synchronized (thread) {
            AltStack old = new AltStack(thread.altStack(), thread.altStackSize(), thread.altStackDisabled());
            if (set != null) {
                if (thread.onAltStack(sp)) {
                    throw Errno.EPERM.error();
                }
                if (!set.disabled() && set.size() < minSize) {
                    throw Errno.ENOMEM.error();
                }
                thread.altStack(set.base(), set.size(), set.disabled());
            }
            return old;
        }
    }

    /**
     * Puts back the alternate stack a signal frame recorded (its uc_stack, which the handler may have changed) at
     * the frame's sigreturn, as Linux's rt_sigreturn does (restore_altstack): sigaltstack's rule ({@link #altStack})
     * with the restored stack pointer {@code sp}, where a refusal (the thread is back on its alternate stack, the
     * stack is too small) keeps the current stack without an error. FreeBSD's sigreturn does not call it: FreeBSD
     * keeps the thread's stack whatever the ucontext says (sys_sigreturn only looks at mc_onstack).
     *
     * @return whether the recorded stack is in force now
     * @since 2.4
     */
    public static boolean restoreAltStack(PosixThread thread, long sp, AltStack recorded, long minSize) {
        try {
            altStack(thread, sp, recorded, minSize);
            return true;
        } catch (SysError e) {
            return false;
        }
    }

    /**
     * sigsuspend(2) and pause(2) as Unix personalities share them: with {@code temp} as the thread's mask until a
     * handler has run or the call returns (null: the mask stays), waits on the process's signal lock until
     * {@code deliverable} says the thread can take a signal, or the process has ended. The call then ends with
     * EINTR, which the row gives in its own way. Whoever makes a signal pending notifies the signal lock (and
     * interrupts the thread).
     *
     * @throws InterruptedException when the thread is interrupted first
     * @since 2.1
     */
    public static void suspend(PosixProcess state, PosixThread thread, SigSet temp,
            java.util.function.BooleanSupplier deliverable) throws InterruptedException {
        synchronized (state.signalLock()) {
            if (temp != null) {
                if (!thread.hasSavedMask()) {
                    thread.saveMask(thread.sigmask());
                }
                thread.sigmask(temp);
            }
            while (!deliverable.getAsBoolean() && state.process().exitStatus().isEmpty()) {
                state.signalLock().wait(1000);
            }
        }
    }

    /**
     * sigtimedwait(2), sigwaitinfo(2) and sigwait(2) as Unix personalities share them: takes a signal of {@code set}
     * pending for the thread or its process (faults' signals first, then the lowest number; the thread's instance
     * first) without running its handler, waiting on the process's signal lock until one is queued. The row writes
     * the siginfo in its layout.
     *
     * @param timeoutNanos the longest wait, negative for none
     * @throws SysError EAGAIN when the time ran out, EINTR when a signal outside the set that the thread can take
     *         arrived first (its handler runs when the call returns) or the process ended
     * @throws InterruptedException when the thread is interrupted (EINTR)
     * @since 2.3
     */
    public static SigInfo await(PosixProcess state, PosixThread thread, SigSet set, long timeoutNanos)
            throws InterruptedException {
        SigSet others = new SigSet(~set.low(), ~set.high());
        long start = System.nanoTime();
        synchronized (state.signalLock()) {
            while (true) {
                SigInfo info = state.take(thread, others);
                if (info != null) {
                    return info;
                }
                SigSet pending = state.pending().or(thread.queue().pending());
                if (!pending.andNot(thread.sigmask()).andNot(set).isEmpty()
                        || state.process().exitStatus().isPresent()) {
                    throw Errno.EINTR.error();
                }
                long left = timeoutNanos < 0 ? 1_000_000_000L : timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    throw Errno.EAGAIN.error();
                }
                TimeUnit.NANOSECONDS.timedWait(state.signalLock(), Math.min(left, 1_000_000_000L));
            }
        }
    }

    /**
     * Whether the thread has a signal it would take now: pending for it or its process, and not blocked.
     *
     * @since 2.3
     */
    public static boolean deliverable(PosixProcess state, PosixThread thread) {
        return !state.pending().or(thread.queue().pending()).andNot(thread.sigmask()).isEmpty();
    }

    /**
     * The main thread of a process (its tid is the pid), else its first thread, else null.
     *
     * @since 2.1
     */
    public static PicoThread mainThread(PicoProcess p) {
        java.util.List<PicoThread> all = p.threads();
        for (PicoThread t : all) {
            if (t.tid() == p.pid()) {
                return t;
            }
        }
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * The thread to take a process-directed signal: of those not blocking it, one inside a call (it can be
     * interrupted at once), the main thread first; else the main thread, else any other; null when every thread
     * blocks it.
     *
     * @since 2.1
     */
    public static PicoThread chooseThread(PicoProcess p, PosixProcess state, int sig) {
        PicoThread main = mainThread(p);
        PicoThread any = null;
        if (main != null && !state.<PosixThread>thread(main).sigmask().contains(sig)) {
            if (state.<PosixThread>thread(main).inCall()) {
                return main;
            }
            any = main;
        }
        for (PicoThread t : p.threads()) {
            PosixThread ts = state.thread(t);
            if (!ts.sigmask().contains(sig)) {
                if (ts.inCall()) {
                    return t;
                }
                if (any == null) {
                    any = t;
                }
            }
        }
        return any;
    }

    /**
     * Ends the process by a signal (a default action of terminate or core): the trace line, with "(core dumped)"
     * for a signal whose default dumps core, and the exit status. Nothing when it has ended already.
     *
     * @param reason the description of the end, null for the signal's strsignal text
     * @since 2.1
     */
    public static void terminate(PicoProcess process, SignalTable table, int sig, String reason) {
        if (process.exitStatus().isPresent()) {
            return;
        }
        process.trace().ifPresent(t -> t.println(process.pid() + " +++ killed by SIG" + table.name(sig)
                + (table.defaultAction(sig) == SignalTable.Action.CORE ? " (core dumped)" : "") + " +++"));
        process.exit(ExitStatus.signalled(sig, reason == null ? table.text(sig) : reason));
    }

    /** Takes the default action of a signal; returns true when it ended the process. */
    public static boolean defaultAction(Kernel kernel, PicoProcess process, PosixProcess state, int sig,
            String reason) {
        SignalTable table = state.abi().signals();
        switch (table.defaultAction(sig)) {
            case IGNORE, CONTINUE -> {
                return false;
            }
            case STOP -> {
                stop(kernel, state, sig);
                return false;
            }
            default -> {
                terminate(process, table, sig, reason);
                return true;
            }
        }
    }

    /**
     * Stops every thread of the process (the default action of SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): the wait event
     * {@code sig << 8 | 0x7f} for the parent's WUNTRACED, SIGCHLD to it ({@link PosixProcess#childChanged}) and its
     * waits woken. Nothing when the process is stopped or has ended already.
     *
     * @param sig the stopping signal in the process's numbering
     * @since 2.1
     */
    public static void stop(Kernel kernel, PosixProcess state, int sig) {
        PicoProcess p = state.process();
        synchronized (state.signalLock()) {
            if (state.stopped() || p.exitStatus().isPresent()) {
                return;
            }
            state.stopped(true, (sig << 8) | 0x7f);
            for (PicoThread t : p.threads()) {
                t.suspend();
            }
        }
        String name = state.abi().signals().name(sig);
        p.trace().ifPresent(t -> t.println(p.pid() + " --- stopped by SIG" + name + " ---"));
        notifyParent(kernel, state, Children.Kind.STOPPED, sig);
    }

    /**
     * Lets a stopped process go on (SIGCONT): the wait event {@link Children#CONTINUED_EVENT} for the parent's
     * WCONTINUED, SIGCHLD to it and its waits woken. Nothing when the process is not stopped.
     *
     * @since 2.1
     */
    public static void cont(Kernel kernel, PosixProcess state) {
        PicoProcess p = state.process();
        synchronized (state.signalLock()) {
            if (!state.stopped()) {
                return;
            }
            state.stopped(false, Children.CONTINUED_EVENT);
            for (PicoThread t : p.threads()) {
                t.resume();
            }
        }
        notifyParent(kernel, state, Children.Kind.CONTINUED, state.abi().signals().number("CONT"));
    }

    private static void notifyParent(Kernel kernel, PosixProcess child, Children.Kind kind, int sig) {
        if (child.orphaned()) {
            return;
        }
        PicoProcess c = child.process();
        kernel.process(c.parentPid()).ifPresent(parent -> {
            if (parent.providerState() instanceof PosixProcess pp) {
                pp.childChanged(kernel, c, kind, sig);
                pp.childEvent();
            }
        });
    }

    /**
     * A CPU fault raised a signal in the thread (SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS with the fault's
     * siginfo), as Linux and FreeBSD treat it: with a handler the thread does not block, the signal is queued for
     * the thread and delivered at once ({@link #deliverPending}); a blocked or ignored fault signal is reset to its
     * default and unblocked. False when the default action applies (the personality ends the process with its
     * description of the fault). The personality has set the thread's instruction pointer to the faulting
     * instruction, where a handler that returns resumes.
     *
     * @since 2.3
     */
    public static boolean fault(Kernel kernel, PicoThread thread, PosixProcess state, SigInfo info) {
        PosixThread ts = state.thread(thread);
        int sig = info.signo();
        synchronized (state.signalLock()) {
            Disposition a = state.action(sig);
            if (ts.sigmask().contains(sig) || a.ignored()) {
                state.action(sig, Disposition.DEFAULT);
                ts.sigmask(ts.sigmask().without(sig));
                return false;
            }
            if (!a.caught() || state.frames() == null) {
                return false;
            }
            ts.queue().add(info);
        }
        deliverPending(kernel, thread, state);
        return true;
    }

    /**
     * Delivers what is pending for the calling thread at a call boundary, as {@link #deliverPending(Kernel,
     * PicoThread, PosixProcess, Runnable, Predicate)} without an interrupted call. Returns true when the process
     * ended.
     */
    public static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state) {
        return deliverPending(kernel, thread, state, null);
    }

    /**
     * Delivers what is pending, as {@link #deliverPending(Kernel, PicoThread, PosixProcess, Runnable, Predicate)};
     * an interrupted call ({@code restart} not null) is made again after a handler whose disposition has
     * {@link Abi#saRestart()}.
     */
    public static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state, Runnable restart) {
        long saRestart = state.abi().saRestart();
        return deliverPending(kernel, thread, state, restart, d -> (d.flags() & saRestart) != 0);
    }

    /**
     * Delivers what is pending for the calling thread at a call boundary, as Linux and FreeBSD do it (on the thread
     * itself: after its call, or after a CPU fault): every signal pending for the thread or its process that its
     * mask lets through, in the order of {@link PosixProcess#take} (faults' signals first, then the lowest), each
     * by its disposition. Ignored ones are dropped; default actions are taken (a stop stops the process and the
     * loop goes on when it continues; an end returns true); a caught one is run by the personality's
     * {@link SignalFrames} (without them, its default action is taken): SA_RESETHAND ({@link Abi#saResetHand()})
     * puts the default back as it is taken, and once the frame is built the thread's mask becomes its mask then
     * plus the handler's sa_mask plus the signal unless SA_NODEFER ({@link Abi#saNoDefer()}). Frames nest when
     * several signals are taken. A frame that cannot be built ends the process with SIGSEGV.
     *
     * <p>A call that a signal interrupted ({@code restart} not null: the call ended with EINTR, or was cut short
     * by an interrupt) is made again ({@code restart} runs before the first frame is built, so that the handler
     * returns to the call) when {@code restartAfter} allows it for the first handler's disposition (SA_RESTART and
     * a restartable call), and when no handler ran at all (a stop, an ignored signal, a spurious wake-up). When no
     * handler ran, a mask a call put in force for its duration ({@link PosixThread#saveMask}: sigsuspend, ppoll)
     * goes back; a frame takes it otherwise, for its sigreturn.
     *
     * @param restart makes the interrupted call run again, null when the call was not interrupted
     * @param restartAfter whether the call is restarted after a handler with this disposition
     * @return true when the process ended
     * @since 2.3
     */
    public static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state, Runnable restart,
            Predicate<Disposition> restartAfter) {
        PicoProcess p = thread.process();
        PosixThread ts = state.thread(thread);
        SignalTable table = state.abi().signals();
        long resetHand = state.abi().saResetHand();
        long noDefer = state.abi().saNoDefer();
        boolean framed = false;
        while (p.exitStatus().isEmpty()) {
            SigInfo info;
            Disposition d;
            synchronized (state.signalLock()) {
                info = state.take(ts, ts.sigmask());
                if (info == null) {
                    break;
                }
                d = state.action(info.signo());
                if (d.caught() && (d.flags() & resetHand) != 0) {
                    state.action(info.signo(), Disposition.DEFAULT);
                }
            }
            int sig = info.signo();
            if (d.ignored()) {
                continue;
            }
            SignalFrames frames = state.frames();
            if (!d.caught() || frames == null) {
                if (d.caught()) {
                    kernel.log(state.abi().personality() + ": pid " + p.pid() + ": SIG" + table.name(sig)
                            + " has a handler, but handlers are not run: default action taken");
                }
                switch (table.defaultAction(sig)) {
                    case IGNORE, CONTINUE -> {
                        continue;
                    }
                    case STOP -> {
                        stop(kernel, state, sig);
                        continue;
                    }
                    default -> {
                        // like shells, the launcher does not announce an end by SIGPIPE
                        terminate(p, table, sig, table.name(sig).equals("PIPE") ? "" : null);
                        return true;
                    }
                }
            }
            if (restart != null && !framed && restartAfter.test(d)) {
                restart.run();
            }
            if (!frames.deliver(thread, state, info, d)) {
                kernel.log(state.abi().personality() + ": pid " + p.pid() + ": cannot build the signal frame for SIG"
                        + table.name(sig));
                terminate(p, table, table.number("SEGV"), null);
                return true;
            }
            synchronized (state.signalLock()) {
                SigSet mask = ts.sigmask().or(d.mask());
                ts.sigmask((d.flags() & noDefer) != 0 ? mask : mask.with(sig));
            }
            framed = true;
        }
        if (p.exitStatus().isPresent()) {
            return true;
        }
        if (restart != null && !framed) {
            restart.run(); // interrupted, but no handler ran: the call is made again
        }
        if (!framed) {
            synchronized (state.signalLock()) {
                ts.restoreSavedMask();
            }
        }
        return false;
    }
}
