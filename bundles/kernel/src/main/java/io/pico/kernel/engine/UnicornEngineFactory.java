package io.pico.kernel.engine;

import io.pico.api.CpuMode;
import io.pico.unicorn.Unicorn;

/** Creates unicorn engines. */
public final class UnicornEngineFactory implements EngineFactory {

    @Override
    public Engine create(CpuMode mode, EngineListener listener) {
        return new UnicornEngine(mode, listener);
    }

    @Override
    public int open() {
        return UnicornEngine.OPEN.get();
    }

    @Override
    public String name() {
        return "unicorn " + Unicorn.version() + " (" + Unicorn.libraryPath() + ")";
    }
}
