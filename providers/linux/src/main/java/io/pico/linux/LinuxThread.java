package io.pico.linux;

import io.pico.api.PicoThread;

/** The Linux personality's state of one thread: signal mask, tid address, robust list, altstack. */
public final class LinuxThread {

    private long clearChildTid;
    private long robustList;
    private long robustListSize;
    private volatile long sigmask;
    private long altStack;
    private long altStackSize;
    private int altStackFlags = 2; // SS_DISABLE
    /** Signals sent to this thread (tkill, CPU faults), guarded by the process's signal lock. */
    final SignalQueue pending = new SignalQueue();
    /** The mask to restore after a handler that interrupted sigsuspend/ppoll/pselect, or -1. */
    private long savedMask = -1;
    /** The pico thread. */
    private PicoThread thread;

    /** The state of a thread, created on first use. */
    public static LinuxThread of(PicoThread thread) {
        Object s = thread.providerState();
        if (s instanceof LinuxThread lt) {
            return lt;
        }
        LinuxThread lt = new LinuxThread();
        lt.thread = thread;
        thread.providerState(lt);
        return lt;
    }

    /** set_tid_address's pointer. */
    public long clearChildTid() {
        return clearChildTid;
    }

    /** Sets set_tid_address's pointer. */
    public void clearChildTid(long address) {
        clearChildTid = address;
    }

    /** The robust futex list head and its size. */
    public long[] robustList() {
        return new long[] {robustList, robustListSize};
    }

    /** Records the robust futex list. */
    public void robustList(long head, long size) {
        robustList = head;
        robustListSize = size;
    }

    /** The blocked signal mask (bit n-1 for signal n). */
    public long sigmask() {
        return sigmask;
    }

    /** Sets the blocked signal mask; SIGKILL and SIGSTOP cannot be blocked. */
    public void sigmask(long mask) {
        sigmask = mask & ~((1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1)));
    }

    /** The host thread running this pico thread, known from its first system call. */
    private volatile Thread host;

    /** The host thread running this thread, null before its first call. */
    public Thread host() {
        return host;
    }

    /** Records the host thread (the dispatcher calls this on each call). */
    public void host(Thread t) {
        if (host == null) {
            host = t;
        }
    }

    private volatile boolean inCall;
    private volatile boolean signalInterrupt;

    /** Notes that a signal interrupts (or is about to interrupt) this thread's host thread. */
    public void signalInterrupt() {
        signalInterrupt = true;
    }

    /** Whether a signal interrupted the host thread since the last call; clears the note. */
    public boolean takeSignalInterrupt() {
        if (!signalInterrupt) {
            return false;
        }
        signalInterrupt = false;
        return true;
    }

    /** Whether the thread is inside a system call now (a signal can interrupt it). */
    public boolean inCall() {
        return inCall;
    }

    /** Marks the thread as inside a system call, or back in guest code. */
    public void inCall(boolean value) {
        inCall = value;
    }

    /** Whether a temporary mask (sigsuspend ...) is in force. */
    public boolean hasSavedMask() {
        return savedMask != -1;
    }

    /** The pico thread this state belongs to. */
    public PicoThread thread() {
        return thread;
    }

    /** Signals pending for this thread alone. */
    public SignalQueue pending() {
        return pending;
    }

    /**
     * Replaces the mask for the duration of a call (sigsuspend, ppoll, pselect6, epoll_pwait): the old one
     * comes back when the call returns, or, when a handler interrupted it, at that handler's sigreturn.
     */
    public void temporaryMask(long mask) {
        if (savedMask == -1) {
            savedMask = sigmask;
        }
        sigmask(mask);
    }

    /** The mask saved by {@link #temporaryMask}, or -1; clears it. */
    public long takeSavedMask() {
        long m = savedMask;
        savedMask = -1;
        return m;
    }

    /** The alternate signal stack: base, size, flags. */
    public long[] altStack() {
        return new long[] {altStack, altStackFlags, altStackSize};
    }

    /** Sets the alternate signal stack. */
    public void altStack(long base, int flags, long size) {
        altStack = base;
        altStackFlags = flags;
        altStackSize = size;
    }
}
