package io.pico.api;

import java.net.SocketAddress;
import java.util.List;

/**
 * What one {@link SocketObject#receive} delivered.
 *
 * @param length the bytes stored in the buffer, -1 at the end of a stream
 * @param fullLength the length of the whole datagram when it was longer than the buffer (the rest is
 *     lost), else {@code length}
 * @param from the sender's address (datagram sockets), or null
 * @param objects kernel objects passed with the data, each with one reference now owned by the caller
 * @since 1.2
 */
public record Received(int length, int fullLength, SocketAddress from, List<PassedObject> objects) {

    /** Whether a datagram was cut to fit the buffer. */
    public boolean truncated() {
        return fullLength > length;
    }
}
