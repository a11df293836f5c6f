package io.pico.posix.core;

import io.pico.api.ExitStatus;
import io.pico.api.PicoProcess;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Waiting for children (wait4, waitpid, wait6 for exits) as Unix personalities share it: which children a pid
 * argument selects, blocking until one has ended (interruptible by signals), reaping it, and the wait status
 * word, whose encoding Linux and FreeBSD share.
 */
public final class Children {

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

    private static List<PicoProcess> children(Call c, IntPredicate selected) {
        int self = c.process().pid();
        return c.kernel().processes().stream().filter(p -> p.parentPid() == self && selected.test(p.pid())).toList();
    }

    private static PicoProcess firstEnded(Call c, IntPredicate selected) {
        for (PicoProcess p : children(c, selected)) {
            if (p.exitStatus().isPresent()) {
                return p;
            }
        }
        return null;
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
        IntPredicate selected = selector(c, pid);
        if (children(c, selected).isEmpty()) {
            throw Errno.ECHILD.error();
        }
        PicoProcess[] found = new PicoProcess[1];
        boolean any = c.kernel().awaitProcesses(() -> {
            found[0] = firstEnded(c, selected);
            return found[0] != null || children(c, selected).isEmpty();
        }, noHang ? 0 : -1);
        if (!any || found[0] == null) {
            if (!noHang) {
                throw Errno.ECHILD.error();
            }
            return null;
        }
        PicoProcess child = found[0];
        Ended e = new Ended(child.pid(), child.exitStatus().orElseThrow(), child.cpuNanos());
        if (!keep) {
            c.kernel().reap(child.pid());
        }
        return e;
    }
}
