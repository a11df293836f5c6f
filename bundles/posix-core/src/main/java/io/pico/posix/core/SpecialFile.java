package io.pico.posix.core;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A file that exists only in a provider, behind a descriptor with no kernel object (Linux's eventfd and epoll,
 * FreeBSD's kqueue). Its state is plain data, so that a hot-swap can carry it. Failures are thrown as
 * {@link SysError}s.
 */
@ConsumerType
public interface SpecialFile {

    /** The kind, for display (e.g. {@code eventfd}). */
    String kind();

    /** Reads into the buffer: the byte count; blocks unless {@code nonblock} (then EAGAIN). */
    int read(byte[] buf, int count, boolean nonblock) throws InterruptedException;

    /** Writes from the buffer: the byte count; blocks unless {@code nonblock} (then EAGAIN). */
    int write(byte[] buf, int count, boolean nonblock) throws InterruptedException;

    /** The poll events it is ready for now ({@link Poll#POLLIN}, {@link Poll#POLLOUT}). */
    int poll();

    /** Its state as JDK types, with {@code kind} naming it. */
    Map<String, Object> export();
}
