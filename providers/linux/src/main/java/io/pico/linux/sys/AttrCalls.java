package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.StatInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** File attributes: chmod, chown, truncate, utimensat, statfs. */
final class AttrCalls {

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private AttrCalls() {
    }

    static void register(SyscallTable t) {
        t.full(90, "so", c -> chmod(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.intArg(1)));
        t.full(91, "do", c -> chmod(c, described(c, c.intArg(0)), c.intArg(1)));
        t.full(268, "fso", c -> chmod(c, OpenCalls.at(c, c.intArg(0), c.path(1), true), c.intArg(2)));
        t.partial(92, "sdd", c -> chown(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.intArg(1),
                c.intArg(2), true), OWNER_NOTE);
        t.partial(93, "ddd", c -> chown(c, described(c, c.intArg(0)), c.intArg(1), c.intArg(2), true), OWNER_NOTE);
        t.partial(94, "sdd", c -> chown(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.intArg(1),
                c.intArg(2), false), OWNER_NOTE);
        t.partial(260, "fsddx", c -> chown(c, OpenCalls.at(c, c.intArg(0), c.path(1),
                (c.intArg(4) & AT_SYMLINK_NOFOLLOW) == 0), c.intArg(2), c.intArg(3),
                (c.intArg(4) & AT_SYMLINK_NOFOLLOW) == 0), OWNER_NOTE);
        t.full(76, "sl", AttrCalls::truncate);
        t.full(280, "fspx", AttrCalls::utimensat);
        t.full(132, "sp", c -> utimes(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1), false));
        t.full(235, "sp", c -> utimes(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1), true));
        t.full(261, "fsp", c -> utimes(c, OpenCalls.at(c, c.intArg(0), c.path(1), true), c.arg(2), true));
        t.partial(452, "fsox", c -> chmod(c, OpenCalls.at(c, c.intArg(0), c.path(1), (c.intArg(3) & AT_SYMLINK_NOFOLLOW) == 0),
                c.intArg(2)), "AT_SYMLINK_NOFOLLOW changes the link's target (links have no mode of their own)");
        t.partial(285, "dxll", AttrCalls::fallocate, "mode 0 (allocate, extending the file) only");
        t.full(137, "sp", c -> statfs(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1)));
        t.full(138, "dp", c -> statfs(c, described(c, c.intArg(0)), c.arg(1)));
    }

    private static final String OWNER_NOTE = "changes that the host user may make; others fail with EPERM";

    /** The resolved path of a descriptor's file. */
    private static GuestFs.Resolved described(Call c, int fd) {
        OpenFile f = c.state().fds().get(fd);
        if (f.hostPath() == null) {
            if (f.guestPath() != null && f.guestPath().startsWith("/proc")) {
                return new GuestFs.Resolved(f.guestPath(), null);
            }
            throw Errno.error(Errno.EINVAL);
        }
        return c.fs().described(f.guestPath(), f.hostPath());
    }

    /** A file whose attributes may change: it exists, is a real file, and is not in a read-only mount. */
    private static void real(Call c, GuestFs.Resolved r) {
        if (r.synthetic()) {
            throw Errno.error(Errno.EPERM);
        }
        if (!Files.exists(c.fs().secure(r), LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.error(Errno.ENOENT);
        }
        if (c.fs().readOnly(r.guest())) {
            throw Errno.error(Errno.EROFS);
        }
    }

    /** Implements Linux chmod(2), fchmod(2) and fchmodat(2). */
    private static long chmod(Call c, GuestFs.Resolved r, int mode) throws IOException {
        real(c, r);
        // resolution has followed the guest's links: the host must not follow one (swapped in since)
        Files.setAttribute(c.fs().secure(r), "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        return 0;
    }

    /** Implements Linux chown(2) and relatives: what the host allows the runtime's user. */
    private static long chown(Call c, GuestFs.Resolved r, int uid, int gid, boolean follow) throws IOException {
        real(c, r);
        StatInfo s = StatInfo.of(c.fs().secure(r), false);
        LinkOption[] opts = {LinkOption.NOFOLLOW_LINKS}; // resolution has followed the guest's links
        try {
            if (uid != -1 && uid != s.uid()) {
                Files.setAttribute(c.fs().secure(r), "unix:uid", uid, opts);
            }
            if (gid != -1 && gid != s.gid()) {
                Files.setAttribute(c.fs().secure(r), "unix:gid", gid, opts);
            }
        } catch (java.nio.file.FileSystemException e) {
            return HostIds.euid() == 0 ? -Errno.of(e) : -Errno.EPERM;
        }
        return 0;
    }

    /** Implements Linux truncate(2). */
    private static long truncate(Call c) throws IOException {
        GuestFs.Resolved r = OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true);
        real(c, r);
        if (c.arg(1) < 0) {
            return -Errno.EINVAL;
        }
        if (Files.isDirectory(c.fs().secure(r), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EISDIR;
        }
        try (FileChannel ch = FileChannel.open(c.fs().secure(r), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            if (c.arg(1) < ch.size()) {
                ch.truncate(c.arg(1));
            } else if (c.arg(1) > ch.size()) {
                ch.write(ByteBuffer.allocate(1), c.arg(1) - 1);
            }
        }
        return 0;
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

    /** Implements Linux utimensat(2) (and futimens with a NULL path). */
    private static long utimensat(Call c) throws IOException {
        int flags = c.intArg(3);
        GuestFs.Resolved r = c.arg(1) == 0 ? described(c, c.intArg(0))
                : OpenCalls.at(c, c.intArg(0), c.path(1), (flags & AT_SYMLINK_NOFOLLOW) == 0);
        real(c, r);
        FileTime atime = time(c, c.arg(2), 0);
        FileTime mtime = time(c, c.arg(2), 1);
        // resolution has followed the guest's links (unless AT_SYMLINK_NOFOLLOW): the host follows none
        BasicFileAttributeView view = Files.getFileAttributeView(c.fs().secure(r), BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        view.setTimes(mtime, atime, null);
        return 0;
    }

    /** Implements Linux utime(2), utimes(2) and futimesat(2): seconds, or seconds and microseconds. */
    private static long utimes(Call c, GuestFs.Resolved r, long times, boolean micros) throws IOException {
        real(c, r);
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
        Files.getFileAttributeView(c.fs().secure(r), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(mtime, atime, null);
        return 0;
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

    /** Implements Linux statfs(2) and fstatfs(2) from the host file store. */
    private static long statfs(Call c, GuestFs.Resolved r, long buf) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        if (r.synthetic()) {
            b.putLong(0x9fa0).putLong(4096).putLong(0).putLong(0).putLong(0).putLong(0).putLong(0);
        } else {
            Path host = c.fs().secure(r);
            if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                return -Errno.ENOENT;
            }
            FileStore store = Files.getFileStore(host);
            long bs = 4096;
            b.putLong(0xEF53).putLong(bs).putLong(store.getTotalSpace() / bs).putLong(store.getUnallocatedSpace() / bs)
                    .putLong(store.getUsableSpace() / bs).putLong(1 << 20).putLong(1 << 19);
        }
        b.putLong(0).putLong(255).putLong(4096).putLong(0x20); // fsid, namelen, frsize, flags ST_RELATIME
        c.write(buf, b.array());
        return 0;
    }
}
