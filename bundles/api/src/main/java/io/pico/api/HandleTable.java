package io.pico.api;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A process's kernel handles: numbered references to kernel objects. Providers map their own
 * descriptor numbers onto handles; the objects stay with the kernel across a provider swap.
 */
@ProviderType
public interface HandleTable {

    /** Adds a reference to the object (taking a new one) and returns its handle number. */
    int add(IoObject object);

    /** The object behind a handle, or null. */
    IoObject get(int handle);

    /** Closes a handle, releasing its reference; false if it did not exist. */
    boolean close(int handle);

    /** A snapshot of all handles. */
    Map<Integer, IoObject> all();
}
