package io.pico.os2.lx;

/** A module file that is malformed, truncated or uses a feature the loader does not know; one-line message. */
public final class FormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** An error with a one-line description of the problem. */
    public FormatException(String message) {
        super(message);
    }
}
