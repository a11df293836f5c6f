package io.pico.api;

/** An image that cannot be run: malformed, truncated, unsupported or unclaimed. */
public class ImageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The conventional shell status for a program that cannot be executed. */
    public static final int NOT_EXECUTABLE = 126;

    /** The conventional shell status for a program that was not found. */
    public static final int NOT_FOUND = 127;

    private final int status;

    /** An image error with status {@value #NOT_EXECUTABLE} and a one-line message naming the problem. */
    public ImageException(String message) {
        this(message, NOT_EXECUTABLE);
    }

    /** An image error with the given shell status. */
    public ImageException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The shell status the launcher exits with. */
    public int status() {
        return status;
    }
}
