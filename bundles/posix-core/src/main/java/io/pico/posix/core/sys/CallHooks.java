package io.pico.posix.core.sys;

import io.pico.api.Kernel;
import io.pico.api.PicoThread;
import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.Signals;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a personality does around each call the table dispatches: the call object its handlers take, the signal
 * bookkeeping before the handler runs, the error of a host operation a signal's wake-up aborted, and the delivery
 * of pending signals (with the restart of an interrupted call) after the outcome is written. The defaults are
 * the core's: plain {@link Call}s and {@link Signals#deliverPending(Kernel, PicoThread, PosixProcess, Runnable)}.
 *
 * @param <C> the personality's call type
 */
@ConsumerType
public interface CallHooks<C extends Call> {

    /** The core's hooks, for tables whose handlers take the core's {@link Call}. */
    CallHooks<Call> PLAIN = Call::new;

    /** A call object for one call (a subclass giving the personality's typed state, or the core's). */
    C call(Kernel kernel, PicoThread thread, PosixProcess state, int number, long[] args);

    /** Before the handler runs, on the calling thread. */
    default void entering(C call) {
    }

    /** After the handler returned or failed, before the outcome is written. */
    default void left(C call) {
    }

    /**
     * The error (the personality's positive number) of a call whose host operation a signal's wake-up aborted
     * ({@link java.nio.channels.ClosedByInterruptException}); {@code ownEntry} is false for a second entry (such as
     * Linux's {@code int 0x80}) whose calls are never restarted. By default EINTR, and the call counts as
     * interrupted for {@link #returned}.
     */
    default int interrupted(C call, boolean ownEntry) {
        return call.abi().errno(Errno.EINTR);
    }

    /**
     * The error (the personality's positive number) a host {@link java.io.IOException} stands for, by its type or
     * message; by default the core's {@link Errno#of(java.io.IOException)} (a personality may know more names).
     */
    default int ioError(C call, java.io.IOException e) {
        return call.abi().errno(Errno.of(e));
    }

    /**
     * After the outcome is written (or not, for a call that does not return), the trace printed and the observers
     * told: takes the thread's pending signals. By default, when the call returned and the process lives, the
     * core's delivery; a handler whose disposition asks for restarts makes an interrupted call run again through
     * {@code restart}.
     *
     * @param row the call's row
     * @param result the result (meaningful when {@code errno} is 0)
     * @param errno the personality's error number, 0 for success
     * @param ownEntry false for a call through a second entry (such as Linux's {@code int 0x80}), never restarted
     * @param restart for a call of its own entry a signal's wake-up interrupted (EINTR): sets the thread up to
     *     make the call again; null otherwise
     */
    default void returned(C call, Syscall row, long result, int errno, boolean ownEntry, Runnable restart) {
        PicoThread thread = call.thread();
        if (call.returns() && thread.process().exitStatus().isEmpty()) {
            Signals.deliverPending(call.kernel(), thread, call.state(), restart);
            if (thread.providerState() instanceof PosixThread ts) {
                ts.restoreSavedMask();
            }
        }
    }
}
