package io.pico.posix.core;

import io.pico.api.AddressSpace;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The wait queues of one process keyed by guest address: Linux's futexes and FreeBSD's umtx words. The value
 * check and the enqueueing of a waiter happen under one lock that wakers take too, so no wake-up between
 * check and sleep is lost.
 */
public final class AddressWaits {

    /** How a wait ended. */
    public enum Result {
        /** Woken by a waker. */ WOKEN,
        /** The word did not hold the expected value (EAGAIN on Linux, success on FreeBSD). */ MISMATCH,
        /** The timeout passed. */ TIMEDOUT
    }

    private static final class Waiter {
        final int bitset;
        boolean woken;

        Waiter(int bitset) {
            this.bitset = bitset;
        }
    }

    private final Map<Long, Deque<Waiter>> queues = new HashMap<>();

    /**
     * Waits while the word at {@code address} equals {@code expected}: a 32-bit word (compared as is), or a
     * 64-bit one when {@code wide}.
     *
     * @param bitset the waiter's bits for bitset wakes (-1 for all)
     * @param timeoutNanos relative timeout, negative for none
     * @throws InterruptedException when the thread is interrupted (signal, kill)
     */
    public Result await(AddressSpace memory, long address, long expected, boolean wide, int bitset,
            long timeoutNanos) throws InterruptedException {
        Waiter w = new Waiter(bitset);
        synchronized (this) {
            long value = wide ? memory.getLong(address) : memory.getInt(address);
            if (value != (wide ? expected : (int) expected)) {
                return Result.MISMATCH;
            }
            queues.computeIfAbsent(address, a -> new ArrayDeque<>()).add(w);
            long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
            try {
                while (!w.woken) {
                    long left = deadline - System.nanoTime();
                    if (timeoutNanos >= 0 && left <= 0) {
                        return Result.TIMEDOUT;
                    }
                    if (timeoutNanos < 0) {
                        wait();
                    } else {
                        wait(left / 1_000_000L, (int) (left % 1_000_000L));
                    }
                }
                return Result.WOKEN;
            } finally {
                if (!w.woken) {
                    remove(address, w);
                }
            }
        }
    }

    private void remove(long address, Waiter w) {
        Deque<Waiter> q = queues.get(address);
        if (q != null) {
            q.remove(w);
            if (q.isEmpty()) {
                queues.remove(address);
            }
        }
    }

    /** Wakes up to {@code count} waiters on the address whose bitset matches; returns how many. */
    public synchronized int wake(long address, int count, int bitset) {
        Deque<Waiter> q = queues.get(address);
        int woken = 0;
        if (q != null) {
            for (Iterator<Waiter> it = q.iterator(); it.hasNext() && woken < count;) {
                Waiter w = it.next();
                if ((w.bitset & bitset) != 0) {
                    w.woken = true;
                    it.remove();
                    woken++;
                }
            }
            if (q.isEmpty()) {
                queues.remove(address);
            }
        }
        if (woken > 0) {
            notifyAll();
        }
        return woken;
    }

    /** Wakes up to {@code wake} waiters and moves up to {@code requeue} others to {@code target}. */
    public synchronized int requeue(long address, int wake, int requeue, long target) {
        int woken = wake(address, wake, -1);
        Deque<Waiter> q = queues.get(address);
        int moved = 0;
        if (q != null) {
            Deque<Waiter> to = queues.computeIfAbsent(target, a -> new ArrayDeque<>());
            while (!q.isEmpty() && moved < requeue) {
                to.add(q.poll());
                moved++;
            }
            if (q.isEmpty()) {
                queues.remove(address);
            }
            if (to.isEmpty()) {
                queues.remove(target);
            }
        }
        return woken + moved;
    }

    /** How many threads wait on the address. */
    public synchronized int waiters(long address) {
        Deque<Waiter> q = queues.get(address);
        return q == null ? 0 : q.size();
    }
}
