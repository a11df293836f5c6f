package io.pico.posix.core;

import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;

/**
 * Default actions of signals as Unix personalities share them, behind {@link Signals}: the end of a process by a
 * signal, stopping and continuing it (its threads suspended and resumed, the wait event, the parent told).
 */
final class SignalDefaults {

    private SignalDefaults() {
    }

    /**
     * Ends the process by a signal (a default action of terminate or core): the trace line, with "(core dumped)"
     * for a signal whose default dumps core, and the exit status. Nothing when it has ended already.
     *
     * @param reason the description of the end, null for the signal's strsignal text
     * @since 2.1
     */
    static void terminate(PicoProcess process, SignalTable table, int sig, String reason) {
        if (process.exitStatus().isPresent()) {
            return;
        }
        process.trace().ifPresent(t -> t.println(process.pid() + " +++ killed by SIG" + table.name(sig)
                + (table.defaultAction(sig) == SignalTable.Action.CORE ? " (core dumped)" : "") + " +++"));
        process.exit(ExitStatus.signalled(sig, reason == null ? table.text(sig) : reason));
    }

    /** Takes the default action of a signal; returns true when it ended the process. */
    static boolean defaultAction(Kernel kernel, PicoProcess process, PosixProcess state, int sig,
            String reason) {
        SignalTable table = state.abi().signals();
        switch (table.defaultAction(sig)) {
            case IGNORE, CONTINUE -> {
                return false;
            }
            case STOP -> {
                stop(kernel, state, sig);
                return false;
            }
            default -> {
                terminate(process, table, sig, reason);
                return true;
            }
        }
    }

    /**
     * Stops every thread of the process (the default action of SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): the wait event
     * {@code sig << 8 | 0x7f} for the parent's WUNTRACED, SIGCHLD to it ({@link PosixProcess#childChanged}) and its
     * waits woken. Nothing when the process is stopped or has ended already.
     *
     * @param sig the stopping signal in the process's numbering
     * @since 2.1
     */
    static void stop(Kernel kernel, PosixProcess state, int sig) {
        PicoProcess p = state.process();
        synchronized (state.signalLock()) {
            if (state.stopped() || p.exitStatus().isPresent()) {
                return;
            }
            state.stopped(true, (sig << 8) | 0x7f);
            for (PicoThread t : p.threads()) {
                t.suspend();
            }
        }
        String name = state.abi().signals().name(sig);
        p.trace().ifPresent(t -> t.println(p.pid() + " --- stopped by SIG" + name + " ---"));
        notifyParent(kernel, state, Children.Kind.STOPPED, sig);
    }

    /**
     * Lets a stopped process go on (SIGCONT): the wait event {@link Children#CONTINUED_EVENT} for the parent's
     * WCONTINUED, SIGCHLD to it and its waits woken. Nothing when the process is not stopped.
     *
     * @since 2.1
     */
    static void cont(Kernel kernel, PosixProcess state) {
        PicoProcess p = state.process();
        synchronized (state.signalLock()) {
            if (!state.stopped()) {
                return;
            }
            state.stopped(false, Children.CONTINUED_EVENT);
            for (PicoThread t : p.threads()) {
                t.resume();
            }
        }
        notifyParent(kernel, state, Children.Kind.CONTINUED, state.abi().signals().number("CONT"));
    }

    private static void notifyParent(Kernel kernel, PosixProcess child, Children.Kind kind, int sig) {
        if (child.orphaned()) {
            return;
        }
        PicoProcess c = child.process();
        kernel.process(c.parentPid()).ifPresent(parent -> {
            if (parent.providerState() instanceof PosixProcess pp) {
                pp.childChanged(kernel, c, kind, sig);
                pp.childEvent();
            }
        });
    }
}
