package io.pico.linux.fs;

import io.pico.api.AddressSpace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/** What stat(2) reports about a file, and the x86-64 {@code struct stat} and {@code struct statx} layouts. */
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
    private static final String ATTRIBUTES = "unix:dev,ino,mode,nlink,uid,gid,rdev,size,lastAccessTime,"
            + "lastModifiedTime,ctime";

    /** Stats a host file (without following a final link when {@code follow} is false). */
    public static StatInfo of(Path host, boolean follow) throws IOException {
        Map<String, Object> a = follow ? Files.readAttributes(host, ATTRIBUTES)
                : Files.readAttributes(host, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        long size = (Long) a.get("size");
        return new StatInfo((Long) a.get("dev"), (Long) a.get("ino"), ((Number) a.get("nlink")).longValue(),
                (Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("rdev"), size,
                blocks((Integer) a.get("mode"), size), ((FileTime) a.get("lastAccessTime")).toInstant(),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), ((FileTime) a.get("ctime")).toInstant());
    }

    /**
     * The 512-byte blocks a host file occupies, which Java cannot read: whole 4 KB file system blocks for
     * files and directories (what ext4 and tmpfs allocate for files that are not sparse), none for symlinks.
     */
    static long blocks(int mode, long size) {
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

    /** The major and minor numbers of a Linux dev_t. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }

    /** Writes {@code struct stat} (144 bytes). */
    public void writeStat(AddressSpace mem, long address) {
        ByteBuffer b = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(dev).putLong(ino).putLong(nlink).putInt(mode).putInt(uid).putInt(gid).putInt(0).putLong(rdev)
                .putLong(size).putLong(4096).putLong(blocks);
        time(b, atime);
        time(b, mtime);
        time(b, ctime);
        mem.write(address, b.array(), 0, 144);
    }

    private static void time(ByteBuffer b, Instant t) {
        b.putLong(t.getEpochSecond()).putLong(t.getNano());
    }

    /** Writes {@code struct statx} (256 bytes) with the basic fields. */
    public void writeStatx(AddressSpace mem, long address) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x7ff); // STATX_BASIC_STATS
        b.putInt(4096);
        b.putLong(0);
        b.putInt((int) nlink).putInt(uid).putInt(gid).putShort((short) mode).putShort((short) 0);
        b.putLong(ino).putLong(size).putLong(blocks).putLong(0);
        for (Instant t : new Instant[] {atime, Instant.EPOCH, ctime, mtime}) {
            b.putLong(t.getEpochSecond()).putInt(t.getNano()).putInt(0);
        }
        b.putInt((int) major(rdev)).putInt((int) minor(rdev)).putInt((int) major(dev)).putInt((int) minor(dev));
        mem.write(address, b.array(), 0, 256);
    }
}
