package io.pico.posix.core;

import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.ResourceLimitException;
import java.util.function.Consumer;

/** fork(2) as Unix personalities share it, on the kernel's copy of the process. */
public final class Forks {

    private Forks() {
    }

    /**
     * Creates a child: the kernel copies memory, handles and the caller's CPU state; the personality state is
     * copied by {@link PosixProcess#forkInto}; {@code childRegisters} sets the child's return registers (the
     * personality's convention); then the child's thread starts. Returns the child's pid; EAGAIN when the kernel's
     * process limit is reached.
     */
    public static int fork(Call c, Consumer<PicoThread> childRegisters) {
        PicoProcess child;
        try {
            child = c.process().fork(c.thread());
        } catch (ResourceLimitException e) {
            c.log("fork refused: " + e.getMessage());
            throw Errno.EAGAIN.error();
        }
        PosixProcess state = c.state().forkInto(child);
        child.providerState(state);
        PicoThread thread = child.threads().get(0);
        PosixThread ts = state.thread(thread);
        ts.inheritForked(c.threadState()); // the mask and the alternate signal stack
        childRegisters.accept(thread);
        thread.start();
        return child.pid();
    }
}
