package io.pico.api;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** A pico process: an address space, threads and kernel handles, owned by one personality. */
@ProviderType
public interface PicoProcess {

    /** Process id, unique in the kernel. */
    int pid();

    /** Parent's pid, 0 for a process the runtime started. */
    int parentPid();

    /** The personality whose provider runs this process. */
    String personality();

    /**
     * The provider running this process as "bundle version", empty while it waits suspended for one.
     */
    Optional<String> provider();

    /** The life-cycle state. */
    ProcessState state();

    /** The command line, for display ({@code pico:ps}). */
    List<String> command();

    /** Replaces the command line shown for this process (after an exec). */
    void command(List<String> command);

    /** The guest's memory. */
    AddressSpace memory();

    /** The live threads. */
    List<PicoThread> threads();

    /**
     * Creates a new thread, not yet started, with all registers zero.
     *
     * @throws ResourceLimitException when the process has as many threads as the kernel allows
     */
    PicoThread createThread(CpuMode mode);

    /** CPU time used by the process's threads, ended ones included, in nanoseconds. */
    long cpuNanos();

    /**
     * Creates a new thread, not yet started, whose CPU state (registers, flags, FS/GS base, vector
     * registers) is a copy of the template's, which must be the calling thread or not running.
     */
    PicoThread cloneThread(PicoThread template);

    /**
     * Creates a child process as fork does: a copy of this address space, the same kernel objects
     * under the same handle numbers, and one thread, not started, whose CPU state copies the caller's.
     * The child has this process's personality; its provider copies its own state and starts the thread.
     *
     * @throws ResourceLimitException when the kernel's process limit is reached
     */
    PicoProcess fork(PicoThread caller);

    /** The kernel objects this process holds, by handle number. */
    HandleTable handles();

    /** The host directory the guest's file system is confined to. */
    Path root();

    /** Where system call traces go when tracing is on. */
    Optional<PrintStream> trace();

    /** Attaches a trace (null detaches it); providers look it up on every call. */
    void trace(PrintStream out);

    /** The provider's per-process state (descriptor table, cwd ...), or null. */
    Object providerState();

    /** Attaches the provider's per-process state. */
    void providerState(Object state);

    /**
     * Ends the process: records the status, stops every thread, releases its memory and handles and
     * wakes waiters. Called from one of its own threads it does not return to guest code.
     */
    void exit(ExitStatus status);

    /** The exit status once the process has ended. */
    Optional<ExitStatus> exitStatus();

    /** Waits until the process has ended and returns its status. */
    ExitStatus waitFor() throws InterruptedException;
}
