package io.pico.posix.sys;

import io.pico.posix.core.Call;
import io.pico.posix.core.Dirs;
import io.pico.posix.core.Errno;
import io.pico.posix.core.Files;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.sys.SyscallTable;

/** Directories and names: getdirentries, mkdir, rmdir, unlink, rename, link, symlink. */
final class DirCalls {

    private DirCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(554, "dpup", DirCalls::getdirentries);
        t.full(136, "so", c -> Files.mkdir(c, Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 0), false),
                c.intArg(1)));
        t.full(496, "fso", c -> Files.mkdir(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1), false), c.intArg(2)));
        t.full(137, "s", c -> Files.remove(c, Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 0), false), true));
        t.full(10, "s", c -> Files.remove(c, Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 0), false), false));
        t.full(503, "fsx", c -> Files.remove(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1), false),
                (c.intArg(2) & PathCalls.AT_REMOVEDIR) != 0));
        t.full(128, "ss", c -> Files.rename(c, Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 0), false),
                Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 1), false), false));
        t.full(501, "fsfs", c -> Files.rename(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1), false),
                Files.at(c, c.intArg(2), PathCalls.path(c, 3), false), false));
        t.full(9, "ss", c -> Files.link(c, Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 0), false),
                Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 1), false)));
        t.full(495, "fsfsx", c -> Files.link(c, Files.at(c, c.intArg(0), PathCalls.path(c, 1),
                (c.intArg(4) & PathCalls.AT_SYMLINK_FOLLOW) != 0), Files.at(c, c.intArg(2), PathCalls.path(c, 3), false)));
        t.full(57, "ss", c -> Files.symlink(c, PathCalls.path(c, 0),
                Files.at(c, c.abi().atFdCwd(), PathCalls.path(c, 1), false)));
        t.full(502, "sfs", c -> Files.symlink(c, PathCalls.path(c, 0), Files.at(c, c.intArg(1), PathCalls.path(c, 2),
                false)));
    }

    /** Implements FreeBSD getdirentries(2): records from the snapshot, and the position before them in *basep. */
    private static long getdirentries(Call c) throws java.io.IOException {
        OpenFile f = c.fds().get(c.intArg(0));
        if (!f.directory()) {
            throw Errno.EINVAL.error();
        }
        long base = f.position();
        long n = Dirs.read(c, c.intArg(0), c.arg(1), c.sizeArg(2, 1 << 20), Structs.DIRENT);
        if (c.arg(3) != 0) {
            c.mem().putLong(c.arg(3), base);
        }
        return n;
    }
}
