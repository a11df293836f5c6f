package io.pico.linux.sys;

import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.Overlay;
import io.pico.posix.core.fs.StatInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotLinkException;
import java.time.Instant;

/** Looking at paths: stat and friends, access, readlink, the working directory. */
final class PathCalls {

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EACCESS = 0x200;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final Instant START = Instant.now();

    private PathCalls() {
    }

    static void register(SyscallTable t) {
        OpenCalls.register(t);
        t.full(4, "sp", c -> stat(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1), false));
        t.full(6, "sp", c -> stat(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.arg(1), false));
        t.full(5, "dp", c -> {
            io.pico.linux.LinuxAbi.writeStat(fstat(c, c.intArg(0)), c.mem(), c.arg(1));
            return 0;
        });
        t.full(262, "fspx", c -> statAt(c, c.intArg(0), c.arg(1), c.intArg(3), c.arg(2), false));
        t.partial(332, "fsxxp", c -> statAt(c, c.intArg(0), c.arg(1), c.intArg(2), c.arg(4), true),
                "basic fields, no birth time");
        t.full(21, "so", c -> access(c, OpenCalls.AT_FDCWD, c.path(0), c.intArg(1), 0));
        t.full(269, "fso", c -> access(c, c.intArg(0), c.path(1), c.intArg(2), 0));
        t.full(439, "fsox", c -> access(c, c.intArg(0), c.path(1), c.intArg(2), c.intArg(3)));
        t.full(89, "spu", c -> readlink(c, OpenCalls.AT_FDCWD, c.path(0), c.arg(1), c.arg(2)));
        t.full(267, "fspu", c -> readlink(c, c.intArg(0), c.path(1), c.arg(2), c.arg(3)));
        t.full(79, "pu", PathCalls::getcwd);
        t.full(80, "s", c -> chdir(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true)));
        t.full(81, "d", PathCalls::fchdir);
    }

    /** The stat of a resolved path (links were followed by resolution as asked). */
    static StatInfo statOf(Call c, GuestFs.Resolved r) throws IOException {
        if (r.synthetic()) {
            Overlay.Node n = c.fs().overlay().lookup(r.guest());
            if (n == null) {
                throw Errno.error(Errno.ENOENT);
            }
            return c.fs().overlay().stat(r.guest(), n);
        }
        return StatInfo.of(c.fs().secure(r), false);
    }

    /** The stat of an open description. */
    static StatInfo fstat(Call c, int fd) throws IOException {
        OpenFile f = c.state().fds().get(fd);
        if (f.hostPath() != null) {
            try {
                return StatInfo.of(c.fs().secure(c.fs().described(f.guestPath(), f.hostPath())), false);
            } catch (java.nio.file.NoSuchFileException | io.pico.posix.core.SysError e) {
                if (f.io() == null || !f.io().kind().equals("file")) {
                    throw e;
                }
                // open, then deleted (or a memfd): still a regular file of its current size, with no links
                long size = f.io().size();
                return new StatInfo(0x16, 0x20000 + (System.identityHashCode(f.io()) & 0xffffff), 0,
                        StatInfo.S_IFREG | 0600, HostIds.uid(), HostIds.gid(), 0, size, (size + 511) / 512, START, START,
                        START);
            }
        }
        if (f.guestPath() != null && f.guestPath().startsWith("/proc")) {
            if (f.content() != null) {
                return StatInfo.synthetic(StatInfo.S_IFREG | 0444, 0x1000 + (f.guestPath().hashCode() & 0xfffffffL),
                        0, 0, HostIds.uid(), HostIds.gid(), START);
            }
            return statOf(c, new GuestFs.Resolved(f.guestPath(), null));
        }
        if (f.special() != null) {
            return StatInfo.synthetic(0600, 0x30000 + (System.identityHashCode(f.special()) & 0xffffff), 0, 0,
                    HostIds.uid(), HostIds.gid(), START);
        }
        IoObject io = f.io();
        long ino = 0x10000 + (System.identityHashCode(io) & 0xffffff);
        if (io != null && io.isTerminal()) {
            return StatInfo.synthetic(StatInfo.S_IFCHR | 0620, 3, 0, 0x8800, HostIds.uid(), HostIds.gid(), START);
        }
        if (io instanceof io.pico.api.SocketObject) {
            return StatInfo.synthetic(StatInfo.S_IFSOCK | 0777, ino, 0, 0, HostIds.uid(), HostIds.gid(), START);
        }
        return StatInfo.synthetic(StatInfo.S_IFIFO | 0600, ino, 0, 0, HostIds.uid(), HostIds.gid(), START);
    }

    /** Implements Linux stat(2) and lstat(2). */
    private static long stat(Call c, GuestFs.Resolved r, long buf, boolean statx) throws IOException {
        StatInfo s = statOf(c, r);
        if (statx) {
            io.pico.linux.LinuxAbi.writeStatx(s, c.mem(), buf);
        } else {
            io.pico.linux.LinuxAbi.writeStat(s, c.mem(), buf);
        }
        return 0;
    }

    /** Implements Linux newfstatat(2) and statx(2). */
    private static long statAt(Call c, int dirfd, long pathPtr, int flags, long buf, boolean statx)
            throws IOException {
        String path = pathPtr == 0 && (flags & AT_EMPTY_PATH) != 0 ? "" : c.string(pathPtr, Call.PATH_MAX);
        if (path.isEmpty()) {
            if ((flags & AT_EMPTY_PATH) == 0) {
                return -Errno.ENOENT;
            }
            StatInfo s = dirfd == OpenCalls.AT_FDCWD ? statOf(c, c.fs().resolve("/", c.state().cwd(), true))
                    : fstat(c, dirfd);
            if (statx) {
                io.pico.linux.LinuxAbi.writeStatx(s, c.mem(), buf);
            } else {
                io.pico.linux.LinuxAbi.writeStat(s, c.mem(), buf);
            }
            return 0;
        }
        return stat(c, OpenCalls.at(c, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0), buf, statx);
    }

    /** Implements Linux access(2), faccessat(2) and faccessat2(2) against the host's permission checks. */
    private static long access(Call c, int dirfd, String path, int mode, int flags) throws IOException {
        if ((mode & ~7) != 0 || (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) != 0) {
            return -Errno.EINVAL;
        }
        GuestFs.Resolved r = OpenCalls.at(c, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
        StatInfo s = statOf(c, r);
        if (r.synthetic()) {
            return (mode & 2) != 0 || ((mode & 1) != 0 && !s.isDirectory()) ? -Errno.EACCES : 0;
        }
        if (((mode & 4) != 0 && !Files.isReadable(c.fs().secure(r))) || ((mode & 2) != 0 && !Files.isWritable(c.fs().secure(r)))
                || ((mode & 1) != 0 && !Files.isExecutable(c.fs().secure(r)))) {
            return -Errno.EACCES;
        }
        return 0;
    }

    /** Implements Linux readlink(2) and readlinkat(2). */
    private static long readlink(Call c, int dirfd, String path, long buf, long size) throws IOException {
        if (size <= 0) {
            return -Errno.EINVAL;
        }
        GuestFs.Resolved r = OpenCalls.at(c, dirfd, path, false);
        String target;
        if (r.synthetic()) {
            Overlay.Node n = c.fs().overlay().lookup(r.guest());
            if (n == null) {
                return -Errno.ENOENT;
            }
            if (n.kind() != Overlay.Kind.LINK) {
                return -Errno.EINVAL;
            }
            target = n.target();
            if (r.guest().equals("/proc/self") || r.guest().equals("/proc/thread-self")) {
                target = n.target();
            }
        } else {
            try {
                target = Files.readSymbolicLink(c.fs().secure(r)).toString();
            } catch (NotLinkException e) {
                return Files.exists(c.fs().secure(r), LinkOption.NOFOLLOW_LINKS) ? -Errno.EINVAL : -Errno.ENOENT;
            }
        }
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(bytes.length, size);
        c.mem().write(buf, bytes, 0, n);
        return n;
    }

    /** Implements Linux getcwd(2). */
    private static long getcwd(Call c) {
        byte[] cwd = (c.state().cwd() + "\0").getBytes(StandardCharsets.UTF_8);
        if (c.arg(1) < cwd.length) {
            return -Errno.ERANGE;
        }
        c.write(c.arg(0), cwd);
        return cwd.length;
    }

    /** Implements Linux chdir(2). */
    private static long chdir(Call c, GuestFs.Resolved r) throws IOException {
        StatInfo s = statOf(c, r);
        if (!s.isDirectory()) {
            return -Errno.ENOTDIR;
        }
        if (!r.synthetic() && !Files.isExecutable(c.fs().secure(r))) {
            return -Errno.EACCES;
        }
        c.state().cwd(r.guest());
        return 0;
    }

    /** Implements Linux fchdir(2). */
    private static long fchdir(Call c) {
        OpenFile f = c.state().fds().get(c.intArg(0));
        if (!f.directory() || f.guestPath() == null) {
            return -Errno.ENOTDIR;
        }
        c.state().cwd(f.guestPath());
        return 0;
    }
}
