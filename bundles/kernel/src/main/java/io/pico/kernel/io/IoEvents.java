package io.pico.kernel.io;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * State changes of the kernel's I/O objects, for waits on readiness (poll, select, epoll, blocking socket
 * calls): every change (data in, space freed, an end closed, a connection arrived) moves a global epoch
 * and wakes the waiters, which check their condition again. Conditions are checked without any lock of
 * this class held, so objects may announce changes while holding their own locks.
 */
public final class IoEvents {

    /** The longest a waiter sleeps before checking again (state the kernel does not see, lost arming). */
    static final long MAX_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final AtomicLong EPOCH = new AtomicLong();
    private static final AtomicInteger WAITERS = new AtomicInteger();
    private static final Object LOCK = new Object();

    private IoEvents() {
    }

    /** Announces a state change of some I/O object. */
    public static void changed() {
        EPOCH.incrementAndGet();
        if (WAITERS.get() > 0) {
            synchronized (LOCK) {
                LOCK.notifyAll();
            }
        }
    }

    /**
     * Blocks until the condition holds, checking it again after every state change.
     *
     * @param timeoutNanos 0 checks once, negative waits without limit
     * @return whether the condition held
     */
    public static boolean await(BooleanSupplier condition, long timeoutNanos) throws InterruptedException {
        return await(condition, timeoutNanos, MAX_NAP_NANOS);
    }

    /** {@link #await(BooleanSupplier, long)} checking at least every {@code napNanos}. */
    public static boolean await(BooleanSupplier condition, long timeoutNanos, long napNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long seen = EPOCH.get();
            if (condition.getAsBoolean()) {
                return true;
            }
            if (timeoutNanos == 0) {
                return false;
            }
            long left = timeoutNanos < 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            WAITERS.incrementAndGet();
            try {
                synchronized (LOCK) {
                    if (EPOCH.get() == seen) {
                        TimeUnit.NANOSECONDS.timedWait(LOCK, Math.max(1, Math.min(left, napNanos)));
                    }
                }
            } finally {
                WAITERS.decrementAndGet();
            }
        }
    }
}
