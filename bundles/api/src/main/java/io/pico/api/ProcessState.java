package io.pico.api;

/** The life-cycle state of a pico process. */
public enum ProcessState {
    /** Created, image being loaded. */ STARTING,
    /** Running (its threads run guest code or wait in system calls). */ RUNNING,
    /** Waiting in the kernel for a provider of its personality. */ SUSPENDED,
    /** Ended; its exit status is known. */ EXITED
}
