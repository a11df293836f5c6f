package io.pico.posix.core.sys;

import io.pico.posix.core.Call;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A system call handler: returns the call's result, or throws {@link io.pico.posix.core.SysError} for a
 * failure. {@link io.pico.api.MemoryFault} becomes EFAULT, an {@link java.io.IOException} the error its type or
 * message names, an {@link InterruptedException} EINTR.
 *
 * @param <C> the personality's call type (the core's {@link Call} or a subclass with typed state)
 */
@ConsumerType
@FunctionalInterface
public interface Handler<C extends Call> {

    /** Runs the call. */
    long call(C call) throws Exception;
}
