package io.pico.api;

/**
 * What the kernel holds right now, for leak checks and monitoring.
 *
 * @param processes processes in the table (ended ones not yet reaped included)
 * @param threads guest threads whose host thread is alive
 * @param engines CPU engines open
 * @param hostMemory bytes of host memory mapped for guests
 */
public record KernelStatistics(int processes, int threads, int engines, long hostMemory) {
}
