package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.Files;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * File attributes: chmod, chown, truncate, utimensat, statfs on the core's {@link Files} (Linux's AT_* flags,
 * time encodings and struct statfs here); fallocate.
 */
final class AttrCalls {

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private AttrCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(90, "so", c -> Files.chmod(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.intArg(1)));
        t.full(91, "do", c -> Files.chmod(c.core(), Files.of(c.core(), c.intArg(0)), c.intArg(1)));
        t.full(268, "fso", c -> Files.chmod(c.core(), at(c, c.intArg(0), c.path(1), true), c.intArg(2)));
        t.partial(92, "sdd", c -> Files.chown(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.intArg(1),
                c.intArg(2)), OWNER_NOTE);
        t.partial(93, "ddd", c -> Files.chown(c.core(), Files.of(c.core(), c.intArg(0)), c.intArg(1), c.intArg(2)),
                OWNER_NOTE);
        t.partial(94, "sdd", c -> Files.chown(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.intArg(1),
                c.intArg(2)), OWNER_NOTE);
        t.partial(260, "fsddx", c -> Files.chown(c.core(), at(c, c.intArg(0), c.path(1), follow(c, 4)),
                c.intArg(2), c.intArg(3)), OWNER_NOTE);
        t.full(76, "sl", c -> Files.truncate(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1)));
        t.full(280, "fspx", AttrCalls::utimensat);
        t.full(132, "sp", c -> utimes(c, at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1), false));
        t.full(235, "sp", c -> utimes(c, at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1), true));
        t.full(261, "fsp", c -> utimes(c, at(c, c.intArg(0), c.path(1), true), c.arg(2), true));
        t.partial(452, "fsox", c -> Files.chmod(c.core(), at(c, c.intArg(0), c.path(1), follow(c, 3)), c.intArg(2)),
                "AT_SYMLINK_NOFOLLOW changes the link's target (links have no mode of their own)");
        t.partial(285, "dxll", AttrCalls::fallocate, "mode 0 (allocate, extending the file) only");
        t.full(137, "sp", c -> statfs(c, at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1)));
        t.full(138, "dp", c -> statfs(c, Files.of(c.core(), c.intArg(0)), c.arg(1)));
    }

    private static final String OWNER_NOTE = "changes that the host user may make; others fail with EPERM";

    /** Resolves a path argument of a *at call with the core ({@link Files#at}). */
    private static GuestFs.Resolved at(Call c, int dirfd, String path, boolean follow) {
        return Files.at(c.core(), dirfd, path, follow);
    }

    /** Whether an AT_SYMLINK_NOFOLLOW argument asks to follow a final link. */
    private static boolean follow(Call c, int flagsArg) {
        return (c.intArg(flagsArg) & AT_SYMLINK_NOFOLLOW) == 0;
    }

    private static FileTime time(Call c, long address, int index) {
        if (address == 0) {
            return FileTime.from(Instant.now());
        }
        long sec = c.mem().getLong(address + 16L * index);
        long nsec = c.mem().getLong(address + 16L * index + 8);
        if (nsec == UTIME_NOW) {
            return FileTime.from(Instant.now());
        }
        if (nsec == UTIME_OMIT) {
            return null;
        }
        if (nsec < 0 || nsec > 999_999_999L) {
            throw Errno.error(Errno.EINVAL);
        }
        return FileTime.from(Instant.ofEpochSecond(sec, nsec));
    }

    /** Implements Linux utimensat(2) (and futimens with a NULL path) on the core's setTimes. */
    private static long utimensat(Call c) throws IOException {
        GuestFs.Resolved r = c.arg(1) == 0 ? Files.of(c.core(), c.intArg(0))
                : at(c, c.intArg(0), c.path(1), follow(c, 3));
        FileTime atime = time(c, c.arg(2), 0); // a bad time is EINVAL before the file is looked at, as on Linux
        FileTime mtime = time(c, c.arg(2), 1);
        return Files.setTimes(c.core(), r, atime, mtime);
    }

    /** Implements Linux utime(2), utimes(2) and futimesat(2): seconds, or seconds and microseconds. */
    private static long utimes(Call c, GuestFs.Resolved r, long times, boolean micros) throws IOException {
        FileTime atime;
        FileTime mtime;
        if (times == 0) {
            atime = FileTime.from(Instant.now());
            mtime = atime;
        } else if (micros) {
            atime = FileTime.from(Instant.ofEpochSecond(c.mem().getLong(times), c.mem().getLong(times + 8) * 1000));
            mtime = FileTime.from(Instant.ofEpochSecond(c.mem().getLong(times + 16),
                    c.mem().getLong(times + 24) * 1000));
        } else {
            atime = FileTime.from(Instant.ofEpochSecond(c.mem().getLong(times)));
            mtime = FileTime.from(Instant.ofEpochSecond(c.mem().getLong(times + 8)));
        }
        return Files.setTimes(c.core(), r, atime, mtime);
    }

    /** Implements Linux fallocate(2) for mode 0: the file grows to cover the range. */
    private static long fallocate(Call c) throws IOException {
        io.pico.posix.core.OpenFile f = c.state().fds().get(c.intArg(0));
        long offset = c.arg(2);
        long len = c.arg(3);
        if (offset < 0 || len <= 0) {
            return -Errno.EINVAL;
        }
        if (c.intArg(1) != 0) {
            return -Errno.EOPNOTSUPP;
        }
        if (!f.writable()) {
            return -Errno.EBADF;
        }
        if (f.io() == null || !f.io().kind().equals("file")) {
            return f.io() != null && f.io().kind().equals("pipe") ? -Errno.ESPIPE : -Errno.ENODEV;
        }
        if (f.io().size() < offset + len) {
            f.io().truncate(offset + len);
        }
        return 0;
    }

    /** Implements Linux statfs(2) and fstatfs(2): the core's sizes in Linux's struct statfs. */
    private static long statfs(Call c, GuestFs.Resolved r, long buf) throws IOException {
        Files.FsStats st = Files.statfs(c.core(), r);
        ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        if (st.synthetic()) {
            b.putLong(0x9fa0).putLong(st.blockSize()).putLong(0).putLong(0).putLong(0).putLong(0).putLong(0);
        } else {
            b.putLong(0xEF53).putLong(st.blockSize()).putLong(st.blocks()).putLong(st.free()).putLong(st.available())
                    .putLong(st.files()).putLong(st.freeFiles());
        }
        b.putLong(0).putLong(255).putLong(4096).putLong(0x20); // fsid, namelen, frsize, flags ST_RELATIME
        c.write(buf, b.array());
        return 0;
    }
}
