package io.pico.api;

/** A mapping would exceed the address space's limit: the guest sees ENOMEM or its personality's equivalent. */
public class MemoryLimitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The limit was hit by a request for {@code requested} more bytes. */
    public MemoryLimitException(long requested, long limit) {
        super("mapping " + requested + " more bytes exceeds the limit of " + limit + " bytes");
    }
}
