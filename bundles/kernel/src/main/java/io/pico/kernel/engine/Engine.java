package io.pico.kernel.engine;

import io.pico.api.CpuMode;
import io.pico.api.Register;

/**
 * One emulated CPU: the kernel's only way to run guest code. Not thread-safe: it is used by the pico
 * thread that runs it, except for {@link #stop()}. Another engine (a newer unicorn, native execution
 * with trapped system calls) replaces this one by implementing this interface and {@link EngineFactory}.
 */
public interface Engine extends AutoCloseable {

    /** The mode this engine was created in. */
    CpuMode mode();

    /** Maps host memory at a guest address (page aligned). */
    void map(long address, long size, int protection, long hostAddress);

    /**
     * Host memory whose contents never change while it is retained: an image's read-only pages, which every
     * process mapping the image maps from the same host address. An engine may keep such a mapping (and the code
     * it translated from it) after the guest unmapped it, and use it again when the same memory is mapped at the
     * same address: by the next image loaded (exec) or the next process given this engine.
     */
    interface Stable {
        /** One more reference: the memory stays while any is held. */
        Stable retain();

        /** Drops a reference from {@link #retain} (or the one it was made with). */
        void release();
    }

    /**
     * Maps stable host memory (see {@link Stable}): the engine may keep it after an unmap until {@link #settle()},
     * and take an identical map (same range, host address and memory) back without a change in the engine.
     */
    default void map(long address, long size, int protection, long hostAddress, Stable stable) {
        map(address, size, protection, hostAddress);
    }

    /** Unmaps a guest range. */
    void unmap(long address, long size);

    /** The end of a batch of memory changes: what was unmapped and not mapped again is unmapped now. */
    default void settle() {
    }

    /** Changes protection of a guest range. */
    void protect(long address, long size, int protection);

    /** Reads a register. */
    long get(Register register);

    /** Writes a register. */
    void set(Register register, long value);

    /** Writes a segment descriptor table entry context: selectors for flat 32-bit code need a GDT. */
    default void setupFlatSegments() {
    }

    /**
     * Loads GDTR and LDTR (x86-32 and x86-16 modes) with tables in guest memory; see
     * {@link io.pico.api.PicoThread#descriptorTables}.
     */
    default void descriptorTables(long gdtBase, int gdtLimit, long ldtBase, int ldtLimit) {
        throw new UnsupportedOperationException("this engine has no descriptor tables");
    }

    /** The x87/SSE state in the 512-byte FXSAVE layout; see {@link io.pico.api.PicoThread#fpuState()}. */
    default byte[] fpuState() {
        throw new UnsupportedOperationException("this engine cannot read the FPU state");
    }

    /** Loads the x87/SSE state from a 512-byte FXSAVE image. */
    default void fpuState(byte[] fxsave) {
        throw new UnsupportedOperationException("this engine cannot write the FPU state");
    }

    /** Copies the complete CPU state (registers, flags, FPU/SSE) of another engine of the same mode. */
    void copyStateFrom(Engine other);

    /**
     * The complete CPU state (registers incl. FS/GS base, segment and descriptor-table state, x87/SSE/MXCSR),
     * kept apart from the engine so that a thread can give its engine back while it waits and go on in
     * another engine of the same mode ({@link #load}).
     */
    interface State extends AutoCloseable {
        /** Frees the saved state. */
        @Override
        void close();
    }

    /** Saves the complete CPU state; see {@link State}. */
    default State save() {
        throw new UnsupportedOperationException("this engine cannot save its CPU state");
    }

    /** Loads a CPU state saved from an engine of the same mode; the state stays open. */
    default void load(State state) {
        throw new UnsupportedOperationException("this engine cannot load a CPU state");
    }

    /**
     * Runs guest code from {@code pc} until {@link #stop()} is called or a hook stops it.
     *
     * @throws EngineFault when the CPU faulted and no hook handled it
     */
    void run(long pc) throws EngineFault;

    /** Stops {@link #run(long)} at the next block boundary; callable from any thread. */
    void stop();

    /** Releases the engine. */
    @Override
    void close();
}
