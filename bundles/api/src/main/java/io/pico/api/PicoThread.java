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
     * (execve) or must not run inside an engine hook. Only valid from within a call on this thread.
     */
    void defer(Runnable action);

    /** The provider's per-thread state, or null. */
    Object providerState();

    /** Attaches the provider's per-thread state. */
    void providerState(Object state);
}
