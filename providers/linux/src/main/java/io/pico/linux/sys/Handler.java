package io.pico.linux.sys;

/**
 * A system call handler: returns the call's result (a negative errno for failure, or throws a
 * {@link io.pico.linux.SysError}). {@link io.pico.api.MemoryFault} becomes EFAULT, an
 * {@link java.io.IOException} the errno its message names, an {@link InterruptedException} EINTR.
 */
@FunctionalInterface
public interface Handler {

    /** Runs the call. */
    long call(Call call) throws Exception;
}
