package io.pico.api;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Watches processes of every personality: a whiteboard service the kernel calls when a process starts an
 * image (creation or exec), and when it ends. The pico counterpart of NT's process-notify routines. An
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

    /** A process has ended. */
    default void exited(PicoProcess process, ExitStatus status) {
    }
}
