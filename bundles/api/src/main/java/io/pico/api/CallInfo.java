package io.pico.api;

/**
 * One row of a personality's system call or API table.
 *
 * @param table the table: {@code syscall} for Unix personalities, a module name such as {@code DOSCALLS}
 * @param number the system call number or ordinal
 * @param name the call's name
 * @param support how completely it is implemented
 * @param note what the partial support covers, or other remarks
 */
public record CallInfo(String table, int number, String name, Support support, String note) {
}
