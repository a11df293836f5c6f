package io.pico.posix.core;

/**
 * A system call failing: with a POSIX error the personality numbers ({@link Errno}), or with a number of the
 * personality's own. Cheap (no stack trace); the call table catches it and reports the error the
 * personality's way.
 */
public final class SysError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Errno errno;
    private final int number;

    /** A failure with a POSIX error. */
    public SysError(Errno errno) {
        super(errno.name(), null, false, false);
        this.errno = errno;
        this.number = -1;
    }

    private SysError(int number) {
        super("errno " + number, null, false, false);
        this.errno = null;
        this.number = number;
    }

    /** A failure with an error number of the personality that has no POSIX name here. */
    public static SysError raw(int number) {
        return new SysError(number);
    }

    /** The POSIX error, or null for a raw number. */
    public Errno errno() {
        return errno;
    }

    /** The positive error number the personality's guests see. */
    public int number(Abi abi) {
        return errno != null ? abi.errno(errno) : number;
    }
}
