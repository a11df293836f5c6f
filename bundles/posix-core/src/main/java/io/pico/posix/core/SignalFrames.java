package io.pico.posix.core;

import io.pico.api.PicoThread;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A personality's way of running a guest signal handler: it builds its signal frame (siginfo, ucontext in its
 * layout) on the thread's stack and points the thread at the handler; its sigreturn undoes it. Without one,
 * {@link Signals} takes the default action for caught signals.
 */
@ConsumerType
public interface SignalFrames {

    /**
     * Makes the thread run the handler of {@code sig} when it returns to guest code. Called on the thread itself,
     * at a call boundary, with the call's result already in the registers.
     *
     * @return false when the frame could not be built (the stack is unusable): the signal then ends the process
     */
    boolean deliver(PicoThread thread, PosixProcess state, int sig, Disposition disposition);

    /**
     * Makes the thread run the handler of the signal {@code info} tells of, with that siginfo in the personality's
     * layout. By default the frame of {@link #deliver(PicoThread, PosixProcess, int, Disposition)}.
     *
     * @since 2.3
     */
    default boolean deliver(PicoThread thread, PosixProcess state, SigInfo info, Disposition disposition) {
        return deliver(thread, state, info.signo(), disposition);
    }
}
