package io.pico.api;

/** An observer refused to let a process start an image; the reason is shown to the guest's user. */
public class VetoException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A veto with the reason. */
    public VetoException(String reason) {
        super(reason);
    }
}
