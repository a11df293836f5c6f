package io.pico.unicorn;

/**
 * A unicorn call failed. {@link #code()} is the {@code uc_err} value ({@code X86.UC_ERR_*}); the message is
 * {@code uc_strerror(code)} followed by which call failed and with which arguments.
 *
 * <p>Code {@link #JAVA_CALLBACK} marks a checked exception thrown by a Java hook callback, rethrown by
 * {@link Unicorn#emuStart} with the original as the cause (unchecked exceptions and errors are rethrown as is).
 */
public class UnicornException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Not a uc_err: a hook callback threw a checked exception (see the cause). */
    public static final int JAVA_CALLBACK = -1;

    private final int code;

    public UnicornException(int code, String message) {
        super(message);
        this.code = code;
    }

    public UnicornException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The uc_err code ({@code X86.UC_ERR_*}), or {@link #JAVA_CALLBACK}. */
    public int code() {
        return code;
    }
}
