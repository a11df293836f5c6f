package io.pico.posix.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Pending signals of a process or a thread with their {@link SigInfo}s: standard signals are pending at most once
 * (a second one is merged with the first), real-time signals queue up, each with its own siginfo, up to a limit.
 * Not thread-safe: callers hold the process's signal lock ({@link PosixProcess#signalLock()}).
 *
 * @since 2.3
 */
public final class SignalQueue {

    /** Real-time signals queued per queue at most (RLIMIT_SIGPENDING, far below Linux's). */
    public static final int MAX_QUEUED = 4096;

    private final int rtMin;
    private volatile SigSet pending = SigSet.EMPTY;
    private int queued;
    private final TreeMap<Integer, ArrayDeque<SigInfo>> infos = new TreeMap<>();

    /** A queue for a personality whose real-time signals start at {@code rtMin} (0: none). */
    public SignalQueue(int rtMin) {
        this.rtMin = rtMin;
    }

    /** The signals pending in this queue. */
    public SigSet pending() {
        return pending;
    }

    private boolean realTime(int sig) {
        return rtMin > 0 && sig >= rtMin;
    }

    /** Queues a signal; false when it was merged with one already pending or the queue is full. */
    public boolean add(SigInfo info) {
        int sig = info.signo();
        if (pending.contains(sig) && !realTime(sig)) {
            return false;
        }
        if (queued >= MAX_QUEUED && realTime(sig)) {
            return false;
        }
        infos.computeIfAbsent(sig, s -> new ArrayDeque<>()).add(info);
        queued++;
        pending = pending.with(sig);
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
            pending = pending.without(sig);
        }
        return info;
    }

    /** Drops every pending instance of the signal. */
    public void discard(int sig) {
        while (take(sig) != null) {
            // drop them all
        }
    }

    /** Drops everything. */
    public void clear() {
        infos.clear();
        queued = 0;
        pending = SigSet.EMPTY;
    }

    /** Every pending instance, by signal number and then in the order queued (a snapshot's view). */
    public List<SigInfo> all() {
        List<SigInfo> result = new ArrayList<>();
        infos.values().forEach(result::addAll);
        return result;
    }
}
