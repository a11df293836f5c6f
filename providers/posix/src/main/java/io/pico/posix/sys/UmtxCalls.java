package io.pico.posix.sys;

import io.pico.posix.core.AddressWaits;
import io.pico.posix.core.Call;
import io.pico.posix.core.Clock;
import io.pico.posix.core.Errno;
import io.pico.posix.core.sys.SyscallTable;

/**
 * _umtx_op, FreeBSD's user mutex wait queues, on the core's address waits: waiting on and waking words, and the
 * mutex and semaphore operations libthr uses for contention. The guest's words are only read, never written
 * (the kernel has no atomic access to guest memory), so contended mutexes and semaphores are waited for in short
 * polls instead of through their contested bits. WAIT, WAIT_UINT and WAKE of a word in shared memory queue on the
 * shared object by offset ({@link AddressWaits#place}), the *_PRIVATE ops per process.
 */
final class UmtxCalls {

    private static final int UMTX_OP_WAIT = 2;
    private static final int UMTX_OP_WAKE = 3;
    private static final int UMTX_OP_MUTEX_WAIT = 17;
    private static final int UMTX_OP_MUTEX_WAKE = 18;
    private static final int UMTX_OP_WAIT_UINT = 11;
    private static final int UMTX_OP_WAIT_UINT_PRIVATE = 15;
    private static final int UMTX_OP_WAKE_PRIVATE = 16;
    private static final int UMTX_OP_NWAKE_PRIVATE = 21;
    private static final int UMTX_OP_MUTEX_WAKE2 = 22;
    private static final int UMTX_OP_SEM2_WAIT = 23;
    private static final int UMTX_OP_SEM2_WAKE = 24;
    private static final int UMUTEX_CONTESTED = 0x8000_0000;
    private static final int USEM_HAS_WAITERS = 0x8000_0000;
    private static final int UMTX_ABSTIME = 1;
    /** How long a poll of a contended mutex or semaphore sleeps. */
    private static final long POLL_NANOS = 2_000_000;

    private UmtxCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(454, "pddpp", UmtxCalls::umtxOp, "WAIT, WAIT_UINT(_PRIVATE), WAKE(_PRIVATE), NWAKE_PRIVATE, "
                + "MUTEX_WAIT/WAKE/WAKE2, SEM2_WAIT/WAKE; no kernel-side locks (PI, PP, rwlocks, condvars, SHM)");
    }

    /** Implements FreeBSD _umtx_op(2) for the operations listed in the note; others give EINVAL. */
    private static long umtxOp(Call c) throws InterruptedException {
        long obj = c.arg(0);
        long val = c.arg(2);
        AddressWaits waits = c.state().waits();
        switch (c.intArg(1)) {
            case UMTX_OP_WAIT -> {
                return await(c, obj, val, true, false);
            }
            case UMTX_OP_WAIT_UINT -> {
                return await(c, obj, (int) val, false, false);
            }
            case UMTX_OP_WAIT_UINT_PRIVATE -> {
                return await(c, obj, (int) val, false, true);
            }
            case UMTX_OP_WAKE, UMTX_OP_WAKE_PRIVATE -> {
                AddressWaits.Place place = waits.place(c.mem(), obj, c.intArg(1) == UMTX_OP_WAKE_PRIVATE);
                place.waits().wake(place.key(), (int) Math.min(Math.max(val, 0), Integer.MAX_VALUE), -1);
                return 0;
            }
            case UMTX_OP_NWAKE_PRIVATE -> {
                for (long i = 0; i < val; i++) {
                    waits.wake(c.mem().getLong(obj + 8 * i), Integer.MAX_VALUE, -1);
                }
                return 0;
            }
            case UMTX_OP_MUTEX_WAIT -> {
                long deadline = deadline(c);
                while ((c.mem().getInt(obj) & ~UMUTEX_CONTESTED) != 0) {
                    poll(c, obj, deadline);
                }
                return 0;
            }
            case UMTX_OP_MUTEX_WAKE, UMTX_OP_MUTEX_WAKE2 -> {
                waits.wake(obj, 1, -1);
                return 0;
            }
            case UMTX_OP_SEM2_WAIT -> {
                long deadline = deadline(c);
                while ((c.mem().getInt(obj) & ~USEM_HAS_WAITERS) == 0) {
                    poll(c, obj, deadline);
                }
                return 0;
            }
            case UMTX_OP_SEM2_WAKE -> {
                waits.wake(obj, 1, -1);
                return 0;
            }
            default -> throw Errno.EINVAL.error();
        }
    }

    /**
     * Waits while the word (64-bit when {@code wide}) holds {@code val}; 0 when woken or changed. A word in shared
     * memory queues on the shared object's waits by offset unless {@code privateWord} (the *_PRIVATE ops), as
     * Linux's non-private futexes do, so another process's WAKE of it reaches the waiter.
     */
    private static long await(Call c, long obj, long val, boolean wide, boolean privateWord)
            throws InterruptedException {
        long deadline = deadline(c);
        long timeout = deadline < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
        AddressWaits.Place place = c.state().waits().place(c.mem(), obj, privateWord);
        AddressWaits.Result r = place.waits().await(c.mem(), obj, place.key(), val, wide, -1, timeout);
        if (r == AddressWaits.Result.TIMEDOUT) {
            throw Errno.ETIMEDOUT.error();
        }
        return 0;
    }

    /** Sleeps one poll interval (or until woken); ETIMEDOUT past the deadline. */
    private static void poll(Call c, long obj, long deadline) throws InterruptedException {
        long left = deadline < 0 ? POLL_NANOS : Math.min(POLL_NANOS, deadline - System.nanoTime());
        if (left <= 0) {
            throw Errno.ETIMEDOUT.error();
        }
        c.state().waits().await(c.mem(), obj, c.mem().getInt(obj), false, -1, left);
    }

    /**
     * The deadline (System.nanoTime) of the timeout in uaddr2: a relative timespec when uaddr1 is at most its size,
     * else a struct _umtx_time (timespec, flags, clock); -1 for none.
     */
    private static long deadline(Call c) {
        long size = c.arg(3);
        long t = c.arg(4);
        if (t == 0) {
            return -1;
        }
        long nanos = Clock.getTimespec(c.mem(), t);
        if (size > 16) {
            int flags = c.mem().getInt(t + 16);
            int clock = c.mem().getInt(t + 20);
            if ((flags & UMTX_ABSTIME) != 0) {
                nanos = Math.max(0, nanos - Clock.nanos(TimeCalls.clock(clock)));
            }
        }
        return System.nanoTime() + nanos;
    }
}
