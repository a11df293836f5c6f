package io.pico.posix.sys;

import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.Memory;
import io.pico.posix.core.sys.SyscallTable;

/** The address space: mmap, munmap, mprotect, the break, and the advice calls. */
final class MemoryCalls {

    private static final int MAP_SHARED = 0x1;
    private static final int MAP_PRIVATE = 0x2;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANON = 0x1000;
    private static final int MAP_GUARD = 0x2000;
    private static final int MAP_EXCL = 0x4000;
    private static final int MAP_32BIT = 0x80000;
    private static final int MAP_ALIGNED_SUPER = 1;
    /** The flags FreeBSD's mmap accepts (MAP_RENAME, MAP_NORESERVE and MAP_HASSEMAPHORE are gone). */
    private static final int MAP_KNOWN = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | 0x400 | 0x800 | MAP_ANON | MAP_GUARD
            | MAP_EXCL | 0x20000 | 0x40000 | MAP_32BIT | 0xff00_0000;

    private MemoryCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(477, "puPMdx=p", MemoryCalls::mmap, "MAP_SHARED as the core shares it: files written back at msync, "
                + "munmap and exit");
        t.full(73, "pu", c -> Memory.munmap(c, c.arg(0), c.arg(1)));
        t.full(74, "puP", c -> Memory.mprotect(c, c.arg(0), c.arg(1), c.intArg(2)));
        t.partial(17, "p", MemoryCalls::brk, "moves the break within free address space");
        t.partial(75, "pud", c -> 0, "advice accepted and ignored");
        t.full(65, "pux", c -> Memory.msync(c, c.arg(0), c.arg(1)));
        t.partial(78, "pup", MemoryCalls::mincore, "every mapped page is reported resident");
        t.partial(250, "pud", c -> 0, "accepted, no effect (fork copies private memory, shares MAP_SHARED)");
        t.partial(203, "pu", c -> 0, "accepted, no effect");
        t.partial(204, "pu", c -> 0, "accepted, no effect");
        t.partial(324, "d", c -> 0, "accepted, no effect");
        t.partial(325, "", c -> 0, "accepted, no effect");
    }

    /** Implements FreeBSD mmap(2): anonymous memory (also guards and aligned placement), private and shared files. */
    private static long mmap(Call c) throws java.io.IOException {
        int prot = c.intArg(2);
        int flags = c.intArg(3);
        int fd = c.intArg(4);
        if ((flags & ~MAP_KNOWN) != 0 || (prot & ~7) != 0) {
            throw Errno.EINVAL.error();
        }
        boolean anon = (flags & (MAP_ANON | MAP_GUARD)) != 0;
        if (anon && fd != -1 && (flags & MAP_GUARD) == 0 || (flags & MAP_GUARD) != 0 && (prot != 0 || fd != -1)) {
            throw Errno.EINVAL.error();
        }
        if ((flags & MAP_SHARED) != 0 && (flags & MAP_PRIVATE) != 0) {
            throw Errno.EINVAL.error();
        }
        if ((flags & MAP_EXCL) != 0 && (flags & MAP_FIXED) == 0) {
            throw Errno.EINVAL.error();
        }
        int alignBits = flags >>> 24;
        long align = alignBits == MAP_ALIGNED_SUPER ? 2L << 20 : alignBits == 0 ? 0 : alignBits >= 12 && alignBits < 48
                ? 1L << alignBits : -1;
        if (align < 0) {
            throw Errno.EINVAL.error();
        }
        long addr = c.arg(0);
        long len = c.arg(1);
        if ((flags & MAP_FIXED) == 0 && addr != 0) {
            addr = Memory.pageUp(addr);
        }
        Memory.Request req = new Memory.Request((flags & MAP_SHARED) != 0, (flags & MAP_FIXED) != 0,
                (flags & MAP_EXCL) != 0, anon, (flags & MAP_32BIT) != 0, align);
        if ((flags & MAP_FIXED) != 0 && !Memory.aligned(addr)) {
            // FreeBSD adjusts a fixed address by the file offset's page remainder; both must agree
            throw Errno.EINVAL.error();
        }
        return Memory.mmap(c, addr, len, prot, req, fd, c.arg(5));
    }

    /** Implements FreeBSD break(2): the new break, ENOMEM when it cannot move there. */
    private static long brk(Call c) {
        long want = c.arg(0);
        if (want == 0) {
            return c.state().brk();
        }
        if (Memory.brk(c, want) != want) {
            throw Errno.ENOMEM.error();
        }
        return want;
    }

    /** Implements mincore(2): one byte per page, 1 (MINCORE_INCORE) for mapped pages, ENOMEM for holes. */
    private static long mincore(Call c) {
        long addr = c.arg(0);
        long len = Memory.pageUp(c.arg(1));
        if (!Memory.aligned(addr)) {
            throw Errno.EINVAL.error();
        }
        if (!c.mem().isMapped(addr, len)) {
            throw Errno.ENOMEM.error();
        }
        byte[] v = new byte[(int) (len / Memory.PAGE)];
        java.util.Arrays.fill(v, (byte) 1);
        c.write(c.arg(2), v);
        return 0;
    }
}
