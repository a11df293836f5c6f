package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.linux.fs.GuestFs;

/** Extended attributes: files under the root have none that the guest can see or set. */
final class XattrCalls {

    private static final String NOTE = "no extended attributes: get gives ENODATA, list is empty, set EOPNOTSUPP";

    private XattrCalls() {
    }

    static void register(SyscallTable t) {
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
        for (int nr : new int[] {188, 189, 190, 197, 198, 199}) {
            t.partial(nr, "ssxud", c -> -Errno.EOPNOTSUPP, NOTE);
        }
    }

    private static void exists(GuestFs.Resolved r, Call c) throws java.io.IOException {
        PathCalls.statOf(c, r);
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
