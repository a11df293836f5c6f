package io.pico.posix.sys;

import io.pico.api.ExitStatus;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.posix.FreeBsdThread;
import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.SigInfo;
import io.pico.posix.core.Signals;
import io.pico.posix.core.sys.SyscallTable;
import java.nio.charset.StandardCharsets;

/** Threads: thr_new, thr_self, thr_exit, thr_kill, names, yielding, CPU sets and scheduling parameters. */
final class ThreadCalls {

    private static final int THR_PARAM_SIZE = 104;

    private ThreadCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(432, "p", c -> {
            c.mem().putLong(c.arg(0), c.thread().tid());
            return 0;
        });
        t.partial(455, "pd", ThreadCalls::thrNew, "no real-time priorities (rtp is ignored)");
        t.full(431, "p=!", ThreadCalls::thrExit);
        t.partial(433, "dS", c -> thrKill(c, c.arg(0), c.intArg(1)), "id -1 sends the signal to the process once");
        t.partial(481, "ddS", c -> c.intArg(0) == c.process().pid() ? thrKill(c, c.arg(1), c.intArg(2))
                : fail(Errno.ESRCH), "own process; id -1 sends the signal to the process once");
        t.full(464, "ds", ThreadCalls::thrSetName);
        t.full(321, "", ThreadCalls::yield);
        t.full(331, "", ThreadCalls::yield);
        t.partial(487, "ddldp", ThreadCalls::getaffinity, "every CPU of the host");
        t.partial(488, "ddldp", c -> 0, "accepted, no effect");
        t.partial(484, "p", c -> {
            c.mem().putInt(c.arg(0), 1);
            return 0;
        }, "every process is in set 1");
        t.partial(486, "ddlp", c -> {
            c.mem().putInt(c.arg(3), 1);
            return 0;
        }, "every process is in set 1");
        t.partial(466, "ddp", ThreadCalls::rtprio, "every thread has normal priority 0");
        t.partial(166, "ddp", ThreadCalls::rtprio, "every process has normal priority 0");
        t.partial(327, "dp", c -> 0, "accepted, no effect");
        t.partial(328, "dp", c -> {
            c.mem().putInt(c.arg(1), 0);
            return 0;
        }, "priority 0");
        t.partial(329, "ddp", c -> c.intArg(1) == 2 ? 0 : fail(Errno.EPERM), "SCHED_OTHER only");
        t.partial(330, "d", c -> 2, "every thread is SCHED_OTHER");
        t.full(332, "d", c -> c.intArg(0) == 2 ? 0 : c.intArg(0) == 1 || c.intArg(0) == 3 ? 31 : fail(Errno.EINVAL));
        t.full(333, "d", c -> c.intArg(0) >= 1 && c.intArg(0) <= 3 ? 0 : fail(Errno.EINVAL));
    }

    private static long fail(Errno e) {
        throw e.error();
    }

    /** Implements FreeBSD thr_new(2): a thread at start_func(arg) on its own stack with its TLS base. */
    private static long thrNew(Call c) {
        long p = c.arg(0);
        if (c.intArg(1) < THR_PARAM_SIZE) {
            throw Errno.EINVAL.error();
        }
        long start = c.mem().getLong(p);
        long arg = c.mem().getLong(p + 8);
        long stackBase = c.mem().getLong(p + 16);
        long stackSize = c.mem().getLong(p + 24);
        long tls = c.mem().getLong(p + 32);
        long childTid = c.mem().getLong(p + 48);
        long parentTid = c.mem().getLong(p + 56);
        PicoThread child = c.process().cloneThread(c.thread());
        PosixThread ts = c.state().thread(child);
        ts.inheritFrom(c.threadState());
        child.set(Register.RIP, start);
        child.set(Register.RDI, arg);
        child.set(Register.RSP, ((stackBase + stackSize) & ~0xfL) - 8);
        child.set(Register.RFLAGS, 0x202);
        child.set(Register.FS_BASE, tls);
        int tid = child.tid();
        if (childTid != 0) {
            c.mem().putLong(childTid, tid);
        }
        if (parentTid != 0) {
            c.mem().putLong(parentTid, tid);
        }
        child.start();
        return 0;
    }

    /** Implements FreeBSD thr_exit(2): stores 1 at *state and wakes its waiters; the last thread ends the process. */
    private static long thrExit(Call c) {
        c.noReturn();
        long state = c.arg(0);
        if (state != 0) {
            try {
                c.mem().putLong(state, 1);
                c.state().waits().wake(state, Integer.MAX_VALUE, -1);
            } catch (io.pico.api.MemoryFault e) {
                // nothing to report to
            }
        }
        if (c.process().threads().size() <= 1) {
            c.process().exit(ExitStatus.exited(0));
        } else {
            c.thread().exit();
        }
        return 0;
    }

    /**
     * Implements thr_kill(2): a signal queued for one thread of the process (SI_LWP), the core's
     * {@link Signals#sendThread} as Linux's tgkill; id -1 sends it to the process.
     */
    private static long thrKill(Call c, long id, int sig) {
        if (sig != 0 && !c.abi().signals().valid(sig)) {
            throw Errno.EINVAL.error();
        }
        SigInfo info = SigInfo.toThread(sig, c.process().pid());
        boolean ended;
        if (id == -1) {
            ended = Signals.send(c.kernel(), c.process(), c.abi(), info);
        } else {
            PicoThread target = c.process().threads().stream().filter(t -> t.tid() == id).findFirst()
                    .orElseThrow(Errno.ESRCH::error);
            ended = Signals.sendThread(c.kernel(), target, info);
        }
        if (ended) {
            c.noReturn();
        }
        return 0;
    }

    /** Implements thr_set_name(2). */
    private static long thrSetName(Call c) {
        long id = c.arg(0);
        for (PicoThread t : c.process().threads()) {
            if (t.tid() == id || id == -1 && t == c.thread()) {
                byte[] name = c.mem().getCString(c.arg(1), 19);
                c.state().<FreeBsdThread>thread(t).name(new String(name, StandardCharsets.UTF_8));
                return 0;
            }
        }
        throw Errno.ESRCH.error();
    }

    /** Implements sched_yield(2) and yield(2). */
    private static long yield(Call c) {
        Thread.yield();
        return 0;
    }

    /** Implements cpuset_getaffinity(2): a mask of the host's CPUs. */
    private static long getaffinity(Call c) {
        long size = c.arg(3);
        int cpus = Runtime.getRuntime().availableProcessors();
        if (size < (cpus + 7) / 8 || size > 1024) {
            throw Errno.ERANGE.error();
        }
        byte[] mask = new byte[(int) size];
        for (int i = 0; i < cpus; i++) {
            mask[i / 8] |= (byte) (1 << (i % 8));
        }
        c.write(c.arg(4), mask);
        return 0;
    }

    /** Implements rtprio(2) and rtprio_thread(2): RTP_LOOKUP gives normal priority 0, RTP_SET is accepted. */
    private static long rtprio(Call c) {
        if (c.intArg(0) == 0 && c.arg(2) != 0) {
            c.write(c.arg(2), new byte[] {3, 0, 0, 0}); // type RTP_PRIO_NORMAL, prio 0
        }
        return 0;
    }
}
