package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.linux.LinuxAbi;
import io.pico.posix.core.Files;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.StatInfo;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;

/**
 * Looking at paths: stat and friends, access, readlink, the working directory, on the core's {@link Files}
 * (Linux's AT_* flags and struct stat/statx layouts here).
 */
final class PathCalls {

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EACCESS = 0x200;
    private static final int AT_EMPTY_PATH = 0x1000;

    private PathCalls() {
    }

    static void register(SyscallTable<Call> t) {
        OpenCalls.register(t);
        t.full(4, "sp", c -> stat(c, at(c, OpenCalls.AT_FDCWD, c.path(0), true), c.arg(1), false));
        t.full(6, "sp", c -> stat(c, at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.arg(1), false));
        t.full(5, "dp", c -> {
            LinuxAbi.writeStat(Files.fstat(c.core(), c.intArg(0)), c.mem(), c.arg(1));
            return 0;
        });
        t.full(262, "fspx", c -> statAt(c, c.intArg(0), c.arg(1), c.intArg(3), c.arg(2), false));
        t.partial(332, "fsxxp", c -> statAt(c, c.intArg(0), c.arg(1), c.intArg(2), c.arg(4), true),
                "basic fields, no birth time");
        t.full(21, "so", c -> access(c, OpenCalls.AT_FDCWD, c.path(0), c.intArg(1), 0));
        t.full(269, "fso", c -> access(c, c.intArg(0), c.path(1), c.intArg(2), 0));
        t.full(439, "fsox", c -> access(c, c.intArg(0), c.path(1), c.intArg(2), c.intArg(3)));
        t.full(89, "spu", c -> Files.readlink(c.core(), OpenCalls.AT_FDCWD, c.path(0), c.arg(1), c.arg(2)));
        t.full(267, "fspu", c -> Files.readlink(c.core(), c.intArg(0), c.path(1), c.arg(2), c.arg(3)));
        t.full(79, "pu", PathCalls::getcwd);
        t.full(80, "s", c -> Files.chdir(c.core(), at(c, OpenCalls.AT_FDCWD, c.path(0), true)));
        t.full(81, "d", c -> Files.fchdir(c.core(), c.intArg(0)));
    }

    /** Resolves a path argument of a *at call with the core ({@link Files#at}). */
    private static GuestFs.Resolved at(Call c, int dirfd, String path, boolean follow) {
        return Files.at(c.core(), dirfd, path, follow);
    }

    /** Writes a stat in Linux's struct stat or struct statx. */
    private static long write(Call c, StatInfo s, long buf, boolean statx) {
        if (statx) {
            LinuxAbi.writeStatx(s, c.mem(), buf);
        } else {
            LinuxAbi.writeStat(s, c.mem(), buf);
        }
        return 0;
    }

    /** Implements Linux stat(2) and lstat(2). */
    private static long stat(Call c, GuestFs.Resolved r, long buf, boolean statx) throws IOException {
        return write(c, Files.stat(c.core(), r), buf, statx);
    }

    /** Implements Linux newfstatat(2) and statx(2). */
    private static long statAt(Call c, int dirfd, long pathPtr, int flags, long buf, boolean statx)
            throws IOException {
        String path = pathPtr == 0 && (flags & AT_EMPTY_PATH) != 0 ? "" : c.string(pathPtr, Call.PATH_MAX);
        if (path.isEmpty()) {
            if ((flags & AT_EMPTY_PATH) == 0) {
                return -Errno.ENOENT;
            }
            StatInfo s = dirfd == OpenCalls.AT_FDCWD ? Files.stat(c.core(), c.fs().resolve("/", c.state().cwd(), true))
                    : Files.fstat(c.core(), dirfd);
            return write(c, s, buf, statx);
        }
        return stat(c, at(c, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0), buf, statx);
    }

    /** Implements Linux access(2), faccessat(2) and faccessat2(2) against the host's permission checks. */
    private static long access(Call c, int dirfd, String path, int mode, int flags) throws IOException {
        if ((mode & ~7) != 0 || (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) != 0) {
            return -Errno.EINVAL;
        }
        return Files.access(c.core(), dirfd, path, mode, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }

    /** Implements Linux getcwd(2): the length with the NUL. */
    private static long getcwd(Call c) {
        byte[] cwd = Files.cwd(c.core(), c.arg(1));
        c.write(c.arg(0), cwd);
        return cwd.length;
    }
}
