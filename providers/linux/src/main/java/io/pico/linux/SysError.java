package io.pico.linux;

/** A system call failing with a Linux errno; cheap (no stack trace), caught by the dispatcher. */
public final class SysError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    /** A failure with the given positive errno. */
    public SysError(int errno) {
        super(Errno.name(errno), null, false, false);
        this.errno = errno;
    }

    /** The positive errno. */
    public int errno() {
        return errno;
    }
}
