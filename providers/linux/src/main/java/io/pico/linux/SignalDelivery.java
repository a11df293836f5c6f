package io.pico.linux;

import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;

/**
 * Sends a signal to a process. Handlers are not run yet (that needs signal frames): a signal whose
 * disposition is ignore (SIG_IGN or a default of ignore) is dropped, every other one takes its default
 * action; stopping is not supported and is logged.
 */
public final class SignalDelivery {

    private static final java.util.concurrent.ScheduledExecutorService TIMERS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pico-linux-alarm");
                t.setDaemon(true);
                return t;
            });

    private SignalDelivery() {
    }

    /** Raises {@code sig} in the process after the delay (alarm); the future cancels it. */
    public static java.util.concurrent.Future<?> later(Kernel kernel, PicoProcess process, int sig, long nanos) {
        return TIMERS.schedule(() -> raise(kernel, process, sig, null), nanos,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * Delivers {@code sig} to the process; returns true when it ended the process.
     *
     * @param reason the description of the end, null for the signal's strsignal text
     */
    public static boolean raise(Kernel kernel, PicoProcess process, int sig, String reason) {
        if (sig == 0 || process.exitStatus().isPresent()) {
            return false;
        }
        Object s = process.providerState();
        LinuxProcess.SigAction action = s instanceof LinuxProcess lp ? lp.action(sig) : LinuxProcess.SigAction.DEFAULT;
        if (sig != Signals.SIGKILL && sig != Signals.SIGSTOP) {
            if (action.handler() == LinuxProcess.SigAction.SIG_IGN) {
                return false;
            }
            if (action.handler() != 0) {
                kernel.log("linux: pid " + process.pid() + ": SIG" + Signals.name(sig)
                        + " has a handler, but handlers are not run yet: default action taken");
            }
        }
        switch (Signals.defaultAction(sig)) {
            case IGNORE, CONTINUE -> {
                return false;
            }
            case STOP -> {
                kernel.log("linux: pid " + process.pid() + ": SIG" + Signals.name(sig) + " would stop the process;"
                        + " stopping is not supported, ignored");
                return false;
            }
            default -> {
                process.trace().ifPresent(t -> t.println(process.pid() + " +++ killed by SIG" + Signals.name(sig)
                        + " +++"));
                process.exit(ExitStatus.signalled(sig, reason == null ? Signals.text(sig) : reason));
                return true;
            }
        }
    }
}
