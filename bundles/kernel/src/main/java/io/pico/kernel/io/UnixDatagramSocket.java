package io.pico.kernel.io;

import io.pico.api.PassedObject;
import io.pico.api.Received;
import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketType;
import io.pico.api.UnixAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A local datagram socket between pico processes, entirely in the kernel (Java 17 has no host local
 * datagram channels): a queue of datagrams, each with its sender's address and any kernel objects passed
 * along. Binding a path creates a socket file there, so the name shows in the file system and goes away
 * with unlink, as on Linux; host programs cannot send to it.
 */
final class UnixDatagramSocket extends KSocket {

    /** Bytes queued before senders wait, as Linux's default local socket buffer. */
    static final int CAPACITY = 212992;

    private record Datagram(byte[] data, UnixAddress from, List<PassedObject> objects) {
    }

    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private int queued;
    private UnixAddress local = UnixAddress.UNNAMED;
    private Object key;
    private UnixDatagramSocket peer;
    private UnixAddress remote;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    UnixDatagramSocket(Net net, int owner) {
        super(net, SocketFamily.UNIX, SocketType.DATAGRAM, owner);
    }

    /** Two local datagram sockets connected to each other. */
    static SocketObject[] pair(Net net, int owner) {
        UnixDatagramSocket a = new UnixDatagramSocket(net, owner);
        UnixDatagramSocket b = new UnixDatagramSocket(net, owner);
        a.peer = b;
        a.remote = UnixAddress.UNNAMED;
        b.peer = a;
        b.remote = UnixAddress.UNNAMED;
        return new SocketObject[] {a, b};
    }

    @Override
    public void bind(SocketAddress address) throws IOException {
        if (!(address instanceof UnixAddress u)) {
            throw Net.error("EINVAL");
        }
        synchronized (this) {
            if (closed || !local.isUnnamed()) {
                throw Net.error("EINVAL");
            }
            if (u.isUnnamed()) {
                for (int i = 0;; i++) {
                    String name = String.format("%05x", ThreadLocalRandom.current().nextInt(0x100000));
                    if (net.names.free(name) || i > 1000) {
                        u = UnixAddress.abstractName(name);
                        break;
                    }
                }
            }
            if (!u.isAbstract()) {
                createSocketFile(u);
            }
            Object k = UnixNames.key(u);
            net.names.bind(k, this);
            key = k;
            local = u;
        }
    }

    /** Makes the socket file of a path name (EADDRINUSE when something is there). */
    private static void createSocketFile(UnixAddress u) throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(u.hostPath()));
        } catch (IOException | RuntimeException e) {
            IOException m = Net.map(e);
            if (!m.getMessage().equals("ENAMETOOLONG")) {
                throw m;
            }
            try {
                Files.createFile(u.hostPath());
            } catch (IOException e2) {
                throw Net.map(e2);
            }
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

    private UnixDatagramSocket lookup(SocketAddress address) throws IOException {
        if (!(address instanceof UnixAddress u) || u.isUnnamed()) {
            throw Net.error("EINVAL");
        }
        KSocket target = net.names.lookup(u);
        if (target == null || target.closed) {
            throw Net.error("ECONNREFUSED");
        }
        if (!(target instanceof UnixDatagramSocket d)) {
            throw Net.error("EPROTOTYPE");
        }
        return d;
    }

    @Override
    public void connect(SocketAddress address, boolean nonBlocking) throws IOException {
        if (address == null) {
            synchronized (this) {
                peer = null;
                remote = null;
            }
            return;
        }
        UnixDatagramSocket target = lookup(address);
        synchronized (this) {
            peer = target;
            remote = (UnixAddress) address;
        }
    }

    @Override
    public int send(ByteBuffer src, SocketAddress to, List<PassedObject> objects, int flags)
            throws IOException, InterruptedException {
        if (outputShut) {
            throw Net.error("EPIPE");
        }
        UnixDatagramSocket target;
        UnixAddress from;
        synchronized (this) {
            target = to != null ? null : peer;
            from = local;
        }
        if (target == null) {
            if (to == null) {
                throw Net.error("ENOTCONN");
            }
            target = lookup(to);
        }
        int length = src.remaining();
        if (length > CAPACITY - 512) {
            throw Net.error("EMSGSIZE");
        }
        byte[] data = new byte[length];
        src.get(data);
        List<PassedObject> held = retain(objects);
        Datagram d = new Datagram(data, from, held == null ? List.of() : held);
        try {
            UnixDatagramSocket t = target;
            while (!t.deliver(d, this)) {
                if ((flags & DONT_WAIT) != 0) {
                    throw Net.error("EAGAIN");
                }
                await(() -> t.hasRoom(length), timeout(io.pico.api.SocketOptionName.SEND_TIMEOUT));
            }
            held = null;
        } catch (IOException | InterruptedException | RuntimeException e) {
            src.position(src.position() - length);
            throw e;
        } finally {
            release(held);
        }
        return length;
    }

    /** Queues a datagram: false when full; ECONNREFUSED when closed, EPERM when connected to another. */
    private boolean deliver(Datagram d, UnixDatagramSocket sender) throws IOException {
        synchronized (this) {
            if (closed) {
                throw Net.error("ECONNREFUSED");
            }
            if (peer != null && peer != sender) {
                throw Net.error("EPERM");
            }
            if (queued + d.data().length > CAPACITY && !queue.isEmpty()) {
                return false;
            }
            queue.add(d);
            queued += d.data().length;
        }
        IoEvents.changed();
        return true;
    }

    private synchronized boolean hasRoom(int length) {
        return closed || queue.isEmpty() || queued + length <= CAPACITY;
    }

    @Override
    public Received receive(ByteBuffer dst, int flags) throws IOException, InterruptedException {
        while (true) {
            Received r = null;
            synchronized (this) {
                Datagram d = queue.peek();
                if (d != null) {
                    int n = Math.min(d.data().length, dst.remaining());
                    dst.put(d.data(), 0, n);
                    if ((flags & PEEK) == 0) {
                        queue.poll();
                        queued -= d.data().length;
                        r = new Received(n, d.data().length, d.from(), d.objects());
                    } else {
                        r = new Received(n, d.data().length, d.from(), List.of());
                    }
                } else if (inputShut) {
                    return new Received(0, 0, null, List.of());
                }
            }
            if (r != null) {
                IoEvents.changed();
                return r;
            }
            if ((flags & DONT_WAIT) != 0) {
                throw Net.error("EAGAIN");
            }
            await(this::readable, timeout(io.pico.api.SocketOptionName.RECEIVE_TIMEOUT));
        }
    }

    @Override
    public void shutdown(boolean input, boolean output) throws IOException {
        synchronized (this) {
            if (peer == null) {
                throw Net.error("ENOTCONN");
            }
        }
        inputShut |= input;
        outputShut |= output;
        IoEvents.changed();
    }

    @Override
    public synchronized SocketAddress localAddress() {
        return local;
    }

    @Override
    public synchronized SocketAddress remoteAddress() {
        return peer == null ? null : remote;
    }

    @Override
    public boolean listening() {
        return false;
    }

    @Override
    public synchronized int peerPid() {
        return peer == null ? 0 : peer.owner;
    }

    @Override
    public synchronized boolean readable() {
        return !queue.isEmpty() || inputShut;
    }

    @Override
    public boolean writable() {
        UnixDatagramSocket p;
        synchronized (this) {
            p = peer;
        }
        return p == null || outputShut || p.hasRoom(1);
    }

    @Override
    public synchronized int available() {
        Datagram d = queue.peek();
        return d == null ? 0 : d.data().length;
    }

    @Override
    void close() {
        List<Datagram> left;
        synchronized (this) {
            net.names.unbind(key, this);
            key = null;
            left = List.copyOf(queue);
            queue.clear();
            queued = 0;
            peer = null;
        }
        for (Datagram d : left) {
            release(d.objects());
        }
    }
}
