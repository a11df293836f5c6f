package io.pico.api;

/**
 * A kernel resource limit was hit: too many processes, or threads in one process. The guest sees
 * EAGAIN or its personality's equivalent; the host stays unaffected.
 */
public class ResourceLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A limit, named in the message, was hit. */
    public ResourceLimitException(String message) {
        super(message);
    }
}
