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
}
