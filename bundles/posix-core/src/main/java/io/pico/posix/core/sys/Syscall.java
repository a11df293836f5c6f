package io.pico.posix.core.sys;

import io.pico.api.Support;

/**
 * One row of a system call table.
 *
 * @param number the system call number
 * @param name the call's name
 * @param args how the arguments (one letter each, see {@link Strace}) and, after {@code =}, the result are shown
 *     in traces; the number of letters is the number of arguments read
 * @param handler the implementation, null for a missing call
 * @param support how completely it is implemented
 * @param note what partial support covers
 */
public record Syscall(int number, String name, String args, Handler<?> handler, Support support, String note) {

    /** The number of arguments. */
    public int arity() {
        int eq = args.indexOf('=');
        return eq < 0 ? args.length() : eq;
    }

    /**
     * The letter describing the result: {@code d} decimal, {@code p}/{@code x} hex, {@code !} no return,
     * {@code X} no return because it ends the process (traced before it runs, with the exit status of the first
     * argument's low 8 bits: whoever waits for the process may read the trace as soon as it has ended).
     */
    public char result() {
        int eq = args.indexOf('=');
        return eq < 0 ? 'd' : args.charAt(eq + 1);
    }
}
