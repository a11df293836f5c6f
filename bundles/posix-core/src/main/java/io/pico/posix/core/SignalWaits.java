package io.pico.posix.core;

import java.util.concurrent.TimeUnit;

/**
 * Waiting for signals as Unix personalities share it, behind {@link Signals}: sigsuspend and pause, sigtimedwait,
 * sigwaitinfo and sigwait, and whether a thread has a signal it would take now.
 */
final class SignalWaits {

    private SignalWaits() {
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
    static void suspend(PosixProcess state, PosixThread thread, SigSet temp,
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
    static SigInfo await(PosixProcess state, PosixThread thread, SigSet set, long timeoutNanos)
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
    static boolean deliverable(PosixProcess state, PosixThread thread) {
        return !state.pending().or(thread.queue().pending()).andNot(thread.sigmask()).isEmpty();
    }
}
