package io.pico.posix.core.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * What stat(2) reports about a file, independent of any personality's {@code struct stat} layout (each
 * personality writes its own). The file type bits of {@code mode} are the common Unix ones.
 *
 * @param dev the device of the file system, as the host reports it
 * @param ino the inode number
 * @param nlink the number of links
 * @param mode type and permission bits
 * @param uid owner
 * @param gid group
 * @param rdev the device a device file stands for
 * @param size size in bytes
 * @param blocks 512-byte blocks
 * @param atime last access
 * @param mtime last modification
 * @param ctime last status change
 */
public record StatInfo(long dev, long ino, long nlink, int mode, int uid, int gid, long rdev, long size,
        long blocks, Instant atime, Instant mtime, Instant ctime) {

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 060000;
    public static final int S_IFDIR = 040000;
    public static final int S_IFCHR = 020000;
    public static final int S_IFIFO = 010000;
    /** The block size reported for every file. */
    public static final int BLKSIZE = 4096;
    private static final String ATTRIBUTES = "unix:dev,ino,mode,nlink,uid,gid,rdev,size,lastAccessTime,"
            + "lastModifiedTime,ctime";

    /**
     * Stats a host file (without following a final link when {@code follow} is false): one fstatat(2)
     * ({@link HostStat}), or java.nio's "unix:" attributes where the native binding is not available.
     */
    public static StatInfo of(Path host, boolean follow) throws IOException {
        if (HostStat.available()) {
            return HostStat.stat(host, follow);
        }
        Map<String, Object> a = follow ? Files.readAttributes(host, ATTRIBUTES)
                : Files.readAttributes(host, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        long size = (Long) a.get("size");
        return new StatInfo((Long) a.get("dev"), (Long) a.get("ino"), ((Number) a.get("nlink")).longValue(),
                (Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("rdev"), size,
                blocks((Integer) a.get("mode"), size), ((FileTime) a.get("lastAccessTime")).toInstant(),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), ((FileTime) a.get("ctime")).toInstant());
    }

    /**
     * The 512-byte blocks a host file occupies, which Java cannot read: whole 4 KB file system blocks for files
     * and directories (what ext4 and tmpfs allocate for files that are not sparse), none for symbolic links.
     *
     * @since 1.3
     */
    public static long blocks(int mode, long size) {
        if ((mode & S_IFMT) == S_IFLNK) {
            return 0;
        }
        return (size + 4095) / 4096 * 8;
    }

    /** A synthetic file of the given type and permissions. */
    public static StatInfo synthetic(int mode, long ino, long size, long rdev, int uid, int gid, Instant time) {
        return new StatInfo(0x16, ino, (mode & S_IFMT) == S_IFDIR ? 2 : 1, mode, uid, gid, rdev, size, 0, time, time,
                time);
    }

    /** Whether it is a directory. */
    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** The dirent d_type of a mode (DT_DIR 4, DT_REG 8 ...; the same in Linux and FreeBSD). */
    public static int direntType(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFDIR -> 4;
            case S_IFREG -> 8;
            case S_IFLNK -> 10;
            case S_IFCHR -> 2;
            case S_IFBLK -> 6;
            case S_IFIFO -> 1;
            case S_IFSOCK -> 12;
            default -> 0;
        };
    }

    /** The major number of a host (Linux) dev_t. */
    public static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    /** The minor number of a host (Linux) dev_t. */
    public static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }
}
