package io.pico.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A pico thread: one emulated CPU run on its own host thread. Register access is for the provider
 * handling this thread's call or exception, or for a thread not yet started.
 */
@ProviderType
public interface PicoThread {

    /** Thread id, unique in the kernel; the first thread's id equals its process's pid. */
    int tid();

    /** The process this thread belongs to. */
    PicoProcess process();

    /** The CPU mode this thread runs in. */
    CpuMode mode();

    /** Reads a register; in 32-bit mode the 64-bit names address their 32-bit halves. */
    long get(Register register);

    /** Writes a register. */
    void set(Register register, long value);

    /** Starts running guest code at the thread's instruction pointer. */
    void start();

    /** Ends this thread alone; its process ends when it was the last. */
    void exit();

    /**
     * Wakes the thread from a blocking kernel wait (the wait throws {@link InterruptedException}) so
     * that its provider can deliver a signal.
     */
    void interrupt();

    /**
     * Runs the action on this thread once the current system call or exception handler has returned,
     * outside the engine, before guest code continues: for calls that replace the address space
     * (execve) or must not run inside an engine hook. From within a call on this thread it runs right
     * after that call. Since 1.1 it may also be called from any other thread: the action then runs after
     * the thread's current or next call (guest code is not stopped from outside: the engine cannot resume
     * it at a precise instruction), with the same register access as in a call; a thread that ends first
     * drops it.
     */
    void defer(Runnable action);

    /**
     * The x87 FPU and SSE state (control, status and tag words, MXCSR, ST0-ST7, XMM0-XMM15) in the 512-byte
     * layout of the FXSAVE instruction, for signal frames and context switches a provider performs. Same
     * rules as register access.
     *
     * @throws UnsupportedOperationException when the kernel's engine cannot read it
     * @since 1.1
     */
    default byte[] fpuState() {
        throw new UnsupportedOperationException("this kernel cannot read the FPU state");
    }

    /**
     * Loads the x87 FPU and SSE state from a 512-byte FXSAVE image (see {@link #fpuState()}).
     *
     * @throws UnsupportedOperationException when the kernel's engine cannot write it
     * @since 1.1
     */
    default void fpuState(byte[] fxsave) {
        throw new UnsupportedOperationException("this kernel cannot write the FPU state");
    }

    /**
     * Loads the descriptor table registers of this thread's CPU (x86-32 and x86-16 modes): GDTR with the global
     * and LDTR with the local descriptor table, each a table of 8-byte descriptors in guest memory that the
     * provider maps and fills ({@code limit} is the table's size in bytes minus one; 0 leaves it empty). Segment
     * registers then take selectors of these tables, loaded by guest code or with {@link #set}: OS/2's flat and
     * 16-bit tiled selectors, its thread information block at FS. The CPU reads the descriptors from guest
     * memory when a selector is loaded, so later changes to a table take effect at the next load. Same rules as
     * register access.
     *
     * @throws UnsupportedOperationException in x86-64 mode, or when the kernel's engine has no descriptor tables
     */
    default void descriptorTables(long gdtBase, int gdtLimit, long ldtBase, int ldtLimit) {
        throw new UnsupportedOperationException("this kernel cannot load descriptor tables");
    }

    /**
     * Suspends the thread: it stops at its next block or call boundary (a thread blocked inside a call
     * finishes the call first) and runs no guest code until {@link #resume()}. For stop signals and
     * debuggers; callable from any thread.
     */
    void suspend();

    /** Lets a suspended thread run again. */
    void resume();

    /** Whether the thread is suspended (requested, whether or not it has stopped yet). */
    boolean suspended();

    /** The provider's per-thread state, or null. */
    Object providerState();

    /** Attaches the provider's per-thread state. */
    void providerState(Object state);
}
