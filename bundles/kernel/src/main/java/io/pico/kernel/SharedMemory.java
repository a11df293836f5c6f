package io.pico.kernel;

import io.pico.unicorn.HostMemory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory that several address spaces map shared ({@code MAP_SHARED}): a memory file (memfd) of the kernel's, mapped
 * with MAP_SHARED into each address space's host memory, so a write by one guest is seen by every other at once.
 * Anonymous shared memory is a new memory file that fork maps again in the child. A host file's shared memory is
 * one per file (device, inode) while any address space maps it: a copy of the file's bytes read at the first map,
 * written back to the file by {@link #writeBack} (msync, munmap, the end of an address space, the last release).
 * Only the pages mapped are read (and written back). The host file itself is never mapped: a host file someone truncates would make the JVM fault on its pages
 * (SIGBUS), the kernel's memory file never shrinks. Counted: each chunk mapping it holds a reference.
 *
 * <p>Reads and writes of a file mapped so go through the copy too, as through one page cache
 * ({@link io.pico.kernel.io.HostFile.SharedPages}): a read first writes the copy's bytes of its range back, a write
 * puts its bytes into the copy; a private mapping of the file ({@link Images}) first writes the whole copy back.
 */
final class SharedMemory {

    /** Shared memory of host files mapped now, by file identity. */
    private static final Map<Object, SharedMemory> FILES = new HashMap<>();

    /** Reads and writes of host files while some file is mapped shared ({@link #FILES} not empty). */
    private static final io.pico.kernel.io.HostFile.SharedPages COHERENCE = new io.pico.kernel.io.HostFile.SharedPages() {
        @Override
        public void beforeRead(int descriptor, long position, long length) {
            SharedMemory m = lookup(descriptor);
            if (m != null) {
                try {
                    m.writeBack(position, length);
                } catch (IOException e) {
                    Images.log.accept("shared file mapping: write back before a read failed: " + e);
                } finally {
                    m.release();
                }
            }
        }

        @Override
        public long change(int descriptor, long position, io.pico.kernel.io.HostFile.FileChange change)
                throws IOException {
            SharedMemory m = lookup(descriptor);
            if (m == null) {
                return change.run();
            }
            try {
                synchronized (m) { // writeBack and refresh hold it too
                    long n = change.run();
                    if (n > 0) {
                        try {
                            m.refresh(position, n);
                        } catch (IOException e) {
                            Images.log.accept("shared file mapping: a write did not reach the mapped copy: " + e);
                        }
                    }
                    return n;
                }
            } finally {
                m.release();
            }
        }
    };

    /** The file's identity (device, inode) if it is a regular file, else null. */
    private static Object identity(int descriptor) throws IOException {
        Map<String, Object> a = Files.readAttributes(Path.of("/proc/self/fd/" + descriptor), "unix:dev,ino,mode");
        return ((Integer) a.get("mode") & 0170000) != 0100000 ? null : List.of(a.get("dev"), a.get("ino"));
    }

    /** The shared memory of the file behind a host descriptor, if it is mapped shared now (one more reference). */
    private static SharedMemory lookup(int descriptor) {
        if (descriptor < 0) {
            return null;
        }
        synchronized (SharedMemory.class) {
            if (FILES.isEmpty()) {
                return null;
            }
        }
        try {
            Object key = identity(descriptor);
            synchronized (SharedMemory.class) {
                SharedMemory m = key == null ? null : FILES.get(key);
                return m == null || m.refs <= 0 ? null : m.retain();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Writes the shared copy of the file behind {@code descriptor}, if any, back to the file: a private mapping of
     * it then starts from the bytes the shared mappings hold.
     */
    static void writeBackFile(int descriptor) {
        if (io.pico.kernel.io.HostFile.sharedPages != null) {
            COHERENCE.beforeRead(descriptor, 0, Long.MAX_VALUE / 2);
        }
    }


    private final int fd;
    private long size;
    /** The host file written back to (null: anonymous memory), writable or not. */
    private final RandomAccessFile file;
    private final boolean writable;
    private final Object key;
    private int refs = 1;
    /**
     * The pages of a file's copy read from the file so far: only what is mapped is read (a small mapping far into a
     * large file reads its own pages), and only these pages are written back (the others are not the file's bytes).
     */
    private final java.util.BitSet loaded = new java.util.BitSet();

    private SharedMemory(int fd, long size, RandomAccessFile file, boolean writable, Object key) {
        this.fd = fd;
        this.size = size;
        this.file = file;
        this.writable = writable;
        this.key = key;
    }

    /** New zero-filled anonymous shared memory of {@code size} bytes (one reference). */
    static SharedMemory anonymous(long size) throws IOException {
        return new SharedMemory(HostMemory.memoryFile("pico-shared", size), size, null, false, null);
    }

    /**
     * The shared memory of the open host file behind {@code descriptor} with the file's bytes of [offset, extent)
     * (one more reference), or null when it is not a regular file.
     */
    static SharedMemory ofFile(int descriptor, long offset, long extent) throws IOException {
        if (extent / HostMemory.PAGE_SIZE >= Integer.MAX_VALUE) {
            throw new IOException("EFBIG"); // the page bits' limit: 8 TiB
        }
        Path path = Path.of("/proc/self/fd/" + descriptor);
        Object key = identity(descriptor);
        if (key == null) {
            return null;
        }
        synchronized (SharedMemory.class) {
            SharedMemory m = FILES.get(key);
            if (m == null) {
                RandomAccessFile file;
                boolean writable = true;
                try {
                    file = new RandomAccessFile(path.toFile(), "rw"); // the same file, reopened (deleted ones too)
                } catch (IOException e) {
                    file = new RandomAccessFile(path.toFile(), "r");
                    writable = false;
                }
                int memfd;
                try {
                    memfd = HostMemory.memoryFile("pico-shared-file", Math.max(extent, HostMemory.PAGE_SIZE));
                } catch (IOException e) {
                    file.close();
                    throw e;
                }
                m = new SharedMemory(memfd, Math.max(extent, HostMemory.PAGE_SIZE), file, writable, key);
                try {
                    m.load(offset, extent);
                } catch (IOException | RuntimeException e) {
                    m.close();
                    throw e;
                }
                FILES.put(key, m);
                io.pico.kernel.io.HostFile.sharedPages = COHERENCE;
                return m;
            }
            m.refs++;
            try {
                m.grow(extent);
                m.load(offset, extent);
            } catch (IOException | RuntimeException e) {
                m.releaseLocked();
                throw e;
            }
            return m;
        }
    }

    /** The memory file, for host mappings (valid while a reference is held). */
    int fd() {
        return fd;
    }

    /** Whether this is a host file's memory (written back), not anonymous memory. */
    boolean isFile() {
        return file != null;
    }

    /** One more reference. */
    SharedMemory retain() {
        synchronized (SharedMemory.class) {
            if (refs <= 0) {
                throw new IllegalStateException("shared memory released");
            }
            refs++;
            return this;
        }
    }

    /** Drops a reference; the last one writes a file's bytes back and closes the memory file. */
    void release() {
        synchronized (SharedMemory.class) {
            releaseLocked();
        }
    }

    private void releaseLocked() {
        if (--refs > 0) {
            return;
        }
        if (key != null) {
            FILES.remove(key);
            if (FILES.isEmpty()) {
                io.pico.kernel.io.HostFile.sharedPages = null;
            }
        }
        try {
            writeBack(0, size);
        } catch (IOException e) {
            Images.log.accept("shared file mapping: write back failed: " + e);
        }
        close();
    }

    private void close() {
        HostMemory.closeFile(fd); // host mappings keep their pages
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // nothing was pending: writes are positional
            }
        }
    }

    /** Makes the memory file at least {@code extent} bytes long (zeros: no page of it is loaded yet). */
    private synchronized void grow(long extent) throws IOException {
        if (extent <= size) {
            return;
        }
        HostMemory.resizeFile(fd, extent);
        size = extent;
    }

    /** Reads the file's pages of [from, to) that are not loaded yet into the copy. */
    private synchronized void load(long from, long to) throws IOException {
        int page = (int) (from / HostMemory.PAGE_SIZE);
        int last = (int) ((to + HostMemory.PAGE_SIZE - 1) / HostMemory.PAGE_SIZE);
        while (page < last) {
            int start = loaded.nextClearBit(page);
            if (start >= last) {
                break;
            }
            int end = Math.min(last, loaded.nextSetBit(start) < 0 ? last : loaded.nextSetBit(start));
            readIn(start * HostMemory.PAGE_SIZE, (end - start) * HostMemory.PAGE_SIZE);
            loaded.set(start, end);
            page = end;
        }
    }

    /** Calls {@code action} with each run [a, b) of loaded pages' bytes within [from, to). */
    private void loadedRuns(long from, long to, RunAction action) throws IOException {
        int page = (int) (from / HostMemory.PAGE_SIZE);
        while (true) {
            int start = loaded.nextSetBit(page);
            if (start < 0 || start * HostMemory.PAGE_SIZE >= to) {
                return;
            }
            int end = loaded.nextClearBit(start);
            long a = Math.max(from, start * HostMemory.PAGE_SIZE);
            long b = Math.min(to, end * HostMemory.PAGE_SIZE);
            if (a < b) {
                action.run(a, b);
            }
            page = end;
        }
    }

    private interface RunAction {
        void run(long from, long to) throws IOException;
    }

    /**
     * A write or a size change of the file reached [position, position + length): the copy takes the file's bytes
     * there, and zeros past the file's end (a truncated file's old bytes are never written back into it later).
     */
    synchronized void refresh(long position, long length) throws IOException {
        if (position >= size) {
            return;
        }
        long fileEnd = file.length();
        loadedRuns(position, Math.min(position + length, size), (from, end) -> {
            readIn(from, end - from);
            long zeroFrom = Math.max(from, fileEnd);
            if (zeroFrom < end) {
                ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(1 << 20, end - zeroFrom));
                for (long pos = zeroFrom; pos < end;) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
                    pos += HostMemory.write(fd, zeros, pos);
                }
            }
        });
    }

    /** Copies the host file's bytes of [from, from + length) into the memory file (none past the file's end). */
    private void readIn(long from, long length) throws IOException {
        int hostFd = HostMemory.descriptor(file.getFD());
        long end = Math.min(from + length, file.length());
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(1 << 20, Math.max(1, end - from)));
        for (long pos = from; pos < end;) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = HostMemory.read(hostFd, buf, pos);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                HostMemory.write(fd, buf, pos + buf.position());
            }
            pos += n;
        }
    }

    /**
     * Writes [offset, offset + length) of a host file's shared memory back to the file, clipped to the file's
     * current size (a mapping never extends its file); nothing for anonymous memory or a file opened read-only.
     */
    synchronized void writeBack(long offset, long length) throws IOException {
        if (file == null || !writable) {
            return;
        }
        int hostFd = HostMemory.descriptor(file.getFD());
        long last = Math.min(Math.min(offset + Math.max(0, length), size), file.length());
        if (last <= offset) {
            return;
        }
        loadedRuns(offset, last, (from, end) -> {
            ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(1 << 20, end - from));
            for (long pos = from; pos < end;) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = HostMemory.read(fd, buf, pos);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    HostMemory.write(hostFd, buf, pos + buf.position());
                }
                pos += n;
            }
        });
    }

    /** Shared memory of host files mapped now (tests). */
    static int files() {
        synchronized (SharedMemory.class) {
            return FILES.size();
        }
    }
}
