package io.pico.posix.core;

import io.pico.api.PicoThread;

/**
 * A Unix personality's state of one thread: its blocked signal mask and alternate signal stack. A personality
 * extends it with its own fields (Linux's clear-child-tid address, FreeBSD's thread name ...).
 */
public class PosixThread {

    private final PicoThread thread;
    private final int sigkill;
    private final int sigstop;
    private volatile SigSet sigmask = SigSet.EMPTY;
    private long altStack;
    private long altStackSize;
    private boolean altStackDisabled = true;
    private volatile SigSet savedMask;
    private volatile boolean inCall;
    private final SignalQueue queue;

    /** State of a thread of a process of the given personality. */
    public PosixThread(PicoThread thread, Abi abi) {
        this.thread = thread;
        this.sigkill = abi.signals().number("KILL");
        this.sigstop = abi.signals().number("STOP");
        this.queue = new SignalQueue(abi.signals().rtMin());
    }

    /**
     * The signals sent to this thread alone (tkill, thr_kill, CPU faults) with their siginfo; guarded by the
     * process's signal lock.
     *
     * @since 2.3
     */
    public SignalQueue queue() {
        return queue;
    }

    /** The thread. */
    public PicoThread thread() {
        return thread;
    }

    /**
     * Whether the thread is inside a system call now (a signal can interrupt it at once), as far as the
     * personality's dispatcher records it.
     *
     * @since 2.1
     */
    public boolean inCall() {
        return inCall;
    }

    /**
     * Marks the thread as inside a system call, or back in guest code.
     *
     * @since 2.1
     */
    public void inCall(boolean value) {
        inCall = value;
    }

    /** The blocked signals. */
    public SigSet sigmask() {
        return sigmask;
    }

    /** Sets the blocked signals; KILL and STOP cannot be blocked. */
    public void sigmask(SigSet mask) {
        sigmask = mask.without(sigkill).without(sigstop);
    }

    /** The alternate signal stack's base. */
    public synchronized long altStack() {
        return altStack;
    }

    /** The alternate signal stack's size. */
    public synchronized long altStackSize() {
        return altStackSize;
    }

    /** Whether the alternate signal stack is disabled (SS_DISABLE). */
    public synchronized boolean altStackDisabled() {
        return altStackDisabled;
    }

    /** Sets the alternate signal stack. */
    public synchronized void altStack(long base, long size, boolean disabled) {
        altStack = base;
        altStackSize = size;
        altStackDisabled = disabled;
    }

    /**
     * Whether {@code sp} lies on the thread's alternate signal stack (enabled, and {@code base < sp <= base + size},
     * as Linux's on_sig_stack).
     *
     * @since 2.3
     */
    public synchronized boolean onAltStack(long sp) {
        return !altStackDisabled && altStackSize != 0 && sp > altStack && sp - altStack <= altStackSize;
    }

    /**
     * Where a signal frame goes: the top of the alternate stack when the disposition asks for it
     * ({@code onStack}, SA_ONSTACK), the stack is enabled and the thread is not on it already; else {@code sp}
     * less the red zone.
     *
     * @since 2.3
     */
    public synchronized long frameTop(long sp, boolean onStack, long redZone) {
        if (onStack && !altStackDisabled && altStackSize != 0 && !onAltStack(sp)) {
            return altStack + altStackSize;
        }
        return sp - redZone;
    }

    /** Whether a mask saved by {@link #saveMask} waits to be restored. */
    public boolean hasSavedMask() {
        return savedMask != null;
    }

    /**
     * Keeps the mask to return to after a call that changed it temporarily (sigsuspend, pselect): a signal frame
     * built at the end of that call saves this one, and it is restored otherwise.
     */
    public void saveMask(SigSet mask) {
        savedMask = mask;
    }

    /** Takes the mask kept by {@link #saveMask}, or null. */
    public SigSet takeSavedMask() {
        SigSet m = savedMask;
        savedMask = null;
        return m;
    }

    /** Restores the mask kept by {@link #saveMask}, if any (no signal frame took it). */
    public void restoreSavedMask() {
        SigSet m = takeSavedMask();
        if (m != null) {
            sigmask(m);
        }
    }

    /** Copies what a new thread inherits from its creator (the signal mask). */
    public void inheritFrom(PosixThread creator) {
        sigmask = creator.sigmask;
    }

    /**
     * Copies what the thread of a forked child inherits from the thread that forked: the signal mask and, unlike a
     * new thread of the same process, the alternate signal stack (POSIX; the child's memory has the same stack).
     *
     * @since 2.4
     */
    public void inheritForked(PosixThread parent) {
        inheritFrom(parent);
        synchronized (parent) {
            altStack(parent.altStack, parent.altStackSize, parent.altStackDisabled);
        }
    }
}
