package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.SyscallTable;

/** Extended attributes: files under the root have none that the guest can see or set. */
final class XattrCalls {

    private static final String NOTE = "no extended attributes: get gives ENODATA, list is empty, set EOPNOTSUPP";

    private XattrCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(191, "sspu", c -> get(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c), NOTE);
        t.partial(192, "sspu", c -> get(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c), NOTE);
        t.partial(193, "dspu", c -> {
            c.state().fds().get(c.intArg(0));
            return -Errno.ENODATA;
        }, NOTE);
        t.partial(194, "spu", c -> list(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c), NOTE);
        t.partial(195, "spu", c -> list(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c), NOTE);
        t.partial(196, "dpu", c -> {
            c.state().fds().get(c.intArg(0));
            return 0;
        }, NOTE);
        t.partial(188, "ssxud", c -> refuse(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c), NOTE);
        t.partial(189, "ssxud", c -> refuse(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c), NOTE);
        t.partial(190, "dsxud", XattrCalls::refuseFd, NOTE);
        t.partial(197, "ss", c -> refuse(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), true), c), NOTE);
        t.partial(198, "ss", c -> refuse(OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c), NOTE);
        t.partial(199, "ds", XattrCalls::refuseFd, NOTE);
    }

    private static void exists(GuestFs.Resolved r, Call c) throws java.io.IOException {
        io.pico.posix.core.Files.stat(c.core(), r);
    }

    /** Implements Linux setxattr(2), lsetxattr(2), removexattr(2), lremovexattr(2): refused on a file that exists. */
    private static long refuse(GuestFs.Resolved r, Call c) throws java.io.IOException {
        exists(r, c);
        return -Errno.EOPNOTSUPP;
    }

    /** Implements Linux fsetxattr(2) and fremovexattr(2): refused on an open descriptor. */
    private static long refuseFd(Call c) {
        c.state().fds().get(c.intArg(0));
        return -Errno.EOPNOTSUPP;
    }

    /** Implements Linux getxattr(2) and lgetxattr(2): no attribute exists. */
    private static long get(GuestFs.Resolved r, Call c) throws java.io.IOException {
        exists(r, c);
        return -Errno.ENODATA;
    }

    /** Implements Linux listxattr(2) and llistxattr(2): the list is empty. */
    private static long list(GuestFs.Resolved r, Call c) throws java.io.IOException {
        exists(r, c);
        return 0;
    }
}
