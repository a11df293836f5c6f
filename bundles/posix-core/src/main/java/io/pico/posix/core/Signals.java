package io.pico.posix.core;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Signals as Unix personalities share them, the one entry point of the core's signal code (Linux's and FreeBSD's
 * tables call it): generation into the queues of {@link SigInfo}s ({@link #deliver}, {@link #send},
 * {@link #sendThread}), targets ({@link #kill}, {@link #chooseThread}), waiting ({@link #suspend}, {@link #await}),
 * delivery at call boundaries and after faults through the personality's {@link SignalFrames}
 * ({@link #deliverPending}, {@link #fault}), default actions ({@link #terminate}, {@link #stop}, {@link #cont}),
 * dispositions, masks and the alternate stack ({@link #action}, {@link #procmask}, {@link #altStack}). The code lives
 * by concern in package-private classes: SignalGeneration, SignalTargets, SignalHandlers, SignalWaits,
 * SignalDefaults, SignalMasks. What differs is a parameter: the numbers and flag bits ({@link Abi}), the layouts
 * (each personality's frames and siginfo_t).
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
     * Delivers {@code sig} to a process of a Unix personality; true when it ended the process.
     */
    public static boolean raise(Kernel kernel, PicoProcess process, int sig, String reason) {
        return SignalGeneration.raise(kernel, process, sig, reason);
    }

    /**
     * Raises a signal numbered as in the personality {@code from} in a process of any Unix personality, by name in
     * its numbering (FreeBSD's SIGCHLD is 20, Linux's 17); false when it has no such signal or is not a Unix process.
     */
    public static boolean raise(Kernel kernel, PicoProcess process, Abi from, int sig, String reason) {
        return SignalGeneration.raise(kernel, process, from, sig, reason);
    }

    /**
     * Raises a signal of the personality {@code from} in any process: a Unix process by name in its numbering, another
     * personality's through the kernel by name; true when it ended the process.
     *
     * @since 2.1
     */
    public static boolean raiseAny(Kernel kernel, PicoProcess process, Abi from, int sig) {
        return SignalGeneration.raiseAny(kernel, process, from, sig);
    }

    /**
     * Sends a signal with its siginfo, numbered as in {@code from}, to a process of any personality (the siginfo kept
     * for a Unix process); true when it ended the process.
     *
     * @since 2.3
     */
    public static boolean send(Kernel kernel, PicoProcess process, Abi from, SigInfo info) {
        return SignalGeneration.send(kernel, process, from, info);
    }

    /**
     * Sends a signal with its siginfo to one thread of a Unix process (tkill, tgkill, thr_kill); true when it ended the
     * process.
     *
     * @since 2.3
     */
    public static boolean sendThread(Kernel kernel, PicoThread thread, SigInfo info) {
        return SignalGeneration.sendThread(kernel, thread, info);
    }

    /**
     * kill(2)'s targets and order: {@code pid} &gt; 0 one process of any personality, 0 the caller's group, -1 the Unix
     * processes of the caller's session but the caller, &lt; -1 group -pid; the caller last. True when the signal ended
     * the caller; ESRCH when {@code pid} names no process.
     *
     * @param send sends the signal to one process, true when that ended it
     * @since 2.1
     */
    public static boolean kill(Call c, int pid, java.util.function.Predicate<PicoProcess> send) {
        return SignalTargets.kill(c, pid, send);
    }

    /**
     * The core's own delivery of {@code sig} (sent by the user, pid 0); true when it ended the process.
     */
    public static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, int sig, String reason) {
        return SignalGeneration.deliver(kernel, process, state, sig, reason);
    }

    /**
     * The core's own delivery of a signal with its siginfo to the process; true when it ended the process.
     *
     * @since 2.3
     */
    public static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, SigInfo info,
            String reason) {
        return SignalGeneration.deliver(kernel, process, state, info, reason);
    }

    /**
     * The core's own delivery of a signal with its siginfo to one thread ({@code thread}: tkill, thr_kill) or to the
     * process ({@code thread} null: a thread is chosen): queued (standard signals once, real-time ones each), SIGKILL at
     * once, SIGCONT continuing and dropping stops, ignored signals dropped (unless blocked where
     * {@link Abi#pendsIgnoredWhileBlocked()}), the thread woken, fatal defaults and stops taken at once from the
     * sender. True when it ended the process.
     *
     * @since 2.3
     */
    public static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, PicoThread thread,
            SigInfo info, String reason) {
        return SignalGeneration.deliver(kernel, process, state, thread, info, reason);
    }

    /**
     * sigprocmask(2): changes the thread's mask under the process's signal lock (SIGKILL and SIGSTOP stay
     * unblocked) and returns the old one.
     *
     * @param set null to only read the mask
     * @since 2.1
     */
    public static SigSet procmask(PosixProcess state, PosixThread thread, MaskHow how, SigSet set) {
        return SignalMasks.procmask(state, thread, how, set);
    }

    /**
     * sigaction(2): replaces the disposition of {@code sig} under the signal lock and returns the previous one; a
     * signal ignored now is discarded where it is pending (the core's queues and, through {@code discard}, a
     * personality's own). The row checks what its ABI refuses first.
     *
     * @param action the new disposition, null to only read it
     * @since 2.1
     */
    public static Disposition action(PosixProcess state, int sig, Disposition action,
            java.util.function.IntConsumer discard) {
        return SignalMasks.action(state, sig, action, discard);
    }

    /**
     * sigaltstack(2): the thread's alternate stack before the call, after replacing it with {@code set} (null to
     * only read it); EPERM for a thread running on it ({@code sp}), ENOMEM for an enabled stack below {@code minSize}.
     * The row checks its flags and decides what a disabled stack keeps of its address and size.
     *
     * @since 2.3
     */
    public static AltStack altStack(PosixThread thread, long sp, AltStack set, long minSize) {
        return SignalMasks.altStack(thread, sp, set, minSize);
    }

    /**
     * Puts back the alternate stack a signal frame recorded (uc_stack) at its sigreturn, as Linux's rt_sigreturn does:
     * sigaltstack's rule with the restored stack pointer {@code sp}, a refusal keeping the current stack. FreeBSD's
     * sigreturn does not (its sys_sigreturn only reads mc_onstack).
     *
     * @return whether the recorded stack is in force now
     * @since 2.4
     */
    public static boolean restoreAltStack(PosixThread thread, long sp, AltStack recorded, long minSize) {
        return SignalMasks.restoreAltStack(thread, sp, recorded, minSize);
    }

    /**
     * sigsuspend(2) and pause(2): with {@code temp} as the thread's mask (null: unchanged) until a handler has run,
     * waits on the process's signal lock until {@code deliverable} says a signal can be taken or the process ended;
     * the call then ends with EINTR, given by the row.
     *
     * @throws InterruptedException when the thread is interrupted first
     * @since 2.1
     */
    public static void suspend(PosixProcess state, PosixThread thread, SigSet temp,
            java.util.function.BooleanSupplier deliverable) throws InterruptedException {
        SignalWaits.suspend(state, thread, temp, deliverable);
    }

    /**
     * sigtimedwait(2), sigwaitinfo(2) and sigwait(2): takes a signal of {@code set} pending for the thread or its
     * process without running its handler, waiting until one is queued.
     *
     * @param timeoutNanos the longest wait, negative for none
     * @throws SysError EAGAIN when the time ran out, EINTR when another signal the thread can take arrived first or
     *         the process ended
     * @throws InterruptedException when the thread is interrupted (EINTR)
     * @since 2.3
     */
    public static SigInfo await(PosixProcess state, PosixThread thread, SigSet set, long timeoutNanos)
            throws InterruptedException {
        return SignalWaits.await(state, thread, set, timeoutNanos);
    }

    /**
     * Whether the thread has a signal it would take now: pending for it or its process, and not blocked.
     *
     * @since 2.3
     */
    public static boolean deliverable(PosixProcess state, PosixThread thread) {
        return SignalWaits.deliverable(state, thread);
    }

    /**
     * The main thread of a process (its tid is the pid), else its first thread, else null.
     *
     * @since 2.1
     */
    public static PicoThread mainThread(PicoProcess p) {
        return SignalTargets.mainThread(p);
    }

    /**
     * The thread to take a process-directed signal: of those not blocking it, one inside a call (the main thread
     * first), else the main thread, else any other; null when every thread blocks it.
     *
     * @since 2.1
     */
    public static PicoThread chooseThread(PicoProcess p, PosixProcess state, int sig) {
        return SignalTargets.chooseThread(p, state, sig);
    }

    /**
     * Ends the process by a signal: the trace line ("(core dumped)" for a signal whose default dumps core) and the
     * exit status; nothing when it has ended already.
     *
     * @param reason the description of the end, null for the signal's strsignal text
     * @since 2.1
     */
    public static void terminate(PicoProcess process, SignalTable table, int sig, String reason) {
        SignalDefaults.terminate(process, table, sig, reason);
    }

    /**
     * Takes the default action of a signal; true when it ended the process.
     */
    public static boolean defaultAction(Kernel kernel, PicoProcess process, PosixProcess state, int sig,
            String reason) {
        return SignalDefaults.defaultAction(kernel, process, state, sig, reason);
    }

    /**
     * Stops every thread of the process (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): the wait event {@code sig << 8 | 0x7f},
     * the parent told and its waits woken; nothing when it is stopped or has ended already.
     *
     * @since 2.1
     */
    public static void stop(Kernel kernel, PosixProcess state, int sig) {
        SignalDefaults.stop(kernel, state, sig);
    }

    /**
     * Lets a stopped process go on (SIGCONT): the wait event {@link Children#CONTINUED_EVENT}, the parent told and its
     * waits woken; nothing when it is not stopped.
     *
     * @since 2.1
     */
    public static void cont(Kernel kernel, PosixProcess state) {
        SignalDefaults.cont(kernel, state);
    }

    /**
     * A CPU fault raised a signal with its siginfo in the thread: with a handler the thread does not block, it is
     * delivered at once; a blocked or ignored fault signal is reset to its default. False when the default action
     * applies (the personality ends the process); the thread's instruction pointer is the faulting instruction.
     *
     * @since 2.3
     */
    public static boolean fault(Kernel kernel, PicoThread thread, PosixProcess state, SigInfo info) {
        return SignalHandlers.fault(kernel, thread, state, info);
    }

    /**
     * Delivers what is pending for the calling thread at a call boundary, no call interrupted; true when the process
     * ended.
     */
    public static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state) {
        return SignalHandlers.deliverPending(kernel, thread, state);
    }

    /**
     * Delivers what is pending; the interrupted call ({@code restart} not null) is made again after a handler with
     * {@link Abi#saRestart()}. True when the process ended.
     */
    public static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state, Runnable restart) {
        return SignalHandlers.deliverPending(kernel, thread, state, restart);
    }

    /**
     * Delivers what is pending for the calling thread, on the thread itself (after its call or a CPU fault): every
     * signal its mask lets through, faults' first, then the lowest; ignored ones dropped, default actions taken,
     * handlers run through the personality's {@link SignalFrames} (SA_RESETHAND, sa_mask and SA_NODEFER applied
     * here), frames nesting. An interrupted call is made again when {@code restartAfter} allows it for the first
     * handler, and when no handler ran; a call's temporary mask goes back when no frame took it. A frame that cannot
     * be built ends the process with SIGSEGV.
     *
     * @param restart makes the interrupted call run again, null when the call was not interrupted
     * @param restartAfter whether the call is restarted after a handler with this disposition
     * @return true when the process ended
     * @since 2.3
     */
    public static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state, Runnable restart,
            Predicate<Disposition> restartAfter) {
        return SignalHandlers.deliverPending(kernel, thread, state, restart, restartAfter);
    }
}
