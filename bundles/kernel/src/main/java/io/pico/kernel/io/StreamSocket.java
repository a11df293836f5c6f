package io.pico.kernel.io;

import io.pico.api.PassedObject;
import io.pico.api.Received;
import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketOptionName;
import io.pico.api.SocketType;
import io.pico.api.UnixAddress;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A stream socket: TCP over host channels, or a local stream socket. Local connections between pico
 * processes run through kernel buffers ({@link MemoryConduit}, which carry kernel objects); a local socket
 * bound to a path also listens on a host socket at that path, so host programs can connect to it, and a
 * pico process connecting to a path no kernel socket is bound to reaches the host socket there.
 *
 * <p>Java binds and listens in one step: a bound IPv4 or IPv6 socket already takes connections into the
 * host's backlog before the guest calls listen.
 */
final class StreamSocket extends KSocket {

    private enum State { NEW, BOUND, LISTENING, CONNECTING, CONNECTED }

    /** The host backlog of bound sockets (Java listens when it binds). */
    private static final int HOST_BACKLOG = 128;

    private State state = State.NEW;
    private SocketAddress local;
    private Object unixKey;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final List<SelectionKey> serverKeys = new ArrayList<>();
    private final ArrayDeque<StreamSocket> pending = new ArrayDeque<>();
    private int backlog = 1;
    private SocketChannel channel;
    private SelectionKey channelKey;
    private volatile Conduit conduit;
    private SocketAddress remote;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    StreamSocket(Net net, SocketFamily family, int owner) {
        super(net, family, SocketType.STREAM, owner);
    }

    /** Two local stream sockets connected to each other. */
    static SocketObject[] pair(Net net, int owner) {
        StreamSocket a = new StreamSocket(net, SocketFamily.UNIX, owner);
        StreamSocket b = new StreamSocket(net, SocketFamily.UNIX, owner);
        MemoryConduit[] ends = MemoryConduit.pair(owner, owner);
        a.connected(ends[0], UnixAddress.UNNAMED, UnixAddress.UNNAMED);
        b.connected(ends[1], UnixAddress.UNNAMED, UnixAddress.UNNAMED);
        return new SocketObject[] {a, b};
    }

    private synchronized void connected(Conduit c, SocketAddress localAddress, SocketAddress remoteAddress) {
        conduit = c;
        local = localAddress;
        remote = remoteAddress;
        state = State.CONNECTED;
    }

    // --- bind and listen ---------------------------------------------------------------------------------

    @Override
    public void bind(SocketAddress address) throws IOException {
        synchronized (this) {
            if (closed || state != State.NEW) {
                throw Net.error("EINVAL");
            }
            if (family == SocketFamily.UNIX) {
                bindUnix(address);
            } else {
                bindInet(Net.inet(address, family));
            }
            state = State.BOUND;
        }
    }

    private void bindInet(InetSocketAddress a) throws IOException {
        boolean dual = family == SocketFamily.INET6 && !flag(SocketOptionName.V6_ONLY);
        List<InetSocketAddress> targets = net.bindTargets(this, a, dual);
        if (!targets.get(0).equals(a)) {
            net.log("net: pid " + owner + ": bind to " + Net.format(a) + " binds " + targets.stream().map(Net::format)
                    .toList() + " (pico.net.policy=" + net.policy() + ")");
        }
        int attempts = a.getPort() == 0 && targets.size() > 1 ? 20 : 1;
        for (int attempt = 1;; attempt++) {
            List<ServerSocketChannel> opened = new ArrayList<>();
            int port = a.getPort();
            try {
                for (InetSocketAddress t : targets) {
                    ServerSocketChannel s = ServerSocketChannel.open(t.getAddress() instanceof Inet6Address
                            ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                    opened.add(s);
                    s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    if (flag(SocketOptionName.REUSE_PORT)) {
                        s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                    }
                    Long rcvbuf = explicit(SocketOptionName.RECEIVE_BUFFER);
                    if (rcvbuf != null) {
                        s.setOption(StandardSocketOptions.SO_RCVBUF, (int) Math.min(Integer.MAX_VALUE, rcvbuf));
                    }
                    s.bind(new InetSocketAddress(t.getAddress(), port), HOST_BACKLOG);
                    port = ((InetSocketAddress) s.getLocalAddress()).getPort();
                }
                listenOn(opened);
                local = new InetSocketAddress(a.getAddress(), port);
                return;
            } catch (IOException | RuntimeException e) {
                closeAll(opened);
                IOException m = Net.map(e);
                if (attempt < attempts && m.getMessage().equals("EADDRINUSE")) {
                    continue; // the free IPv6 port was taken on IPv4: another one
                }
                throw m;
            }
        }
    }

    private void bindUnix(SocketAddress address) throws IOException {
        if (!(address instanceof UnixAddress u)) {
            throw Net.error("EINVAL");
        }
        if (u.isUnnamed()) {
            autobind();
            return;
        }
        if (u.isAbstract()) {
            Object key = UnixNames.key(u);
            net.names.bind(key, this);
            unixKey = key;
            local = u;
            return;
        }
        ServerSocketChannel s = null;
        try {
            s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(u.hostPath()), HOST_BACKLOG);
        } catch (IOException | RuntimeException e) {
            closeAll(s == null ? List.of() : List.of(s));
            s = null;
            IOException m = Net.map(e);
            if (!m.getMessage().equals("ENAMETOOLONG")) {
                throw m;
            }
            // the host path is longer than a host socket address holds: a plain file marks the name, and only
            // pico processes can connect
            try {
                Files.createFile(u.hostPath());
            } catch (IOException e2) {
                throw Net.map(e2);
            }
        }
        Object key;
        try {
            key = UnixNames.key(u);
            net.names.bind(key, this);
        } catch (IOException e) {
            closeAll(s == null ? List.of() : List.of(s));
            throw e;
        }
        unixKey = key;
        local = u;
        if (s != null) {
            listenOn(List.of(s));
        }
    }

    /** Gives an unnamed local socket an abstract name of five hex digits, as Linux's autobind. */
    private void autobind() throws IOException {
        for (int i = 0; i < 1000; i++) {
            String name = String.format("%05x", ThreadLocalRandom.current().nextInt(0x100000));
            UnixAddress u = UnixAddress.abstractName(name);
            try {
                Object key = UnixNames.key(u);
                net.names.bind(key, this);
                unixKey = key;
                local = u;
                return;
            } catch (IOException e) {
                // taken: another one
            }
        }
        throw Net.error("EADDRINUSE");
    }

    private void listenOn(List<ServerSocketChannel> opened) throws IOException {
        NetPoller poller = net.poller();
        for (ServerSocketChannel s : opened) {
            serverKeys.add(poller.register(s, null));
            servers.add(s);
        }
    }

    private static void closeAll(List<? extends java.nio.channels.Channel> channels) {
        for (java.nio.channels.Channel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                // closing a channel that never worked
            }
        }
    }

    @Override
    public void listen(int requested) throws IOException {
        synchronized (this) {
            if (closed) {
                throw Net.error("EBADF");
            }
            switch (state) {
                case NEW -> {
                    if (family == SocketFamily.UNIX) {
                        autobind();
                    } else {
                        bindInet(Net.wildcard(family));
                    }
                }
                case BOUND, LISTENING -> {
                }
                default -> throw Net.error("EINVAL");
            }
            state = State.LISTENING;
            backlog = Math.max(1, Math.min(requested, 4096));
        }
        IoEvents.changed();
    }

    @Override
    public synchronized boolean listening() {
        return state == State.LISTENING;
    }

    // --- accept --------------------------------------------------------------------------------------------

    @Override
    public SocketObject accept(boolean nonBlocking) throws IOException, InterruptedException {
        while (true) {
            StreamSocket s = takePending();
            if (s != null) {
                IoEvents.changed();
                return s;
            }
            if (nonBlocking) {
                throw Net.error("EAGAIN");
            }
            await(this::acceptReady, timeout(SocketOptionName.RECEIVE_TIMEOUT));
        }
    }

    private synchronized StreamSocket takePending() throws IOException {
        if (closed) {
            throw Net.error("EBADF");
        }
        if (state != State.LISTENING) {
            throw Net.error("EINVAL");
        }
        if (pending.isEmpty()) {
            pollServers();
        }
        return pending.poll();
    }

    /** Takes the connections the host channels have, up to the backlog; called holding this. */
    private void pollServers() {
        for (ServerSocketChannel s : servers) {
            while (pending.size() < backlog) {
                SocketChannel c;
                try {
                    c = s.accept();
                } catch (IOException e) {
                    net.log("net: pid " + owner + ": accept on " + local + " failed: " + e);
                    break;
                }
                if (c == null) {
                    break;
                }
                try {
                    SocketAddress peer = c.getRemoteAddress();
                    if (!net.admits(peer)) {
                        net.log("net: pid " + owner + ": connection from " + peer + " to " + local
                                + " closed by pico.net.policy=" + net.policy());
                        c.close();
                        continue;
                    }
                    StreamSocket a = new StreamSocket(net, family, owner);
                    a.inherit(this);
                    SelectionKey key = net.poller().register(c, null);
                    a.adopt(c, key, family == SocketFamily.UNIX ? local : c.getLocalAddress(),
                            family == SocketFamily.UNIX ? UnixAddress.UNNAMED : peer);
                    pending.add(a);
                } catch (IOException e) {
                    closeAll(List.of(c));
                }
            }
        }
    }

    private void adopt(SocketChannel c, SelectionKey key, SocketAddress localAddress, SocketAddress peer)
            throws IOException {
        applyAll(c);
        connected(new ChannelConduit(net.poller(), c, key), localAddress, peer);
        synchronized (this) {
            channel = c;
            channelKey = key;
        }
    }

    /** Whether accept would not wait; asks the poller to watch the listening channels otherwise. */
    private synchronized boolean acceptReady() {
        if (closed || state != State.LISTENING || !pending.isEmpty()) {
            return true;
        }
        pollServers();
        if (!pending.isEmpty()) {
            return true;
        }
        for (SelectionKey k : serverKeys) {
            net.poller().arm(k, SelectionKey.OP_ACCEPT);
        }
        return false;
    }

    /** Queues a connection from a pico process; false when the backlog is full. */
    private boolean enqueue(StreamSocket s) throws IOException {
        synchronized (this) {
            if (closed || state != State.LISTENING) {
                throw Net.error("ECONNREFUSED");
            }
            if (pending.size() >= backlog) {
                return false;
            }
            pending.add(s);
        }
        IoEvents.changed();
        return true;
    }

    private synchronized boolean hasRoom() {
        return closed || state != State.LISTENING || pending.size() < backlog;
    }

    // --- connect -------------------------------------------------------------------------------------------

    @Override
    public void connect(SocketAddress address, boolean nonBlocking) throws IOException, InterruptedException {
        synchronized (this) {
            if (closed) {
                throw Net.error("EBADF");
            }
            switch (state) {
                case CONNECTED -> throw Net.error("EISCONN");
                case LISTENING -> throw Net.error("EINVAL");
                case CONNECTING -> {
                    if (nonBlocking) {
                        throw Net.error("EALREADY");
                    }
                }
                default -> {
                }
            }
        }
        if (state() == State.CONNECTING) {
            finishConnect();
            return;
        }
        if (family == SocketFamily.UNIX) {
            connectUnix(address, nonBlocking);
        } else {
            connectInet(Net.destination(Net.inet(address, family)), nonBlocking);
        }
    }

    private synchronized State state() {
        return state;
    }

    private void connectInet(InetSocketAddress to, boolean nonBlocking) throws IOException, InterruptedException {
        net.checkPeer(this, to, "connect to");
        SocketChannel c = SocketChannel.open(family == SocketFamily.INET ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6);
        SelectionKey key;
        boolean done;
        try {
            applyAll(c);
            synchronized (this) {
                if (state == State.BOUND) {
                    InetSocketAddress bound = (InetSocketAddress) servers.get(0).getLocalAddress();
                    for (ServerSocketChannel s : servers) {
                        InetSocketAddress b = (InetSocketAddress) s.getLocalAddress();
                        if (b.getAddress().getClass() == to.getAddress().getClass()) {
                            bound = b; // the bound address of the destination's IP version
                        }
                    }
                    closeServers();
                    c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    c.bind(bound);
                }
            }
            key = net.poller().register(c, null);
            done = c.connect(to);
        } catch (IOException | RuntimeException e) {
            closeAll(List.of(c));
            throw Net.map(e);
        }
        synchronized (this) {
            channel = c;
            channelKey = key;
            remote = to;
            state = State.CONNECTING;
        }
        if (done) {
            connectSettled();
        } else if (nonBlocking) {
            throw Net.error("EINPROGRESS");
        }
        finishConnect();
    }

    /** Waits for a connect going on and reports how it went (EINPROGRESS when SO_SNDTIMEO runs out, as Linux). */
    private void finishConnect() throws IOException, InterruptedException {
        try {
            await(this::connectSettled, timeout(SocketOptionName.SEND_TIMEOUT));
        } catch (IOException e) {
            throw "EAGAIN".equals(e.getMessage()) ? Net.error("EINPROGRESS") : e;
        }
        synchronized (this) {
            if (state != State.CONNECTED) {
                String e = takeError();
                throw Net.error(e == null ? "ECONNREFUSED" : e);
            }
        }
    }

    /** Whether a connect going on has ended (connected or failed); asks the poller to watch it otherwise. */
    private synchronized boolean connectSettled() {
        if (state != State.CONNECTING) {
            return true;
        }
        try {
            if (channel.finishConnect()) {
                channelKey.interestOpsAnd(~SelectionKey.OP_CONNECT);
                conduit = new ChannelConduit(net.poller(), channel, channelKey);
                local = channel.getLocalAddress();
                state = State.CONNECTED;
                IoEvents.changed();
                return true;
            }
            net.poller().arm(channelKey, SelectionKey.OP_CONNECT);
            return false;
        } catch (IOException | RuntimeException e) {
            error(Net.map(e).getMessage());
            channelKey.cancel();
            closeAll(List.of(channel));
            net.poller().wakeup();
            channel = null;
            channelKey = null;
            remote = null;
            state = State.NEW;
            IoEvents.changed();
            return true;
        }
    }

    private void connectUnix(SocketAddress address, boolean nonBlocking) throws IOException, InterruptedException {
        if (!(address instanceof UnixAddress u) || u.isUnnamed()) {
            throw Net.error("EINVAL");
        }
        KSocket target = net.names.lookup(u);
        if (target == null) {
            if (u.isAbstract()) {
                throw Net.error("ECONNREFUSED");
            }
            connectHost(u);
            return;
        }
        if (!(target instanceof StreamSocket listener)) {
            throw Net.error("EPROTOTYPE");
        }
        SocketAddress mine;
        synchronized (this) {
            mine = local == null ? UnixAddress.UNNAMED : local;
        }
        MemoryConduit[] ends = MemoryConduit.pair(owner, listener.owner);
        StreamSocket server = new StreamSocket(net, SocketFamily.UNIX, listener.owner);
        server.connected(ends[1], listener.localAddress(), mine);
        try {
            while (!listener.enqueue(server)) {
                if (nonBlocking) {
                    throw Net.error("EAGAIN");
                }
                await(listener::hasRoom, timeout(SocketOptionName.SEND_TIMEOUT));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.release();
            throw e;
        }
        connected(ends[0], mine, listener.localAddress());
        IoEvents.changed();
    }

    /** Connects to a host's local socket at the path. */
    private void connectHost(UnixAddress u) throws IOException {
        if (!Files.exists(u.hostPath())) {
            throw Net.error("ENOENT");
        }
        SocketChannel c = null;
        try {
            c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.configureBlocking(false);
            if (!c.connect(UnixDomainSocketAddress.of(u.hostPath()))) {
                // a local connect finishes at once or not at all
                if (!c.finishConnect()) {
                    throw Net.error("EAGAIN");
                }
            }
            SelectionKey key = net.poller().register(c, null);
            SocketAddress mine;
            synchronized (this) {
                mine = local == null ? UnixAddress.UNNAMED : local;
            }
            adopt(c, key, mine, u);
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                closeAll(List.of(c));
            }
            throw Net.map(e);
        }
    }

    // --- data ----------------------------------------------------------------------------------------------

    /** The conduit of a connected socket, waiting for a connect going on unless non-blocking. */
    private Conduit conduit(boolean nonBlocking) throws IOException, InterruptedException {
        State s = state();
        if (s == State.CONNECTING) {
            if (nonBlocking && !connectSettled()) {
                throw Net.error("EAGAIN");
            }
            finishConnect();
            s = state();
        }
        Conduit c = conduit;
        if (s != State.CONNECTED || c == null) {
            throw Net.error(closed ? "EBADF" : "ENOTCONN");
        }
        return c;
    }

    @Override
    public int send(ByteBuffer src, SocketAddress to, List<PassedObject> objects, int flags)
            throws IOException, InterruptedException {
        boolean nonBlocking = (flags & DONT_WAIT) != 0;
        if (outputShut) {
            throw Net.error("EPIPE");
        }
        Conduit c = conduit(nonBlocking);
        boolean passing = objects != null && !objects.isEmpty();
        if (passing && !c.passesObjects()) {
            throw Net.error("EOPNOTSUPP");
        }
        if (!src.hasRemaining()) {
            return 0;
        }
        List<PassedObject> held = retain(objects);
        int total = 0;
        try {
            while (src.hasRemaining()) {
                int n = c.write(src, held);
                if (n > 0) {
                    held = null; // they travel with the first byte
                    total += n;
                    continue;
                }
                if (nonBlocking) {
                    if (total == 0) {
                        throw Net.error("EAGAIN");
                    }
                    break;
                }
                try {
                    await(c::writeReady, timeout(SocketOptionName.SEND_TIMEOUT));
                } catch (IOException | InterruptedException e) {
                    if (total == 0) {
                        throw e;
                    }
                    break; // a signal or timeout after some bytes: the count of what went
                }
            }
        } finally {
            release(held);
        }
        return total;
    }

    @Override
    public Received receive(ByteBuffer dst, int flags) throws IOException, InterruptedException {
        boolean nonBlocking = (flags & DONT_WAIT) != 0;
        boolean peek = (flags & PEEK) != 0;
        boolean waitAll = (flags & WAIT_ALL) != 0 && !peek;
        Conduit c = conduit(nonBlocking);
        if (inputShut) {
            return new Received(-1, -1, null, List.of());
        }
        if (!dst.hasRemaining()) {
            return new Received(0, 0, null, List.of());
        }
        List<PassedObject> objects = c.passesObjects() ? new ArrayList<>() : null;
        int total = 0;
        while (dst.hasRemaining()) {
            int n = c.read(dst, peek, objects);
            if (n < 0) {
                if (total == 0) {
                    total = -1;
                }
                break;
            }
            total += n;
            if (n > 0 && (!waitAll || (objects != null && !objects.isEmpty()))) {
                break;
            }
            if (!dst.hasRemaining()) {
                break;
            }
            if (nonBlocking) {
                if (total == 0) {
                    throw Net.error("EAGAIN");
                }
                break;
            }
            try {
                await(c::readReady, timeout(SocketOptionName.RECEIVE_TIMEOUT));
            } catch (IOException | InterruptedException e) {
                if (total == 0) {
                    throw e;
                }
                break;
            }
        }
        return new Received(total, total, null, objects == null ? List.of() : objects);
    }

    @Override
    public void shutdown(boolean input, boolean output) throws IOException {
        Conduit c;
        synchronized (this) {
            if (state != State.CONNECTED) {
                throw Net.error("ENOTCONN");
            }
            c = conduit;
        }
        if (output && !outputShut) {
            outputShut = true;
            c.shutdownOutput();
        }
        if (input && !inputShut) {
            inputShut = true;
            c.shutdownInput();
        }
        IoEvents.changed();
    }

    // --- addresses and options -----------------------------------------------------------------------------

    @Override
    public synchronized SocketAddress localAddress() {
        if (local != null) {
            return local;
        }
        return family == SocketFamily.UNIX ? UnixAddress.UNNAMED : Net.wildcard(family);
    }

    @Override
    public synchronized SocketAddress remoteAddress() {
        return state == State.CONNECTED ? remote : null;
    }

    @Override
    public int peerPid() {
        Conduit c = conduit;
        return c == null ? 0 : c.peerPid();
    }

    @Override
    public long option(SocketOptionName name) throws IOException {
        if (name == SocketOptionName.RECEIVE_BUFFER || name == SocketOptionName.SEND_BUFFER) {
            NetworkChannel c = hostChannel();
            if (c != null && family != SocketFamily.UNIX) {
                try {
                    return c.getOption(name == SocketOptionName.RECEIVE_BUFFER ? StandardSocketOptions.SO_RCVBUF
                            : StandardSocketOptions.SO_SNDBUF);
                } catch (IOException | UnsupportedOperationException e) {
                    // fall back to the value kept
                }
            }
        }
        return super.option(name);
    }

    private synchronized NetworkChannel hostChannel() {
        if (channel != null) {
            return channel;
        }
        return servers.isEmpty() ? null : servers.get(0);
    }

    @Override
    void apply(SocketOptionName name, long value) throws IOException {
        NetworkChannel c;
        synchronized (this) {
            c = channel;
        }
        if (c != null) {
            applyOne(c, name, value);
        }
    }

    private void applyAll(SocketChannel c) throws IOException {
        for (SocketOptionName n : new SocketOptionName[] {SocketOptionName.NO_DELAY, SocketOptionName.KEEP_ALIVE,
            SocketOptionName.RECEIVE_BUFFER, SocketOptionName.SEND_BUFFER}) {
            Long v = explicit(n);
            if (v != null) {
                applyOne(c, n, v);
            }
        }
    }

    private void applyOne(NetworkChannel c, SocketOptionName name, long value) throws IOException {
        if (family == SocketFamily.UNIX) {
            return;
        }
        SocketOption<?> o = switch (name) {
            case NO_DELAY -> StandardSocketOptions.TCP_NODELAY;
            case KEEP_ALIVE -> StandardSocketOptions.SO_KEEPALIVE;
            case RECEIVE_BUFFER -> StandardSocketOptions.SO_RCVBUF;
            case SEND_BUFFER -> StandardSocketOptions.SO_SNDBUF;
            default -> null;
        };
        try {
            if (o == StandardSocketOptions.TCP_NODELAY || o == StandardSocketOptions.SO_KEEPALIVE) {
                @SuppressWarnings("unchecked")
                SocketOption<Boolean> b = (SocketOption<Boolean>) o;
                c.setOption(b, value != 0);
            } else if (o != null) {
                @SuppressWarnings("unchecked")
                SocketOption<Integer> i = (SocketOption<Integer>) o;
                c.setOption(i, (int) Math.min(Integer.MAX_VALUE, value));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the host does not take it: kept as the guest's value only
        }
    }

    // --- readiness -----------------------------------------------------------------------------------------

    @Override
    public boolean readable() {
        switch (state()) {
            case LISTENING:
                return acceptReady();
            case CONNECTING:
                return false;
            case CONNECTED:
                Conduit c = conduit;
                return inputShut || c.readReady();
            default:
                return true; // a read fails at once (ENOTCONN)
        }
    }

    @Override
    public boolean writable() {
        switch (state()) {
            case LISTENING:
                return false;
            case CONNECTING:
                return connectSettled();
            case CONNECTED:
                Conduit c = conduit;
                return outputShut || c.writeReady();
            default:
                return true;
        }
    }

    @Override
    public int available() {
        Conduit c = conduit;
        return c == null ? 0 : c.available();
    }

    // --- closing -------------------------------------------------------------------------------------------

    private void closeServers() {
        for (SelectionKey k : serverKeys) {
            k.cancel();
        }
        closeAll(servers);
        servers.clear();
        serverKeys.clear();
        net.poller().wakeup();
    }

    @Override
    void close() {
        List<StreamSocket> waiting;
        Conduit c;
        synchronized (this) {
            if (!servers.isEmpty()) {
                closeServers();
            }
            net.names.unbind(unixKey, this);
            unixKey = null;
            waiting = new ArrayList<>(pending);
            pending.clear();
            c = conduit;
            if (c == null && channel != null) {
                channelKey.cancel();
                closeAll(List.of(channel));
                net.poller().wakeup();
            }
        }
        if (c != null) {
            c.close();
        }
        for (StreamSocket s : waiting) {
            s.release();
        }
    }
}
