package io.pico.api;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A socket as a kernel object: the operations of the BSD socket interface, without any personality's
 * numbers or structures. Being an {@link IoObject}, it sits in handle tables (so a hot-swap snapshot
 * refers to it by handle number), can be read and written like a pipe, polled with {@link #readable()} and
 * {@link #writable()}, passed between processes and personalities.
 *
 * <p>Failures are {@link IOException}s whose message is the POSIX error name, as elsewhere in the kernel:
 * {@code ECONNREFUSED}, {@code EADDRINUSE}, {@code EAGAIN} (would block, or a timeout ran out),
 * {@code EINPROGRESS} (a non-blocking connect goes on), {@code EACCES} (the network policy refused the
 * address), {@code EPIPE}, {@code ENOTCONN} ... Blocking calls wait interruptibly.
 *
 * <p>Whether IPv4 and IPv6 sockets may reach beyond loopback is the kernel's network policy
 * ({@link Kernel#netPolicy()}): under {@code loopback}, connecting or sending to another address fails with
 * {@code EACCES}, binding another specific address too, and binding the wildcard address binds loopback.
 *
 * @since 1.2
 */
@ProviderType
public interface SocketObject extends IoObject {

    /** Receive flag: returns data without taking it. */
    int PEEK = 1;
    /** Receive flag: waits until the buffer is full (or the stream ends) rather than for the first bytes. */
    int WAIT_ALL = 2;
    /** Send and receive flag: fails with {@code EAGAIN} instead of waiting. */
    int DONT_WAIT = 4;

    /** The address family. */
    SocketFamily family();

    /** The communication style. */
    SocketType type();

    /**
     * Gives the socket its local address: an {@link java.net.InetSocketAddress} (port 0 picks a free one) or
     * a {@link UnixAddress} (a path name creates the socket file).
     */
    void bind(SocketAddress local) throws IOException;

    /** Makes a stream socket accept connections, binding it first to a free address when unbound. */
    void listen(int backlog) throws IOException;

    /**
     * Takes the next connection of a listening socket.
     *
     * @return the connected socket, with one reference owned by the caller
     */
    SocketObject accept(boolean nonBlocking) throws IOException, InterruptedException;

    /**
     * Connects to a peer; a datagram socket only sets its default destination. A non-blocking stream
     * connect that cannot finish at once fails with {@code EINPROGRESS} and finishes in the background:
     * {@link #writable()} turns true, and {@link #takeError()} says how it went.
     */
    void connect(SocketAddress remote, boolean nonBlocking) throws IOException, InterruptedException;

    /**
     * Sends data: on a stream socket everything unless it is non-blocking (or {@link #DONT_WAIT}), on a
     * datagram socket one datagram.
     *
     * @param to the destination of a datagram, or null for the connected peer
     * @param objects kernel objects to pass along (local sockets between pico processes only), or null; the
     *     kernel takes its own references
     * @param flags {@link #DONT_WAIT}
     * @return the bytes sent
     */
    int send(ByteBuffer src, SocketAddress to, List<PassedObject> objects, int flags)
            throws IOException, InterruptedException;

    /**
     * Receives data: what a stream has (at least one byte, waiting for it), or one datagram.
     *
     * @param flags {@link #PEEK}, {@link #WAIT_ALL}, {@link #DONT_WAIT}
     */
    Received receive(ByteBuffer dst, int flags) throws IOException, InterruptedException;

    /** Shuts down reading, writing or both of a connected socket. */
    void shutdown(boolean input, boolean output) throws IOException;

    /** The local address ({@link UnixAddress#UNNAMED} or a wildcard address with port 0 before binding). */
    SocketAddress localAddress();

    /** The peer's address, or null when not connected. */
    SocketAddress remoteAddress();

    /** Whether the socket listens for connections. */
    boolean listening();

    /** The value of an option. */
    long option(SocketOptionName name) throws IOException;

    /** Sets an option. */
    void option(SocketOptionName name, long value) throws IOException;

    /** Takes the pending error (the outcome of a background connect, an asynchronous failure): its name, or null. */
    String takeError();

    /** The pid of the pico process that created the peer of a connected local socket, 0 when unknown. */
    int peerPid();

    /**
     * Sets the mode plain {@link #read(ByteBuffer)} and {@link #write(ByteBuffer)} use: non-blocking ones
     * fail with {@code EAGAIN} or move fewer bytes instead of waiting. Personalities set it from their
     * descriptor flags.
     */
    void nonBlocking(boolean on);
}
