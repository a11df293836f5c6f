package io.pico.kernel.io;

import io.pico.api.PassedObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * A connected host socket channel (TCP, or a host's local socket) in non-blocking mode. Readiness of
 * reading is found by reading ahead into a small buffer (which also serves peeking), readiness of writing
 * by whether the last write had to stop short.
 */
final class ChannelConduit implements Conduit, NetPoller.Ready {

    private final NetPoller poller;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    /** Data read ahead, in read mode (position to limit). */
    private final ByteBuffer ahead = ByteBuffer.allocate(65536).flip();
    private boolean eof;
    private IOException failure;
    private volatile boolean full;
    private volatile boolean outputShut;

    /** Wraps a connected channel already registered with the poller. */
    ChannelConduit(NetPoller poller, SocketChannel channel, SelectionKey key) {
        this.poller = poller;
        this.channel = channel;
        this.key = key;
        key.attach(this);
    }

    @Override
    public void ready(int ops) {
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            full = false;
        }
    }

    /** Reads ahead what the channel has; called with the read lock held. */
    private void fill() {
        ahead.compact();
        try {
            if (channel.read(ahead) < 0) {
                eof = true;
            }
        } catch (IOException e) {
            failure = Net.map(e);
        } finally {
            ahead.flip();
        }
    }

    @Override
    public int read(ByteBuffer dst, boolean peek, List<PassedObject> objects) throws IOException {
        synchronized (readLock) {
            if (!ahead.hasRemaining() && failure == null && !eof) {
                if (!peek) {
                    int n;
                    try {
                        n = channel.read(dst);
                    } catch (IOException e) {
                        throw Net.map(e);
                    }
                    if (n < 0) {
                        eof = true;
                    } else if (n == 0) {
                        poller.arm(key, SelectionKey.OP_READ);
                    }
                    return n;
                }
                fill();
            }
            if (ahead.hasRemaining()) {
                int n = Math.min(ahead.remaining(), dst.remaining());
                ByteBuffer part = ahead.duplicate();
                part.limit(part.position() + n);
                dst.put(part);
                if (!peek) {
                    ahead.position(ahead.position() + n);
                }
                return n;
            }
            if (failure != null) {
                IOException f = failure;
                failure = null;
                eof = true;
                throw f;
            }
            if (eof) {
                return -1;
            }
            poller.arm(key, SelectionKey.OP_READ);
            return 0;
        }
    }

    @Override
    public int write(ByteBuffer src, List<PassedObject> objects) throws IOException {
        synchronized (writeLock) {
            if (outputShut) {
                throw Net.error("EPIPE");
            }
            int n;
            try {
                n = channel.write(src);
            } catch (IOException e) {
                IOException m = Net.map(e);
                throw m.getMessage().equals("ECONNRESET") ? Net.error("EPIPE") : m;
            }
            if (src.hasRemaining()) {
                full = true;
                poller.arm(key, SelectionKey.OP_WRITE);
            }
            return n;
        }
    }

    @Override
    public boolean readReady() {
        synchronized (readLock) {
            if (ahead.hasRemaining() || eof || failure != null) {
                return true;
            }
            fill();
            if (ahead.hasRemaining() || eof || failure != null) {
                return true;
            }
            poller.arm(key, SelectionKey.OP_READ);
            return false;
        }
    }

    @Override
    public boolean writeReady() {
        if (outputShut || !full || !channel.isOpen()) {
            return true;
        }
        poller.arm(key, SelectionKey.OP_WRITE);
        return false;
    }

    @Override
    public int available() {
        synchronized (readLock) {
            if (!ahead.hasRemaining() && !eof && failure == null) {
                fill();
            }
            return ahead.remaining();
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        synchronized (readLock) {
            eof = true;
            ahead.position(ahead.limit());
        }
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            throw Net.map(e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        outputShut = true;
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw Net.map(e);
        }
    }

    @Override
    public void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // the host socket is gone either way
        }
        poller.wakeup();
    }

    @Override
    public boolean passesObjects() {
        return false;
    }

    @Override
    public int peerPid() {
        return 0;
    }
}
