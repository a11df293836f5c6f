package io.pico.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Sees system calls (and API calls of personalities without system calls) of every personality before
 * and after their handlers run, in one personality-independent shape. Called on the guest's thread, so
 * it must be quick: the kernel stops calling an observer that throws or overruns its time budget
 * repeatedly.
 */
@ConsumerType
public interface CallObserver {

    /** A call is about to be handled. */
    void before(CallEvent call);

    /** A call was handled with the given result (the personality's raw result value). */
    void after(CallEvent call, long result);
}
