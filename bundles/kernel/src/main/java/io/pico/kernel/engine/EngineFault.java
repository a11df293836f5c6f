package io.pico.kernel.engine;

/** The engine stopped because of a CPU fault or an engine error that no hook handled. */
public final class EngineFault extends Exception {

    private static final long serialVersionUID = 1L;

    /** A fault with the engine's description. */
    public EngineFault(String message, Throwable cause) {
        super(message, cause);
    }
}
