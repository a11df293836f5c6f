package io.pico.unicorn;

import java.nio.ByteBuffer;

import com.kenai.jffi.MemoryIO;

import io.pico.unicorn.internal.FileLib;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;

/**
 * A few host file calls java.nio has no form of, for the runtime's path calls: {@code fstatat(2)} (a whole
 * {@code struct stat} in one call, relative to an open directory), {@code openat(2)} (with O_PATH, O_NOFOLLOW ...)
 * and {@code getdents64(2)} (names with their inode numbers and types, no stat per entry). One native call each
 * through jnr-ffi's all-primitive path; results are the call's value or {@code -errno} (the host's Linux numbers),
 * never an exception, and nothing is retried.
 *
 * <p>Paths are byte strings without the terminating NUL (at most {@link #PATH_MAX} - 1 bytes, no NUL inside:
 * ENAMETOOLONG, EINVAL), copied into a per-thread native buffer. Buffers passed in must be direct.
 *
 * @since 0.6
 */
public final class HostFiles {
    /** The *at calls' "relative to the working directory". */
    public static final int AT_FDCWD = -100;
    /** fstatat: do not follow a final symbolic link. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** fstatat: an empty path names {@code dirfd} itself. */
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int O_RDONLY = 0;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;
    /** The size of x86-64 Linux's {@code struct stat}, what {@link #fstatat} fills. */
    public static final int STAT_SIZE = 144;
    /** The longest path with its NUL. */
    public static final int PATH_MAX = 4096;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENAMETOOLONG = 36;
    public static final int ELOOP = 40;

    private static final MemoryIO IO = MemoryIO.getInstance();
    private static final ThreadLocal<ByteBuffer> PATH = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(PATH_MAX));
    private static volatile FileLib lib;

    private HostFiles() {
    }

    private static FileLib lib() {
        FileLib l = lib;
        if (l == null) {
            synchronized (HostFiles.class) {
                if (lib == null) {
                    lib = LibraryLoader.create(FileLib.class)
                            .option(LibraryOption.IgnoreError, true)
                            .failImmediately()
                            .load(Platform.getNativePlatform().getStandardCLibraryName());
                }
                l = lib;
            }
        }
        return l;
    }

    private static int errno() {
        return jnr.ffi.Runtime.getRuntime(lib).getLastError();
    }

    /** The address of {@code path} with a NUL after it in this thread's buffer, or -errno as a negative value. */
    private static long cPath(byte[] path) {
        if (path.length >= PATH_MAX) {
            return -ENAMETOOLONG;
        }
        ByteBuffer b = PATH.get();
        long at = IO.getDirectBufferAddress(b);
        for (byte x : path) {
            if (x == 0) {
                return -EINVAL;
            }
        }
        IO.putByteArray(at, path, 0, path.length);
        IO.putByte(at + path.length, (byte) 0);
        return at;
    }

    /**
     * fstatat(2): the {@code struct stat} of {@code path} relative to {@code dirfd} ({@link #AT_FDCWD} or an open
     * directory; ignored for an absolute path) written at the start of {@code stat} (direct, at least
     * {@link #STAT_SIZE} bytes; x86-64 layout: st_dev at 0, st_ino 8, st_nlink 16, st_mode 24 (32 bits), st_uid 28,
     * st_gid 32, st_rdev 40, st_size 48, st_blksize 56, st_blocks 64, st_atim 72, st_mtim 88, st_ctim 104).
     *
     * @return 0, or -errno
     */
    public static int fstatat(int dirfd, byte[] path, ByteBuffer stat, int flags) {
        if (stat.capacity() < STAT_SIZE) {
            throw new IllegalArgumentException("a struct stat needs " + STAT_SIZE + " bytes");
        }
        FileLib l = lib();
        long p = cPath(path);
        if (p < 0) {
            return (int) p;
        }
        int r = l.fstatat(dirfd, p, IO.getDirectBufferAddress(stat), flags);
        return r < 0 ? -errno() : r;
    }

    /**
     * openat(2) of {@code path} relative to {@code dirfd} with the host's {@code flags} (O_DIRECTORY, O_NOFOLLOW,
     * O_PATH, O_CLOEXEC ...; the caller closes the descriptor with {@link #close}).
     *
     * @return the new descriptor, or -errno
     */
    public static int openat(int dirfd, byte[] path, int flags, int mode) {
        FileLib l = lib();
        long p = cPath(path);
        if (p < 0) {
            return (int) p;
        }
        int r = l.openat(dirfd, p, flags, mode);
        return r < 0 ? -errno() : r;
    }

    /**
     * getdents64(2): as many {@code linux_dirent64} records of the open directory {@code fd} as fit in
     * {@code buf} (direct), written from its start (d_ino 8 bytes, d_off 8, d_reclen 2, d_type 1, the name with
     * its NUL).
     *
     * @return the bytes written, 0 at the end of the directory, or -errno
     */
    public static int getdents64(int fd, ByteBuffer buf) {
        FileLib l = lib();
        long r = l.getdents64(fd, IO.getDirectBufferAddress(buf), buf.capacity());
        return r < 0 ? -errno() : (int) r;
    }

    /**
     * close(2) of a descriptor this class opened.
     *
     * @return 0, or -errno
     */
    public static int close(int fd) {
        int r = lib().close(fd);
        return r < 0 ? -errno() : r;
    }
}
