package io.pico.posix.core;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;

/**
 * Generation of signals as Unix personalities share it, behind {@link Signals}: raising a signal in a process of any
 * Unix personality (by name across personalities) or by name in another personality's process, sending with a
 * siginfo to a process or one thread, and the core's own delivery into the queues (SIGKILL at once, SIGCONT and
 * stops, ignored signals dropped, the thread chosen and woken, fatal defaults and stops taken from the sender).
 */
final class SignalGeneration {

    private SignalGeneration() {
    }

    /**
     * Delivers {@code sig} to a process of a Unix personality; returns true when it ended the process.
     *
     * @param reason the description of the end, null for the signal's strsignal text
     */
    static boolean raise(Kernel kernel, PicoProcess process, int sig, String reason) {
        if (sig == 0 || process.exitStatus().isPresent() || !(process.providerState() instanceof PosixProcess state)) {
            return false;
        }
        return state.raise(kernel, sig, reason);
    }

    /**
     * Raises a signal given in the numbering of the personality {@code from} in a process of any Unix
     * personality: the same signal by name in the target's numbering (FreeBSD's SIGCHLD is 20, Linux's 17);
     * false when the target has no such signal or is not a Unix process.
     */
    static boolean raise(Kernel kernel, PicoProcess process, Abi from, int sig, String reason) {
        if (sig == 0 || !(process.providerState() instanceof PosixProcess state)) {
            return false;
        }
        if (state.abi() == from) {
            return raise(kernel, process, sig, reason);
        }
        SignalTable to = state.abi().signals();
        String name = from.signals().name(sig);
        try {
            return raise(kernel, process, to.number(name), reason);
        } catch (IllegalArgumentException e) {
            return false; // no such signal there (or a real-time one, which has no common name)
        }
    }

    /**
     * Raises a signal of the personality {@code from} in any process: a Unix process gets it by name in its own
     * numbering ({@link #raise(Kernel, PicoProcess, Abi, int, String)}), another personality's process through the
     * kernel, by name, in its own terms (nothing when it knows no such signal). True when it ended the process.
     *
     * @since 2.1
     */
    static boolean raiseAny(Kernel kernel, PicoProcess process, Abi from, int sig) {
        if (sig == 0 || process.exitStatus().isPresent()) {
            return false;
        }
        if (process.providerState() instanceof PosixProcess) {
            return raise(kernel, process, from, sig, null);
        }
        try {
            kernel.signal(process.pid(), from.signals().name(sig));
        } catch (IllegalArgumentException e) {
            // it knows no such signal, or has ended: nothing happens
        }
        return false;
    }

    /**
     * Sends a signal with its siginfo, given in the numbering of the personality {@code from}, to a process of any
     * personality: a Unix process gets it (by name in its own numbering, the siginfo kept) through
     * {@link PosixProcess#raise(Kernel, SigInfo, String)}, another personality's process by name through the kernel.
     * True when it ended the process.
     *
     * @since 2.3
     */
    static boolean send(Kernel kernel, PicoProcess process, Abi from, SigInfo info) {
        int sig = info.signo();
        if (sig == 0 || process.exitStatus().isPresent()) {
            return false;
        }
        if (!(process.providerState() instanceof PosixProcess state)) {
            return raiseAny(kernel, process, from, sig);
        }
        if (state.abi() != from) {
            try {
                sig = state.abi().signals().number(from.signals().name(sig));
            } catch (IllegalArgumentException e) {
                return false; // no such signal there
            }
        }
        return state.raise(kernel, info.withSigno(sig), null);
    }

    /**
     * Sends a signal with its siginfo to one thread of a Unix process (tkill, tgkill, thr_kill), through
     * {@link PosixProcess#raise(Kernel, PicoThread, SigInfo)}; true when it ended the process.
     *
     * @since 2.3
     */
    static boolean sendThread(Kernel kernel, PicoThread thread, SigInfo info) {
        PicoProcess process = thread.process();
        if (info.signo() == 0 || process.exitStatus().isPresent()
                || !(process.providerState() instanceof PosixProcess state)) {
            return false;
        }
        return state.raise(kernel, thread, info);
    }

    /**
     * The core's own delivery of {@code sig} (what {@link PosixProcess#raise} does unless a personality delivers
     * signals its own way); returns true when it ended the process.
     */
    static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, int sig, String reason) {
        return deliver(kernel, process, state, SigInfo.user(sig, 0), reason);
    }

    /**
     * The core's own delivery of a signal with its siginfo, queued for the process (standard signals once,
     * real-time ones each); returns true when it ended the process.
     *
     * @since 2.3
     */
    static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, SigInfo info,
            String reason) {
        return deliver(kernel, process, state, null, info, reason);
    }

    /**
     * The core's own delivery of a signal with its siginfo to one thread of the process ({@code thread}: tkill,
     * thr_kill), queued for that thread, or to the process ({@code thread} null: the thread that takes it is
     * {@link Signals#chooseThread chosen}); returns true when it ended the process.
     *
     * @since 2.3
     */
    static boolean deliver(Kernel kernel, PicoProcess process, PosixProcess state, PicoThread thread,
            SigInfo info, String reason) {
        int sig = info.signo();
        SignalTable table = state.abi().signals();
        if (sig <= 0 || sig > table.max() || process.exitStatus().isPresent()) {
            return false;
        }
        if (sig == table.number("KILL")) {
            Signals.terminate(process, table, sig, reason);
            return true;
        }
        int cont = table.number("CONT");
        if (sig == cont) {
            Signals.cont(kernel, state); // whatever its disposition
        }
        PicoThread wake;
        SignalTable.Action fatal = null;
        synchronized (state.signalLock()) {
            if (sig == cont) {
                for (SignalTable.Signal s : table.all()) {
                    if (s.action() == SignalTable.Action.STOP) {
                        state.removePending(s.number()); // a continue drops the stops pending
                    }
                }
            } else if (table.defaultAction(sig) == SignalTable.Action.STOP) {
                state.removePending(cont);
            }
            Disposition action = state.action(sig);
            PicoThread probe = thread != null ? thread : Signals.mainThread(process);
            boolean blocked = probe != null && state.<PosixThread>thread(probe).sigmask().contains(sig);
            SignalTable.Action def = table.defaultAction(sig);
            boolean ignored = action.ignored() || (!action.caught() && (def == SignalTable.Action.IGNORE
                    || def == SignalTable.Action.CONTINUE));
            if (ignored && (!blocked || !state.abi().pendsIgnoredWhileBlocked())) {
                return false;
            }
            (thread != null ? state.<PosixThread>thread(thread).queue() : state.queue()).add(info);
            wake = thread != null ? (blocked ? null : thread) : Signals.chooseThread(process, state, sig);
            state.signalLock().notifyAll(); // wakes sigsuspend ({@link Signals#suspend}) and sigtimedwait ({@link Signals#await})
            boolean byDefault = action.handler() == Disposition.SIG_DFL || (action.caught() && state.frames() == null);
            if (wake != null && byDefault && (def == SignalTable.Action.TERMINATE || def == SignalTable.Action.CORE
                    || def == SignalTable.Action.STOP)) {
                // fatal default actions and stops are taken at once, from the sender, for the whole process
                if (action.caught()) {
                    kernel.log(state.abi().personality() + ": pid " + process.pid() + ": SIG" + table.name(sig)
                            + " has a handler, but handlers are not run: default action taken");
                }
                fatal = def;
                (thread != null ? state.<PosixThread>thread(thread).queue() : state.queue()).take(sig);
            }
        }
        if (fatal == SignalTable.Action.STOP) {
            Signals.stop(kernel, state, sig);
            return false;
        }
        if (fatal != null) {
            Signals.terminate(process, table, sig, reason);
            return true;
        }
        if (wake != null) {
            state.wake(wake);
        }
        return false;
    }
}
