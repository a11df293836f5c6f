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
    /** The host descriptor for direct transfers, -1 when only the RandomAccessFile can be used. */
    private final int fd;

    /**
     * Whether direct buffers (guest memory lent by the address space) are read and written with one host
     * read/write/pread/pwrite on the file's descriptor, without a Java array ({@code -Dpico.io.direct=false}
     * turns it off: then they are copied through an array as before).
     */
    static final boolean DIRECT = Boolean.parseBoolean(System.getProperty("pico.io.direct", "true"));

    /** Host files open now, in all processes: each holds a host descriptor of the runtime. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    /** Wraps an open file; the kernel object owns it from now on. */
    public HostFile(RandomAccessFile file, Path path, boolean append) {
        this.file = file;
        this.path = path;
        this.append = append;
        int d = -1;
        try {
            d = DIRECT ? io.pico.unicorn.HostMemory.descriptor(file.getFD()) : -1;
        } catch (IOException | LinkageError e) {
            d = -1;
        }
        this.fd = d;
        OPEN.incrementAndGet();
    }

    /**
     * The host descriptor of the open file (the kernel maps its pages through it: {@code AddressSpace.mapFile}),
     * or -1 where it cannot be read. Valid while this object is open.
     */
    public int descriptor() {
        if (fd >= 0) {
            return fd;
        }
        try {
            return io.pico.unicorn.HostMemory.descriptor(file.getFD());
        } catch (IOException | LinkageError e) {
            return -1;
        }
    }

    /**
     * Keeps the kernel's copies of files mapped MAP_SHARED coherent with reads and writes of the files, as one page
     * cache would: set by the kernel while some file is mapped shared, null otherwise (then it costs nothing).
     */
    public interface SharedPages {
        /** Before a read of {@code length} bytes from {@code position} of the file behind {@code fd}. */
        void beforeRead(int fd, long position, long length);

        /**
         * Runs {@code change} (a write of the file behind {@code fd}, or a change of its size, from {@code position}
         * on) and the copy's update after it as one step for the copy's other users: a write-back of the copy
         * (another process's msync, munmap or exit) cannot fall between them and put the copy's older bytes over
         * the new ones. Returns what {@code change} returned: how many bytes from position changed.
         */
        long change(int fd, long position, FileChange change) throws IOException;
    }

    /** A change of the host file: a write (the bytes written) or a new size (the bytes from the change on). */
    @FunctionalInterface
    public interface FileChange {
        /** Changes the file, returning how many bytes changed. */
        long run() throws IOException;
    }

    /** The kernel's {@link SharedPages} while some file is mapped shared. */
    public static volatile SharedPages sharedPages;

    private void beforeRead(long position, long length) throws IOException {
        SharedPages s = sharedPages;
        if (s != null) {
            s.beforeRead(descriptor(), position < 0 ? file.getFilePointer() : position, length);
        }
    }

    /** Runs a change of the file, with the copy of a shared mapping of it (if any) taking the new bytes. */
    private long changed(long position, FileChange change) throws IOException {
        SharedPages s = sharedPages;
        return s == null ? change.run() : s.change(descriptor(), position, change);
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
        beforeRead(-1, dst.remaining());
        if (fd >= 0 && dst.isDirect()) {
            int n = io.pico.unicorn.HostMemory.read(fd, dst, -1);
            return n == 0 ? -1 : n;
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
        long at = sharedPages == null ? 0 : file.getFilePointer();
        return (int) changed(at, () -> writeHere(src));
    }

    private int writeHere(ByteBuffer src) throws IOException {
        if (fd >= 0 && src.isDirect()) {
            return io.pico.unicorn.HostMemory.write(fd, src, -1);
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
        beforeRead(position, dst.remaining());
        if (fd >= 0 && dst.isDirect() && dst.hasRemaining()) {
            int n = io.pico.unicorn.HostMemory.read(fd, dst, position);
            return n == 0 ? -1 : n;
        }
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
        if (fd >= 0 && src.isDirect()) {
            return (int) changed(position, () -> io.pico.unicorn.HostMemory.write(fd, src, position));
        }
        long saved = file.getFilePointer();
        try {
            return (int) changed(position, () -> {
                file.seek(position);
                int n = src.remaining();
                byte[] buf = new byte[n];
                src.get(buf);
                file.write(buf);
                return n;
            });
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
        long old = sharedPages == null ? 0 : file.length();
        // a shared mapping's copy takes the file's bytes from the change on (zeros where it grew, none past its end)
        changed(Math.min(old, size), () -> {
            file.setLength(size);
            return Long.MAX_VALUE / 4;
        });
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
