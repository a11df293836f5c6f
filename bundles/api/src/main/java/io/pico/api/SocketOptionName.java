package io.pico.api;

/**
 * The socket options the kernel keeps or hands to the host socket, with personality-neutral values
 * (the personality translates its option levels, numbers and structures). Every value is a {@code long}:
 * flags are 0 or 1, sizes are bytes, times are nanoseconds.
 *
 * @since 1.2
 */
public enum SocketOptionName {
    /** Allows binding an address still in use by connections being closed (flag). */
    REUSE_ADDRESS,
    /** Allows several sockets to bind the same address (flag). */
    REUSE_PORT,
    /** Sends keep-alive probes on idle connections (flag). */
    KEEP_ALIVE,
    /** Allows sending datagrams to broadcast addresses (flag). */
    BROADCAST,
    /** Seconds a close waits for unsent data, -1 when lingering is off. */
    LINGER,
    /** The receive buffer size in bytes. */
    RECEIVE_BUFFER,
    /** The send buffer size in bytes. */
    SEND_BUFFER,
    /** How long a blocking receive or accept waits before it fails with EAGAIN, in nanoseconds; 0 waits forever. */
    RECEIVE_TIMEOUT,
    /** How long a blocking send or connect waits before it fails with EAGAIN, in nanoseconds; 0 waits forever. */
    SEND_TIMEOUT,
    /** Keeps urgent data in the normal data stream (flag). */
    OOB_INLINE,
    /** Sends small segments at once, without Nagle's delay (flag, TCP only). */
    NO_DELAY,
    /** Restricts an IPv6 socket to IPv6 peers (flag). */
    V6_ONLY
}
