package io.pico.api;

/**
 * How a process ended: with an exit code, or by a signal (numbered in its personality's terms).
 *
 * @param code the exit code (0..255) when not signalled
 * @param signal the signal number that ended the process, 0 when it exited
 * @param reason a short description for logs, may be empty
 */
public record ExitStatus(int code, int signal, String reason) {

    /** A normal exit with the given code. */
    public static ExitStatus exited(int code) {
        return new ExitStatus(code & 0xff, 0, "");
    }

    /** An end by the given signal. */
    public static ExitStatus signalled(int signal, String reason) {
        return new ExitStatus(0, signal, reason);
    }

    /** Whether a signal ended the process. */
    public boolean signalled() {
        return signal != 0;
    }

    /** The status a shell reports: the code, or 128 plus the signal. */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : code;
    }

    @Override
    public String toString() {
        return signal != 0 ? "signal " + signal + (reason.isEmpty() ? "" : " (" + reason + ")") : "exit " + code;
    }
}
