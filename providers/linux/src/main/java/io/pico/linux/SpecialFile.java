package io.pico.linux;

import java.util.Map;

/**
 * A file that exists only in the provider, behind a descriptor with no kernel object: eventfd, epoll.
 * Its state is plain data, so that a hot-swap can carry it.
 */
public interface SpecialFile {

    /** The kind shown in /proc/PID/fd: {@code anon_inode:[KIND]}. */
    String kind();

    /** Reads into the buffer: the byte count, or a negative errno; blocks unless {@code nonblock}. */
    int read(byte[] buf, int count, boolean nonblock) throws InterruptedException;

    /** Writes from the buffer: the byte count, or a negative errno; blocks unless {@code nonblock}. */
    int write(byte[] buf, int count, boolean nonblock) throws InterruptedException;

    /** The poll events it is ready for now (POLLIN 1, POLLOUT 4). */
    int poll();

    /** Its state as JDK types, with {@code kind} naming it. */
    Map<String, Object> export();
}
