package io.pico.posix.core;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import java.util.function.Predicate;

/**
 * Delivery of pending signals on the thread itself, behind {@link Signals}: at a call boundary (every signal the mask
 * lets through, in order, by its disposition; handlers through the personality's {@link SignalFrames}; the
 * interrupted call restarted by the personality's rule) and after a CPU fault.
 */
final class SignalHandlers {

    private SignalHandlers() {
    }

    /**
     * A CPU fault raised a signal in the thread (SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS with the fault's
     * siginfo), as Linux and FreeBSD treat it: with a handler the thread does not block, the signal is queued for
     * the thread and delivered at once ({@link #deliverPending}); a blocked or ignored fault signal is reset to its
     * default and unblocked. False when the default action applies (the personality ends the process with its
     * description of the fault). The personality has set the thread's instruction pointer to the faulting
     * instruction, where a handler that returns resumes.
     *
     * @since 2.3
     */
    static boolean fault(Kernel kernel, PicoThread thread, PosixProcess state, SigInfo info) {
        PosixThread ts = state.thread(thread);
        int sig = info.signo();
        synchronized (state.signalLock()) {
            Disposition a = state.action(sig);
            if (ts.sigmask().contains(sig) || a.ignored()) {
                state.action(sig, Disposition.DEFAULT);
                ts.sigmask(ts.sigmask().without(sig));
                return false;
            }
            if (!a.caught() || state.frames() == null) {
                return false;
            }
            ts.queue().add(info);
        }
        deliverPending(kernel, thread, state);
        return true;
    }

    /**
     * Delivers what is pending for the calling thread at a call boundary, as {@link #deliverPending(Kernel,
     * PicoThread, PosixProcess, Runnable, Predicate)} without an interrupted call. Returns true when the process
     * ended.
     */
    static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state) {
        return deliverPending(kernel, thread, state, null);
    }

    /**
     * Delivers what is pending, as {@link #deliverPending(Kernel, PicoThread, PosixProcess, Runnable, Predicate)};
     * an interrupted call ({@code restart} not null) is made again after a handler whose disposition has
     * {@link Abi#saRestart()}.
     */
    static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state, Runnable restart) {
        long saRestart = state.abi().saRestart();
        return deliverPending(kernel, thread, state, restart, d -> (d.flags() & saRestart) != 0);
    }

    /**
     * Delivers what is pending for the calling thread at a call boundary, as Linux and FreeBSD do it (on the thread
     * itself: after its call, or after a CPU fault): every signal pending for the thread or its process that its
     * mask lets through, in the order of {@link PosixProcess#take} (faults' signals first, then the lowest), each
     * by its disposition. Ignored ones are dropped; default actions are taken (a stop stops the process and the
     * loop goes on when it continues; an end returns true); a caught one is run by the personality's
     * {@link SignalFrames} (without them, its default action is taken): SA_RESETHAND ({@link Abi#saResetHand()})
     * puts the default back as it is taken, and once the frame is built the thread's mask becomes its mask then
     * plus the handler's sa_mask plus the signal unless SA_NODEFER ({@link Abi#saNoDefer()}). Frames nest when
     * several signals are taken. A frame that cannot be built ends the process with SIGSEGV.
     *
     * <p>A call that a signal interrupted ({@code restart} not null: the call ended with EINTR, or was cut short
     * by an interrupt) is made again ({@code restart} runs before the first frame is built, so that the handler
     * returns to the call) when {@code restartAfter} allows it for the first handler's disposition (SA_RESTART and
     * a restartable call), and when no handler ran at all (a stop, an ignored signal, a spurious wake-up). When no
     * handler ran, a mask a call put in force for its duration ({@link PosixThread#saveMask}: sigsuspend, ppoll)
     * goes back; a frame takes it otherwise, for its sigreturn.
     *
     * @param restart makes the interrupted call run again, null when the call was not interrupted
     * @param restartAfter whether the call is restarted after a handler with this disposition
     * @return true when the process ended
     * @since 2.3
     */
    static boolean deliverPending(Kernel kernel, PicoThread thread, PosixProcess state, Runnable restart,
            Predicate<Disposition> restartAfter) {
        PicoProcess p = thread.process();
        PosixThread ts = state.thread(thread);
        SignalTable table = state.abi().signals();
        long resetHand = state.abi().saResetHand();
        long noDefer = state.abi().saNoDefer();
        boolean framed = false;
        while (p.exitStatus().isEmpty()) {
            SigInfo info;
            Disposition d;
            synchronized (state.signalLock()) {
                info = state.take(ts, ts.sigmask());
                if (info == null) {
                    break;
                }
                d = state.action(info.signo());
                if (d.caught() && (d.flags() & resetHand) != 0) {
                    state.action(info.signo(), Disposition.DEFAULT);
                }
            }
            int sig = info.signo();
            if (d.ignored()) {
                continue;
            }
            SignalFrames frames = state.frames();
            if (!d.caught() || frames == null) {
                if (d.caught()) {
                    kernel.log(state.abi().personality() + ": pid " + p.pid() + ": SIG" + table.name(sig)
                            + " has a handler, but handlers are not run: default action taken");
                }
                switch (table.defaultAction(sig)) {
                    case IGNORE, CONTINUE -> {
                        continue;
                    }
                    case STOP -> {
                        Signals.stop(kernel, state, sig);
                        continue;
                    }
                    default -> {
                        // like shells, the launcher does not announce an end by SIGPIPE
                        Signals.terminate(p, table, sig, table.name(sig).equals("PIPE") ? "" : null);
                        return true;
                    }
                }
            }
            if (restart != null && !framed && restartAfter.test(d)) {
                restart.run();
            }
            if (!frames.deliver(thread, state, info, d)) {
                kernel.log(state.abi().personality() + ": pid " + p.pid() + ": cannot build the signal frame for SIG"
                        + table.name(sig));
                Signals.terminate(p, table, table.number("SEGV"), null);
                return true;
            }
            synchronized (state.signalLock()) {
                SigSet mask = ts.sigmask().or(d.mask());
                ts.sigmask((d.flags() & noDefer) != 0 ? mask : mask.with(sig));
            }
            framed = true;
        }
        if (p.exitStatus().isPresent()) {
            return true;
        }
        if (restart != null && !framed) {
            restart.run(); // interrupted, but no handler ran: the call is made again
        }
        if (!framed) {
            synchronized (state.signalLock()) {
                ts.restoreSavedMask();
            }
        }
        return false;
    }
}
