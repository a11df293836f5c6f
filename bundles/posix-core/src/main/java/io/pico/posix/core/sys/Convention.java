package io.pico.posix.core.sys;

import io.pico.api.PicoThread;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * How a personality passes system calls in registers: where the number and the arguments are, and how results
 * and errors go back (Linux: a negative errno in rax; FreeBSD: the carry flag with a positive errno, a second
 * result in rdx).
 */
@ConsumerType
public interface Convention {

    /** The number of the call the thread trapped with (indirect calls resolved). */
    long number(PicoThread thread);

    /** Reads {@code count} arguments (at most 6) of the call into {@code args}. */
    void args(PicoThread thread, int count, long[] args);

    /**
     * Writes the outcome: a result, or (errno &gt; 0) a failure; {@code second} is the second result when
     * {@code hasSecond}.
     */
    void complete(PicoThread thread, long result, int errno, boolean hasSecond, long second);

    /**
     * Sets the thread up to make the call again when it returns to guest code (SA_RESTART after a signal handler):
     * the number and arguments back in their registers, the instruction pointer back on the 2-byte
     * {@code syscall} instruction.
     */
    default void restart(PicoThread thread, long number, long[] args) {
        io.pico.api.Register[] regs = {io.pico.api.Register.RDI, io.pico.api.Register.RSI, io.pico.api.Register.RDX,
            io.pico.api.Register.R10, io.pico.api.Register.R8, io.pico.api.Register.R9};
        thread.set(io.pico.api.Register.RAX, number);
        for (int i = 0; i < args.length && i < regs.length; i++) {
            thread.set(regs[i], args[i]);
        }
        thread.set(io.pico.api.Register.RIP, thread.get(io.pico.api.Register.RIP) - 2);
    }

    /**
     * The error a raw result stands for when a handler returned it instead of throwing (Linux: -4095..-1), 0
     * when it is a plain result.
     */
    default int errorOf(long result) {
        return 0;
    }
}
