package io.pico.posix.sys;

import io.pico.posix.DevFd;
import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.Files;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.OpenFlags;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Files by name: open, stat, access, readlink, the working directory, realpath. */
final class PathCalls {

    /** FreeBSD's PATH_MAX. */
    static final int PATH_MAX = 1024;
    static final int AT_EACCESS = 0x100;
    static final int AT_SYMLINK_NOFOLLOW = 0x200;
    static final int AT_SYMLINK_FOLLOW = 0x400;
    static final int AT_REMOVEDIR = 0x800;
    static final int AT_RESOLVE_BENEATH = 0x2000;
    static final int AT_EMPTY_PATH = 0x4000;
    private static final int O_EXEC = 0x40000;
    private static final OpenFlags FLAGS = OpenFlags.FREEBSD;
    private static final String OPEN_NOTE = "O_SHLOCK and O_EXLOCK always succeed; O_DIRECT and O_SYNC are ignored";

    private PathCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(5, "sOo", c -> open(c, c.abi().atFdCwd(), path(c, 0), c.intArg(1), c.intArg(2)), OPEN_NOTE);
        t.partial(499, "fsOo", c -> open(c, c.intArg(0), path(c, 1), c.intArg(2), c.intArg(3)), OPEN_NOTE);
        t.full(8, "so", c -> open(c, c.abi().atFdCwd(), path(c, 0), FLAGS.creat() | FLAGS.wronly() | FLAGS.trunc(),
                c.intArg(1)));
        t.full(551, "dp", c -> {
            Structs.writeStat(c.mem(), c.arg(1), Files.fstat(c, c.intArg(0)));
            return 0;
        });
        t.full(552, "fspx", PathCalls::fstatat);
        t.full(33, "so", c -> Files.access(c, c.abi().atFdCwd(), path(c, 0), c.intArg(1), true));
        t.full(376, "so", c -> Files.access(c, c.abi().atFdCwd(), path(c, 0), c.intArg(1), true));
        t.full(489, "fsox", c -> {
            if ((c.intArg(3) & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_RESOLVE_BENEATH)) != 0) {
                throw Errno.EINVAL.error();
            }
            return Files.access(c, c.intArg(0), path(c, 1), c.intArg(2), (c.intArg(3) & AT_SYMLINK_NOFOLLOW) == 0);
        });
        t.full(58, "spu", c -> Files.readlink(c, c.abi().atFdCwd(), path(c, 0), c.arg(1), c.arg(2)));
        t.full(500, "fspu", c -> Files.readlink(c, c.intArg(0), path(c, 1), c.arg(2), c.arg(3)));
        t.full(326, "pu", c -> {
            c.write(c.arg(0), Files.cwd(c, c.arg(1)));
            return 0;
        });
        t.full(12, "s", c -> Files.chdir(c, Files.at(c, c.abi().atFdCwd(), path(c, 0), true)));
        t.full(13, "d", c -> Files.fchdir(c, c.intArg(0)));
        t.full(574, "fspux", PathCalls::realpathat);
    }

    /** A path argument: EFAULT for NULL, ENAMETOOLONG beyond FreeBSD's PATH_MAX. */
    static String path(Call c, int i) {
        return c.string(c.arg(i), PATH_MAX);
    }

    /** Implements FreeBSD open(2) and openat(2); {@code /dev/fd/N} duplicates descriptor N. */
    private static long open(Call c, int dirfd, String path, int flags, int mode) throws IOException {
        int core = FLAGS.toCore(flags);
        if ((flags & O_EXEC) != 0) {
            core |= OpenFile.READ;
        }
        GuestFs.Resolved r = Files.at(c, dirfd, path, (core & OpenFile.NOFOLLOW) == 0);
        int fd = DevFd.fd(r.guest());
        if (fd >= 0) {
            return c.fds().install(c.fds().get(fd), (core & OpenFile.CLOEXEC) != 0, 0);
        }
        return Files.open(c, dirfd, path, core, mode);
    }

    /** Implements FreeBSD fstatat(2), with AT_EMPTY_PATH for the descriptor itself. */
    private static long fstatat(Call c) throws IOException {
        int flags = c.intArg(3);
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_RESOLVE_BENEATH | AT_EMPTY_PATH)) != 0) {
            throw Errno.EINVAL.error();
        }
        String path = path(c, 1);
        if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            Structs.writeStat(c.mem(), c.arg(2), c.intArg(0) == c.abi().atFdCwd()
                    ? Files.stat(c, c.fs().resolve("/", c.state().cwd(), true)) : Files.fstat(c, c.intArg(0)));
            return 0;
        }
        GuestFs.Resolved r = Files.at(c, c.intArg(0), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
        Structs.writeStat(c.mem(), c.arg(2), Files.stat(c, r));
        return 0;
    }

    /** Implements FreeBSD __realpathat(2): the canonical guest path of an existing file. */
    private static long realpathat(Call c) throws IOException {
        if (c.intArg(4) != 0) {
            throw Errno.EINVAL.error();
        }
        GuestFs.Resolved r = Files.at(c, c.intArg(0), path(c, 1), true);
        Files.stat(c, r);
        byte[] b = (r.guest() + "\0").getBytes(StandardCharsets.UTF_8);
        if (b.length > c.arg(3)) {
            throw Errno.ENAMETOOLONG.error();
        }
        c.write(c.arg(2), b);
        return 0;
    }
}
