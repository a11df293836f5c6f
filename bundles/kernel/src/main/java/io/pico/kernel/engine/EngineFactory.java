package io.pico.kernel.engine;

import io.pico.api.CpuMode;

/** Creates engines; one factory per kind of engine. */
public interface EngineFactory {

    /** A new engine in the given mode that reports to the listener. */
    Engine create(CpuMode mode, EngineListener listener);

    /** How many engines of this factory are open now. */
    int open();

    /** The engine's name and version, e.g. {@code unicorn 2.1.4}. */
    String name();

    /**
     * The kernel stops: engines the factory keeps for re-use are closed (with what they hold: kept ranges of
     * images), and engines given back later are closed at once.
     */
    default void close() {
    }
}
