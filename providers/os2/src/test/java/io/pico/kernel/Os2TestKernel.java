package io.pico.kernel;

import io.pico.api.Kernel;
import io.pico.api.Provider;
import io.pico.kernel.engine.UnicornEngineFactory;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * Test support of the OS/2 provider's unit tests: the real kernel with the real unicorn engine and one
 * provider, without a framework, built the way the kernel's own tests build it. It lives in the kernel's
 * package because the kernel's construction and registry are package-private; adapt it when they change.
 */
public final class Os2TestKernel {

    private Os2TestKernel() {
    }

    /** A kernel whose runtime log goes to {@code log}, with the provider the factory makes registered as "os2". */
    public static Kernel create(PrintStream log, Function<Kernel, Provider> provider) {
        KernelImpl kernel = new KernelImpl(new UnicornEngineFactory(), new KernelLog(log), Limits.defaults());
        kernel.registry().add(new ProviderRegistry.Entry(provider.apply(kernel), "os2", 1, 0,
                "io.pico.provider.os2", "test"));
        return kernel;
    }
}
