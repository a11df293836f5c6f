package io.pico.api;

/**
 * The outcome of a hot-swap.
 *
 * @param personality the personality swapped
 * @param from the providers that ran the processes before, as "bundle version" (comma separated)
 * @param to the provider that runs them now
 * @param processes how many processes were handed over
 * @param pauseNanos from the swap request until every process could run again
 */
public record SwapReport(String personality, String from, String to, int processes, long pauseNanos) {

    @Override
    public String toString() {
        return String.format("%s: %d process%s from %s to %s, paused %.1f ms", personality, processes,
                processes == 1 ? "" : "es", from.isEmpty() ? "-" : from, to, pauseNanos / 1e6);
    }
}
