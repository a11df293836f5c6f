package io.pico.posix.core;

import io.pico.api.ExitStatus;
import io.pico.api.PicoProcess;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Waiting for children (wait4, waitpid, waitid, wait6) as Unix personalities share it: which children a pid
 * argument selects, which events are reported (exits, stops, continues), blocking until one is there
 * (interruptible by signals, a child that ended meanwhile still reported), reaping, and the wait status word,
 * whose encoding Linux and FreeBSD share. A personality converts its option bits to this class's and writes its
 * own status, siginfo and rusage layouts from the {@link Event}.
 */
public final class Children {

    /** Return at once when no selected child has an event. @since 2.1 */
    public static final int WNOHANG = 1;
    /** Report children that stopped (WUNTRACED). @since 2.1 */
    public static final int WSTOPPED = 2;
    /** Report children that ended. @since 2.1 */
    public static final int WEXITED = 4;
    /** Report stopped children that went on (SIGCONT). @since 2.1 */
    public static final int WCONTINUED = 8;
    /** Leave the reported child waitable (no reaping, the event stays). @since 2.1 */
    public static final int WNOWAIT = 16;
    /** The stored event of a child that went on after a stop ({@link PosixProcess#waitEvent}). @since 2.1 */
    public static final int CONTINUED_EVENT = 0xffff;

    /**
     * What a wait reports, with the siginfo si_code both Linux and FreeBSD use for it.
     *
     * @since 2.1
     */
    public enum Kind {
        /** Ended by exit: CLD_EXITED. */
        EXITED(1),
        /** Ended by a signal: CLD_KILLED. */
        KILLED(2),
        /** Stopped by a signal: CLD_STOPPED. */
        STOPPED(5),
        /** Went on after a stop: CLD_CONTINUED. */
        CONTINUED(6);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The siginfo si_code (CLD_*). */
        public int code() {
            return code;
        }
    }

    /**
     * A child's event that a wait reported.
     *
     * @param pid the child's pid
     * @param kind what happened
     * @param status the wait status word: exit code in bits 8..15 or the signal in bits 0..6; a stop is
     *     {@code sig << 8 | 0x7f}; a continue is {@link #CONTINUED_EVENT} (Linux's word; FreeBSD's is 0x13)
     * @param value the exit code or the signal (siginfo's si_status): the stopping signal, the personality's
     *     SIGCONT is left to the personality (0 here) for a continue
     * @param cpuNanos the CPU time the child used
     * @since 2.1
     */
    public record Event(int pid, Kind kind, int status, int value, long cpuNanos) {
        /** Whether the child ended (and was reaped, unless WNOWAIT). */
        public boolean ended() {
            return kind == Kind.EXITED || kind == Kind.KILLED;
        }
    }

    /**
     * A child that has ended.
     *
     * @param pid its pid
     * @param status how it ended
     * @param cpuNanos the CPU time it used
     */
    public record Ended(int pid, ExitStatus status, long cpuNanos) {
        /** The wait status word: the exit code in bits 8..15, or the signal in bits 0..6. */
        public int waitStatus() {
            return Children.waitStatus(status);
        }
    }

    private Children() {
    }

    /** The wait status word of an exit status. */
    public static int waitStatus(ExitStatus s) {
        return s.signalled() ? s.signal() & 0x7f : (s.code() & 0xff) << 8;
    }

    /**
     * Which processes a wait4 pid argument selects, for a caller in process group {@code pgid}: one pid (&gt; 0),
     * any child (-1), the caller's group (0) or group |pid| (&lt; -1).
     */
    public static IntPredicate selector(Call c, int pid) {
        int pgid = c.state().pgid();
        return child -> {
            if (pid > 0) {
                return child == pid;
            }
            if (pid == -1) {
                return true;
            }
            int group = pid == 0 ? pgid : -pid;
            return groupOf(c, child) == group;
        };
    }

    private static int groupOf(Call c, int pid) {
        Optional<PicoProcess> p = c.kernel().process(pid);
        if (p.isPresent() && p.get().providerState() instanceof PosixProcess s) {
            return s.pgid();
        }
        return pid;
    }

    /** The caller's children the selector takes; orphans whose parent's pid the caller happens to have are not. */
    private static List<PicoProcess> children(Call c, IntPredicate selected) {
        int self = c.process().pid();
        return c.kernel().processes().stream().filter(p -> p.parentPid() == self && selected.test(p.pid())
                && !(p.providerState() instanceof PosixProcess s && s.orphaned())).toList();
    }

    /**
     * Looks for a selected child with an event the options ask for, reaping an ended one (or clearing a stop or
     * continue) unless WNOWAIT. Null: selected children exist but none has such an event.
     *
     * @throws SysError ECHILD when no child is selected
     */
    private static Event scan(Call c, IntPredicate selected, int options) {
        List<PicoProcess> all = children(c, selected);
        if (all.isEmpty()) {
            throw Errno.ECHILD.error();
        }
        boolean keep = (options & WNOWAIT) != 0;
        for (PicoProcess p : all) {
            Optional<ExitStatus> st = p.exitStatus();
            if (st.isPresent()) {
                if ((options & WEXITED) == 0) {
                    continue;
                }
                ExitStatus s = st.get();
                Event e = new Event(p.pid(), s.signalled() ? Kind.KILLED : Kind.EXITED, waitStatus(s),
                        s.signalled() ? s.signal() : s.code(), p.cpuNanos());
                if (!keep) {
                    c.kernel().reap(p.pid());
                }
                return e;
            }
            if (!(p.providerState() instanceof PosixProcess cs)) {
                continue;
            }
            int event = cs.waitEvent();
            if (event != 0 && event != CONTINUED_EVENT && (options & WSTOPPED) != 0) {
                if (!keep) {
                    cs.clearWaitEvent(event);
                }
                return new Event(p.pid(), Kind.STOPPED, event, event >> 8, p.cpuNanos());
            }
            if (event == CONTINUED_EVENT && (options & WCONTINUED) != 0) {
                if (!keep) {
                    cs.clearWaitEvent(event);
                }
                return new Event(p.pid(), Kind.CONTINUED, event, 0, p.cpuNanos());
            }
        }
        return null;
    }

    /**
     * Waits for an event of a selected child: an exit (WEXITED), a stop (WSTOPPED), a continue (WCONTINUED).
     * Children's events wake the caller through its {@link PosixProcess#childEvent}.
     *
     * @param pid wait4's pid argument ({@link #selector})
     * @param options this class's W* bits
     * @return the event, or null with WNOHANG when no selected child has one
     * @throws SysError ECHILD when no child is selected (at the start, or when the last one went away)
     * @throws InterruptedException when a signal interrupts the wait (EINTR) before a child has an event; a child
     *     that has one by then is reported instead, with the thread's interrupt kept set
     * @since 2.1
     */
    public static Event await(Call c, int pid, int options) throws InterruptedException {
        IntPredicate selected = selector(c, pid);
        PosixProcess self = c.state();
        synchronized (self.childLock()) {
            while (true) {
                Event e = scan(c, selected, options);
                if (e != null || (options & WNOHANG) != 0) {
                    return e;
                }
                try {
                    self.childLock().wait(1000);
                } catch (InterruptedException interrupted) {
                    e = scan(c, selected, options);
                    if (e != null) {
                        // the signal stays pending and is taken when the call returns; the interrupt stays set so
                        // that the kernel does not take the finished call for one a hot-swap cut short
                        Thread.currentThread().interrupt();
                        return e;
                    }
                    throw interrupted;
                }
            }
        }
    }

    /**
     * Waits for a selected child to end and reaps it (unless {@code keep}, WNOWAIT).
     *
     * @param noHang return null at once when no selected child has ended (WNOHANG)
     * @return the child, or null with {@code noHang} when none has ended yet
     * @throws SysError ECHILD when no child is selected
     * @throws InterruptedException when a signal interrupts the wait (EINTR)
     */
    public static Ended await(Call c, int pid, boolean noHang, boolean keep) throws InterruptedException {
        Event e = await(c, pid, WEXITED | (noHang ? WNOHANG : 0) | (keep ? WNOWAIT : 0));
        if (e == null) {
            return null;
        }
        ExitStatus s = e.kind() == Kind.KILLED ? ExitStatus.signalled(e.value(), "") : ExitStatus.exited(e.value());
        return new Ended(e.pid(), s, e.cpuNanos());
    }

    /**
     * Tells the parent of an ended process that waits for its children (providers call it when a process of theirs
     * has ended); nothing when the parent is not a Unix process.
     *
     * @since 2.1
     */
    public static void ended(io.pico.api.Kernel kernel, PicoProcess child) {
        kernel.process(child.parentPid()).ifPresent(parent -> {
            if (parent.providerState() instanceof PosixProcess pp) {
                pp.childEvent();
            }
        });
    }
}
