package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.Dirs;
import io.pico.posix.core.Files;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.StatInfo;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Directories and names: getdents64, mkdir, rmdir, unlink, rename, link, symlink on the core's {@link Dirs} and
 * {@link Files} (Linux's AT_* and RENAME_* flags and dirent layouts here); mknod is Linux's own.
 */
final class DirCalls {

    private static final int AT_REMOVEDIR = 0x200;
    private static final int AT_SYMLINK_FOLLOW = 0x400;
    private static final int RENAME_NOREPLACE = 1;

    /** linux_dirent64: ino, off, reclen, type, name. */
    private static final Dirs.Layout DIRENT64 = new Dirs.Layout() {
        @Override
        public int size(Dirs.Entry e) {
            return (19 + e.name().length + 1 + 7) & ~7;
        }

        @Override
        public void put(ByteBuffer b, Dirs.Entry e, long next) {
            b.putLong(e.ino()).putLong(next).putShort((short) size(e)).put((byte) e.type()).put(e.name());
        }
    };

    /** linux_dirent: ino, off, reclen, name, 0, type in the record's last byte. */
    private static final Dirs.Layout DIRENT = new Dirs.Layout() {
        @Override
        public int size(Dirs.Entry e) {
            return (18 + e.name().length + 2 + 7) & ~7;
        }

        @Override
        public void put(ByteBuffer b, Dirs.Entry e, long next) {
            int start = b.position();
            b.putLong(e.ino()).putLong(next).putShort((short) size(e)).put(e.name());
            b.put(start + size(e) - 1, (byte) e.type());
        }
    };

    private DirCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(217, "dpu", c -> Dirs.read(c.core(), c.intArg(0), c.arg(1), c.sizeArg(2, 1 << 20), DIRENT64));
        t.full(78, "dpu", c -> Dirs.read(c.core(), c.intArg(0), c.arg(1), c.sizeArg(2, 1 << 20), DIRENT));
        t.full(83, "so", c -> Files.mkdir(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.intArg(1)));
        t.full(258, "fso", c -> Files.mkdir(c.core(), at(c, c.intArg(0), c.path(1), false), c.intArg(2)));
        t.full(84, "s", c -> Files.remove(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), false), true));
        t.full(87, "s", c -> Files.remove(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), false), false));
        t.full(263, "fsx", c -> Files.remove(c.core(), at(c, c.intArg(0), c.path(1), false),
                (c.intArg(2) & AT_REMOVEDIR) != 0));
        t.full(82, "ss", c -> rename(c, OpenCalls.AT_FDCWD, c.path(0), OpenCalls.AT_FDCWD, c.path(1), 0));
        t.full(264, "fsfs", c -> rename(c, c.intArg(0), c.path(1), c.intArg(2), c.path(3), 0));
        t.partial(316, "fsfsx", c -> rename(c, c.intArg(0), c.path(1), c.intArg(2), c.path(3), c.intArg(4)),
                "RENAME_NOREPLACE only, no RENAME_EXCHANGE or RENAME_WHITEOUT");
        t.partial(133, "sox", c -> mknod(c, at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.intArg(1)), MKNOD);
        t.partial(259, "fsox", c -> mknod(c, at(c, c.intArg(0), c.path(1), false), c.intArg(2)), MKNOD);
        t.full(86, "ss", c -> Files.link(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), false),
                at(c, OpenCalls.AT_FDCWD, c.path(1), false)));
        t.full(265, "fsfsx", c -> Files.link(c.core(), at(c, c.intArg(0), c.path(1),
                (c.intArg(4) & AT_SYMLINK_FOLLOW) != 0), at(c, c.intArg(2), c.path(3), false)));
        t.full(88, "ss", c -> Files.symlink(c.core(), c.path(0), at(c, OpenCalls.AT_FDCWD, c.path(1), false)));
        t.full(266, "sfs", c -> Files.symlink(c.core(), c.path(0), at(c, c.intArg(1), c.path(2), false)));
    }

    /** Resolves a path argument of a *at call with the core ({@link Files#at}). */
    private static GuestFs.Resolved at(Call c, int dirfd, String path, boolean follow) {
        return Files.at(c.core(), dirfd, path, follow);
    }

    /** Implements Linux rename(2), renameat(2) and renameat2(2) with RENAME_NOREPLACE on the core's rename. */
    private static long rename(Call c, int olddir, String oldPath, int newdir, String newPath, int flags)
            throws IOException {
        if ((flags & ~RENAME_NOREPLACE) != 0) {
            return -Errno.EINVAL;
        }
        return Files.rename(c.core(), at(c, olddir, oldPath, false), at(c, newdir, newPath, false),
                (flags & RENAME_NOREPLACE) != 0);
    }

    private static final String MKNOD = "regular files only: FIFOs, sockets and device nodes cannot be made (EPERM)";

    /** Implements Linux mknod(2) and mknodat(2) for regular files. */
    private static long mknod(Call c, GuestFs.Resolved r, int mode) throws IOException {
        if (r.synthetic()) {
            return -Errno.EACCES;
        }
        if (c.fs().readOnly(r.guest())) {
            return -Errno.EROFS;
        }
        int type = mode & StatInfo.S_IFMT;
        if (type != 0 && type != StatInfo.S_IFREG) {
            return type == StatInfo.S_IFDIR || type == StatInfo.S_IFLNK ? -Errno.EINVAL : -Errno.EPERM;
        }
        Path host = c.fs().secure(r);
        if (java.nio.file.Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EEXIST;
        }
        GuestFs.withOpen(host, java.util.Set.of(java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.CREATE_NEW), p -> p);
        Files.applyMode(host, mode & 07777 & ~c.state().umask());
        return 0;
    }
}
