package io.pico.kernel.engine;

import io.pico.api.CpuException;

/** What an engine reports while it runs guest code, on the thread running it. */
public interface EngineListener {

    /** The guest executed {@code syscall}; the instruction pointer is after it. */
    void onSyscall();

    /** The guest raised an interrupt or exception vector (int N, divide error ...). */
    void onInterrupt(int vector);

    /**
     * The guest touched memory it may not: return true when the memory is now valid and the access
     * should be retried, false to fault.
     */
    boolean onInvalidMemory(CpuException.Kind kind, CpuException.Access access, long address);

    /** The guest executed an invalid instruction: return true when handled. */
    boolean onInvalidInstruction();
}
