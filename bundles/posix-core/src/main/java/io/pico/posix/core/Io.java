package io.pico.posix.core;

import io.pico.api.AddressSpace;
import io.pico.api.IoObject;
import io.pico.api.MemoryFault;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Data transfer on descriptors as Unix personalities share it: read and write (at the file position or at an
 * offset), their vector forms and lseek. Files are read until the buffer is full, pipes and terminals give
 * what they have; non-blocking descriptors fail with EAGAIN instead of waiting; a write to a pipe without
 * readers fails with EPIPE and raises the personality's SIGPIPE.
 */
public final class Io {

    /** The largest single transfer (Linux's MAX_RW_COUNT). */
    public static final int MAX_RW = 0x7fff_f000;
    /** The most bytes moved per host call. */
    public static final int CHUNK = 1 << 20;
    /** lseek whence values (the same in Linux and FreeBSD). */
    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

    /**
     * Whether reads and writes on kernel objects go straight between the object and guest memory lent by the
     * address space ({@link AddressSpace#pin}), without a Java array: a host file is read with one host read
     * into the guest's buffer. {@code -Dpico.io.direct=false} copies through an array as before (A/B).
     */
    static final boolean DIRECT = Boolean.parseBoolean(System.getProperty("pico.io.direct", "true"));

    private Io() {
    }

    /** The kernel object to transfer on in place, or null when the description needs the copying path. */
    private static IoObject direct(OpenFile f) {
        if (!DIRECT || f.special() != null || f.content() != null) {
            return null;
        }
        IoObject io = f.io();
        if (io == null) {
            return null;
        }
        return switch (io.kind()) {
            case "file", "pipe", "tty", "stream" -> io;
            default -> null; // sockets and others: their channels copy anyway
        };
    }

    /** Lends guest memory for a transfer: EFAULT when the guest could not access it so itself. */
    private static AddressSpace.Pinned pin(Call c, long address, long length, int access) {
        try {
            return c.mem().pin(address, length, access);
        } catch (MemoryFault e) {
            throw Errno.EFAULT.error();
        }
    }

    /**
     * Reads into lent guest buffers: from a file until they are full or the end, from a stream once (into the
     * first buffer: a short read, never a second wait).
     */
    private static long readDirect(OpenFile f, IoObject io, java.nio.ByteBuffer[] buffers, long pos)
            throws IOException, InterruptedException {
        if (f.nonblocking() && !io.readable()) {
            throw Errno.EAGAIN.error();
        }
        boolean file = io.kind().equals("file");
        long total = 0;
        for (java.nio.ByteBuffer b : buffers) {
            while (b.hasRemaining()) {
                int n = pos < 0 ? io.read(b) : io.read(b, pos + total);
                if (n <= 0) {
                    return total;
                }
                total += n;
                if (!file) {
                    return total;
                }
            }
        }
        return total;
    }

    /** The description behind a descriptor, if it may be read; EBADF, EISDIR otherwise. */
    public static OpenFile readable(Call c, int fd) {
        OpenFile f = c.fds().get(fd);
        if (!f.readable()) {
            throw Errno.EBADF.error();
        }
        if (f.directory()) {
            throw Errno.EISDIR.error();
        }
        return f;
    }

    /** The description behind a descriptor, if it may be written; EBADF otherwise. */
    public static OpenFile writable(Call c, int fd) {
        OpenFile f = c.fds().get(fd);
        if (!f.writable()) {
            throw Errno.EBADF.error();
        }
        return f;
    }

    /** Reads up to {@code count} bytes into a host array: from a file until full, from a stream once. */
    public static int readInto(OpenFile f, byte[] buf, int count, long pos) throws IOException, InterruptedException {
        if (f.special() != null) {
            if (pos >= 0) {
                throw Errno.ESPIPE.error();
            }
            return f.special().read(buf, count, f.nonblocking());
        }
        byte[] content = f.content();
        if (content != null) {
            synchronized (f) {
                long at = pos < 0 ? f.position() : pos;
                int n = (int) Math.max(0, Math.min(count, content.length - at));
                if (n > 0) {
                    System.arraycopy(content, (int) at, buf, 0, n);
                }
                if (pos < 0) {
                    f.position(at + n);
                }
                return n;
            }
        }
        IoObject io = f.io();
        if (io == null) {
            throw Errno.EBADF.error();
        }
        if (f.nonblocking() && !io.readable()) {
            throw Errno.EAGAIN.error();
        }
        boolean file = io.kind().equals("file");
        int total = 0;
        while (total < count) {
            ByteBuffer bb = ByteBuffer.wrap(buf, total, count - total);
            int n = pos < 0 ? io.read(bb) : io.read(bb, pos + total);
            if (n <= 0) {
                break;
            }
            total += n;
            if (!file) {
                break;
            }
        }
        return total;
    }

    /** read(2) and pread(2) ({@code pos} -1 for the file position). */
    public static long read(Call c, int fd, long address, int count, long pos) throws IOException,
            InterruptedException {
        OpenFile f = readable(c, fd);
        if (count == 0) {
            return 0;
        }
        if (pos >= 0 && !f.seekable()) {
            throw Errno.ESPIPE.error();
        }
        int max = Math.min(count, f.seekable() ? CHUNK * 16 : 65536);
        IoObject io = direct(f);
        if (io != null) {
            AddressSpace.Pinned p = pin(c, address, max, AddressSpace.WRITE);
            if (p != null) {
                try (p) {
                    return readDirect(f, io, p.buffers(), pos);
                }
            }
        }
        if (!c.mem().isMapped(address, count)) {
            throw Errno.EFAULT.error();
        }
        byte[] buf = new byte[max];
        int n = readInto(f, buf, buf.length, pos);
        c.mem().write(address, buf, 0, n);
        return n;
    }

    /** Writes host bytes to a description; EPIPE also raises SIGPIPE. */
    public static long writeFrom(Call c, OpenFile f, byte[] buf, int length, long pos) throws IOException,
            InterruptedException {
        if (f.special() != null) {
            if (pos >= 0) {
                throw Errno.ESPIPE.error();
            }
            return f.special().write(buf, length, f.nonblocking());
        }
        if (f.content() != null || f.io() == null) {
            throw Errno.EBADF.error();
        }
        return writeBuffer(c, f, f.io(), ByteBuffer.wrap(buf, 0, length), pos);
    }

    /** Writes a buffer (host bytes or lent guest memory) to a kernel object; EPIPE also raises SIGPIPE. */
    private static long writeBuffer(Call c, OpenFile f, IoObject io, ByteBuffer bb, long pos) throws IOException,
            InterruptedException {
        if (f.nonblocking() && !io.writable()) {
            throw Errno.EAGAIN.error();
        }
        try {
            if (pos >= 0) {
                int total = 0;
                while (bb.hasRemaining()) {
                    total += io.write(bb, pos + total);
                }
                return total;
            }
            return io.write(bb);
        } catch (IOException e) {
            if (Errno.of(e) == Errno.EPIPE) {
                // the writer gets SIGPIPE; like shells, its end is not announced
                Signals.raise(c.kernel(), c.process(), c.abi().signals().number("PIPE"), "");
                throw Errno.EPIPE.error();
            }
            throw e;
        }
    }

    /** write(2) and pwrite(2) ({@code pos} -1 for the file position). */
    public static long write(Call c, int fd, long address, int count, long pos) throws IOException,
            InterruptedException {
        OpenFile f = writable(c, fd);
        if (pos >= 0 && !f.seekable()) {
            throw Errno.ESPIPE.error();
        }
        if (count == 0) {
            return 0;
        }
        IoObject io = direct(f);
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(CHUNK, count - done);
            long w;
            try {
                w = -1;
                if (io != null) {
                    AddressSpace.Pinned p = pin(c, address + done, n, AddressSpace.READ);
                    if (p != null) {
                        try (p) {
                            // one buffer is one write (a pipe's atomic write stays atomic); else copy to one array
                            if (p.buffers().length == 1) {
                                w = writeBuffer(c, f, io, p.buffers()[0], pos < 0 ? -1 : pos + done);
                            }
                        }
                    }
                }
                if (w < 0) {
                    w = writeFrom(c, f, c.read(address + done, n), n, pos < 0 ? -1 : pos + done);
                }
            } catch (SysError e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            done += w;
            if (w < n) {
                break;
            }
        }
        return done;
    }

    /**
     * The (base, length) pairs of an iovec array (16 bytes per entry on x86-64): EINVAL for a bad count or a
     * negative length; a total beyond {@link #MAX_RW} is cut there (a short transfer, as Linux does).
     */
    public static long[][] iovecs(Call c, long iov, int count) {
        if (count < 0 || count > 1024) {
            throw Errno.EINVAL.error();
        }
        long[][] v = new long[count][];
        long total = 0;
        for (int i = 0; i < count; i++) {
            long base = c.mem().getLong(iov + 16L * i);
            long len = c.mem().getLong(iov + 16L * i + 8);
            if (len < 0) {
                throw Errno.EINVAL.error();
            }
            total += len;
            if (total > MAX_RW) {
                len -= total - MAX_RW;
                total = MAX_RW;
            }
            v[i] = new long[] {base, len};
        }
        return v;
    }

    /** The one non-empty buffer of an iovec array, or null when there are several. */
    private static long[] single(long[][] v) {
        long[] one = null;
        for (long[] b : v) {
            if (b[1] > 0) {
                if (one != null) {
                    return null;
                }
                one = b;
            }
        }
        return one;
    }

    private static long total(long[][] v) {
        long total = 0;
        for (long[] b : v) {
            total += b[1];
        }
        return total;
    }

    /** readv(2) and preadv(2): one read, scattered over the buffers (atomic as one read is). */
    public static long readv(Call c, int fd, long iov, int count, long pos) throws IOException, InterruptedException {
        OpenFile f = readable(c, fd);
        long[][] v = iovecs(c, iov, count);
        long total = total(v);
        if (total == 0) {
            return 0;
        }
        if (pos >= 0 && !f.seekable()) {
            throw Errno.ESPIPE.error();
        }
        IoObject io = direct(f);
        long[] single = single(v);
        if (io != null && single != null) {
            return read(c, fd, single[0], (int) Math.min(single[1], CHUNK * 16L), pos);
        }
        if (io != null && io.kind().equals("file")) {
            // a file: each buffer in turn, in place, until one is not filled
            long done = 0;
            boolean lent = true;
            for (long[] b : v) {
                if (b[1] == 0) {
                    continue;
                }
                long got;
                try (AddressSpace.Pinned p = pin(c, b[0], Math.min(b[1], CHUNK * 16L), AddressSpace.WRITE)) {
                    if (p == null) {
                        lent = false; // this address space copies
                        break;
                    }
                    got = readDirect(f, io, p.buffers(), pos < 0 ? -1 : pos + done);
                } catch (SysError e) {
                    if (done > 0) {
                        return done;
                    }
                    throw e;
                }
                done += got;
                if (got < b[1]) {
                    break;
                }
            }
            if (lent) {
                return done;
            }
        }
        byte[] buf = new byte[(int) Math.min(total, CHUNK * 16L)];
        int n = readInto(f, buf, buf.length, pos);
        int at = 0;
        for (long[] b : v) {
            int part = (int) Math.min(b[1], n - at);
            if (part <= 0) {
                break;
            }
            c.mem().write(b[0], buf, at, part);
            at += part;
        }
        return n;
    }

    /** writev(2) and pwritev(2): the buffers gathered into one write (atomic on a pipe as one write is). */
    public static long writev(Call c, int fd, long iov, int count, long pos) throws IOException,
            InterruptedException {
        OpenFile f = writable(c, fd);
        long[][] v = iovecs(c, iov, count);
        int size = (int) Math.min(total(v), CHUNK * 16L);
        if (size == 0) {
            return 0;
        }
        if (pos >= 0 && !f.seekable()) {
            throw Errno.ESPIPE.error();
        }
        long[] single = single(v);
        if (single != null && direct(f) != null) {
            return write(c, fd, single[0], size, pos);
        }
        byte[] buf = new byte[size];
        int at = 0;
        for (long[] b : v) {
            int part = (int) Math.min(b[1], size - at);
            if (part > 0) {
                c.mem().read(b[0], buf, at, part);
                at += part;
            }
        }
        return writeFrom(c, f, buf, size, pos);
    }

    /**
     * lseek(2): the new position; ESPIPE for pipes, terminals and special files, EBADF for a path-only
     * descriptor, EINVAL for a bad whence or position, ENXIO for SEEK_DATA/SEEK_HOLE outside the file.
     */
    public static long lseek(Call c, int fd, long offset, int whence) throws IOException {
        OpenFile f = c.fds().get(fd);
        if (f.directory() || f.content() != null) {
            synchronized (f) {
                long base = switch (whence) {
                    case SEEK_SET -> 0;
                    case SEEK_CUR -> f.position();
                    case SEEK_END -> f.content() == null ? 0 : f.content().length;
                    default -> throw Errno.EINVAL.error();
                };
                long p = base + offset;
                if (p < 0) {
                    throw Errno.EINVAL.error();
                }
                f.position(p);
                if (f.directory()) {
                    f.dirCursor = p == 0 ? null : f.dirCursor;
                }
                return p;
            }
        }
        if (f.io() == null && f.special() == null) {
            throw Errno.EBADF.error(); // a path-only descriptor
        }
        if (!f.is("file")) {
            throw Errno.ESPIPE.error();
        }
        IoObject io = f.io();
        synchronized (io) {
            long size = io.size();
            long p = switch (whence) {
                case SEEK_SET -> offset;
                case SEEK_CUR -> io.position() + offset;
                case SEEK_END -> size + offset;
                case SEEK_DATA -> {
                    if (offset < 0 || offset >= size) {
                        throw Errno.ENXIO.error();
                    }
                    yield offset;
                }
                case SEEK_HOLE -> {
                    if (offset < 0 || offset >= size) {
                        throw Errno.ENXIO.error();
                    }
                    yield size;
                }
                default -> throw Errno.EINVAL.error();
            };
            if (p < 0) {
                throw Errno.EINVAL.error();
            }
            io.position(p);
            return p;
        }
    }
}
