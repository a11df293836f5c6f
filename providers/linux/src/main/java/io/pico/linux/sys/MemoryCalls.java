package io.pico.linux.sys;

import io.pico.posix.core.Memory;
import io.pico.api.AddressSpace;
import io.pico.linux.Errno;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;

/** The address space: brk, mmap, munmap, mprotect. */
final class MemoryCalls {

    static final long PAGE = AddressSpace.PAGE_SIZE;
    static final long USER_TOP = 0x7fff_ffff_f000L;
    private static final int MAP_SHARED = 1;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_SHARED_VALIDATE = 3;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_FIXED_NOREPLACE = 0x100000;
    private static final int MAP_32BIT = 0x40;
    static final int CHUNK = 1 << 20;

    private MemoryCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(12, "p=p", MemoryCalls::brk);
        t.partial(9, "puPMdx=p", MemoryCalls::mmap, "MAP_SHARED files are a kernel copy coherent with read and "
                + "write, written back at msync, munmap, exit; no MAP_HUGETLB");
        t.full(11, "pu", MemoryCalls::munmap);
        t.full(10, "puP", MemoryCalls::mprotect);
    }

    static long pageUp(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    static boolean aligned(long v) {
        return (v & (PAGE - 1)) == 0;
    }

    /** Implements Linux brk(2) with the core's Memory.brk: the break after the call, unchanged when refused. */
    private static long brk(Call c) {
        return Memory.brk(c.core(), c.arg(0));
    }

    /** Implements Linux munmap(2) with the core's Memory.munmap. */
    private static long munmap(Call c) {
        return Memory.munmap(c.core(), c.arg(0), c.arg(1));
    }

    /** Implements Linux mprotect(2) with the core's Memory.mprotect (PROT_* bits are the same). */
    private static long mprotect(Call c) {
        return Memory.mprotect(c.core(), c.arg(0), c.arg(1), c.intArg(2));
    }

    static boolean free(AddressSpace mem, long address, long size) {
        return address >= 0x10000 && address + size <= USER_TOP && mem.findFree(address, size) == address;
    }


    /**
     * Implements Linux mmap(2) with the core's Memory.mmap: anonymous memory, private and shared file mappings; the
     * row turns Linux's MAP_* flags into the core's request.
     */
    private static long mmap(Call c) throws IOException {
        int flags = c.intArg(3);
        int type = flags & 3;
        if (type == 0) {
            return -Errno.EINVAL;
        }
        Memory.Request req = new Memory.Request(type != MAP_PRIVATE, (flags & MAP_FIXED) != 0,
                (flags & MAP_FIXED_NOREPLACE) != 0 && (flags & MAP_FIXED) == 0, (flags & MAP_ANONYMOUS) != 0,
                (flags & MAP_32BIT) != 0);
        return Memory.mmap(c.core(), c.arg(0), c.arg(1), c.intArg(2), req, c.intArg(4), c.arg(5));
    }



}
