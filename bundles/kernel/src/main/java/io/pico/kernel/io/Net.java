package io.pico.kernel.io;

import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The kernel's networking: makes sockets, holds the network policy (may guests reach beyond loopback?), the
 * names of local sockets and the poller of host channels, and turns host failures into error names.
 */
public final class Net {

    /** What IPv4 and IPv6 sockets may reach. */
    public enum Policy {
        /** Only the loopback addresses: wildcard binds bind loopback, other addresses fail with EACCES. */
        LOOPBACK,
        /** Any address the host reaches. */
        ANY;

        /** The policy a setting names ({@code loopback} or {@code any}, any case). */
        public static Policy parse(String s) {
            return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
                case "any", "all", "open" -> ANY;
                case "loopback", "local", "" -> LOOPBACK;
                default -> throw new IllegalArgumentException("pico.net.policy: 'loopback' or 'any', not '" + s + "'");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final InetAddress LOOPBACK4 = InetAddress.getLoopbackAddress() instanceof Inet4Address a ? a
            : address(new byte[] {127, 0, 0, 1});
    private static final InetAddress LOOPBACK6 = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    private volatile Policy policy;
    private final Consumer<String> log;
    private final BiConsumer<Integer, String> refusals;
    private volatile NetPoller poller;
    final UnixNames names = new UnixNames();

    /**
     * Networking with a policy, the runtime log, and where refusals are reported (the pid of the socket's
     * process and a line for its trace).
     */
    public Net(Policy policy, Consumer<String> log, BiConsumer<Integer, String> refusals) {
        this.policy = policy;
        this.log = log;
        this.refusals = refusals;
    }

    /** The policy in force. */
    public Policy policy() {
        return policy;
    }

    /** Changes the policy; it applies to every operation from now on. */
    public void policy(Policy p) {
        policy = p;
    }

    /** A new socket with one reference. */
    public SocketObject socket(SocketFamily family, SocketType type, int ownerPid) throws IOException {
        if (family == SocketFamily.UNIX) {
            return type == SocketType.STREAM ? new StreamSocket(this, family, ownerPid)
                    : new UnixDatagramSocket(this, ownerPid);
        }
        return type == SocketType.STREAM ? new StreamSocket(this, family, ownerPid)
                : new UdpSocket(this, family, ownerPid);
    }

    /** Two connected local sockets, each with one reference. */
    public SocketObject[] pair(SocketType type, int ownerPid) {
        if (type == SocketType.STREAM) {
            return StreamSocket.pair(this, ownerPid);
        }
        return UnixDatagramSocket.pair(this, ownerPid);
    }

    /** Stops the poller thread (the kernel is going away). */
    public synchronized void close() {
        if (poller != null) {
            poller.close();
            poller = null;
        }
    }

    NetPoller poller() {
        NetPoller p = poller;
        if (p == null) {
            synchronized (this) {
                if (poller == null) {
                    try {
                        poller = new NetPoller();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                p = poller;
            }
        }
        return p;
    }

    void log(String line) {
        log.accept(line);
    }

    // --- the policy ------------------------------------------------------------------------------------

    /** Fails with EACCES, reported, unless the policy lets the socket reach the peer. */
    void checkPeer(KSocket s, InetSocketAddress to, String what) throws IOException {
        if (policy == Policy.ANY) {
            return;
        }
        InetAddress a = to.getAddress();
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return;
        }
        throw refuse(s, what + " " + format(to));
    }

    /** Whether a peer that reached a socket (an accepted connection, a datagram) is let in. */
    boolean admits(SocketAddress peer) {
        if (policy == Policy.ANY || !(peer instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return true;
        }
        return isa.getAddress().isLoopbackAddress();
    }

    /**
     * The host addresses that binding {@code a} binds: itself, or under the loopback policy the loopback
     * addresses for a wildcard ({@code ::1} and {@code 127.0.0.1} for a dual-stack IPv6 socket); EACCES for
     * any other address under the loopback policy.
     */
    List<InetSocketAddress> bindTargets(KSocket s, InetSocketAddress a, boolean dual) throws IOException {
        InetAddress addr = a.getAddress();
        if (policy == Policy.ANY || addr.isLoopbackAddress()) {
            return List.of(a);
        }
        if (addr.isAnyLocalAddress()) {
            if (addr instanceof Inet6Address) {
                return dual ? List.of(new InetSocketAddress(LOOPBACK6, a.getPort()),
                        new InetSocketAddress(LOOPBACK4, a.getPort()))
                        : List.of(new InetSocketAddress(LOOPBACK6, a.getPort()));
            }
            return List.of(new InetSocketAddress(LOOPBACK4, a.getPort()));
        }
        throw refuse(s, "bind to " + format(a));
    }

    /** Where an unbound socket binds before it sends toward {@code to}: loopback under the policy, else null. */
    InetSocketAddress implicitBind(InetSocketAddress to) {
        if (policy == Policy.ANY) {
            return null;
        }
        return new InetSocketAddress(to.getAddress() instanceof Inet6Address ? LOOPBACK6 : LOOPBACK4, 0);
    }

    private IOException refuse(KSocket s, String what) {
        refusals.accept(s.owner, what + " refused by pico.net.policy=" + policy + " (EACCES)");
        return error("EACCES");
    }

    // --- addresses ---------------------------------------------------------------------------------------

    /** An IPv4 or IPv6 socket address for a socket of the family: EAFNOSUPPORT for other kinds. */
    static InetSocketAddress inet(SocketAddress a, SocketFamily family) throws IOException {
        if (!(a instanceof InetSocketAddress isa) || isa.isUnresolved()) {
            throw error(a instanceof InetSocketAddress ? "EINVAL" : "EAFNOSUPPORT");
        }
        if (family == SocketFamily.INET && !(isa.getAddress() instanceof Inet4Address)) {
            throw error("EAFNOSUPPORT");
        }
        return isa;
    }

    /** A wildcard destination means this host, as on Linux: the loopback address of the same version. */
    static InetSocketAddress destination(InetSocketAddress a) {
        if (a.getAddress().isAnyLocalAddress()) {
            return new InetSocketAddress(a.getAddress() instanceof Inet6Address ? LOOPBACK6 : LOOPBACK4, a.getPort());
        }
        return a;
    }

    /** The wildcard address of a family, port 0. */
    static InetSocketAddress wildcard(SocketFamily family) {
        return new InetSocketAddress(family == SocketFamily.INET ? address(new byte[4]) : address(new byte[16]), 0);
    }

    /** {@code 127.0.0.1:80}, {@code [::1]:80}: IPv6 in its short form (the longest run of zero groups as ::). */
    static String format(InetSocketAddress a) {
        InetAddress addr = a.getAddress();
        if (!(addr instanceof Inet6Address)) {
            return (addr == null ? a.getHostString() : addr.getHostAddress()) + ":" + a.getPort();
        }
        byte[] b = addr.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            sb.append(Integer.toHexString(g[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.append("]:").append(a.getPort()).toString();
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // --- errors ------------------------------------------------------------------------------------------

    /** A failure named by its POSIX error name, the kernel's convention. */
    static IOException error(String name) {
        return new IOException(name);
    }

    private static final String[][] TEXTS = {
        {"Connection refused", "ECONNREFUSED"},
        {"Address already in use", "EADDRINUSE"},
        {"Cannot assign requested address", "EADDRNOTAVAIL"},
        {"Connection reset", "ECONNRESET"},
        {"Broken pipe", "EPIPE"},
        {"No route to host", "EHOSTUNREACH"},
        {"Network is unreachable", "ENETUNREACH"},
        {"Network is down", "ENETDOWN"},
        {"Connection timed out", "ETIMEDOUT"},
        {"timed out", "ETIMEDOUT"},
        {"Permission denied", "EACCES"},
        {"Operation not permitted", "EPERM"},
        {"No such file or directory", "ENOENT"},
        {"Not a directory", "ENOTDIR"},
        {"Message too long", "EMSGSIZE"},
        {"Protocol family unavailable", "EAFNOSUPPORT"},
        {"Address family not supported", "EAFNOSUPPORT"},
        {"Protocol not available", "ENOPROTOOPT"},
        {"not connected", "ENOTCONN"},
        {"Too many open files", "EMFILE"},
        {"Read-only file system", "EROFS"},
        {"path too long", "ENAMETOOLONG"},
        {"No buffer space available", "ENOBUFS"},
        {"Invalid argument", "EINVAL"},
    };

    /** The host failure as a named one ({@code ECONNREFUSED}, {@code EPIPE} ...); names pass through. */
    static IOException map(Throwable e) {
        if (e instanceof IOException io && io.getMessage() != null && io.getMessage().matches("E[A-Z0-9]+")) {
            return io;
        }
        String name;
        if (e instanceof ClosedChannelException) {
            name = "EBADF";
        } else if (e instanceof NotYetConnectedException) {
            name = "ENOTCONN";
        } else if (e instanceof AlreadyConnectedException) {
            name = "EISCONN";
        } else if (e instanceof ConnectionPendingException) {
            name = "EALREADY";
        } else if (e instanceof AlreadyBoundException) {
            name = "EINVAL";
        } else if (e instanceof UnresolvedAddressException) {
            name = "EINVAL";
        } else if (e instanceof UnsupportedAddressTypeException) {
            name = "EAFNOSUPPORT";
        } else if (e instanceof java.net.PortUnreachableException) {
            name = "ECONNREFUSED";
        } else if (e instanceof java.net.SocketTimeoutException) {
            name = "ETIMEDOUT";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            name = "ENOENT";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            name = "EACCES";
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            name = "EADDRINUSE";
        } else if (e instanceof UnsupportedOperationException) {
            name = "EOPNOTSUPP";
        } else {
            name = "EIO";
            String m = e.getMessage();
            if (m != null) {
                for (String[] t : TEXTS) {
                    if (m.contains(t[0])) {
                        name = t[1];
                        break;
                    }
                }
            }
        }
        IOException mapped = error(name);
        mapped.initCause(e);
        return mapped;
    }
}
