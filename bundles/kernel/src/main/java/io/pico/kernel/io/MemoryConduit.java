package io.pico.kernel.io;

import io.pico.api.PassedObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** One end of a local stream connection between pico processes: two kernel buffers, one per direction. */
final class MemoryConduit implements Conduit {

    private final MemStream in;
    private final MemStream out;
    private final int peerPid;

    MemoryConduit(MemStream in, MemStream out, int peerPid) {
        this.in = in;
        this.out = out;
        this.peerPid = peerPid;
    }

    /** The two ends of a new connection, for processes {@code pidA} and {@code pidB}. */
    static MemoryConduit[] pair(int pidA, int pidB) {
        MemStream ab = new MemStream();
        MemStream ba = new MemStream();
        return new MemoryConduit[] {new MemoryConduit(ba, ab, pidB), new MemoryConduit(ab, ba, pidA)};
    }

    @Override
    public int read(ByteBuffer dst, boolean peek, List<PassedObject> objects) {
        return in.read(dst, peek, objects);
    }

    @Override
    public int write(ByteBuffer src, List<PassedObject> objects) throws IOException {
        return out.write(src, objects);
    }

    @Override
    public boolean readReady() {
        return in.readReady();
    }

    @Override
    public boolean writeReady() {
        return out.writeReady();
    }

    @Override
    public int available() {
        return in.available();
    }

    @Override
    public void shutdownInput() {
        in.closeReader();
    }

    @Override
    public void shutdownOutput() {
        out.closeWriter();
    }

    @Override
    public void close() {
        in.closeReader();
        out.closeWriter();
    }

    @Override
    public boolean passesObjects() {
        return true;
    }

    @Override
    public int peerPid() {
        return peerPid;
    }
}
