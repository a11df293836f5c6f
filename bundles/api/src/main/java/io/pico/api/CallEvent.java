package io.pico.api;

/**
 * A system or API call as observers see it.
 *
 * @param pid the calling process
 * @param tid the calling thread
 * @param personality the personality of the process
 * @param table the call table: {@code syscall}, or a module name such as {@code DOSCALLS}
 * @param number the call number or ordinal
 * @param name the call's name
 * @param args the raw arguments
 */
public record CallEvent(int pid, int tid, String personality, String table, int number, String name, long[] args) {
}
