package io.pico.posix.core;

import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;

/**
 * Which processes and threads a signal goes to, behind {@link Signals}: kill(2)'s targets and their order, the main
 * thread of a process, and the thread that takes a process-directed signal.
 */
final class SignalTargets {

    private SignalTargets() {
    }

    /**
     * kill(2)'s targets and order as Unix personalities share them: {@code pid} &gt; 0 one process of any
     * personality (an ended one not yet waited for exists, and gets nothing); 0 the caller's process group; -1 the
     * Unix processes of the caller's session but the caller; &lt; -1 group -pid (its members not yet waited for
     * count). Ended processes are skipped; the caller, when a target, gets the signal last.
     *
     * @param send sends the signal to one process, true when that ended it
     * @return true when the signal ended the caller
     * @throws SysError ESRCH when {@code pid} names no process
     * @since 2.1
     */
    static boolean kill(Call c, int pid, java.util.function.Predicate<PicoProcess> send) {
        PicoProcess self = c.process();
        java.util.List<PicoProcess> targets = new java.util.ArrayList<>();
        if (pid > 0) {
            c.kernel().process(pid).ifPresent(targets::add);
        } else {
            int sid = c.state().sid();
            int group = pid == 0 ? c.state().pgid() : -pid;
            for (PicoProcess p : c.kernel().processes()) {
                if (!(p.providerState() instanceof PosixProcess s)) {
                    continue;
                }
                if (pid == -1 ? p != self && p.exitStatus().isEmpty() && s.sid() == sid : s.pgid() == group) {
                    targets.add(p);
                }
            }
        }
        if (targets.isEmpty()) {
            throw Errno.ESRCH.error();
        }
        boolean toSelf = false;
        for (PicoProcess p : targets) {
            if (p == self) {
                toSelf = true;
            } else if (p.exitStatus().isEmpty()) {
                send.test(p);
            }
        }
        return toSelf && self.exitStatus().isEmpty() && send.test(self);
    }

    /**
     * The main thread of a process (its tid is the pid), else its first thread, else null.
     *
     * @since 2.1
     */
    static PicoThread mainThread(PicoProcess p) {
        java.util.List<PicoThread> all = p.threads();
        for (PicoThread t : all) {
            if (t.tid() == p.pid()) {
                return t;
            }
        }
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * The thread to take a process-directed signal: of those not blocking it, one inside a call (it can be
     * interrupted at once), the main thread first; else the main thread, else any other; null when every thread
     * blocks it.
     *
     * @since 2.1
     */
    static PicoThread chooseThread(PicoProcess p, PosixProcess state, int sig) {
        PicoThread main = mainThread(p);
        PicoThread any = null;
        if (main != null && !state.<PosixThread>thread(main).sigmask().contains(sig)) {
            if (state.<PosixThread>thread(main).inCall()) {
                return main;
            }
            any = main;
        }
        for (PicoThread t : p.threads()) {
            PosixThread ts = state.thread(t);
            if (!ts.sigmask().contains(sig)) {
                if (ts.inCall()) {
                    return t;
                }
                if (any == null) {
                    any = t;
                }
            }
        }
        return any;
    }
}
