package io.pico.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The pico kernel: processes, the provider registry and personality-neutral kernel objects. */
@ProviderType
public interface Kernel {

    /**
     * Starts a program: reads the image, lets the providers claim it, creates a process and hands it to
     * the claiming provider to load.
     *
     * @throws ImageException when no provider claims the image or it cannot be loaded
     * @throws ResourceLimitException when the kernel's process limit is reached
     */
    PicoProcess spawn(Launch launch) throws ImageException;

    /** Reads an image's header from a host file, for claiming; the guest path is kept for display. */
    Image image(Path hostPath, String guestPath) throws IOException;

    /** Finds the personality whose provider claims the image, if any. */
    Optional<String> personalityOf(Image image);

    /** The process with this pid, if it exists and has not been reaped. */
    Optional<PicoProcess> process(int pid);

    /** All processes, in pid order. */
    List<PicoProcess> processes();

    /**
     * Blocks until the condition holds, checking it again whenever a process ends (wait4, waitpid).
     *
     * @param timeoutNanos how long to wait at most; 0 checks once, negative waits without limit
     * @return whether the condition held
     * @throws InterruptedException when the waiting thread is interrupted (a signal)
     */
    boolean awaitProcesses(java.util.function.BooleanSupplier condition, long timeoutNanos)
            throws InterruptedException;

    /** Removes an ended process from the process table (after its parent or launcher has seen its status). */
    void reap(int pid);

    /** Wraps host streams (either may be null) as a kernel object with one reference. */
    IoObject hostStream(java.io.InputStream in, java.io.OutputStream out, boolean terminal);

    /** A new pipe: a reading and a writing end, each with one reference. */
    IoObject[] pipe();

    /** Opens a host file as a kernel object with one reference. */
    IoObject openFile(Path hostPath, boolean read, boolean write, boolean append, boolean create,
            boolean truncate, boolean exclusive) throws IOException;

    /**
     * A new socket with one reference, for a process (its pid names it in the log when the network policy
     * refuses an operation, and is the peer's pid of local connections); the process may be null.
     *
     * @throws IOException {@code EAFNOSUPPORT} or {@code EPROTONOSUPPORT} when the host cannot make it
     * @since 1.2
     */
    SocketObject socket(SocketFamily family, SocketType type, PicoProcess owner) throws IOException;

    /**
     * Two local sockets connected to each other (socketpair), each with one reference.
     *
     * @since 1.2
     */
    SocketObject[] socketPair(SocketType type, PicoProcess owner);

    /**
     * Blocks until the condition holds: checks it, then again whenever a kernel I/O object changes state (data
     * arrives at a pipe or socket, space frees up, a connection comes in, an end closes), and at least every
     * 50 milliseconds for state the kernel does not see. For poll, select and epoll.
     *
     * @param timeoutNanos how long to wait at most; 0 checks once, negative waits without limit
     * @return whether the condition held
     * @throws InterruptedException when the waiting thread is interrupted (a signal)
     * @since 1.2
     */
    boolean awaitIo(java.util.function.BooleanSupplier condition, long timeoutNanos) throws InterruptedException;

    /**
     * The network policy: {@code loopback} (the default: IPv4 and IPv6 sockets reach only the loopback
     * addresses) or {@code any}. The system property {@code pico.net.policy} sets it, else the kernel's
     * configuration.
     *
     * @since 1.2
     */
    String netPolicy();

    /**
     * Sends a signal, named in the process's personality's terms, to a process.
     *
     * @throws IllegalArgumentException for an unknown pid or signal name
     */
    void signal(int pid, String signal);

    /** The system call or API table of a personality's provider, empty when none is registered. */
    List<CallInfo> calls(String personality);

    /**
     * Hot-swaps a personality: parks every thread of its processes that another provider runs, hands each
     * process's state from that provider to the personality's current provider and resumes them. Refused
     * or timed-out swaps roll back and the old provider keeps running the processes.
     *
     * @param timeoutMillis how long parking may take before the swap is rolled back
     * @return what was swapped and how long the processes were paused
     * @throws IllegalStateException with the reason when the swap was rolled back
     */
    SwapReport swap(String personality, long timeoutMillis);

    /** Describes the registered providers, one per personality: the one the kernel uses for it. */
    List<ProviderInfo> providers();

    /**
     * Describes every registered provider: for each personality (in name order) the one the kernel uses
     * first, then the ones it shadows, highest ranked first, with {@link ProviderInfo#shadowed()} set.
     *
     * @since 1.1
     */
    List<ProviderInfo> allProviders();

    /**
     * Writes one line to the runtime's log (not the guest's output): unknown system calls, provider
     * warnings. The kernel prefixes it with the time.
     */
    void log(String line);

    /** Whether any call observer is registered: providers skip building {@link CallEvent}s otherwise. */
    boolean observingCalls();

    /** Reports a call about to be handled to the call observers (providers call this). */
    void callStarting(CallEvent call);

    /** Reports a handled call and its result to the call observers (providers call this). */
    void callEnded(CallEvent call, long result);

    /**
     * Tells the process observers that a process is about to replace its image (exec); providers call
     * this before they tear the old image down.
     *
     * @throws VetoException when an observer refuses the image
     */
    void imageStarting(PicoProcess process, Image image, java.util.List<String> argv);

    /**
     * Tells the process observers that an image was mapped into a process: its program, an interpreter or
     * dynamic linker, a shared library or DLL (a file mapped executable), with the name the guest knows it by.
     * Providers call this after the mapping exists.
     *
     * @param process the process
     * @param path the image's name in the guest's terms (a guest path, an OS/2 module's full name)
     * @param base the lowest guest address of the mapping
     * @param size the mapping's size in bytes
     * @since 1.3
     */
    void imageLoaded(PicoProcess process, String path, long base, long size);

    /** The registered observers. */
    java.util.List<ObserverInfo> observers();

    /** What the kernel holds right now: processes, threads, engines, guest memory. */
    KernelStatistics statistics();

    /** The name and version of the CPU engine the kernel uses, e.g. {@code unicorn 2.1.4}. */
    String engine();
}
