package io.pico.linux.sys;

import io.pico.linux.LinuxAbi;
import io.pico.api.IoObject;
import io.pico.api.PassedObject;
import io.pico.api.Received;
import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketOptionName;
import io.pico.api.SocketType;
import io.pico.api.UnixAddress;
import io.pico.linux.Errno;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.OpenFile;
import io.pico.linux.SignalDelivery;
import io.pico.linux.Signals;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.Handler;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sockets: socket, socketpair, bind, listen, accept, accept4, connect, the send and receive calls (with
 * SCM_RIGHTS between pico processes), shutdown, getsockname, getpeername, getsockopt and setsockopt, over
 * the kernel's socket objects ({@link SocketObject}). A socket descriptor is a description over a kernel
 * handle like a pipe's, so read, write, poll, select, epoll, dup, fork and a hot-swap snapshot treat it
 * as they treat any kernel object; its state lives in the kernel.
 */
final class NetCalls {

    static final int AF_UNSPEC = 0;
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_NONBLOCK = 04000;
    private static final int SOCK_CLOEXEC = 02000000;

    private static final int MSG_OOB = 1;
    private static final int MSG_PEEK = 2;
    private static final int MSG_CTRUNC = 8;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_WAITALL = 0x100;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int IPPROTO_IPV6 = 41;

    // the network error numbers, kept here so that the family does not depend on Errno knowing them
    private static final int ENOTSOCK = 88;
    private static final int EDESTADDRREQ = 89;
    private static final int EPROTONOSUPPORT = 93;
    private static final int ESOCKTNOSUPPORT = 94;
    private static final int EOPNOTSUPP = 95;
    private static final int EAFNOSUPPORT = 97;
    private static final int ENOPROTOOPT = 92;
    private static final int ENOTCONN = 107;
    private static final int EINPROGRESS = 115;
    private static final Map<String, Integer> ERRNOS = Map.ofEntries(Map.entry("EDESTADDRREQ", 89),
            Map.entry("EMSGSIZE", 90), Map.entry("EPROTOTYPE", 91), Map.entry("ENOPROTOOPT", 92),
            Map.entry("EPROTONOSUPPORT", 93), Map.entry("ESOCKTNOSUPPORT", 94), Map.entry("EOPNOTSUPP", 95),
            Map.entry("EAFNOSUPPORT", 97), Map.entry("EADDRINUSE", 98), Map.entry("EADDRNOTAVAIL", 99),
            Map.entry("ENETDOWN", 100), Map.entry("ENETUNREACH", 101), Map.entry("ECONNABORTED", 103),
            Map.entry("ECONNRESET", 104), Map.entry("ENOBUFS", 105), Map.entry("EISCONN", 106),
            Map.entry("ENOTCONN", 107), Map.entry("ETIMEDOUT", 110), Map.entry("ECONNREFUSED", 111),
            Map.entry("EHOSTUNREACH", 113), Map.entry("EALREADY", 114), Map.entry("EINPROGRESS", 115),
            Map.entry("EAGAIN", 11), Map.entry("EACCES", 13), Map.entry("EPIPE", 32), Map.entry("EINVAL", 22),
            Map.entry("EBADF", 9), Map.entry("ENOENT", 2), Map.entry("EPERM", 1), Map.entry("ENOTDIR", 20),
            Map.entry("ENAMETOOLONG", 36), Map.entry("EMFILE", 24), Map.entry("EROFS", 30), Map.entry("EIO", 5));

    /** The most bytes one call moves through a host buffer. */
    private static final int CHUNK = 1 << 20;
    private static final String NOTE_IO = "MSG_OOB unsupported; SCM_RIGHTS between pico processes over local sockets"
            + " (kernel objects only: not epoll or eventfd descriptors); SCM_CREDENTIALS ignored";
    private static final String NOTE_OPT = "SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST, SO_LINGER, "
            + "SO_RCVBUF, SO_SNDBUF, SO_RCVTIMEO, SO_SNDTIMEO, SO_OOBINLINE, TCP_NODELAY, IPV6_V6ONLY kept or applied; "
            + "SO_ERROR, SO_TYPE, SO_ACCEPTCONN, SO_PEERCRED, SO_DOMAIN, SO_PROTOCOL read; other IP and TCP tuning "
            + "accepted and ignored";

    private NetCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(41, "dxd", guard(NetCalls::socket));
        t.full(53, "dxdp", guard(NetCalls::socketpair));
        t.full(49, "dpd", guard(NetCalls::bind));
        t.full(50, "dd", guard(c -> {
            sock(c, c.intArg(0)).listen(c.intArg(1));
            return 0;
        }));
        t.full(43, "dpp", guard(c -> accept(c, 0)));
        t.full(288, "dppx", guard(c -> accept(c, c.intArg(3))));
        t.partial(42, "dpd", guard(NetCalls::connect), "IPv4 and IPv6 beyond loopback only as pico.net.policy "
                + "allows (else EACCES)");
        t.partial(44, "dpuxpd", guard(NetCalls::sendto), NOTE_IO);
        t.partial(45, "dpuxpp", guard(NetCalls::recvfrom), NOTE_IO);
        t.partial(46, "dpx", guard(c -> sendmsg(c, c.intArg(0), c.arg(1), c.intArg(2))), NOTE_IO);
        t.partial(47, "dpx", guard(c -> recvmsg(c, c.intArg(0), c.arg(1), c.intArg(2))), NOTE_IO);
        t.partial(307, "dpux", guard(NetCalls::sendmmsg), NOTE_IO);
        t.partial(299, "dpuxp", guard(NetCalls::recvmmsg), NOTE_IO + "; the timeout is ignored");
        t.full(48, "dd", guard(NetCalls::shutdown));
        t.full(51, "dpp", guard(c -> name(c, false)));
        t.full(52, "dpp", guard(c -> name(c, true)));
        t.partial(54, "dddpd", guard(NetCalls::setsockopt), NOTE_OPT);
        t.partial(55, "dddpp", guard(NetCalls::getsockopt), NOTE_OPT);
    }

    /** Runs a handler, turning the kernel's named socket failures into Linux error numbers. */
    private static Handler<Call> guard(Handler<Call> h) {
        return c -> {
            try {
                return h.call(c);
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                return -errno(e);
            }
        };
    }

    /** The Linux error number of a kernel failure. */
    static int errno(IOException e) {
        Integer n = e.getMessage() == null ? null : ERRNOS.get(e.getMessage());
        return n != null ? n : Errno.of(e);
    }

    // --- descriptors ---------------------------------------------------------------------------------------

    /** The socket behind a descriptor (EBADF, ENOTSOCK), its plain-I/O mode following the descriptor's. */
    private static SocketObject sock(Call c, int fd) {
        OpenFile f = c.state().fds().get(fd);
        if (!(f.io() instanceof SocketObject s)) {
            throw Errno.error(ENOTSOCK);
        }
        s.nonBlocking(f.nonblocking());
        return s;
    }

    private static boolean nonBlocking(Call c, int fd) {
        return c.state().fds().get(fd).nonblocking();
    }

    /** Installs a kernel object the caller holds one reference to as a new descriptor. */
    private static int install(Call c, IoObject io, int flags, boolean cloexec) {
        OpenFile f = OpenFile.adopt(c.process(), io, null, false, LinuxAbi.core(flags));
        try {
            return c.state().fds().install(f, cloexec, 0);
        } catch (RuntimeException e) {
            f.discard();
            throw e;
        }
    }

    private static SocketFamily family(int domain) {
        return switch (domain) {
            case AF_UNIX -> SocketFamily.UNIX;
            case AF_INET -> SocketFamily.INET;
            case AF_INET6 -> SocketFamily.INET6;
            default -> throw Errno.error(EAFNOSUPPORT);
        };
    }

    private static int domain(SocketFamily f) {
        return switch (f) {
            case UNIX -> AF_UNIX;
            case INET -> AF_INET;
            case INET6 -> AF_INET6;
        };
    }

    /** The socket type and its flags, checked against the family and protocol. */
    private static SocketType type(SocketFamily family, int type, int protocol) {
        if ((type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
            throw Errno.error(Errno.EINVAL);
        }
        SocketType t = switch (type & 0xf) {
            case SOCK_STREAM -> SocketType.STREAM;
            case SOCK_DGRAM -> SocketType.DATAGRAM;
            case SOCK_RAW -> throw Errno.error(Errno.EPERM);
            case 4, 5, 6, 10 -> throw Errno.error(ESOCKTNOSUPPORT); // RDM, SEQPACKET, DCCP, PACKET
            default -> throw Errno.error(Errno.EINVAL);
        };
        boolean ok = protocol == 0 || (family == SocketFamily.UNIX && protocol == AF_UNIX)
                || (family != SocketFamily.UNIX && t == SocketType.STREAM && protocol == IPPROTO_TCP)
                || (family != SocketFamily.UNIX && t == SocketType.DATAGRAM && protocol == IPPROTO_UDP);
        if (!ok) {
            throw Errno.error(family != SocketFamily.UNIX && protocol == 1 ? Errno.EACCES : EPROTONOSUPPORT);
        }
        return t;
    }

    /** Implements Linux socket(2). */
    private static long socket(Call c) throws IOException {
        SocketFamily family = family(c.intArg(0));
        int type = c.intArg(1);
        SocketType t = type(family, type, c.intArg(2));
        boolean nonBlocking = (type & SOCK_NONBLOCK) != 0;
        SocketObject s = c.kernel().socket(family, t, c.process());
        s.nonBlocking(nonBlocking);
        return install(c, s, LinuxAbi.O_RDWR | (nonBlocking ? LinuxAbi.O_NONBLOCK : 0), (type & SOCK_CLOEXEC) != 0);
    }

    /** Implements Linux socketpair(2): local sockets only, as on Linux. */
    private static long socketpair(Call c) {
        if (c.intArg(0) != AF_UNIX) {
            return c.intArg(0) == AF_INET || c.intArg(0) == AF_INET6 ? -EOPNOTSUPP : -EAFNOSUPPORT;
        }
        int type = c.intArg(1);
        SocketType t = type(SocketFamily.UNIX, type, c.intArg(2));
        long sv = c.arg(3);
        if (!c.mem().isMapped(sv, 8)) {
            return -Errno.EFAULT;
        }
        boolean nonBlocking = (type & SOCK_NONBLOCK) != 0;
        boolean cloexec = (type & SOCK_CLOEXEC) != 0;
        int flags = LinuxAbi.O_RDWR | (nonBlocking ? LinuxAbi.O_NONBLOCK : 0);
        SocketObject[] pair = c.kernel().socketPair(t, c.process());
        pair[0].nonBlocking(nonBlocking);
        pair[1].nonBlocking(nonBlocking);
        int a;
        try {
            a = install(c, pair[0], flags, cloexec);
        } catch (RuntimeException e) {
            pair[1].release();
            throw e;
        }
        int b;
        try {
            b = install(c, pair[1], flags, cloexec);
        } catch (RuntimeException e) {
            c.state().fds().close(a);
            throw e;
        }
        c.mem().putInt(sv, a);
        c.mem().putInt(sv + 4, b);
        return 0;
    }

    // --- addresses -----------------------------------------------------------------------------------------

    /**
     * Reads a struct sockaddr for a socket; null for AF_UNSPEC (dissolving a datagram association).
     * Path names of local sockets resolve in the process's root and working directory.
     */
    private static SocketAddress address(Call c, SocketObject s, long addr, int len, boolean binding) {
        if (len < 0 || len > 4096) {
            throw Errno.error(Errno.EINVAL);
        }
        if (addr == 0 || len < 2) {
            throw Errno.error(addr == 0 && len > 0 ? Errno.EFAULT : Errno.EINVAL);
        }
        ByteBuffer b = ByteBuffer.wrap(c.read(addr, Math.min(len, 128)));
        int family = b.order(ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xffff;
        b.order(ByteOrder.BIG_ENDIAN);
        if (family == AF_UNSPEC && s.type() == SocketType.DATAGRAM && !binding) {
            return null;
        }
        if (family != domain(s.family())) {
            if (binding && s.family() == SocketFamily.INET && family == AF_UNSPEC && len >= 16 && b.getInt(4) == 0) {
                family = AF_INET; // Linux takes AF_UNSPEC with INADDR_ANY for an IPv4 bind
            } else {
                throw Errno.error(binding ? Errno.EINVAL : EAFNOSUPPORT);
            }
        }
        try {
            switch (family) {
                case AF_INET -> {
                    if (len < 16) {
                        throw Errno.error(Errno.EINVAL);
                    }
                    byte[] ip = new byte[4];
                    b.get(4, ip);
                    return new InetSocketAddress(InetAddress.getByAddress(ip), b.getShort(2) & 0xffff);
                }
                case AF_INET6 -> {
                    if (len < 24) {
                        throw Errno.error(Errno.EINVAL);
                    }
                    byte[] ip = new byte[16];
                    b.get(8, ip);
                    int port = b.getShort(2) & 0xffff;
                    int scope = len >= 28 ? b.order(ByteOrder.LITTLE_ENDIAN).getInt(24) : 0;
                    InetAddress a = InetAddress.getByAddress(ip);
                    if (scope != 0 && a instanceof Inet6Address) {
                        a = Inet6Address.getByAddress(null, ip, scope);
                    }
                    return new InetSocketAddress(a, port);
                }
                default -> {
                    return unixAddress(c, b.array(), Math.min(len, 110));
                }
            }
        } catch (UnknownHostException e) {
            throw Errno.error(Errno.EINVAL);
        }
    }

    private static UnixAddress unixAddress(Call c, byte[] raw, int len) {
        if (len <= 2) {
            return UnixAddress.UNNAMED;
        }
        if (raw[2] == 0) {
            return UnixAddress.abstractName(new String(raw, 3, len - 3, StandardCharsets.ISO_8859_1));
        }
        int end = 2;
        while (end < len && raw[end] != 0) {
            end++;
        }
        String path = new String(raw, 2, end - 2, StandardCharsets.UTF_8);
        GuestFs.Resolved r = c.fs().resolve(c.state().cwd(), path, false);
        if (r.synthetic()) {
            throw Errno.error(Errno.EACCES);
        }
        return UnixAddress.path(path, c.fs().secure(r));
    }

    /** Encodes an address as the socket's struct sockaddr (IPv4 peers of IPv6 sockets as mapped addresses). */
    private static byte[] encode(SocketObject s, SocketAddress a) {
        if (a instanceof InetSocketAddress isa) {
            byte[] ip = isa.getAddress() == null ? new byte[4] : isa.getAddress().getAddress();
            if (s.family() == SocketFamily.INET6) {
                ByteBuffer b = ByteBuffer.allocate(28);
                b.order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) AF_INET6);
                b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) isa.getPort());
                if (ip.length == 4) {
                    b.put(18, (byte) 0xff).put(19, (byte) 0xff).put(20, ip);
                } else {
                    b.put(8, ip);
                    if (isa.getAddress() instanceof Inet6Address a6) {
                        b.order(ByteOrder.LITTLE_ENDIAN).putInt(24, a6.getScopeId());
                    }
                }
                return b.array();
            }
            ByteBuffer b = ByteBuffer.allocate(16);
            b.order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) AF_INET);
            b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) isa.getPort());
            if (ip.length == 4) {
                b.put(4, ip);
            }
            return b.array();
        }
        UnixAddress u = a instanceof UnixAddress ua ? ua : UnixAddress.UNNAMED;
        byte[] name = u.name().getBytes(u.isAbstract() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        if (u.isUnnamed()) {
            return new byte[] {AF_UNIX, 0};
        }
        byte[] out = new byte[u.isAbstract() ? 3 + name.length : 3 + name.length];
        out[0] = AF_UNIX;
        if (u.isAbstract()) {
            System.arraycopy(name, 0, out, 3, name.length);
        } else {
            System.arraycopy(name, 0, out, 2, name.length);
        }
        return out;
    }

    /** Writes an address to {@code addr} with its length at {@code lenPtr} (value-result), as Linux truncates. */
    private static void putAddress(Call c, long addr, long lenPtr, byte[] encoded) {
        if (addr == 0 || lenPtr == 0) {
            return;
        }
        int room = c.mem().getInt(lenPtr);
        if (room < 0) {
            throw Errno.error(Errno.EINVAL);
        }
        c.write(addr, Arrays.copyOf(encoded, Math.min(room, encoded.length)));
        c.mem().putInt(lenPtr, encoded.length);
    }

    // --- bind, listen, accept, connect ---------------------------------------------------------------------

    /** Implements Linux bind(2). */
    private static long bind(Call c) throws IOException {
        SocketObject s = sock(c, c.intArg(0));
        SocketAddress a = address(c, s, c.arg(1), c.intArg(2), true);
        s.bind(a);
        return 0;
    }

    /** Implements Linux accept(2) and accept4(2). */
    private static long accept(Call c, int flags) throws IOException, InterruptedException {
        if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
            return -Errno.EINVAL;
        }
        int fd = c.intArg(0);
        SocketObject s = sock(c, fd);
        if (s.type() != SocketType.STREAM) {
            return -EOPNOTSUPP;
        }
        SocketObject a = s.accept(nonBlocking(c, fd));
        boolean nb = (flags & SOCK_NONBLOCK) != 0;
        a.nonBlocking(nb);
        int nfd = install(c, a, LinuxAbi.O_RDWR | (nb ? LinuxAbi.O_NONBLOCK : 0), (flags & SOCK_CLOEXEC) != 0);
        SocketAddress peer = a.remoteAddress();
        putAddress(c, c.arg(1), c.arg(2), encode(a, peer == null ? UnixAddress.UNNAMED : peer));
        return nfd;
    }

    /** Implements Linux connect(2); a non-blocking connect that goes on returns EINPROGRESS. */
    private static long connect(Call c) throws IOException, InterruptedException {
        int fd = c.intArg(0);
        SocketObject s = sock(c, fd);
        SocketAddress a = address(c, s, c.arg(1), c.intArg(2), false);
        if (a == null && s.type() == SocketType.STREAM) {
            return -EAFNOSUPPORT;
        }
        try {
            s.connect(a, nonBlocking(c, fd));
        } catch (IOException e) {
            if ("EINPROGRESS".equals(e.getMessage())) {
                return -EINPROGRESS;
            }
            throw e;
        }
        return 0;
    }

    /** Implements Linux getsockname(2) and getpeername(2). */
    private static long name(Call c, boolean peer) {
        SocketObject s = sock(c, c.intArg(0));
        SocketAddress a = peer ? s.remoteAddress() : s.localAddress();
        if (a == null) {
            return -ENOTCONN;
        }
        if (c.arg(1) == 0 || c.arg(2) == 0) {
            return -Errno.EFAULT;
        }
        putAddress(c, c.arg(1), c.arg(2), encode(s, a));
        return 0;
    }

    /** Implements Linux shutdown(2). */
    private static long shutdown(Call c) throws IOException {
        SocketObject s = sock(c, c.intArg(0));
        int how = c.intArg(1);
        if (how < 0 || how > 2) {
            return -Errno.EINVAL;
        }
        s.shutdown(how != 1, how != 0);
        return 0;
    }

    // --- data ----------------------------------------------------------------------------------------------

    private static int receiveFlags(Call c, int fd, int flags) {
        if ((flags & MSG_OOB) != 0) {
            throw Errno.error(Errno.EINVAL);
        }
        return ((flags & MSG_PEEK) != 0 ? SocketObject.PEEK : 0) | ((flags & MSG_WAITALL) != 0 ? SocketObject.WAIT_ALL
                : 0) | ((flags & MSG_DONTWAIT) != 0 || nonBlocking(c, fd) ? SocketObject.DONT_WAIT : 0);
    }

    /** Sends, raising SIGPIPE on EPIPE unless MSG_NOSIGNAL. */
    private static int send(Call c, SocketObject s, ByteBuffer data, SocketAddress to, List<PassedObject> objects,
            int fd, int flags) throws IOException, InterruptedException {
        if ((flags & MSG_OOB) != 0) {
            throw Errno.error(EOPNOTSUPP);
        }
        int mode = (flags & MSG_DONTWAIT) != 0 || nonBlocking(c, fd) ? SocketObject.DONT_WAIT : 0;
        try {
            return s.send(data, to, objects, mode);
        } catch (IOException e) {
            if ("EPIPE".equals(e.getMessage()) && (flags & MSG_NOSIGNAL) == 0) {
                SignalDelivery.raise(c.kernel(), c.process(), Signals.SIGPIPE, "");
            }
            throw e;
        }
    }

    /** Implements Linux sendto(2) (and send). */
    private static long sendto(Call c) throws IOException, InterruptedException {
        int fd = c.intArg(0);
        SocketObject s = sock(c, fd);
        long buf = c.arg(1);
        long len = Math.min(c.arg(2), IoCalls.MAX_RW);
        int flags = c.intArg(3);
        SocketAddress to = c.arg(4) == 0 ? null : address(c, s, c.arg(4), c.intArg(5), false);
        if (len < 0) {
            return -Errno.EINVAL;
        }
        if (s.type() == SocketType.DATAGRAM) {
            return send(c, s, ByteBuffer.wrap(c.read(buf, (int) len)), to, null, fd, flags);
        }
        long done = 0;
        do {
            int n = (int) Math.min(CHUNK, len - done);
            int w;
            try {
                w = send(c, s, ByteBuffer.wrap(c.read(buf + done, n)), to, null, fd, flags);
            } catch (IOException | InterruptedException e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            done += w;
            if (w < n) {
                break;
            }
        } while (done < len);
        return done;
    }

    /** Implements Linux recvfrom(2) (and recv); passed objects are discarded, as on Linux. */
    private static long recvfrom(Call c) throws IOException, InterruptedException {
        int fd = c.intArg(0);
        SocketObject s = sock(c, fd);
        long len = c.arg(2);
        if (len < 0) {
            return -Errno.EINVAL;
        }
        int flags = c.intArg(3);
        int mode = receiveFlags(c, fd, flags);
        int cap = (int) Math.min(len, (mode & SocketObject.WAIT_ALL) != 0 ? 16 * CHUNK : CHUNK);
        ByteBuffer b = ByteBuffer.allocate(cap);
        Received r = s.receive(b, mode);
        for (PassedObject p : r.objects()) {
            p.object().release();
        }
        int n = Math.max(0, r.length());
        if (n > 0) {
            c.mem().write(c.arg(1), b.array(), 0, n);
        }
        if (c.arg(4) != 0 && r.from() != null) {
            putAddress(c, c.arg(4), c.arg(5), encode(s, r.from()));
        } else if (c.arg(5) != 0 && c.arg(4) != 0) {
            c.mem().putInt(c.arg(5), 0);
        }
        return (flags & MSG_TRUNC) != 0 && s.type() == SocketType.DATAGRAM ? r.fullLength() : n;
    }

    /** The iovecs of a msghdr as (address, length) pairs. */
    private static long[][] iovecs(Call c, long iov, long count) {
        if (count < 0 || count > 1024) {
            throw Errno.error(90); // EMSGSIZE
        }
        long[][] v = new long[(int) count][2];
        for (int i = 0; i < count; i++) {
            v[i][0] = c.mem().getLong(iov + 16L * i);
            v[i][1] = c.mem().getLong(iov + 16L * i + 8);
            if (v[i][1] < 0) {
                throw Errno.error(Errno.EINVAL);
            }
        }
        return v;
    }

    /** Implements Linux sendmsg(2): gathered data, a destination, SCM_RIGHTS. */
    static long sendmsg(Call c, int fd, long msg, int flags) throws IOException, InterruptedException {
        SocketObject s = sock(c, fd);
        long name = c.mem().getLong(msg);
        int nameLen = c.mem().getInt(msg + 8);
        long[][] iov = iovecs(c, c.mem().getLong(msg + 16), c.mem().getLong(msg + 24));
        long control = c.mem().getLong(msg + 32);
        long controlLen = c.mem().getLong(msg + 40);
        SocketAddress to = name == 0 || nameLen == 0 ? null : address(c, s, name, nameLen, false);
        long total = 0;
        for (long[] v : iov) {
            total += v[1];
        }
        int size = (int) Math.min(total, 16L * CHUNK);
        byte[] data = new byte[size];
        int at = 0;
        for (long[] v : iov) {
            int part = (int) Math.min(v[1], size - at);
            if (part > 0) {
                c.mem().read(v[0], data, at, part);
                at += part;
            }
        }
        List<PassedObject> objects = rights(c, control, controlLen);
        return send(c, s, ByteBuffer.wrap(data), to, objects, fd, flags);
    }

    /** The descriptors of SCM_RIGHTS control messages, as the kernel objects behind them. */
    private static List<PassedObject> rights(Call c, long control, long length) {
        if (control == 0 || length < 16) {
            return null;
        }
        if (length > 1 << 16) {
            throw Errno.error(105); // ENOBUFS
        }
        List<PassedObject> objects = new ArrayList<>();
        long at = 0;
        while (at + 16 <= length) {
            long len = c.mem().getLong(control + at);
            int level = c.mem().getInt(control + at + 8);
            int type = c.mem().getInt(control + at + 12);
            if (len < 16 || at + len > length) {
                throw Errno.error(Errno.EINVAL);
            }
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                for (long p = 16; p + 4 <= len; p += 4) {
                    OpenFile f = c.state().fds().get(c.mem().getInt(control + at + p));
                    if (f.io() == null) {
                        if (c.state().firstUnknown(-4600)) {
                            c.kernel().log("linux: pid " + c.process().pid() + ": SCM_RIGHTS of a descriptor without a "
                                    + "kernel object (directory, epoll, eventfd, /proc file) is not supported");
                        }
                        throw Errno.error(Errno.EINVAL);
                    }
                    objects.add(new PassedObject(f.io(), LinuxAbi.guest(f.flags())));
                }
            }
            at += (len + 7) & ~7L;
        }
        return objects.isEmpty() ? null : objects;
    }

    /** Implements Linux recvmsg(2): scattered data, the sender's address, SCM_RIGHTS. */
    static long recvmsg(Call c, int fd, long msg, int flags) throws IOException, InterruptedException {
        SocketObject s = sock(c, fd);
        long name = c.mem().getLong(msg);
        long[][] iov = iovecs(c, c.mem().getLong(msg + 16), c.mem().getLong(msg + 24));
        long control = c.mem().getLong(msg + 32);
        long controlLen = c.mem().getLong(msg + 40);
        int mode = receiveFlags(c, fd, flags);
        long total = 0;
        for (long[] v : iov) {
            total += v[1];
        }
        int cap = (int) Math.min(total, (mode & SocketObject.WAIT_ALL) != 0 ? 16 * CHUNK : CHUNK);
        ByteBuffer b = ByteBuffer.allocate(cap);
        Received r = s.receive(b, mode);
        int n = Math.max(0, r.length());
        int at = 0;
        for (long[] v : iov) {
            int part = (int) Math.min(v[1], n - at);
            if (part <= 0) {
                break;
            }
            c.mem().write(v[0], b.array(), at, part);
            at += part;
        }
        if (name != 0) {
            if (r.from() != null) {
                byte[] enc = encode(s, r.from());
                int room = c.mem().getInt(msg + 8);
                c.write(name, Arrays.copyOf(enc, Math.max(0, Math.min(room, enc.length))));
                c.mem().putInt(msg + 8, enc.length);
            } else {
                c.mem().putInt(msg + 8, 0);
            }
        }
        int outFlags = r.truncated() ? MSG_TRUNC : 0;
        List<PassedObject> objects = r.objects();
        long used = 0;
        if (!objects.isEmpty()) {
            int fit = control == 0 || controlLen < 16 ? 0 : (int) Math.min(objects.size(), (controlLen - 16) / 4);
            if (fit < objects.size()) {
                outFlags |= MSG_CTRUNC;
            }
            boolean cloexec = (flags & MSG_CMSG_CLOEXEC) != 0;
            int[] fds = new int[fit];
            int installed = 0;
            try {
                for (; installed < fit; installed++) {
                    PassedObject p = objects.get(installed);
                    fds[installed] = install(c, p.object(), p.flags() & ~LinuxAbi.O_CLOEXEC, cloexec);
                }
            } catch (RuntimeException e) {
                // out of descriptors: the rest are closed, as Linux truncates the message
                outFlags |= MSG_CTRUNC;
                for (int i = installed + 1; i < objects.size(); i++) {
                    objects.get(i).object().release();
                }
                fit = installed;
                objects = objects.subList(0, installed);
                if (installed == 0) {
                    throw e;
                }
            }
            for (int i = fit; i < objects.size(); i++) {
                objects.get(i).object().release();
            }
            if (fit > 0) {
                ByteBuffer cm = ByteBuffer.allocate(16 + 4 * fit).order(ByteOrder.LITTLE_ENDIAN);
                cm.putLong(16 + 4L * fit).putInt(SOL_SOCKET).putInt(SCM_RIGHTS);
                for (int i = 0; i < fit; i++) {
                    cm.putInt(fds[i]);
                }
                c.write(control, cm.array());
                used = Math.min(controlLen, (16 + 4L * fit + 7) & ~7L);
            }
        }
        if (control != 0) {
            c.mem().putLong(msg + 40, used);
        }
        c.mem().putInt(msg + 48, outFlags);
        return (flags & MSG_TRUNC) != 0 && s.type() == SocketType.DATAGRAM ? r.fullLength() : n;
    }

    /** Implements Linux sendmmsg(2): messages until one would block or fails. */
    private static long sendmmsg(Call c) throws IOException, InterruptedException {
        int fd = c.intArg(0);
        long vec = c.arg(1);
        int count = (int) Math.min(c.arg(2) & 0xffff_ffffL, 1024);
        int flags = c.intArg(3);
        int done = 0;
        for (; done < count; done++) {
            long m = vec + 64L * done;
            long n;
            try {
                n = sendmsg(c, fd, m, done == 0 ? flags : flags | MSG_DONTWAIT);
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (done > 0) {
                    break;
                }
                throw e;
            }
            c.mem().putInt(m + 56, (int) n);
        }
        return done;
    }

    /** Implements Linux recvmmsg(2): the first message as asked, the others while they are there. */
    private static long recvmmsg(Call c) throws IOException, InterruptedException {
        int fd = c.intArg(0);
        long vec = c.arg(1);
        int count = (int) Math.min(c.arg(2) & 0xffff_ffffL, 1024);
        int flags = c.intArg(3) & ~MSG_WAITFORONE;
        int done = 0;
        for (; done < count; done++) {
            long m = vec + 64L * done;
            long n;
            try {
                n = recvmsg(c, fd, m, done == 0 ? flags : flags | MSG_DONTWAIT);
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (done > 0) {
                    break;
                }
                throw e;
            }
            c.mem().putInt(m + 56, (int) n);
        }
        return done;
    }

    // --- options -------------------------------------------------------------------------------------------

    private static SocketOptionName option(int level, int name) {
        if (level == SOL_SOCKET) {
            return switch (name) {
                case 2 -> SocketOptionName.REUSE_ADDRESS;
                case 6 -> SocketOptionName.BROADCAST;
                case 7, 32 -> SocketOptionName.SEND_BUFFER;
                case 8, 33 -> SocketOptionName.RECEIVE_BUFFER;
                case 9 -> SocketOptionName.KEEP_ALIVE;
                case 10 -> SocketOptionName.OOB_INLINE;
                case 13 -> SocketOptionName.LINGER;
                case 15 -> SocketOptionName.REUSE_PORT;
                case 20 -> SocketOptionName.RECEIVE_TIMEOUT;
                case 21 -> SocketOptionName.SEND_TIMEOUT;
                default -> null;
            };
        }
        if (level == IPPROTO_TCP && name == 1) {
            return SocketOptionName.NO_DELAY;
        }
        if (level == IPPROTO_IPV6 && name == 26) {
            return SocketOptionName.V6_ONLY;
        }
        return null;
    }

    /** Options accepted and ignored: IP and TCP tuning, credentials passing, timestamps, priorities. */
    private static boolean ignored(int level, int name) {
        return switch (level) {
            case SOL_SOCKET -> name == 1 || name == 5 || name == 11 || name == 12 || name == 14 || name == 16
                    || name == 18 || name == 19 || name == 29 || name == 34 || name == 35 || name == 36 || name == 46
                    || name == 47 || name == 50;
            case IPPROTO_IP, IPPROTO_IPV6, IPPROTO_UDP -> true;
            case IPPROTO_TCP -> name != 11; // TCP_INFO has no answer here
            default -> false;
        };
    }

    /** Implements Linux setsockopt(2). */
    private static long setsockopt(Call c) throws IOException {
        SocketObject s = sock(c, c.intArg(0));
        int level = c.intArg(1);
        int name = c.intArg(2);
        long val = c.arg(3);
        int len = c.intArg(4);
        if (len < 0) {
            return -Errno.EINVAL;
        }
        SocketOptionName o = option(level, name);
        if (o == null) {
            return ignored(level, name) ? 0 : -ENOPROTOOPT;
        }
        long value;
        switch (o) {
            case LINGER -> {
                if (len < 8) {
                    return -Errno.EINVAL;
                }
                value = c.mem().getInt(val) != 0 ? Math.max(0, c.mem().getInt(val + 4)) : -1;
            }
            case RECEIVE_TIMEOUT, SEND_TIMEOUT -> {
                if (len < 16) {
                    return -Errno.EINVAL;
                }
                long sec = c.mem().getLong(val);
                long usec = c.mem().getLong(val + 8);
                if (usec < 0 || usec >= 1_000_000) {
                    return -33; // EDOM, as Linux
                }
                value = sec < 0 ? 0 : sec * 1_000_000_000L + usec * 1000;
            }
            default -> {
                if (len < 4) {
                    return -Errno.EINVAL;
                }
                value = c.mem().getInt(val);
                if (o == SocketOptionName.RECEIVE_BUFFER || o == SocketOptionName.SEND_BUFFER) {
                    value = Math.max(value, 1024);
                } else {
                    value = value != 0 ? 1 : 0;
                }
            }
        }
        s.option(o, value);
        return 0;
    }

    /** Implements Linux getsockopt(2). */
    private static long getsockopt(Call c) throws IOException {
        SocketObject s = sock(c, c.intArg(0));
        int level = c.intArg(1);
        int name = c.intArg(2);
        long val = c.arg(3);
        long lenPtr = c.arg(4);
        if (lenPtr == 0) {
            return -Errno.EFAULT;
        }
        int room = c.mem().getInt(lenPtr);
        if (room < 0) {
            return -Errno.EINVAL;
        }
        ByteBuffer out;
        SocketOptionName o = option(level, name);
        if (o == SocketOptionName.LINGER) {
            long v = s.option(o);
            out = ints(v < 0 ? 0 : 1, (int) Math.max(0, v));
        } else if (o == SocketOptionName.RECEIVE_TIMEOUT || o == SocketOptionName.SEND_TIMEOUT) {
            long v = s.option(o);
            out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(v / 1_000_000_000L)
                    .putLong(v % 1_000_000_000L / 1000);
        } else if (o != null) {
            out = ints((int) Math.min(Integer.MAX_VALUE, s.option(o)));
        } else if (level == SOL_SOCKET) {
            out = switch (name) {
                case 3 -> ints(s.type() == SocketType.STREAM ? SOCK_STREAM : SOCK_DGRAM); // SO_TYPE
                case 4 -> { // SO_ERROR
                    String e = s.takeError();
                    yield ints(e == null ? 0 : errno(new IOException(e)));
                }
                case 17 -> ints(s.peerPid(), HostIds.uid(), HostIds.gid()); // SO_PEERCRED
                case 30 -> ints(s.listening() ? 1 : 0); // SO_ACCEPTCONN
                case 38 -> ints(s.family() == SocketFamily.UNIX ? 0 // SO_PROTOCOL
                        : s.type() == SocketType.STREAM ? IPPROTO_TCP : IPPROTO_UDP);
                case 39 -> ints(domain(s.family())); // SO_DOMAIN
                case 18, 19 -> ints(1); // SO_RCVLOWAT, SO_SNDLOWAT
                default -> ignored(level, name) ? ints(0) : null;
            };
        } else if (level == IPPROTO_TCP && name == 2) {
            out = ints(65483); // TCP_MAXSEG of loopback
        } else if (level == IPPROTO_IP && name == 2) {
            out = ints(64); // IP_TTL
        } else {
            out = ignored(level, name) ? ints(0) : null;
        }
        if (out == null) {
            return -ENOPROTOOPT;
        }
        byte[] bytes = out.array();
        int n = Math.min(room, bytes.length);
        c.write(val, Arrays.copyOf(bytes, n));
        c.mem().putInt(lenPtr, n);
        return 0;
    }

    private static ByteBuffer ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b;
    }
}
