package io.pico.kernel.io;

import io.pico.api.PassedObject;
import io.pico.api.Received;
import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketOptionName;
import io.pico.api.SocketType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * A UDP socket over a host datagram channel. Readiness of reading is found by receiving ahead one
 * datagram (which also serves peeking and truncation). Under the loopback policy an unbound socket binds
 * loopback before it sends, and datagrams from other addresses are dropped.
 */
final class UdpSocket extends KSocket implements NetPoller.Ready {

    /** The largest UDP payload. */
    private static final int MAX_DATAGRAM = 65535;

    private final DatagramChannel channel;
    private final SelectionKey key;
    private final Object receiveLock = new Object();
    private final ByteBuffer ahead = ByteBuffer.allocate(MAX_DATAGRAM);
    private boolean haveAhead;
    private SocketAddress aheadFrom;
    private IOException failure;
    private volatile boolean full;
    private SocketAddress local;
    private InetSocketAddress remote;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    UdpSocket(Net net, SocketFamily family, int owner) throws IOException {
        super(net, family, SocketType.DATAGRAM, owner);
        try {
            channel = DatagramChannel.open(family == SocketFamily.INET ? StandardProtocolFamily.INET
                    : StandardProtocolFamily.INET6);
        } catch (IOException | UnsupportedOperationException e) {
            throw Net.map(e);
        }
        key = net.poller().register(channel, this);
    }

    @Override
    public void ready(int ops) {
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            full = false;
        }
    }

    @Override
    public void bind(SocketAddress address) throws IOException {
        InetSocketAddress a = Net.inet(address, family);
        synchronized (this) {
            if (closed || local != null) {
                throw Net.error("EINVAL");
            }
            List<InetSocketAddress> targets = net.bindTargets(this, a, false);
            if (!targets.get(0).equals(a)) {
                net.log("net: pid " + owner + ": bind to " + Net.format(a) + " binds " + Net.format(targets.get(0))
                        + " (pico.net.policy=" + net.policy() + ")");
            }
            try {
                if (flag(SocketOptionName.REUSE_ADDRESS)) {
                    channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                }
                if (flag(SocketOptionName.REUSE_PORT)) {
                    channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                channel.bind(targets.get(0));
                local = new InetSocketAddress(a.getAddress(), ((InetSocketAddress) channel.getLocalAddress()).getPort());
            } catch (IOException | RuntimeException e) {
                throw Net.map(e);
            }
        }
    }

    /** Binds an unbound socket before it sends: to loopback under the loopback policy. */
    private synchronized void ensureBound(InetSocketAddress toward) throws IOException {
        if (local != null) {
            return;
        }
        try {
            channel.bind(net.implicitBind(toward));
            local = channel.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            throw Net.map(e);
        }
    }

    @Override
    public void listen(int backlog) throws IOException {
        throw Net.error("EOPNOTSUPP");
    }

    @Override
    public SocketObject accept(boolean nonBlocking) throws IOException {
        throw Net.error("EOPNOTSUPP");
    }

    @Override
    public void connect(SocketAddress address, boolean nonBlocking) throws IOException {
        if (address == null) {
            synchronized (this) {
                remote = null;
                try {
                    if (channel.isConnected()) {
                        channel.disconnect();
                    }
                } catch (IOException e) {
                    throw Net.map(e);
                }
            }
            return;
        }
        InetSocketAddress to = Net.destination(Net.inet(address, family));
        net.checkPeer(this, to, "connect to");
        ensureBound(to);
        synchronized (this) {
            try {
                if (channel.isConnected()) {
                    channel.disconnect();
                }
                channel.connect(to);
            } catch (IOException | RuntimeException e) {
                throw Net.map(e);
            }
            remote = to;
        }
        synchronized (receiveLock) {
            if (haveAhead && !to.equals(aheadFrom)) {
                haveAhead = false;
            }
        }
    }

    @Override
    public int send(ByteBuffer src, SocketAddress to, List<PassedObject> objects, int flags)
            throws IOException, InterruptedException {
        if (objects != null && !objects.isEmpty()) {
            throw Net.error("EOPNOTSUPP");
        }
        if (outputShut) {
            throw Net.error("EPIPE");
        }
        InetSocketAddress dest;
        InetSocketAddress connected;
        synchronized (this) {
            connected = remote;
        }
        if (to == null) {
            if (connected == null) {
                throw Net.error("EDESTADDRREQ");
            }
            dest = connected;
        } else {
            dest = Net.destination(Net.inet(to, family));
            net.checkPeer(this, dest, "send to");
        }
        ensureBound(dest);
        if (src.remaining() > MAX_DATAGRAM - 28) {
            throw Net.error("EMSGSIZE");
        }
        int length = src.remaining();
        while (true) {
            int n;
            try {
                synchronized (this) {
                    n = remote != null && dest.equals(remote) ? channel.write(src) : channel.send(src, dest);
                }
            } catch (IOException | RuntimeException e) {
                throw Net.map(e);
            }
            if (n > 0 || length == 0) {
                return n;
            }
            if ((flags & DONT_WAIT) != 0) {
                throw Net.error("EAGAIN");
            }
            full = true;
            net.poller().arm(key, SelectionKey.OP_WRITE);
            await(this::writable, timeout(SocketOptionName.SEND_TIMEOUT));
        }
    }

    /** Receives one datagram ahead when there is none; called holding the receive lock. */
    private void fill() {
        while (!haveAhead && failure == null) {
            ahead.clear();
            SocketAddress from;
            try {
                from = channel.receive(ahead);
            } catch (IOException e) {
                failure = Net.map(e);
                return;
            }
            if (from == null) {
                net.poller().arm(key, SelectionKey.OP_READ);
                return;
            }
            if (!net.admits(from)) {
                continue; // the loopback policy: nobody else gets in
            }
            ahead.flip();
            aheadFrom = from;
            haveAhead = true;
        }
    }

    @Override
    public Received receive(ByteBuffer dst, int flags) throws IOException, InterruptedException {
        while (true) {
            synchronized (receiveLock) {
                fill();
                if (haveAhead) {
                    int whole = ahead.remaining();
                    int n = Math.min(whole, dst.remaining());
                    ByteBuffer part = ahead.duplicate();
                    part.limit(part.position() + n);
                    dst.put(part);
                    if ((flags & PEEK) == 0) {
                        haveAhead = false;
                    }
                    return new Received(n, whole, aheadFrom, List.of());
                }
                if (failure != null) {
                    IOException f = failure;
                    failure = null;
                    throw f;
                }
                if (inputShut) {
                    return new Received(0, 0, null, List.of());
                }
            }
            if ((flags & DONT_WAIT) != 0) {
                throw Net.error("EAGAIN");
            }
            await(this::readable, timeout(SocketOptionName.RECEIVE_TIMEOUT));
        }
    }

    @Override
    public void shutdown(boolean input, boolean output) throws IOException {
        synchronized (this) {
            if (remote == null) {
                throw Net.error("ENOTCONN");
            }
        }
        inputShut |= input;
        outputShut |= output;
        IoEvents.changed();
    }

    @Override
    public synchronized SocketAddress localAddress() {
        return local != null ? local : Net.wildcard(family);
    }

    @Override
    public synchronized SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean listening() {
        return false;
    }

    @Override
    public long option(SocketOptionName name) throws IOException {
        if (name == SocketOptionName.RECEIVE_BUFFER || name == SocketOptionName.SEND_BUFFER) {
            try {
                return channel.getOption(name == SocketOptionName.RECEIVE_BUFFER ? StandardSocketOptions.SO_RCVBUF
                        : StandardSocketOptions.SO_SNDBUF);
            } catch (IOException | RuntimeException e) {
                // fall back to the value kept
            }
        }
        return super.option(name);
    }

    @Override
    void apply(SocketOptionName name, long value) throws IOException {
        SocketOption<?> o = switch (name) {
            case BROADCAST -> StandardSocketOptions.SO_BROADCAST;
            case RECEIVE_BUFFER -> StandardSocketOptions.SO_RCVBUF;
            case SEND_BUFFER -> StandardSocketOptions.SO_SNDBUF;
            default -> null;
        };
        try {
            if (o == StandardSocketOptions.SO_BROADCAST) {
                channel.setOption(StandardSocketOptions.SO_BROADCAST, value != 0);
            } else if (o != null) {
                @SuppressWarnings("unchecked")
                SocketOption<Integer> i = (SocketOption<Integer>) o;
                channel.setOption(i, (int) Math.min(Integer.MAX_VALUE, value));
            }
        } catch (IOException | RuntimeException e) {
            // kept as the guest's value only
        }
    }

    @Override
    public boolean readable() {
        synchronized (receiveLock) {
            fill();
            return haveAhead || failure != null || inputShut;
        }
    }

    @Override
    public boolean writable() {
        if (outputShut || !full) {
            return true;
        }
        net.poller().arm(key, SelectionKey.OP_WRITE);
        return false;
    }

    @Override
    public int available() {
        synchronized (receiveLock) {
            fill();
            return haveAhead ? ahead.remaining() : 0;
        }
    }

    @Override
    void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // gone either way
        }
        net.poller().wakeup();
    }
}
