package io.pico.shell;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The launch defaults of {@code ./pico run} and {@code pico:run}, configuration PID {@code io.pico.shell}; a change
 * applies to the next launch. The guest root is here, not in a personality's configuration, because the kernel
 * needs it to find the image before it knows the personality.
 */
@ObjectClassDefinition(name = "pico launcher", description = "Defaults of programs started by ./pico run and "
        + "pico:run. A change applies to the next program.")
public @interface ShellConfig {

    /** The default guest root. */
    @AttributeDefinition(name = "Guest root", description = "Host directory the guest's file system is confined "
            + "to when the launch names none (--root); / is the host's whole file system, as with qemu-user")
    String root() default "/";
}
