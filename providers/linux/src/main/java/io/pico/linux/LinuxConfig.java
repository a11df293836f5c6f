package io.pico.linux;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The Linux personality's settings, configuration PID {@code io.pico.linux}; a change applies to processes started
 * afterwards (a running process and its forks keep what they started with). The guest root is per launch
 * ({@code --root}, or the shell's configuration {@code io.pico.shell}); these settings add to it.
 */
@ObjectClassDefinition(name = "pico Linux personality", description = "Settings of new Linux processes: host "
        + "directories mounted into the guest's file system, environment, system call trace. A change applies to "
        + "processes started afterwards.")
public @interface LinuxConfig {

    /** Host directories visible at guest paths. */
    @AttributeDefinition(name = "Mounts", description = "HOST:GUEST or HOST:GUEST:ro: the host directory HOST "
            + "(absolute) appears at the guest path GUEST, confined like the root (.. and links stay inside); :ro "
            + "makes writes there fail with EROFS", cardinality = 64)
    String[] mounts() default {};

    /** Environment variables every new process gets. */
    @AttributeDefinition(name = "Environment", description = "NAME=VALUE: added to the environment of every new "
            + "process, overriding the value the launcher passed", cardinality = 256)
    String[] env() default {};

    /** Traces every new process's system calls. */
    @AttributeDefinition(name = "Trace", description = "Trace the system calls of every new process (strace "
            + "format), as --strace does for one")
    boolean trace() default false;

    /** Where traces go. */
    @AttributeDefinition(name = "Trace file", description = "Host file the traces are appended to; empty: the "
            + "runtime's standard error")
    String traceFile() default "";
}
