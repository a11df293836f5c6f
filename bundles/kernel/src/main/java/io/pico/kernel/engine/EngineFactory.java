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
     * Whether engines that share memory may run at the same time: x86 locked instructions are atomic across
     * them. When false, the threads of a process run guest code one at a time.
     */
    default boolean parallelThreads() {
        return false;
    }

    /**
     * The kernel stops: engines the factory keeps for re-use are closed (with what they hold: kept ranges of
     * images), and engines given back later are closed at once.
     */
    default void close() {
    }
}
