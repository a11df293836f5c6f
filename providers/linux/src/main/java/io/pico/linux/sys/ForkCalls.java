package io.pico.linux.sys;

import io.pico.posix.core.Children;
import io.pico.posix.core.HostIds;
import io.pico.api.ExitStatus;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;
import io.pico.linux.LinuxSiginfo;
import io.pico.posix.core.SigInfo;
import io.pico.linux.Signals;
import io.pico.posix.core.sys.SyscallTable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * New processes and waiting for them: fork, vfork, clone without CLONE_THREAD, wait4, waitid. Waiting is the core's
 * {@link Children}; the rows convert Linux's options and write its status, siginfo and rusage.
 */
final class ForkCalls {

    static final long CLONE_VM = 0x100;
    static final long CLONE_VFORK = 0x4000;
    static final long CLONE_SETTLS = 0x80000;
    static final long CLONE_PARENT_SETTID = 0x100000;
    static final long CLONE_CHILD_CLEARTID = 0x200000;
    static final long CLONE_CHILD_SETTID = 0x1000000;
    /** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: namespaces need privileges pico lacks. */
    private static final long NAMESPACES = 0x00020000L | 0x02000000L | 0x04000000L | 0x08000000L | 0x10000000L
            | 0x20000000L | 0x40000000L;
    private static final int WNOHANG = 1;
    private static final int WUNTRACED = 2;
    private static final int WEXITED = 4;
    private static final int WCONTINUED = 8;
    private static final int WNOWAIT = 0x0100_0000;
    private static final int WALL_FLAGS = 0x2000_0000 | 0x4000_0000 | 0x8000_0000;

    private ForkCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(57, "", c -> fork(c, Signals.SIGCHLD, 0, 0, 0, 0));
        t.partial(58, "", c -> fork(c, CLONE_VFORK | Signals.SIGCHLD, 0, 0, 0, 0),
                "the child gets a copy of the memory; the parent waits until it execs or ends");
        t.full(61, "dpxp", ForkCalls::wait4);
        t.full(247, "ddpxp", ForkCalls::waitid);
    }

    /**
     * Implements Linux fork(2), vfork(2) and clone(2) without CLONE_THREAD: a child process with a copy of
     * the caller's memory and descriptors. CLONE_VM without CLONE_THREAD (posix_spawn's vfork-style clone)
     * gets a copy too: the parent waits for the exec as with vfork, but does not see the child's stores.
     */
    static long fork(Call c, long flags, long stack, long parentTid, long childTid, long tls) {
        if ((flags & NAMESPACES) != 0) {
            return -Errno.EPERM;
        }
        if ((flags & 0x1000) != 0) { // CLONE_PIDFD
            return -Errno.EINVAL;
        }
        boolean vfork = (flags & CLONE_VFORK) != 0;
        if ((flags & CLONE_VM) != 0 && !vfork && c.state().firstUnknown(-57)) {
            c.kernel().log("linux: pid " + c.process().pid() + ": clone(CLONE_VM) without CLONE_THREAD: the child "
                    + "gets a copy of the memory, not the same memory");
        }
        PicoProcess parent = c.process();
        PicoProcess child;
        try {
            child = parent.fork(c.thread());
        } catch (io.pico.api.ResourceLimitException e) {
            return -Errno.EAGAIN;
        } catch (io.pico.api.VetoException e) {
            return -Errno.EACCES;
        } catch (io.pico.api.MemoryLimitException e) {
            return -Errno.ENOMEM;
        } catch (IllegalStateException e) {
            if (parent.exitStatus().isPresent()) {
                c.noReturn(); // killed while forking: the process has ended, nothing returns
                return 0;
            }
            return -Errno.EAGAIN;
        }
        LinuxProcess lp = c.state();
        LinuxProcess cs;
        CountDownLatch vforkDone;
        PicoThread thread;
        try {
            cs = (LinuxProcess) lp.forkInto(child); // LinuxProcess.createChild, then the core's common state
            cs.exitSignal((int) (flags & 0xff));
            vforkDone = vfork ? cs.vfork() : null;
            child.providerState(cs);
            thread = child.threads().get(0);
            LinuxThread ct = LinuxThread.of(thread);
            LinuxThread pt = c.threadState();
            ct.mask(pt.mask());
            long[] alt = pt.sigaltstack();
            ct.sigaltstack(alt[0], (int) alt[1], alt[2]);
            thread.set(Register.RAX, 0);
            if (stack != 0) {
                thread.set(Register.RSP, stack);
            }
            if ((flags & CLONE_SETTLS) != 0) {
                thread.set(Register.FS_BASE, tls);
            }
            if ((flags & CLONE_CHILD_SETTID) != 0) {
                child.memory().putInt(childTid, child.pid());
            }
            if ((flags & CLONE_CHILD_CLEARTID) != 0) {
                ct.clearChildTid(childTid);
            }
            if ((flags & CLONE_PARENT_SETTID) != 0) {
                c.mem().putInt(parentTid, child.pid());
            }
        } catch (RuntimeException e) {
            child.exit(ExitStatus.signalled(Signals.SIGKILL, "fork failed: " + e));
            for (PicoThread t : child.threads()) {
                try {
                    t.start(); // it ends at once, and the kernel releases the child's engine and memory
                } catch (IllegalStateException started) {
                    // already running: it ends by itself
                }
            }
            c.kernel().reap(child.pid());
            throw e;
        }
        thread.start();
        if (vforkDone != null) {
            // the parent sleeps until the child execs or ends; signals wait for that
            boolean interrupted = false;
            while (parent.exitStatus().isEmpty()) {
                try {
                    if (vforkDone.await(100, TimeUnit.MILLISECONDS) || child.exitStatus().isPresent()) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // a signal stays pending and is taken when vfork returns
                }
            }
            if (interrupted) {
                // kept, so that the kernel does not take the finished call for one a hot-swap cut short
                Thread.currentThread().interrupt();
            }
        }
        return child.pid();
    }

    /** Linux's wait options as the core's {@link Children} bits (__WALL, __WCLONE, __WNOTHREAD change nothing). */
    private static int coreOptions(int options) {
        return ((options & WNOHANG) != 0 ? Children.WNOHANG : 0) | ((options & WUNTRACED) != 0 ? Children.WSTOPPED : 0)
                | ((options & WEXITED) != 0 ? Children.WEXITED : 0)
                | ((options & WCONTINUED) != 0 ? Children.WCONTINUED : 0)
                | ((options & WNOWAIT) != 0 ? Children.WNOWAIT : 0);
    }

    /** Waits in the core: the child's event, or null for WNOHANG without one. */
    private static Children.Event await(Call c, int which, int options) throws InterruptedException {
        return Children.await(c.core(), which, coreOptions(options));
    }

    /** Writes Linux's struct rusage (144 bytes) with the child's CPU time as user time. */
    private static void rusage(Call c, long address, Children.Event e) {
        if (address == 0) {
            return;
        }
        io.pico.posix.core.Clock.putRusage(c.mem(), address, e == null ? 0 : e.cpuNanos());
    }

    /** Implements Linux wait4(2). */
    private static long wait4(Call c) throws InterruptedException {
        int options = c.intArg(2);
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WALL_FLAGS)) != 0) {
            return -Errno.EINVAL;
        }
        Children.Event e = await(c, c.intArg(0), options | WEXITED);
        if (e == null) {
            return 0;
        }
        if (c.arg(1) != 0) {
            c.mem().putInt(c.arg(1), e.status());
        }
        rusage(c, c.arg(3), e);
        return e.pid();
    }

    /** Implements Linux waitid(2): P_ALL, P_PID, P_PGID. */
    private static long waitid(Call c) throws InterruptedException {
        int idtype = c.intArg(0);
        int id = c.intArg(1);
        int options = c.intArg(3);
        if ((options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WALL_FLAGS)) != 0
                || (options & (WEXITED | WUNTRACED | WCONTINUED)) == 0) {
            return -Errno.EINVAL;
        }
        int which = switch (idtype) {
            case 0 -> -1;
            case 1 -> id > 0 ? id : Integer.MIN_VALUE;
            case 2 -> id > 0 ? -id : id == 0 ? 0 : Integer.MIN_VALUE;
            default -> Integer.MIN_VALUE;
        };
        if (which == Integer.MIN_VALUE || which == -1 && idtype == 2) {
            return -Errno.EINVAL;
        }
        Children.Event e = await(c, which, options);
        if (c.arg(2) != 0) {
            byte[] info = e == null ? new byte[128]
                    : LinuxSiginfo.bytes(new SigInfo(Signals.SIGCHLD, e.kind().code(), e.pid(), HostIds.uid(),
                            e.kind() == Children.Kind.CONTINUED ? Signals.SIGCONT : e.value(), 0));
            c.write(c.arg(2), info);
        }
        rusage(c, c.arg(4), e);
        return 0;
    }
}
