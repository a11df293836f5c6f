package io.pico.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A personality-neutral kernel object that data is read from or written to: an open host file, a pipe
 * end, a terminal or host stream. Reference counted: it is closed when the last reference is released.
 */
@ProviderType
public interface IoObject {

    /** The kind, for display: {@code file}, {@code pipe}, {@code tty}, {@code stream}. */
    String kind();

    /**
     * Reads into the buffer; blocks until at least one byte is there or the end is reached.
     *
     * @return the number of bytes read, -1 at the end
     * @throws InterruptedException when the reading thread was interrupted (a signal)
     */
    int read(ByteBuffer dst) throws IOException, InterruptedException;

    /**
     * Writes from the buffer; blocks while a pipe is full.
     *
     * @return the number of bytes written
     * @throws IOException with message {@code EPIPE} when no reader is left on a pipe
     */
    int write(ByteBuffer src) throws IOException, InterruptedException;

    /** Reads at an absolute position without moving the file position; -1 at the end. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes at an absolute position without moving the file position. */
    int write(ByteBuffer src, long position) throws IOException;

    /** The current file position; unsupported objects throw {@link java.nio.channels.NonReadableChannelException}-like IOException {@code ESPIPE}. */
    long position() throws IOException;

    /** Moves the file position. */
    void position(long position) throws IOException;

    /** The size of the file, or 0 for streams. */
    long size() throws IOException;

    /** Truncates or extends a file. */
    void truncate(long size) throws IOException;

    /** Bytes readable without blocking (pipes and files), 0 when unknown. */
    int available() throws IOException;

    /** Whether a read would not block now. */
    boolean readable();

    /** Whether a write would not block now. */
    boolean writable();

    /** Whether this is a terminal. */
    boolean isTerminal();

    /** The host file behind it, or null. */
    Path hostPath();

    /** Takes another reference. */
    IoObject retain();

    /** Drops a reference; the object closes when none is left. */
    void release();
}
