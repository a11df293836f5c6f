package io.pico.linux;

import io.pico.api.PicoThread;

/** The Linux personality's state of one thread: signal mask, tid address, robust list, altstack. */
public final class LinuxThread {

    private long clearChildTid;
    private long robustList;
    private long robustListSize;
    private long sigmask;
    private long altStack;
    private long altStackSize;
    private int altStackFlags = 2; // SS_DISABLE

    /** The state of a thread, created on first use. */
    public static LinuxThread of(PicoThread thread) {
        Object s = thread.providerState();
        if (s instanceof LinuxThread lt) {
            return lt;
        }
        LinuxThread lt = new LinuxThread();
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
