package io.pico.linux;

import io.pico.api.PicoThread;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.SigSet;

/**
 * The Linux personality's state of one thread. Its signal mask and the mask saved around sigsuspend are the
 * POSIX core's ({@link PosixThread}, as a {@link SigSet}; Linux reads and writes them as 64-bit masks, bit n-1
 * for signal n), and so is the alternate signal stack (Linux reads it with its SS_* flags); Linux adds the tid
 * address and the robust list. Signals sent to the thread queue in the core's {@link PosixThread#queue()}.
 */
public final class LinuxThread extends PosixThread {

    private long clearChildTid;
    private long robustList;
    private long robustListSize;

    /** The state of a new thread (use {@link #of}). */
    LinuxThread(PicoThread thread) {
        super(thread, LinuxAbi.INSTANCE);
    }

    /** The state of a thread, created on first use. */
    public static LinuxThread of(PicoThread thread) {
        Object s = thread.providerState();
        if (s instanceof LinuxThread lt) {
            return lt;
        }
        LinuxThread lt = new LinuxThread(thread);
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

    /** The blocked signal mask (bit n-1 for signal n): the core's {@link #sigmask()}. */
    public long mask() {
        return sigmask().low();
    }

    /** Sets the blocked signal mask; SIGKILL and SIGSTOP cannot be blocked (the core drops them). */
    public void mask(long mask) {
        sigmask(SigSet.of(mask));
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

    /**
     * Replaces the mask for the duration of a call (sigsuspend, ppoll, pselect6, epoll_pwait): the old one
     * comes back when the call returns, or, when a handler interrupted it, at that handler's sigreturn.
     */
    public void temporaryMask(long mask) {
        if (!hasSavedMask()) {
            saveMask(sigmask());
        }
        mask(mask);
    }

    /** The mask saved by {@link #temporaryMask}, or -1; clears it. */
    public long takeSavedBits() {
        SigSet m = takeSavedMask();
        return m == null ? -1 : m.low();
    }

    /** The alternate signal stack, the core's: base, flags (Linux's SS_DISABLE or 0), size. */
    public synchronized long[] sigaltstack() {
        return new long[] {altStack(), altStackDisabled() ? 2 : 0, altStackSize()};
    }

    /** Sets the core's alternate signal stack from Linux's base, SS_* flags and size. */
    public void sigaltstack(long base, int flags, long size) {
        altStack(base, size, (flags & 2) != 0);
    }
}
