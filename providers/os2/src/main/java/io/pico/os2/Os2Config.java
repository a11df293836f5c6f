package io.pico.os2;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The OS/2 personality's settings, configuration PID {@code io.pico.os2}; a change applies to processes started
 * afterwards. C: is always the guest root (per launch: {@code --root}, or the shell's configuration
 * {@code io.pico.shell}).
 */
@ObjectClassDefinition(name = "pico OS/2 personality", description = "Settings of new OS/2 processes: drive "
        + "letters, environment, API call trace. A change applies to processes started afterwards.")
public @interface Os2Config {

    /** Further drive letters. */
    @AttributeDefinition(name = "Drives", description = "D:DIR: drive letter D (A, B, D to Z) is the guest "
            + "directory DIR (absolute, under the guest root, which is C:)", cardinality = 24)
    String[] drives() default {};

    /** Environment variables every new process gets. */
    @AttributeDefinition(name = "Environment", description = "NAME=VALUE: added to the environment of every new "
            + "process, overriding the value the launcher passed", cardinality = 256)
    String[] env() default {};

    /** Traces every new process's API calls. */
    @AttributeDefinition(name = "Trace", description = "Trace the API calls of every new process, as --strace does "
            + "for one")
    boolean trace() default false;

    /** Where traces go. */
    @AttributeDefinition(name = "Trace file", description = "Host file the traces are appended to; empty: the "
            + "runtime's standard error")
    String traceFile() default "";
}
