package io.pico.kernel;

/**
 * The kernel's resource limits: at most {@code maxProcesses} live processes and {@code maxThreads} threads
 * per process, {@code memoryBytes} of guest memory and {@code cpuSeconds} of CPU time per process (0 = none,
 * enforced by a watchdog). They come from the kernel's configuration ({@link KernelConfig}).
 */
record Limits(int maxProcesses, int maxThreads, long cpuSeconds, long memoryBytes) {

    /** The limits a configuration sets. */
    static Limits of(KernelConfig c) {
        return new Limits(c.maxProcesses(), c.maxThreads(), c.cpuLimitSeconds(), c.memoryLimitMB() << 20);
    }

    /** The defaults of {@link KernelConfig}. */
    static Limits defaults() {
        return new Limits(1024, 512, 0, 8192L << 20);
    }
}
