package io.pico.kernel.io;

import io.pico.api.PassedObject;
import io.pico.api.Received;
import io.pico.api.SocketFamily;
import io.pico.api.SocketObject;
import io.pico.api.SocketOptionName;
import io.pico.api.SocketType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Base of the kernel's sockets: family, type, the process they were made for, options, the pending error,
 * the non-blocking mode of plain reads and writes, and waiting for readiness.
 */
abstract class KSocket extends RefCounted implements SocketObject {

    final Net net;
    final SocketFamily family;
    final SocketType type;
    final int owner;
    /** The options the guest set. */
    private final Map<SocketOptionName, Long> options = new EnumMap<>(SocketOptionName.class);
    /** The values of options the guest did not set. */
    private final Map<SocketOptionName, Long> defaults = new EnumMap<>(SocketOptionName.class);
    private volatile boolean nonBlocking;
    private volatile String error;
    /** Set once the last reference is gone. */
    volatile boolean closed;

    KSocket(Net net, SocketFamily family, SocketType type, int owner) {
        this.net = net;
        this.family = family;
        this.type = type;
        this.owner = owner;
        boolean local = family == SocketFamily.UNIX;
        defaults.put(SocketOptionName.RECEIVE_BUFFER, local ? 212992L : 131072L);
        defaults.put(SocketOptionName.SEND_BUFFER, local ? 212992L : type == SocketType.STREAM ? 16384L : 212992L);
        defaults.put(SocketOptionName.LINGER, -1L);
    }

    @Override
    public String kind() {
        return "socket";
    }

    @Override
    public SocketFamily family() {
        return family;
    }

    @Override
    public SocketType type() {
        return type;
    }

    @Override
    public void nonBlocking(boolean on) {
        nonBlocking = on;
    }

    boolean nonBlockingMode() {
        return nonBlocking;
    }

    @Override
    public String takeError() {
        String e = error;
        error = null;
        return e;
    }

    void error(String name) {
        error = name;
    }

    @Override
    public int peerPid() {
        return 0;
    }

    @Override
    public long option(SocketOptionName name) throws IOException {
        return stored(name);
    }

    /** The value the guest set, else the default. */
    long stored(SocketOptionName name) {
        synchronized (options) {
            Long v = options.get(name);
            return v != null ? v : defaults.getOrDefault(name, 0L);
        }
    }

    /** The value the guest set, or null (host channels then keep their own defaults, autotuning included). */
    Long explicit(SocketOptionName name) {
        synchronized (options) {
            return options.get(name);
        }
    }

    /** Takes the options the guest set on another socket (a listener's, for the sockets it accepts). */
    void inherit(KSocket from) {
        Map<SocketOptionName, Long> copy;
        synchronized (from.options) {
            copy = new EnumMap<>(from.options);
        }
        synchronized (options) {
            options.putAll(copy);
        }
    }

    @Override
    public void option(SocketOptionName name, long value) throws IOException {
        if ((name == SocketOptionName.RECEIVE_BUFFER || name == SocketOptionName.SEND_BUFFER) && value <= 0) {
            throw Net.error("EINVAL");
        }
        synchronized (options) {
            options.put(name, value);
        }
        apply(name, value);
    }

    /** Hands a changed option to the host channels; the default keeps it only. */
    void apply(SocketOptionName name, long value) throws IOException {
    }

    /** An option as a flag. */
    boolean flag(SocketOptionName name) {
        return stored(name) != 0;
    }

    /** A timeout option as a wait: negative (no limit) when unset. */
    long timeout(SocketOptionName name) {
        long t = stored(name);
        return t <= 0 ? -1 : t;
    }

    /**
     * Waits until the condition holds: EAGAIN when the timeout runs out, EBADF when the socket is closed
     * meanwhile.
     */
    void await(BooleanSupplier ready, long timeoutNanos) throws IOException, InterruptedException {
        if (!IoEvents.await(() -> closed || ready.getAsBoolean(), timeoutNanos)) {
            throw Net.error("EAGAIN");
        }
        if (closed) {
            throw Net.error("EBADF");
        }
    }

    /** Takes a reference to each object that is to travel. */
    static List<PassedObject> retain(List<PassedObject> objects) {
        if (objects == null || objects.isEmpty()) {
            return null;
        }
        List<PassedObject> held = new ArrayList<>(objects.size());
        for (PassedObject p : objects) {
            held.add(new PassedObject(p.object().retain(), p.flags()));
        }
        return held;
    }

    /** Drops the references of objects that did not travel (or were not taken). */
    static void release(List<PassedObject> objects) {
        if (objects != null) {
            for (PassedObject p : objects) {
                p.object().release();
            }
        }
    }

    /**
     * A plain read waits (personalities check {@link #readable()} first for non-blocking descriptors, which
     * keeps a descriptor made blocking again after the last socket call from seeing EAGAIN).
     */
    @Override
    public int read(ByteBuffer dst) throws IOException, InterruptedException {
        Received r = receive(dst, 0);
        release(r.objects()); // a plain read discards passed objects, as on Linux
        return r.length();
    }

    @Override
    public int write(ByteBuffer src) throws IOException, InterruptedException {
        return send(src, null, null, nonBlocking ? DONT_WAIT : 0);
    }

    @Override
    protected final void closed() {
        closed = true;
        try {
            close();
        } finally {
            IoEvents.changed();
        }
    }

    /** Releases what the socket holds: channels, names, queued data and objects. */
    abstract void close();

    @Override
    public String toString() {
        return "socket " + family + "/" + type + " " + localAddress();
    }
}
