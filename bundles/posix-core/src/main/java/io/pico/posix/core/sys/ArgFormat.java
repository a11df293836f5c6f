package io.pico.posix.core.sys;

import io.pico.api.AddressSpace;
import org.osgi.annotation.versioning.ConsumerType;

/** A personality's own argument letters for traces (open flags, mmap flags ... in its bits). */
@ConsumerType
@FunctionalInterface
public interface ArgFormat {

    /** No letters of its own. */
    ArgFormat NONE = (sb, kind, value, mem) -> false;

    /** Appends the argument when {@code kind} is one of the personality's letters; returns whether it was. */
    boolean format(StringBuilder sb, char kind, long value, AddressSpace mem);
}
