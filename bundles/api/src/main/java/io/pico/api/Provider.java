package io.pico.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A pico provider: one personality (Linux, OS/2, ...), registered as a whiteboard service with the
 * {@value #PERSONALITY} property. The kernel looks the provider of a process up on every call, so a
 * provider may be replaced while its processes run.
 */
@ConsumerType
public interface Provider {

    /** Service property naming the personality a provider implements, e.g. {@code linux}. */
    String PERSONALITY = "pico.personality";

    /** The image formats this provider claims, for display, e.g. {@code ELF x86-64 (SysV, Linux)}. */
    List<String> formats();

    /** Whether this provider runs the given image, judged from its first bytes. */
    boolean claims(Image image);

    /**
     * Whether this provider runs an image that no provider claimed by its bytes, judged by its file name
     * alone: for formats without a header, such as DOS {@code .COM} files.
     */
    default boolean claimsByName(Image image) {
        return false;
    }

    /**
     * Loads the image into the new, empty process and starts its first thread.
     *
     * @throws ImageException when the image is malformed or cannot be run
     */
    void start(PicoProcess process, Image image, Launch launch) throws ImageException;

    /** Handles the system call the thread has just trapped with; results go into its registers. */
    void systemCall(PicoThread thread);

    /**
     * Handles a CPU exception of the thread. Returning resumes the thread at its (possibly changed)
     * registers; a provider that cannot handle it ends the thread's process.
     */
    void exception(PicoThread thread, CpuException exception);

    /**
     * Delivers a signal, named in this personality's terms (e.g. {@code TERM}, {@code SIGINT}, {@code 9}),
     * to the process.
     *
     * @throws IllegalArgumentException when the personality knows no such signal
     */
    void signal(PicoProcess process, String signal);

    /** The personality's system call (or API) table as data, for the support matrix. */
    List<CallInfo> calls();

    /**
     * The format version of the state snapshots this provider writes ({@link #exportState}); 0 when it
     * cannot hand its processes over.
     */
    default int stateVersion() {
        return 0;
    }

    /**
     * Exports a process's personality state (descriptor table, working directory, signal dispositions,
     * per-thread state by thread id ...) for a successor, while every thread of the process is parked.
     * The snapshot holds only JDK types (String, Number, Boolean, byte[], List, Map) and refers to kernel
     * objects by handle number: the successor may come from another class loader.
     *
     * @throws UnsupportedOperationException when this provider cannot hand over
     */
    default java.util.Map<String, Object> exportState(PicoProcess process) {
        throw new UnsupportedOperationException("this provider cannot export process state");
    }

    /**
     * Takes over a process from a predecessor of the same personality, given its snapshot and the
     * snapshot's format version. Throwing refuses it: the predecessor keeps running the process.
     */
    default void importState(PicoProcess process, int version, java.util.Map<String, Object> state) {
        throw new UnsupportedOperationException("this provider cannot import process state");
    }

    /** Called after a thread of one of this provider's processes has ended. */
    default void threadExited(PicoThread thread) {
    }

    /** Called after one of this provider's processes has ended, to release its personality state. */
    default void processExited(PicoProcess process) {
    }
}
