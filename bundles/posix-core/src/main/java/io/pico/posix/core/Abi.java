package io.pico.posix.core;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What makes a Unix personality different from another where the meaning is the same: the numbers and bits
 * its guests use. Each provider supplies one; the core's code is written against the POSIX names and asks
 * this for the values.
 */
@ConsumerType
public interface Abi {

    /** The personality's name, for log lines ({@code linux}, {@code posix}). */
    String personality();

    /** The positive error number of a POSIX error in this personality. */
    int errno(Errno errno);

    /** The signal numbers, names and default actions. */
    SignalTable signals();

    /** The open(2) flag bits. */
    OpenFlags openFlags();

    /** The value of AT_FDCWD. */
    default int atFdCwd() {
        return -100;
    }

    /** The descriptor limit (RLIMIT_NOFILE). */
    default int maxFds() {
        return FdTable.DEFAULT_MAX_FDS;
    }

    /** Where mappings without a usable hint are placed from. */
    default long mmapBase() {
        return 0x7f00_0000_0000L;
    }

    /** The end of the user address space (exclusive). */
    default long userTop() {
        return 0x7fff_ffff_f000L;
    }

    /** The SA_RESTART bit of sigaction flags: calls a caught signal interrupts are restarted after its handler. */
    default long saRestart() {
        return 0;
    }

    /**
     * The SA_NOCLDSTOP bit of sigaction flags: a parent whose SIGCHLD has it is not sent SIGCHLD when a child stops
     * or goes on.
     *
     * @since 2.1
     */
    default long saNoCldStop() {
        return 0;
    }

    /**
     * The SA_RESETHAND bit of sigaction flags: the disposition goes back to the default as the handler is run; 0
     * when the personality has none.
     *
     * @since 2.3
     */
    default long saResetHand() {
        return 0;
    }

    /**
     * The SA_NODEFER bit of sigaction flags: a handler runs without its own signal blocked; 0 when the
     * personality has none.
     *
     * @since 2.3
     */
    default long saNoDefer() {
        return 0;
    }

    /**
     * Whether an ignored signal that the receiving thread blocks stays pending (Linux: its disposition may change
     * before it is unblocked) rather than being discarded at once (FreeBSD, the default).
     *
     * @since 2.3
     */
    default boolean pendsIgnoredWhileBlocked() {
        return false;
    }

    /** The error unlink(2) of a directory gives: EISDIR on Linux, POSIX's EPERM elsewhere. */
    default Errno unlinkDirectoryError() {
        return Errno.EISDIR;
    }

    /** The POSIX error of one of this personality's numbers, or null when it has none. */
    default Errno errnoOf(int number) {
        for (Errno e : Errno.values()) {
            if (errno(e) == number) {
                return e;
            }
        }
        return null;
    }

    /** The symbolic name of an error number, e.g. {@code ENOENT}. */
    default String errnoName(int number) {
        Errno e = errnoOf(number);
        return e == null ? "E" + number : e.name();
    }

    /** The strerror text of an error number. */
    default String errnoText(int number) {
        Errno e = errnoOf(number);
        return e == null ? "Unknown error " + number : e.text();
    }
}
