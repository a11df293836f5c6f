package io.pico.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Watches processes of every personality: a whiteboard service the kernel calls when a process starts an
 * image (creation or exec), when an image (program, dynamic linker, shared library, DLL) is mapped into it, and
 * when it ends. The pico counterpart of NT's process-notify routines. An
 * observer that throws (other than a veto) or overruns its time budget is isolated: the kernel logs it
 * and, after repeated faults, stops calling it.
 */
@ConsumerType
public interface ProcessObserver {

    /**
     * A process is about to run an image: a new process (its parent pid is given), a fork (image null),
     * or an exec in place.
     *
     * @throws VetoException to refuse: the guest sees EACCES or its personality's equivalent
     */
    default void starting(PicoProcess process, Image image, List<String> argv) throws VetoException {
    }

    /**
     * An image was mapped into a process: its program, an interpreter or dynamic linker, a shared library or a
     * DLL (the pico counterpart of NT's load-image notification), after the mapping exists; the process waits for
     * the observer as for {@link #starting}, but cannot be refused.
     *
     * @param process the process
     * @param path the image's name in the guest's terms (a guest path, an OS/2 module's full name)
     * @param base the lowest guest address of the mapping
     * @param size the mapping's size in bytes
     * @since 1.3
     */
    default void imageLoaded(PicoProcess process, String path, long base, long size) {
    }

    /** A process has ended. */
    default void exited(PicoProcess process, ExitStatus status) {
    }
}
