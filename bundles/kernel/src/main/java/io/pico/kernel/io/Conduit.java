package io.pico.kernel.io;

import io.pico.api.PassedObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The two directions of a connected stream socket: a host channel (TCP, or a host's local socket) or a
 * pair of kernel buffers (local sockets between pico processes). Every operation is non-blocking; the
 * socket waits with {@link IoEvents} when one would block.
 */
interface Conduit {

    /**
     * Reads what is there.
     *
     * @param objects where passed objects go (they stop a read at their message's start), or null
     * @return bytes read, 0 when nothing is there yet, -1 at the end
     */
    int read(ByteBuffer dst, boolean peek, List<PassedObject> objects) throws IOException;

    /**
     * Writes what fits.
     *
     * @param objects objects to pass with the first byte (references already taken), or null
     * @return bytes written, 0 when full
     */
    int write(ByteBuffer src, List<PassedObject> objects) throws IOException;

    /** Whether a read would not wait (data, the end or an error is there); asks to be woken otherwise. */
    boolean readReady();

    /** Whether a write would not wait; asks to be woken otherwise. */
    boolean writeReady();

    /** Bytes readable now. */
    int available();

    /** No more reading. */
    void shutdownInput() throws IOException;

    /** No more writing: the peer reads the end. */
    void shutdownOutput() throws IOException;

    /** Closes both directions. */
    void close();

    /** Whether kernel objects can travel (between pico processes only). */
    boolean passesObjects();

    /** The pid of the process at the other end, 0 when unknown. */
    int peerPid();
}
