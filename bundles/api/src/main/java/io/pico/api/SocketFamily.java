package io.pico.api;

/**
 * The address family of a kernel socket ({@link SocketObject}).
 *
 * @since 1.2
 */
public enum SocketFamily {
    /** IPv4 over the host's network (Java NIO channels); addresses are {@link java.net.InetSocketAddress}. */
    INET,
    /**
     * IPv6 over the host's network, dual-stack: IPv4 peers show as {@link java.net.Inet4Address}es, which a
     * personality presents as IPv4-mapped addresses.
     */
    INET6,
    /**
     * Local sockets: between pico processes inside the kernel, and to host sockets under the guest root;
     * addresses are {@link UnixAddress}es.
     */
    UNIX
}
