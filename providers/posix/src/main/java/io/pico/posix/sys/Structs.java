package io.pico.posix.sys;

import io.pico.api.AddressSpace;
import io.pico.posix.core.Dirs;
import io.pico.posix.core.Files;
import io.pico.posix.core.fs.StatInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** FreeBSD amd64 structure layouts (FreeBSD 12's 64-bit inode ABI): stat, statfs, dirent, rusage. */
final class Structs {

    /** sizeof(struct stat). */
    static final int STAT_SIZE = 224;
    /** sizeof(struct statfs). */
    static final int STATFS_SIZE = 2344;
    /** sizeof(struct rusage). */
    static final int RUSAGE_SIZE = 144;

    private Structs() {
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes {@code struct stat}: dev, ino, nlink, mode, uid, gid, rdev, times, size, blocks, blksize, flags. */
    static void writeStat(AddressSpace mem, long address, StatInfo s) {
        ByteBuffer b = buffer(STAT_SIZE);
        b.putLong(0, dev(s.dev()));
        b.putLong(8, s.ino());
        b.putLong(16, s.nlink());
        b.putShort(24, (short) s.mode());
        b.putInt(28, s.uid());
        b.putInt(32, s.gid());
        b.putLong(40, dev(s.rdev()));
        time(b, 48, s.atime());
        time(b, 64, s.mtime());
        time(b, 80, s.ctime());
        time(b, 96, s.ctime().isBefore(s.mtime()) ? s.ctime() : s.mtime()); // birth time: the earlier one
        b.putLong(112, s.size());
        b.putLong(120, s.blocks());
        b.putInt(128, StatInfo.BLKSIZE);
        mem.write(address, b.array(), 0, STAT_SIZE);
    }

    /** A host (Linux) dev_t as FreeBSD's: major in bits 8..15 and 32.., minor in 0..7 and 16..31. */
    private static long dev(long dev) {
        long major = StatInfo.major(dev);
        long minor = StatInfo.minor(dev);
        return ((major & 0xffffff00L) << 32) | ((major & 0xff) << 8) | ((minor & 0xff00) << 24) | (minor & 0xffff00ffL);
    }

    private static void time(ByteBuffer b, int at, Instant t) {
        b.putLong(at, t.getEpochSecond());
        b.putLong(at + 8, t.getNano());
    }

    /** Writes {@code struct statfs} (version 0x20140518). */
    static void writeStatfs(AddressSpace mem, long address, Files.FsStats s, String mountedOn) {
        ByteBuffer b = buffer(STATFS_SIZE);
        b.putInt(0, 0x20140518);
        b.putInt(4, s.synthetic() ? 0x59 : 0x35); // devfs, ufs
        b.putLong(8, 0x1000L); // MNT_LOCAL
        b.putLong(16, s.blockSize());
        b.putLong(24, 32768);
        b.putLong(32, s.blocks());
        b.putLong(40, s.free());
        b.putLong(48, s.available());
        b.putLong(56, s.files());
        b.putLong(64, s.freeFiles());
        b.putInt(184, 255);
        b.putInt(188, 0);
        put(b, 280, s.synthetic() ? "devfs" : "ufs", 16);
        put(b, 296, s.synthetic() ? "devfs" : "/dev/pico0", 1024);
        put(b, 1320, mountedOn, 1024);
        mem.write(address, b.array(), 0, STATFS_SIZE);
    }

    private static void put(ByteBuffer b, int at, String s, int max) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Math.min(bytes.length, max - 1); i++) {
            b.put(at + i, bytes[i]);
        }
    }

    /** FreeBSD's {@code struct dirent}: fileno, off, reclen, type, pad, namlen, pad, name, NUL, aligned to 8. */
    static final Dirs.Layout DIRENT = new Dirs.Layout() {
        @Override
        public int size(Dirs.Entry e) {
            return (24 + e.name().length + 1 + 7) & ~7;
        }

        @Override
        public void put(ByteBuffer b, Dirs.Entry e, long next) {
            int start = b.position();
            b.putLong(start, e.ino());
            b.putLong(start + 8, next);
            b.putShort(start + 16, (short) size(e));
            b.put(start + 18, (byte) e.type());
            b.putShort(start + 20, (short) e.name().length);
            for (int i = 0; i < e.name().length; i++) {
                b.put(start + 24 + i, e.name()[i]);
            }
        }
    };
}
