package io.pico.linux;

import io.pico.api.AddressSpace;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The futex wait queues of one process, keyed by guest address. The value check and the enqueueing of
 * a waiter happen under one lock that wakers take too, so no wake-up between check and sleep is lost.
 */
public final class Futexes {

    /** One waiting thread. */
    private static final class Waiter {
        final int bitset;
        boolean woken;

        Waiter(int bitset) {
            this.bitset = bitset;
        }
    }

    private final Map<Long, Deque<Waiter>> queues = new HashMap<>();

    /**
     * Waits while the 32-bit word at {@code address} equals {@code expected}.
     *
     * @param timeoutNanos relative timeout, negative for none
     * @return 0 when woken, -EAGAIN when the value differed, -ETIMEDOUT
     * @throws InterruptedException when the thread is interrupted (signal, kill)
     */
    public int await(AddressSpace memory, long address, int expected, int bitset, long timeoutNanos)
            throws InterruptedException {
        Waiter w = new Waiter(bitset);
        synchronized (this) {
            if (memory.getInt(address) != expected) {
                return -Errno.EAGAIN;
            }
            queues.computeIfAbsent(address, a -> new ArrayDeque<>()).add(w);
            long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
            try {
                while (!w.woken) {
                    long left = deadline - System.nanoTime();
                    if (timeoutNanos >= 0 && left <= 0) {
                        return -Errno.ETIMEDOUT;
                    }
                    if (timeoutNanos < 0) {
                        wait();
                    } else {
                        wait(left / 1_000_000L, (int) (left % 1_000_000L));
                    }
                }
                return 0;
            } finally {
                if (!w.woken) {
                    Deque<Waiter> q = queues.get(address);
                    if (q != null) {
                        q.remove(w);
                        if (q.isEmpty()) {
                            queues.remove(address);
                        }
                    }
                }
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
}
