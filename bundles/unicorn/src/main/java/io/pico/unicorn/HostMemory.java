package io.pico.unicorn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import com.kenai.jffi.MemoryIO;

import io.pico.unicorn.internal.LibC;
import io.pico.unicorn.internal.Native;

/**
 * Native, page-aligned host memory that engines map with {@link Unicorn#memMapPtr}, and direct access to it.
 *
 * <p>Raw memory: addresses are not checked. Reading or writing outside an allocation, or after
 * {@link #free}, crashes the JVM. The accessors are plain loads and stores (no engine involved, no locking);
 * they are little-endian like the guest.
 */
public final class HostMemory {
    public static final long PAGE_SIZE = 4096;

    private static final MemoryIO IO = MemoryIO.getInstance();

    private HostMemory() {
    }

    private static long pageRound(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        return (size + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    /**
     * Allocates {@code size} bytes (rounded up to whole pages) of zero-filled, page-aligned memory with
     * mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE): pages cost RAM only once touched.
     *
     * @throws UnicornException with code {@code UC_ERR_NOMEM} when mmap fails
     */
    public static long allocate(long size) {
        long len = pageRound(size);
        LibC c = Native.libc();
        jnr.ffi.Pointer ptr = c.mmap(null, len, LibC.PROT_READ | LibC.PROT_WRITE,
                LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0L);
        long p = ptr == null ? 0 : ptr.address();
        if (p == LibC.MAP_FAILED || p == 0) {
            int errno = jnr.ffi.Runtime.getRuntime(c).getLastError();
            throw new UnicornException(X86.UC_ERR_NOMEM,
                    "Out of memory: mmap(" + len + " bytes) failed, errno " + errno);
        }
        return p;
    }

    /**
     * Turns transparent huge pages off for this whole host process (prctl PR_SET_THP_DISABLE), for memory
     * mapped from now on. unicorn asks for huge pages (madvise) on each engine's translated-code buffer, so an
     * engine's first translated block costs a whole 2 MiB page of RAM; with many small guest processes that is
     * most of their resident memory. Memory the process maps without asking for huge pages is unaffected when
     * the host's THP mode is "madvise". Returns whether the setting holds afterwards.
     */
    public static boolean disableTransparentHugePages() {
        LibC c = Native.libc();
        c.prctl(LibC.PR_SET_THP_DISABLE, 1, 0, 0, 0);
        return transparentHugePagesDisabled();
    }

    /** Whether transparent huge pages are off for this host process (prctl PR_GET_THP_DISABLE). */
    public static boolean transparentHugePagesDisabled() {
        return Native.libc().prctl(LibC.PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1;
    }

    /** Releases memory from {@link #allocate} (munmap; {@code size} as given to allocate). */
    public static void free(long address, long size) {
        long len = pageRound(size);
        if (address == 0 || (address & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("not a page-aligned allocation: 0x" + Long.toHexString(address));
        }
        LibC c = Native.libc();
        if (c.munmap(address, len) != 0) {
            int errno = jnr.ffi.Runtime.getRuntime(c).getLastError();
            throw new IllegalArgumentException("munmap(0x" + Long.toHexString(address) + ", " + len + ") failed, errno "
                    + errno);
        }
    }

    /**
     * A new memory file (memfd_create: close-on-exec, sealable) of {@code size} bytes of zeros: host memory that
     * several mappings can share ({@link #mapFile}); its pages live until the descriptor is closed and no mapping
     * is left. Close it with {@link #closeFile}.
     *
     * @throws java.io.IOException whose message is the errno's name (EMFILE, ENOMEM, ...)
     */
    public static int memoryFile(String name, long size) throws java.io.IOException {
        LibC c = Native.libc();
        int fd = c.memfd_create(name, LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING);
        if (fd < 0) {
            throw new java.io.IOException("memfd_create: " + errnoName(lastError(c)));
        }
        if (c.ftruncate(fd, size) != 0) {
            int errno = lastError(c);
            c.close(fd);
            throw new java.io.IOException("ftruncate: " + errnoName(errno));
        }
        return fd;
    }

    /**
     * Changes the size of an unsealed memory file from {@link #memoryFile} (ftruncate): new bytes read as zero.
     *
     * @throws java.io.IOException whose message is the errno's name
     */
    public static void resizeFile(int fd, long size) throws java.io.IOException {
        LibC c = Native.libc();
        if (c.ftruncate(fd, size) != 0) {
            throw new java.io.IOException("ftruncate: " + errnoName(lastError(c)));
        }
    }

    /**
     * Seals a memory file against every change of its size and contents (F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE,
     * F_SEAL_SEAL): its private mappings then never lose a page (no SIGBUS) and never see a change. Fails while a
     * shared writable mapping of it exists. Returns whether the seals were added.
     */
    public static boolean seal(int fd) {
        return Native.libc().fcntl(fd, LibC.F_ADD_SEALS, LibC.SEALS_ALL) == 0;
    }

    /**
     * Maps {@code size} bytes (rounded up to pages) of a host file from the page-aligned {@code offset}, readable
     * and writable: shared (writes reach the file) or private (copy-on-write: the file's pages until a page is
     * written, then this mapping's own copy). Touching a page that lies wholly past the file's end raises SIGBUS,
     * which ends the JVM: map only within the file, and only files nobody can shrink (a sealed memory file).
     * Free it with {@link #free}.
     *
     * @throws UnicornException with code {@code UC_ERR_NOMEM} when mmap fails
     */
    public static long mapFile(int fd, long offset, long size, boolean shared) {
        long len = pageRound(size);
        if ((offset & (PAGE_SIZE - 1)) != 0 || offset < 0) {
            throw new IllegalArgumentException("file offset not page aligned: " + offset);
        }
        LibC c = Native.libc();
        jnr.ffi.Pointer ptr = c.mmap(null, len, LibC.PROT_READ | LibC.PROT_WRITE,
                shared ? LibC.MAP_SHARED : LibC.MAP_PRIVATE | LibC.MAP_NORESERVE, fd, offset);
        long p = ptr == null ? 0 : ptr.address();
        if (p == LibC.MAP_FAILED || p == 0) {
            throw new UnicornException(X86.UC_ERR_NOMEM,
                    "mmap(" + len + " bytes of descriptor " + fd + ") failed, errno " + lastError(c));
        }
        return p;
    }

    /**
     * Maps {@code size} bytes (rounded up to pages) of a host file from the page-aligned {@code offset} read-only
     * and private: host memory that nothing can write (a write faults the host process), for memory shared by
     * many readers. Same rules as {@link #mapFile}; free it with {@link #free}.
     */
    public static long mapFileReadOnly(int fd, long offset, long size) {
        long len = pageRound(size);
        if ((offset & (PAGE_SIZE - 1)) != 0 || offset < 0) {
            throw new IllegalArgumentException("file offset not page aligned: " + offset);
        }
        LibC c = Native.libc();
        jnr.ffi.Pointer ptr = c.mmap(null, len, LibC.PROT_READ, LibC.MAP_PRIVATE | LibC.MAP_NORESERVE, fd, offset);
        long p = ptr == null ? 0 : ptr.address();
        if (p == LibC.MAP_FAILED || p == 0) {
            throw new UnicornException(X86.UC_ERR_NOMEM,
                    "mmap(" + len + " bytes of descriptor " + fd + ", read-only) failed, errno " + lastError(c));
        }
        return p;
    }

    /** Closes a host descriptor from {@link #memoryFile}. */
    public static void closeFile(int fd) {
        Native.libc().close(fd);
    }

    /** Offset of the JDK file channel's {@code fd} field (a FileDescriptor), or -1. */
    private static volatile long channelFdOffset = -2;

    /**
     * The host descriptor behind a JDK {@link java.nio.channels.FileChannel} (FileChannel.open,
     * RandomAccessFile.getChannel), or -1 where it cannot be read. Valid only while the channel is open.
     */
    public static int descriptor(java.nio.channels.FileChannel channel) {
        if (Copy.UNSAFE == null || channel == null || !channel.isOpen()
                || !channel.getClass().getName().equals("sun.nio.ch.FileChannelImpl")) {
            return -1; // the offset is that class's field: never read another class's object with it
        }
        try {
            long off = channelFdOffset;
            if (off == -2) {
                try {
                    off = Copy.UNSAFE.objectFieldOffset(channel.getClass().getDeclaredField("fd"));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    off = -1;
                }
                channelFdOffset = off;
            }
            if (off < 0) {
                return -1;
            }
            Object fd = Copy.UNSAFE.getObject(channel, off);
            return fd instanceof java.io.FileDescriptor d ? descriptor(d) : -1;
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /**
     * {@code sun.misc.Unsafe} where the framework wires sun.misc, else null: copies between host memory and Java
     * arrays with its {@code copyMemory} (an intrinsic: no JNI transition; else jffi's JNI accessors), and
     * {@link #compareAndSetInt}. A system call's small
     * transfer (a 64-byte read or write) made two JNI transitions per call before (bench/README.md).
     */
    private static final class Copy {
        static final sun.misc.Unsafe UNSAFE = unsafe();
        static final long BYTES = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(byte[].class);

        private static sun.misc.Unsafe unsafe() {
            try {
                java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                return (sun.misc.Unsafe) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    }

    private static final boolean UNSAFE_COPY = unsafeCopy();

    private static boolean unsafeCopy() {
        try {
            return Copy.UNSAFE != null && Boolean.parseBoolean(System.getProperty("pico.memory.unsafe", "true"));
        } catch (LinkageError e) {
            return false; // sun.misc not wired into this bundle
        }
    }

    public static void read(long address, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (UNSAFE_COPY) {
            Copy.UNSAFE.copyMemory(null, address, dst, Copy.BYTES + off, len);
        } else {
            IO.getByteArray(address, dst, off, len);
        }
    }

    public static void write(long address, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (UNSAFE_COPY) {
            Copy.UNSAFE.copyMemory(src, Copy.BYTES + off, null, address, len);
        } else {
            IO.putByteArray(address, src, off, len);
        }
    }

    public static byte getByte(long address) {
        return IO.getByte(address);
    }

    public static void putByte(long address, byte value) {
        IO.putByte(address, value);
    }

    public static short getShort(long address) {
        return IO.getShort(address);
    }

    public static void putShort(long address, short value) {
        IO.putShort(address, value);
    }

    public static int getInt(long address) {
        return IO.getInt(address);
    }

    public static void putInt(long address, int value) {
        IO.putInt(address, value);
    }

    public static long getLong(long address) {
        return IO.getLong(address);
    }

    /**
     * Atomically replaces the 32-bit value at {@code address} with {@code value} if it is {@code expected} (a host
     * {@code lock cmpxchg}: atomic also against guest threads' locked instructions on that memory). Returns whether
     * it did. Without {@code sun.misc.Unsafe} in the JVM: a plain read and write under a global lock (atomic only
     * against other callers of this method).
     */
    public static boolean compareAndSetInt(long address, int expected, int value) {
        if (Copy.UNSAFE != null) {
            return Copy.UNSAFE.compareAndSwapInt(null, address, expected, value);
        }
        synchronized (HostMemory.class) {
            if (IO.getInt(address) != expected) {
                return false;
            }
            IO.putInt(address, value);
            return true;
        }
    }

    /** Whether {@link #compareAndSetInt} is the host's atomic instruction (sun.misc.Unsafe is there). */
    public static boolean hasAtomicCompareAndSet() {
        return Copy.UNSAFE != null;
    }

    public static void putLong(long address, long value) {
        IO.putLong(address, value);
    }

    /** memcpy between native addresses (non-overlapping). */
    public static void copy(long from, long to, long len) {
        IO.copyMemory(from, to, len);
    }

    /** Fills {@code len} bytes with {@code value}. */
    public static void fill(long address, long len, byte value) {
        IO.setMemory(address, len, value);
    }

    /**
     * A direct ByteBuffer over {@code len} bytes at {@code address} (JNI NewDirectByteBuffer: no copy), in
     * little-endian order. It does not own the memory: do not use it after {@link #free}.
     */
    public static ByteBuffer buffer(long address, int len) {
        if (len < 0) {
            throw new IllegalArgumentException("len " + len);
        }
        return IO.newDirectByteBuffer(address, len).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Offset of the first byte equal to {@code (byte) c} within {@code max} bytes at {@code address}, or -1. */
    public static long memchr(long address, int c, long max) {
        if (max <= 0) {
            return -1;
        }
        long p = Native.libc().memchr(address, c & 0xff, max);
        return p == 0 ? -1 : p - address;
    }

    /** Length of the NUL-terminated string at {@code address}, looking at no more than {@code max} bytes (strnlen). */
    public static long strlen(long address, long max) {
        if (max <= 0) {
            return 0;
        }
        return Native.libc().strnlen(address, max);
    }

    /** The bytes of the NUL-terminated string at {@code address} (without the NUL), at most {@code max} bytes. */
    public static byte[] cString(long address, int max) {
        int n = (int) strlen(address, max);
        byte[] b = new byte[n];
        IO.getByteArray(address, b, 0, n);
        return b;
    }

    /** Offset of {@code java.io.FileDescriptor}'s private {@code fd} field, or -1 where it cannot be read. */
    private static final long FD_OFFSET = fdOffset();

    private static long fdOffset() {
        try {
            return Copy.UNSAFE == null ? -1
                    : Copy.UNSAFE.objectFieldOffset(java.io.FileDescriptor.class.getDeclaredField("fd"));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /**
     * The host descriptor number behind an open {@link java.io.FileDescriptor}, or -1 where it cannot be read
     * (no sun.misc.Unsafe, another JDK layout). Valid only while the stream that owns it is open.
     */
    public static int descriptor(java.io.FileDescriptor fd) {
        if (FD_OFFSET < 0 || fd == null || !fd.valid()) {
            return -1;
        }
        try {
            return Copy.UNSAFE.getInt(fd, FD_OFFSET);
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /**
     * read(2) or, with {@code position >= 0}, pread(2) from a host descriptor straight into a direct buffer
     * (from its position; the position moves past what was read): one native call, no Java array. Retries on
     * EINTR.
     *
     * @return the bytes read, 0 at the end of the file
     * @throws java.io.IOException whose message is the errno's name (EIO, EBADF, EISDIR, ...)
     */
    public static int read(int fd, ByteBuffer dst, long position) throws java.io.IOException {
        long at = IO.getDirectBufferAddress(dst) + dst.position();
        LibC c = Native.libc();
        long n;
        do {
            n = position < 0 ? c.read(fd, at, dst.remaining()) : c.pread(fd, at, dst.remaining(), position);
        } while (n < 0 && lastError(c) == EINTR);
        if (n < 0) {
            throw new java.io.IOException(errnoName(lastError(c)));
        }
        dst.position(dst.position() + (int) n);
        return (int) n;
    }

    /**
     * write(2) or, with {@code position >= 0}, pwrite(2) from a direct buffer (from its position; the position
     * moves past what was written) to a host descriptor, until all is written: one native call for a small write.
     *
     * @return the bytes written
     * @throws java.io.IOException whose message is the errno's name (ENOSPC, EFBIG, EBADF, ...)
     */
    public static int write(int fd, ByteBuffer src, long position) throws java.io.IOException {
        long base = IO.getDirectBufferAddress(src);
        LibC c = Native.libc();
        int total = 0;
        while (src.hasRemaining()) {
            long at = base + src.position();
            long n = position < 0 ? c.write(fd, at, src.remaining())
                    : c.pwrite(fd, at, src.remaining(), position + total);
            if (n < 0) {
                int errno = lastError(c);
                if (errno == EINTR) {
                    continue;
                }
                if (total > 0) {
                    return total;
                }
                throw new java.io.IOException(errnoName(errno));
            }
            src.position(src.position() + (int) n);
            total += (int) n;
        }
        return total;
    }

    private static final int EINTR = 4;

    private static int lastError(LibC c) {
        return jnr.ffi.Runtime.getRuntime(c).getLastError();
    }

    /** The name of a Linux host errno, for an IOException's message (what pico's Errno.of matches). */
    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 21 -> "EISDIR";
            case 22 -> "EINVAL";
            case 27 -> "EFBIG";
            case 28 -> "ENOSPC";
            case 29 -> "ESPIPE";
            case 32 -> "EPIPE";
            case 122 -> "EDQUOT";
            default -> "EIO";
        };
    }
}
