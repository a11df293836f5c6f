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
 * check and sleep is lost. Words in shared memory ({@link AddressSpace#sharedAt}) have one instance per shared
 * object, keyed by the offset in it ({@link #of}), as Linux keys its non-private futexes.
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

    /** The wait queues of shared memory objects, while they exist. */
    private static final Map<Object, AddressWaits> SHARED = new java.util.WeakHashMap<>();

    /** The wait queues of a shared memory object ({@link AddressSpace.SharedPlace#memory}), keyed by offset. */
    public static AddressWaits of(Object sharedMemory) {
        synchronized (SHARED) {
            return SHARED.computeIfAbsent(sharedMemory, k -> new AddressWaits());
        }
    }

    /**
     * Where a word's waiters queue: this process's queues keyed by address, or, for a word in shared memory
     * unless {@code private_}, the shared object's keyed by offset.
     */
    public record Place(AddressWaits waits, long key) {
    }

    /** The {@link Place} of the word at {@code address} of {@code memory}. */
    public Place place(AddressSpace memory, long address, boolean privateWord) {
        AddressSpace.SharedPlace shared = privateWord ? null : memory.sharedAt(address);
        return shared == null ? new Place(this, address) : new Place(of(shared.memory()), shared.offset());
    }

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
        return await(memory, address, address, expected, wide, bitset, timeoutNanos);
    }

    /** {@link #await(AddressSpace, long, long, boolean, int, long)} queued under {@code key} (a {@link Place}'s). */
    public Result await(AddressSpace memory, long address, long key, long expected, boolean wide, int bitset,
            long timeoutNanos) throws InterruptedException {
        Waiter w = new Waiter(bitset);
        synchronized (this) {
            long value = wide ? memory.getLong(address) : memory.getInt(address);
            if (value != (wide ? expected : (int) expected)) {
                return Result.MISMATCH;
            }
            queues.computeIfAbsent(key, a -> new ArrayDeque<>()).add(w);
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
                    remove(key, w);
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
