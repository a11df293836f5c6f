package io.pico.kernel;

/**
 * The kernel's resource limits: at most {@code maxProcesses} live processes and {@code maxThreads} threads
 * per process, and {@code cpuSeconds} of CPU time per process (0 = none), enforced by a watchdog.
 * Read from system properties ({@code pico.max.processes}, {@code pico.max.threads}, {@code pico.cpu.limit}).
 */
record Limits(int maxProcesses, int maxThreads, long cpuSeconds) {

    static Limits fromSystem() {
        return new Limits(Integer.getInteger("pico.max.processes", 1024), Integer.getInteger("pico.max.threads", 512),
                Long.getLong("pico.cpu.limit", 0));
    }
}
