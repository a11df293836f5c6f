package io.pico.kernel.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * An open host file with its own position, shared by every handle that refers to it. It uses a
 * {@link RandomAccessFile}, not a file channel: interrupting a guest thread (a signal, a provider swap)
 * would close a channel in the middle of a read for every handle that shares it.
 */
public final class HostFile extends RefCounted {

    private final RandomAccessFile file;
    private final Path path;
    private final boolean append;

    /** Host files open now, in all processes: each holds a host descriptor of the runtime. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    /** Wraps an open file; the kernel object owns it from now on. */
    public HostFile(RandomAccessFile file, Path path, boolean append) {
        this.file = file;
        this.path = path;
        this.append = append;
        OPEN.incrementAndGet();
    }

    /** How many host files guests hold open now. */
    public static int open() {
        return OPEN.get();
    }

    @Override
    public String kind() {
        return "file";
    }

    private static byte[] array(int n) {
        return new byte[Math.min(n, 1 << 20)];
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (dst.hasArray()) {
            int n = file.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        byte[] buf = array(dst.remaining());
        int n = file.read(buf, 0, Math.min(buf.length, dst.remaining()));
        if (n > 0) {
            dst.put(buf, 0, n);
        }
        return n;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        if (append) {
            file.seek(file.length());
        }
        int n = src.remaining();
        if (src.hasArray()) {
            file.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
        } else {
            byte[] buf = new byte[n];
            src.get(buf);
            file.write(buf);
        }
        return n;
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        long saved = file.getFilePointer();
        try {
            file.seek(position);
            return read(dst);
        } finally {
            file.seek(saved);
        }
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
        long saved = file.getFilePointer();
        try {
            file.seek(position);
            int n = src.remaining();
            byte[] buf = new byte[n];
            src.get(buf);
            file.write(buf);
            return n;
        } finally {
            file.seek(saved);
        }
    }

    @Override
    public synchronized long position() throws IOException {
        return file.getFilePointer();
    }

    @Override
    public synchronized void position(long position) throws IOException {
        file.seek(position);
    }

    @Override
    public synchronized long size() throws IOException {
        return file.length();
    }

    @Override
    public synchronized void truncate(long size) throws IOException {
        file.setLength(size);
    }

    @Override
    public synchronized int available() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, file.length() - file.getFilePointer()));
    }

    @Override
    public Path hostPath() {
        return path;
    }

    @Override
    protected void closed() {
        OPEN.decrementAndGet();
        try {
            file.close();
        } catch (IOException e) {
            // closing cannot lose data here: writes went straight to the file
        }
    }
}
