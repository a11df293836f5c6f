package io.pico.linux;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Pending signals of a process or a thread: a mask for quick checks and the queued {@link SigInfo}s.
 * Standard signals are pending at most once (a second one is merged), real-time signals queue up. Not
 * thread-safe: callers hold the process's signal lock.
 */
public final class SignalQueue {

    /** Real-time signals queued per process at most (RLIMIT_SIGPENDING, far below Linux's). */
    static final int MAX_QUEUED = 4096;

    private volatile long mask;
    private int queued;
    private final Map<Integer, ArrayDeque<SigInfo>> infos = new HashMap<>();

    /** Bit {@code sig - 1} for each pending signal. */
    public long mask() {
        return mask;
    }

    /** Queues a signal; false when it was merged with one already pending or the queue is full. */
    public boolean add(SigInfo info) {
        int sig = info.signo();
        long bit = bit(sig);
        if ((mask & bit) != 0 && sig < Signals.SIGRTMIN) {
            return false;
        }
        if (queued >= MAX_QUEUED && sig >= Signals.SIGRTMIN) {
            return false;
        }
        infos.computeIfAbsent(sig, s -> new ArrayDeque<>()).add(info);
        queued++;
        mask |= bit;
        return true;
    }

    /** Removes and returns the first pending instance of the signal, or null. */
    public SigInfo take(int sig) {
        ArrayDeque<SigInfo> q = infos.get(sig);
        if (q == null || q.isEmpty()) {
            return null;
        }
        SigInfo info = q.poll();
        queued--;
        if (q.isEmpty()) {
            infos.remove(sig);
            mask &= ~bit(sig);
        }
        return info;
    }

    /** Drops every pending instance of the signal. */
    public void discard(int sig) {
        while (take(sig) != null) {
            // drop them all
        }
    }

    /** Drops everything (fork: a child starts with none). */
    public void clear() {
        infos.clear();
        queued = 0;
        mask = 0;
    }

    /** The bit of a signal in masks. */
    public static long bit(int sig) {
        return 1L << (sig - 1);
    }
}
