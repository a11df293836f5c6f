package io.pico.posix.core.elf;

/** A malformed or unsupported image; the message is one line naming the problem. */
public final class ElfException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A problem described in one line. */
    public ElfException(String message) {
        super(message);
    }
}
