package io.pico.linux.sys;

import io.pico.api.AddressSpace;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.posix.core.sys.SyscallTable;

/** Reshaping and advising memory: mremap, madvise, msync, mlock and friends, mincore. */
final class RemapCalls {

    private static final int MREMAP_MAYMOVE = 1;
    private static final int MREMAP_FIXED = 2;

    private RemapCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(25, "puudp=p", RemapCalls::mremap, "a move keeps the memory (AddressSpace.move); growth is private zero memory, also of a MAP_SHARED range");
        t.partial(28, "pud", RemapCalls::madvise, "MADV_DONTNEED zeroes, other advice is accepted and ignored");
        t.full(26, "pud", RemapCalls::msync);
        t.partial(149, "pu", c -> 0, "accepted: guest memory is never paged out by pico");
        t.partial(150, "pu", c -> 0, "accepted, no effect");
        t.partial(151, "d", c -> 0, "accepted, no effect");
        t.partial(152, "", c -> 0, "accepted, no effect");
        t.partial(325, "pud", c -> 0, "accepted, no effect");
        t.full(27, "pup", RemapCalls::mincore);
    }

    /** Implements Linux mremap(2): shrinking in place, growing in place or by moving the contents. */
    private static long mremap(Call c) {
        long old = c.arg(0);
        long oldSize = MemoryCalls.pageUp(c.arg(1));
        long newSize = MemoryCalls.pageUp(c.arg(2));
        int flags = c.intArg(3);
        AddressSpace mem = c.mem();
        if (!MemoryCalls.aligned(old) || newSize == 0 || (flags & ~3) != 0 || (flags == MREMAP_FIXED)) {
            return -Errno.EINVAL;
        }
        synchronized (c.state()) {
            if (oldSize == 0 || !mem.isMapped(old, oldSize)) {
                return -Errno.EFAULT;
            }
            int prot = protectionAt(mem, old);
            if ((flags & MREMAP_FIXED) == 0) {
                if (newSize <= oldSize) {
                    if (newSize < oldSize) {
                        mem.unmap(old + newSize, oldSize - newSize);
                    }
                    return old;
                }
                if (MemoryCalls.free(mem, old + oldSize, newSize - oldSize)) {
                    mem.map(old + oldSize, newSize - oldSize, prot);
                    return old;
                }
                if ((flags & MREMAP_MAYMOVE) == 0) {
                    return -Errno.ENOMEM;
                }
            }
            long target;
            if ((flags & MREMAP_FIXED) != 0) {
                target = c.arg(4);
                if (!MemoryCalls.aligned(target) || target + newSize > MemoryCalls.USER_TOP
                        || (target < old + oldSize && old < target + newSize)) {
                    return -Errno.EINVAL;
                }
            } else {
                target = mem.findFree(LinuxProcess.MMAP_BASE, newSize);
                if (target < 0) {
                    return -Errno.ENOMEM;
                }
            }
            long kept = Math.min(oldSize, newSize);
            if (mem.move(old, kept, target)) { // the kernel moves the memory itself: shared memory stays shared
                if (newSize > kept) {
                    mem.map(target + kept, newSize - kept, prot);
                }
            } else {
                mem.map(target, newSize, prot);
                byte[] buf = new byte[MemoryCalls.CHUNK];
                for (long done = 0; done < kept; done += MemoryCalls.CHUNK) {
                    int n = (int) Math.min(MemoryCalls.CHUNK, kept - done);
                    mem.read(old + done, buf, 0, n);
                    mem.write(target + done, buf, 0, n);
                }
            }
            mem.unmap(old, oldSize);
            c.state().unname(old, old + oldSize);
            return target;
        }
    }

    static int protectionAt(AddressSpace mem, long address) {
        for (AddressSpace.Region r : mem.regions()) {
            if (address >= r.start() && address < r.end()) {
                return r.protection();
            }
        }
        return AddressSpace.READ | AddressSpace.WRITE;
    }

    /** Implements Linux msync(2) with the core's Memory.msync: shared file pages are written back to the file. */
    private static long msync(Call c) throws java.io.IOException {
        if ((c.intArg(2) & ~7) != 0 || (c.intArg(2) & 5) == 5) { // MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4
            return -Errno.EINVAL;
        }
        return io.pico.posix.core.Memory.msync(c.core(), c.arg(0), c.arg(1));
    }

    /** Implements Linux madvise(2): MADV_DONTNEED zeroes private memory as Linux does, shared memory keeps its bytes. */
    private static long madvise(Call c) {
        long addr = c.arg(0);
        long len = MemoryCalls.pageUp(c.arg(1));
        if (!MemoryCalls.aligned(addr) || c.arg(1) < 0) {
            return -Errno.EINVAL;
        }
        if (len > 0 && !c.mem().isMapped(addr, len)) {
            return -Errno.ENOMEM;
        }
        if (c.intArg(2) == 4 && len > 0) { // MADV_DONTNEED
            io.pico.posix.core.Memory.dropPages(c.core(), addr, len);
        }
        return 0;
    }

    /** Implements Linux mincore(2): every mapped page is resident. */
    private static long mincore(Call c) {
        long addr = c.arg(0);
        long len = MemoryCalls.pageUp(c.arg(1));
        if (!MemoryCalls.aligned(addr)) {
            return -Errno.EINVAL;
        }
        if (!c.mem().isMapped(addr, Math.max(len, MemoryCalls.PAGE))) {
            return -Errno.ENOMEM;
        }
        byte[] vec = new byte[(int) Math.min(len / MemoryCalls.PAGE, 1 << 24)];
        java.util.Arrays.fill(vec, (byte) 1);
        c.write(c.arg(2), vec);
        return 0;
    }
}
