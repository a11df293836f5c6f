package io.pico.linux.sys;

import io.pico.posix.core.AddressWaits;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.linux.Errno;
import io.pico.linux.LinuxThread;
import io.pico.posix.core.sys.SyscallTable;

/** Threads: clone and clone3 for new threads of the process (not fork), futex. */
final class ThreadCalls {

    private static final long CLONE_VM = 0x100;
    private static final long CLONE_SIGHAND = 0x800;
    private static final long CLONE_PIDFD = 0x1000;
    private static final long CLONE_VFORK = 0x4000;
    private static final long CLONE_THREAD = 0x10000;
    private static final long CLONE_SETTLS = 0x80000;
    private static final long CLONE_PARENT_SETTID = 0x100000;
    private static final long CLONE_CHILD_CLEARTID = 0x200000;
    private static final long CLONE_CHILD_SETTID = 0x1000000;
    private static final String CLONE_NOTE = "threads (CLONE_VM|CLONE_THREAD|CLONE_SIGHAND), or processes like fork "
            + "(a copy of the memory, also for CLONE_VM|CLONE_VFORK); no namespaces, no CLONE_PIDFD";

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int FUTEX_REQUEUE = 3;
    private static final int FUTEX_CMP_REQUEUE = 4;
    private static final int FUTEX_WAKE_OP = 5;
    private static final int FUTEX_WAIT_BITSET = 9;
    private static final int FUTEX_WAKE_BITSET = 10;
    private static final int FUTEX_PRIVATE_FLAG = 128;
    private static final int FUTEX_CLOCK_REALTIME = 256;

    private ThreadCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(56, "xppppx", c -> clone(c, c.arg(0), c.arg(1), c.arg(2), c.arg(3), c.arg(4)), CLONE_NOTE);
        t.partial(435, "pu", ThreadCalls::clone3, CLONE_NOTE);
        t.partial(202, "pdxpxx", ThreadCalls::futex,
                "WAIT, WAKE, (CMP_)REQUEUE, WAIT/WAKE_BITSET, WAKE_OP; no PI futexes; shared memory across processes");
    }

    /** Implements Linux clone3(2) by way of clone. */
    private static long clone3(Call c) {
        long a = c.arg(0);
        long size = c.arg(1);
        if (size < 64 || size > 4096) {
            return -Errno.EINVAL;
        }
        long flags = c.mem().getLong(a);
        long stack = c.mem().getLong(a + 40);
        long stackSize = c.mem().getLong(a + 48);
        if ((stack == 0) != (stackSize == 0)) {
            return -Errno.EINVAL;
        }
        if ((flags & 0xff) != 0) {
            return -Errno.EINVAL;
        }
        flags |= c.mem().getLong(a + 32) & 0xff; // exit_signal
        return clone(c, flags, stack == 0 ? 0 : stack + stackSize, c.mem().getLong(a + 24), c.mem().getLong(a + 16),
                c.mem().getLong(a + 56));
    }

    /** Implements Linux clone(2) for threads: a new thread with the caller's registers on its own stack. */
    private static long clone(Call c, long flags, long stack, long parentTid, long childTid, long tls) {
        long needed = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
        if ((flags & CLONE_THREAD) == 0) {
            if ((flags & CLONE_SIGHAND) != 0 && (flags & CLONE_VM) == 0) {
                return -Errno.EINVAL;
            }
            return ForkCalls.fork(c, flags, stack, parentTid, childTid, tls);
        }
        if ((flags & needed) != needed || (flags & (CLONE_VFORK | CLONE_PIDFD)) != 0) {
            return -Errno.EINVAL;
        }
        PicoThread child;
        try {
            child = c.process().cloneThread(c.thread());
        } catch (io.pico.api.ResourceLimitException e) {
            return -Errno.EAGAIN;
        }
        child.set(Register.RAX, 0);
        if (stack != 0) {
            child.set(Register.RSP, stack);
        }
        if ((flags & CLONE_SETTLS) != 0) {
            child.set(Register.FS_BASE, tls);
        }
        LinuxThread state = LinuxThread.of(child);
        state.mask(c.threadState().mask());
        int tid = child.tid();
        if ((flags & CLONE_CHILD_CLEARTID) != 0) {
            state.clearChildTid(childTid);
        }
        if ((flags & CLONE_PARENT_SETTID) != 0) {
            c.mem().putInt(parentTid, tid);
        }
        if ((flags & CLONE_CHILD_SETTID) != 0) {
            c.mem().putInt(childTid, tid);
        }
        child.start();
        return tid;
    }

    /**
     * Implements Linux futex(2): a private futex (FUTEX_PRIVATE_FLAG) or a word of private memory is queued by this
     * process's address, a word in shared memory by the shared object and offset (processes sharing it after fork).
     */
    private static long futex(Call c) throws InterruptedException {
        long address = c.arg(0);
        int op = c.intArg(1);
        int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
        int val = c.intArg(2);
        if ((address & 3) != 0) {
            return -Errno.EINVAL;
        }
        boolean privateWord = (op & FUTEX_PRIVATE_FLAG) != 0;
        // the core's wait queues, as FreeBSD's _umtx_op uses them
        AddressWaits.Place place = c.state().waits().place(c.mem(), address, privateWord);
        AddressWaits f = place.waits();
        long key = place.key();
        switch (cmd) {
            case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
                int bitset = cmd == FUTEX_WAIT ? -1 : c.intArg(5);
                if (bitset == 0) {
                    return -Errno.EINVAL;
                }
                long timeout = -1;
                if (c.arg(3) != 0) {
                    long t = TimeCalls.getTimespec(c, c.arg(3));
                    if (cmd == FUTEX_WAIT) {
                        timeout = t;
                    } else {
                        int clock = (op & FUTEX_CLOCK_REALTIME) != 0 ? 0 : 1;
                        timeout = Math.max(0, t - TimeCalls.nanos(clock));
                    }
                }
                return switch (f.await(c.mem(), address, key, val, false, bitset, timeout)) {
                    case WOKEN -> 0;
                    case MISMATCH -> -Errno.EAGAIN;
                    case TIMEDOUT -> -Errno.ETIMEDOUT;
                };
            }
            case FUTEX_WAKE, FUTEX_WAKE_BITSET -> {
                int bitset = cmd == FUTEX_WAKE ? -1 : c.intArg(5);
                if (bitset == 0) {
                    return -Errno.EINVAL;
                }
                return f.wake(key, Math.max(0, val), bitset);
            }
            case FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
                AddressWaits.Place target = c.state().waits().place(c.mem(), c.arg(4), privateWord);
                int requeue = (int) Math.max(0, Math.min(c.arg(3), Integer.MAX_VALUE));
                synchronized (f) {
                    if (cmd == FUTEX_CMP_REQUEUE && c.mem().getInt(address) != c.intArg(5)) {
                        return -Errno.EAGAIN;
                    }
                    if (target.waits() != f) {
                        // the two words' queues differ (private and shared memory): waking instead of moving is
                        // allowed (a woken waiter checks its condition again)
                        return f.wake(key, (int) Math.min(Integer.MAX_VALUE, (long) Math.max(0, val) + requeue), -1);
                    }
                    return f.requeue(key, Math.max(0, val), requeue, target.key());
                }
            }
            case FUTEX_WAKE_OP -> {
                long address2 = c.arg(4);
                AddressWaits.Place second = c.state().waits().place(c.mem(), address2, privateWord);
                int woken;
                boolean cond;
                synchronized (f) {
                    int encoded = c.intArg(5);
                    int oparg = encoded << 8 >> 20;
                    int cmparg = encoded << 20 >> 20;
                    if ((encoded >>> 28 & 8) != 0) {
                        oparg = 1 << (oparg & 31);
                    }
                    int old;
                    int updated;
                    do { // atomic against the process's other threads, which run guest code meanwhile
                        old = c.mem().getInt(address2);
                        updated = switch (encoded >>> 28 & 7) {
                            case 0 -> oparg;
                            case 1 -> old + oparg;
                            case 2 -> old | oparg;
                            case 3 -> old & ~oparg;
                            case 4 -> old ^ oparg;
                            default -> throw Errno.error(Errno.ENOSYS);
                        };
                    } while (!c.mem().compareAndSetInt(address2, old, updated));
                    woken = f.wake(key, Math.max(0, val), -1);
                    cond = switch (encoded >>> 24 & 15) {
                        case 0 -> old == cmparg;
                        case 1 -> old != cmparg;
                        case 2 -> old < cmparg;
                        case 3 -> old <= cmparg;
                        case 4 -> old > cmparg;
                        case 5 -> old >= cmparg;
                        default -> throw Errno.error(Errno.ENOSYS);
                    };
                }
                if (cond) { // outside f's lock: the second word's queues may be another object's
                    woken += second.waits().wake(second.key(), (int) Math.max(0, Math.min(c.arg(3),
                            Integer.MAX_VALUE)), -1);
                }
                return woken;
            }
            default -> {
                return -Errno.ENOSYS;
            }
        }
    }
}
