package io.pico.posix.sys;

import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.Io;
import io.pico.posix.core.sys.SyscallTable;

/** Data transfer on descriptors: read, write and their positioned and vector forms, lseek, fsync. */
final class IoCalls {

    private IoCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(3, "dpu", c -> Io.read(c, c.intArg(0), c.arg(1), c.sizeArg(2, Io.MAX_RW), -1));
        t.full(4, "dpu", c -> Io.write(c, c.intArg(0), c.arg(1), c.sizeArg(2, Io.MAX_RW), -1));
        t.full(475, "dpul", c -> Io.read(c, c.intArg(0), c.arg(1), c.sizeArg(2, Io.MAX_RW), offset(c.arg(3))));
        t.full(476, "dpul", c -> Io.write(c, c.intArg(0), c.arg(1), c.sizeArg(2, Io.MAX_RW), offset(c.arg(3))));
        t.full(173, "dpuxl", c -> Io.read(c, c.intArg(0), c.arg(1), c.sizeArg(2, Io.MAX_RW), offset(c.arg(4))));
        t.full(174, "dpuxl", c -> Io.write(c, c.intArg(0), c.arg(1), c.sizeArg(2, Io.MAX_RW), offset(c.arg(4))));
        t.full(120, "dpd", c -> Io.readv(c, c.intArg(0), c.arg(1), c.intArg(2), -1));
        t.full(121, "dpd", c -> Io.writev(c, c.intArg(0), c.arg(1), c.intArg(2), -1));
        t.full(289, "dpdl", c -> Io.readv(c, c.intArg(0), c.arg(1), c.intArg(2), offset(c.arg(3))));
        t.full(290, "dpdl", c -> Io.writev(c, c.intArg(0), c.arg(1), c.intArg(2), offset(c.arg(3))));
        t.full(478, "dld", c -> Io.lseek(c, c.intArg(0), c.arg(1), c.intArg(2)));
        t.full(199, "dxld", c -> Io.lseek(c, c.intArg(0), c.arg(2), c.intArg(3)));
        t.partial(95, "d", IoCalls::sync, "host writes are already in the host's page cache");
        t.partial(550, "d", IoCalls::sync, "host writes are already in the host's page cache");
        t.partial(36, "", c -> 0, "host writes are already in the host's page cache");
    }

    /** An offset argument: EINVAL when negative. */
    private static long offset(long p) {
        if (p < 0) {
            throw Errno.EINVAL.error();
        }
        return p;
    }

    /** Implements FreeBSD fsync(2) and fdatasync(2) for any open descriptor. */
    private static long sync(Call c) {
        c.fds().get(c.intArg(0));
        return 0;
    }
}
