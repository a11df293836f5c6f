package io.pico.api;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to start: the program, its arguments and environment, where its files live and which kernel
 * objects become its standard input, output and error.
 *
 * @param program the program as the guest names it (a guest path, resolved under the root)
 * @param argv the argument vector, argv[0] included
 * @param env the environment
 * @param cwd the working directory as a guest path
 * @param root the host directory the guest's file system is confined to
 * @param stdio standard input, output and error as kernel objects; the new process takes a reference to
 *     each and holds them as its handles 0, 1 and 2
 * @param trace where system call traces go, or null for none
 * @param parentPid the parent process's pid, 0 for none
 */
public record Launch(String program, List<String> argv, Map<String, String> env, String cwd, Path root,
        IoObject[] stdio, PrintStream trace, int parentPid) {
}
