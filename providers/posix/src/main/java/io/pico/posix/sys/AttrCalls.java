package io.pico.posix.sys;

import io.pico.posix.core.Call;
import io.pico.posix.core.Clock;
import io.pico.posix.core.Errno;
import io.pico.posix.core.Files;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** File attributes: permissions, owners, sizes, times, file system statistics, pathconf. */
final class AttrCalls {

    private static final long UTIME_NOW = -1;
    private static final long UTIME_OMIT = -2;
    private static final String OWNER_NOTE = "changes that the host user may make; others fail with EPERM";

    private AttrCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(15, "so", c -> Files.chmod(c, at(c, 0, true), c.intArg(1)));
        t.full(124, "do", c -> Files.chmod(c, Files.of(c, c.intArg(0)), c.intArg(1)));
        t.full(490, "fsox", c -> Files.chmod(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1),
                follow(c, 3)), c.intArg(2)));
        t.partial(274, "so", c -> Files.chmod(c, at(c, 0, true), c.intArg(1)),
                "changes the link's target (links have no mode of their own here)");
        t.partial(16, "sdd", c -> Files.chown(c, at(c, 0, true), c.intArg(1), c.intArg(2)),
                OWNER_NOTE);
        t.partial(123, "ddd", c -> Files.chown(c, Files.of(c, c.intArg(0)), c.intArg(1), c.intArg(2)),
                OWNER_NOTE);
        t.partial(254, "sdd", c -> Files.chown(c, at(c, 0, false), c.intArg(1), c.intArg(2)),
                OWNER_NOTE);
        t.partial(491, "fsddx", c -> Files.chown(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1),
                follow(c, 4)), c.intArg(2), c.intArg(3)), OWNER_NOTE);
        t.full(479, "sl", c -> Files.truncate(c, at(c, 0, true), c.arg(1)));
        t.full(480, "dl", c -> Files.ftruncate(c, c.intArg(0), c.arg(1)));
        t.full(200, "sxl", c -> Files.truncate(c, at(c, 0, true), c.arg(2)));
        t.full(201, "dxl", c -> Files.ftruncate(c, c.intArg(0), c.arg(2)));
        t.full(138, "sp", c -> timeval(c, at(c, 0, true), c.arg(1)));
        t.full(206, "dp", c -> timeval(c, Files.of(c, c.intArg(0)), c.arg(1)));
        t.full(276, "sp", c -> timeval(c, at(c, 0, false), c.arg(1)));
        t.full(494, "fsp", c -> timeval(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1), true),
                c.arg(2)));
        t.full(546, "dp", c -> timespec(c, Files.of(c, c.intArg(0)), c.arg(1)));
        t.full(547, "fspx", c -> timespec(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1),
                follow(c, 3)), c.arg(2)));
        t.full(555, "sp", c -> statfs(c, at(c, 0, true), c.arg(1)));
        t.full(556, "dp", c -> statfs(c, Files.of(c, c.intArg(0)), c.arg(1)));
        t.partial(557, "pld", AttrCalls::getfsstat, "one file system: the guest's root");
        t.full(191, "sd", c -> pathconf(c.intArg(1)));
        t.full(513, "sd", c -> pathconf(c.intArg(1)));
        t.full(192, "dd", c -> {
            c.fds().get(c.intArg(0));
            return pathconf(c.intArg(1));
        });
        t.partial(34, "sx", c -> flags(at(c, 0, true), c.arg(1)), "only clearing flags (no file has any)");
        t.partial(35, "dx", c -> flags(Files.of(c, c.intArg(0)), c.arg(1)), "only clearing flags (no file has any)");
        t.partial(391, "sx", c -> flags(at(c, 0, false), c.arg(1)), "only clearing flags (no file has any)");
        t.partial(530, "dll", AttrCalls::fallocate, "extends the file; the error is the return value, as specified");
        t.partial(531, "dlld", c -> {
            c.fds().get(c.intArg(0));
            return 0;
        }, "advice accepted and ignored");
    }

    private static GuestFs.Resolved at(Call c, int i, boolean follow) {
        return Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, i), follow);
    }

    private static boolean follow(Call c, int flagsArg) {
        return (c.intArg(flagsArg) & PathCalls.AT_SYMLINK_NOFOLLOW) == 0;
    }

    /** Implements utimes(2), futimes(2), lutimes(2) and futimesat(2): timeval pairs, NULL for now. */
    private static long timeval(Call c, GuestFs.Resolved r, long times) throws IOException {
        if (times == 0) {
            FileTime now = FileTime.from(Instant.now());
            return Files.setTimes(c, r, now, now);
        }
        FileTime a = FileTime.from(Instant.ofEpochSecond(0, Clock.getTimeval(c.mem(), times)));
        FileTime m = FileTime.from(Instant.ofEpochSecond(0, Clock.getTimeval(c.mem(), times + 16)));
        return Files.setTimes(c, r, a, m);
    }

    /** Implements utimensat(2) and futimens(2): timespec pairs with UTIME_NOW and UTIME_OMIT. */
    private static long timespec(Call c, GuestFs.Resolved r, long times) throws IOException {
        return Files.setTimes(c, r, time(c, times, 0), time(c, times, 1));
    }

    private static FileTime time(Call c, long address, int index) {
        if (address == 0) {
            return FileTime.from(Instant.now());
        }
        long nsec = c.mem().getLong(address + 16L * index + 8);
        if (nsec == UTIME_NOW) {
            return FileTime.from(Instant.now());
        }
        if (nsec == UTIME_OMIT) {
            return null;
        }
        return FileTime.from(Instant.ofEpochSecond(0, Clock.getTimespec(c.mem(), address + 16L * index)));
    }

    /** Implements statfs(2) and fstatfs(2). */
    private static long statfs(Call c, GuestFs.Resolved r, long buf) throws IOException {
        Structs.writeStatfs(c.mem(), buf, Files.statfs(c, r), "/");
        return 0;
    }

    /** Implements getfsstat(2): the root file system. */
    private static long getfsstat(Call c) throws IOException {
        if (c.arg(0) != 0 && c.arg(1) >= Structs.STATFS_SIZE) {
            Structs.writeStatfs(c.mem(), c.arg(0), Files.statfs(c, c.fs().resolve("/", "/", true)), "/");
        }
        return 1;
    }

    /** Implements pathconf(2) and relatives for the host file systems' usual limits. */
    private static long pathconf(int name) {
        return switch (name) {
            case 1 -> 32767; // _PC_LINK_MAX
            case 2, 3 -> 255; // _PC_MAX_CANON, _PC_MAX_INPUT
            case 4 -> 255; // _PC_NAME_MAX
            case 5 -> PathCalls.PATH_MAX; // _PC_PATH_MAX
            case 6 -> 512; // _PC_PIPE_BUF
            case 7, 8 -> 1; // _PC_CHOWN_RESTRICTED, _PC_NO_TRUNC
            case 9 -> 0xff; // _PC_VDISABLE
            case 12 -> 64; // _PC_FILESIZEBITS
            case 15, 16 -> 0; // _PC_REC_* unknown
            default -> throw Errno.EINVAL.error();
        };
    }

    /** Implements chflags(2) and relatives: no file has flags, so only 0 is accepted. */
    private static long flags(GuestFs.Resolved r, long flags) {
        if (flags != 0) {
            throw Errno.EOPNOTSUPP.error();
        }
        return 0;
    }

    /** Implements posix_fallocate(2): the error number is the result, not an errno. */
    private static long fallocate(Call c) throws IOException {
        try {
            io.pico.posix.core.OpenFile f = c.fds().get(c.intArg(0));
            long offset = c.arg(1);
            long len = c.arg(2);
            if (offset < 0 || len <= 0) {
                throw Errno.EINVAL.error();
            }
            if (!f.writable()) {
                throw Errno.EBADF.error();
            }
            if (!f.is("file")) {
                throw Errno.ENODEV.error();
            }
            if (f.io().size() < offset + len) {
                f.io().truncate(offset + len);
            }
            return 0;
        } catch (io.pico.posix.core.SysError e) {
            return e.number(c.abi());
        }
    }
}
