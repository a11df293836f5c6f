package io.pico.kernel.io;

import io.pico.api.IoObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Base of the kernel's I/O objects: reference counting and the defaults of an unseekable stream. */
public abstract class RefCounted implements IoObject {

    private final AtomicInteger references = new AtomicInteger(1);

    /** Called once when the last reference is released. */
    protected abstract void closed();

    @Override
    public IoObject retain() {
        if (references.getAndIncrement() <= 0) {
            throw new IllegalStateException("retain of a closed " + kind());
        }
        return this;
    }

    @Override
    public void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            closed();
        } else if (left < 0) {
            throw new IllegalStateException("release of a closed " + kind());
        }
    }

    /** The number of references held, for tests and display. */
    public int references() {
        return references.get();
    }

    static IOException espipe() {
        return new IOException("ESPIPE");
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        throw espipe();
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        throw espipe();
    }

    @Override
    public long position() throws IOException {
        throw espipe();
    }

    @Override
    public void position(long position) throws IOException {
        throw espipe();
    }

    @Override
    public long size() throws IOException {
        return 0;
    }

    @Override
    public void truncate(long size) throws IOException {
        throw new IOException("EINVAL");
    }

    @Override
    public int available() throws IOException {
        return 0;
    }

    @Override
    public boolean readable() {
        return true;
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public boolean isTerminal() {
        return false;
    }

    @Override
    public Path hostPath() {
        return null;
    }
}
