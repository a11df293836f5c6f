package io.pico.api;

/**
 * The communication style of a kernel socket ({@link SocketObject}).
 *
 * @since 1.2
 */
public enum SocketType {
    /** A connected, reliable byte stream (TCP, local stream sockets). */
    STREAM,
    /** Datagrams, each kept whole (UDP, local datagram sockets). */
    DATAGRAM
}
