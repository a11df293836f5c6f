package io.pico.os2;

import io.pico.api.AddressSpace;
import java.util.Map;
import java.util.TreeMap;

/** Memory objects: DosAllocMem and friends, shared memory (process-local), sub-allocation. */
final class Memory {

    static final int PAG_READ = 0x1;
    static final int PAG_WRITE = 0x2;
    static final int PAG_EXECUTE = 0x4;
    static final int PAG_GUARD = 0x8;
    static final int PAG_COMMIT = 0x10;
    static final int PAG_DECOMMIT = 0x20;
    static final int OBJ_TILE = 0x40;
    static final int PAG_DEFAULT = 0x400;
    static final int PAG_SHARED = 0x2000;
    static final int PAG_FREE = 0x4000;
    static final int PAG_BASE = 0x10000;

    private Memory() {
    }

    /** The engine protection for OS/2 page attributes (reading implies executing, as on a 386). */
    static int protection(int flags) {
        int prot = 0;
        if ((flags & (PAG_READ | PAG_WRITE | PAG_EXECUTE)) != 0) {
            prot = AddressSpace.READ | AddressSpace.EXEC;
        }
        if ((flags & PAG_WRITE) != 0) {
            prot |= AddressSpace.WRITE;
        }
        return prot;
    }

    /** DosAllocMem (and DosAllocSharedMem without sharing between processes). */
    static long alloc(Call c, long pp, long size, int flags) throws Os2Exception {
        Call.need(pp);
        if (size == 0 || (flags & (PAG_READ | PAG_WRITE | PAG_EXECUTE)) == 0
                || (flags & ~(0x7 | PAG_GUARD | PAG_COMMIT | OBJ_TILE | 0x400 | 0x100 | 0x200 | 0x800)) != 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        if (size > 0x1000_0000L) {
            throw new Os2Exception(Err.NOT_ENOUGH_MEMORY);
        }
        Os2Process p = c.p;
        int prot = (flags & PAG_COMMIT) != 0 ? protection(flags) : 0;
        long base = p.allocate(Layout.HEAP_HINT, size, prot);
        synchronized (p.allocations) {
            p.allocations.put(base, Layout.pageUp(size));
            p.allocationFlags.put(base, flags & 0x7);
        }
        c.put32(pp, base);
        c.detail = String.format("0x%x", base);
        return Err.NO_ERROR;
    }

    static long allocMem(Call c) throws Os2Exception {
        return alloc(c, c.arg(0), c.arg(1), c.iarg(2));
    }

    /** DosFreeMem. */
    static long free(Call c) throws Os2Exception {
        long base = c.arg(0);
        Os2Process p = c.p;
        Long size;
        synchronized (p.allocations) {
            size = p.allocations.remove(base);
            p.allocationFlags.remove(base);
            p.named.values().removeIf(v -> v == base);
        }
        if (size == null) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
        c.m.unmap(base, size);
        return Err.NO_ERROR;
    }

    /** The allocation containing an address: {base, size}, or null. */
    private static long[] allocationOf(Os2Process p, long address) {
        synchronized (p.allocations) {
            Map.Entry<Long, Long> e = p.allocations.floorEntry(address);
            if (e != null && address < e.getKey() + e.getValue()) {
                return new long[] {e.getKey(), e.getValue()};
            }
        }
        return null;
    }

    /** DosSetMem: commits, decommits or changes the protection of pages of a memory object. */
    static long set(Call c) throws Os2Exception {
        long address = c.arg(0);
        long size = c.arg(1);
        int flags = c.iarg(2);
        Os2Process p = c.p;
        long start = address & -4096L;
        long end = Layout.pageUp(address + size);
        if (size == 0 || (flags & PAG_COMMIT) != 0 && (flags & PAG_DECOMMIT) != 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        long[] a = allocationOf(p, address);
        if (a != null && end > a[0] + a[1]) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
        if (!c.m.isMapped(start, end - start)) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
        int attrs = flags & 0x7;
        if ((flags & PAG_DEFAULT) != 0 && a != null) {
            synchronized (p.allocations) {
                attrs = p.allocationFlags.getOrDefault(a[0], PAG_READ | PAG_WRITE);
            }
        } else if ((flags & PAG_DEFAULT) != 0) {
            attrs = PAG_READ | PAG_WRITE;
        }
        if ((flags & PAG_DECOMMIT) != 0) {
            c.m.protect(start, end - start, AddressSpace.READ | AddressSpace.WRITE);
            c.m.zero(start, end - start);
            c.m.protect(start, end - start, 0);
            return Err.NO_ERROR;
        }
        if (attrs == 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        c.m.protect(start, end - start, protection(attrs));
        return Err.NO_ERROR;
    }

    /** DosQueryMem: the size of the run of pages with the same attributes, and those attributes. */
    static long query(Call c) throws Os2Exception {
        long address = c.arg(0);
        long pSize = Call.need(c.arg(1));
        long pFlags = Call.need(c.arg(2));
        Os2Process p = c.p;
        long start = address & -4096L;
        long want = c.u32(pSize) & 0xffff_ffffL;
        long[] a = allocationOf(p, address);
        AddressSpace.Region region = null;
        for (AddressSpace.Region r : c.m.regions()) {
            if (start >= r.start() && start < r.end()) {
                region = r;
                break;
            }
        }
        int flags;
        long size;
        if (region == null) {
            flags = PAG_FREE;
            long next = Long.MAX_VALUE;
            for (AddressSpace.Region r : c.m.regions()) {
                if (r.start() > start) {
                    next = Math.min(next, r.start());
                }
            }
            size = Math.min(next, Layout.TILED_END) - start;
        } else {
            int prot = region.protection();
            long end = region.end();
            if (a != null) {
                end = Math.min(end, a[0] + a[1]);
            }
            size = end - start;
            if (prot == 0) {
                flags = a != null ? p.allocationFlags.getOrDefault(a[0], PAG_READ) : 0;
            } else {
                flags = PAG_COMMIT | ((prot & AddressSpace.READ) != 0 ? PAG_READ : 0)
                        | ((prot & AddressSpace.WRITE) != 0 ? PAG_WRITE : 0)
                        | ((prot & AddressSpace.EXEC) != 0 ? PAG_EXECUTE : 0);
            }
            if (a != null && a[0] == start) {
                flags |= PAG_BASE;
            }
        }
        if (want != 0) {
            size = Math.min(size, Layout.pageUp(want + (address - start)));
        }
        c.put32(pSize, size);
        c.put32(pFlags, flags);
        return Err.NO_ERROR;
    }

    /** DosAllocSharedMem: a memory object of this process (other processes cannot see it). */
    static long allocShared(Call c) throws Os2Exception {
        long pp = c.arg(0);
        long pName = c.arg(1);
        long size = c.arg(2);
        int flags = c.iarg(3) & ~(0x100 | 0x200 | 0x800);
        String name = pName == 0 ? null : c.str(pName).toUpperCase(java.util.Locale.ROOT);
        if (name != null) {
            c.detail = name;
            synchronized (c.p.allocations) {
                if (c.p.named.containsKey(name)) {
                    throw new Os2Exception(Err.DUPLICATE_NAME);
                }
            }
        }
        long r = alloc(c, pp, size, flags);
        if (name != null) {
            synchronized (c.p.allocations) {
                c.p.named.put(name, (long) c.u32(pp) & 0xffff_ffffL);
            }
        }
        return r;
    }

    /** DosGetNamedSharedMem. */
    static long getNamedShared(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(1))).toUpperCase(java.util.Locale.ROOT);
        c.detail = name;
        Long base;
        synchronized (c.p.allocations) {
            base = c.p.named.get(name);
        }
        if (base == null) {
            throw new Os2Exception(Err.FILE_NOT_FOUND);
        }
        c.put32(Call.need(c.arg(0)), base);
        return Err.NO_ERROR;
    }

    /** DosGetSharedMem: this process has every object it can name already. */
    static long getShared(Call c) throws Os2Exception {
        if (allocationOf(c.p, c.arg(0)) == null) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
        return Err.NO_ERROR;
    }

    // ------------------------------------------------------------------------------------------ sub-allocation

    /** A sub-allocation pool: its size and free blocks (offset to length). */
    static final class Pool {
        long size;
        final TreeMap<Long, Long> free = new TreeMap<>();
    }

    private static final int SUB_HEADER = 64;

    /** DosSubSetMem. */
    static long subSet(Call c) throws Os2Exception {
        long base = c.arg(0);
        int flags = c.iarg(1);
        long size = c.arg(2) & ~7L;
        Os2Process p = c.p;
        if (size < SUB_HEADER + 8 || !c.m.isMapped(base & -4096L, Layout.pageUp(base + size) - (base & -4096L))) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        long start = base & -4096L;
        long end = Layout.pageUp(base + size);
        c.m.protect(start, end - start, AddressSpace.READ | AddressSpace.WRITE | AddressSpace.EXEC);
        synchronized (p.pools) {
            Pool pool = p.pools.get(base);
            if ((flags & 2) != 0 && pool != null) { // DOSSUB_GROW
                if (size > pool.size) {
                    pool.free.put(pool.size, size - pool.size);
                    pool.size = size;
                    merge(pool);
                }
                return Err.NO_ERROR;
            }
            pool = new Pool();
            pool.size = size;
            pool.free.put((long) SUB_HEADER, size - SUB_HEADER);
            p.pools.put(base, pool);
        }
        return Err.NO_ERROR;
    }

    /** DosSubAllocMem. */
    static long subAlloc(Call c) throws Os2Exception {
        long base = c.arg(0);
        long pp = Call.need(c.arg(1));
        long size = (c.arg(2) + 7) & ~7L;
        Os2Process p = c.p;
        if (size == 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        synchronized (p.pools) {
            Pool pool = p.pools.get(base);
            if (pool == null) {
                throw new Os2Exception(Err.INVALID_PARAMETER);
            }
            for (Map.Entry<Long, Long> e : pool.free.entrySet()) {
                if (e.getValue() >= size) {
                    long off = e.getKey();
                    pool.free.remove(off);
                    if (e.getValue() > size) {
                        pool.free.put(off + size, e.getValue() - size);
                    }
                    c.put32(pp, base + off);
                    return Err.NO_ERROR;
                }
            }
        }
        throw new Os2Exception(311); // ERROR_DOSSUB_NOMEM
    }

    /** DosSubFreeMem. */
    static long subFree(Call c) throws Os2Exception {
        long base = c.arg(0);
        long block = c.arg(1);
        long size = (c.arg(2) + 7) & ~7L;
        Os2Process p = c.p;
        synchronized (p.pools) {
            Pool pool = p.pools.get(base);
            if (pool == null || block < base + SUB_HEADER || block + size > base + pool.size || size == 0) {
                throw new Os2Exception(Err.INVALID_PARAMETER);
            }
            pool.free.put(block - base, size);
            merge(pool);
        }
        return Err.NO_ERROR;
    }

    /** DosSubUnsetMem. */
    static long subUnset(Call c) throws Os2Exception {
        synchronized (c.p.pools) {
            if (c.p.pools.remove(c.arg(0)) == null) {
                throw new Os2Exception(Err.INVALID_PARAMETER);
            }
        }
        return Err.NO_ERROR;
    }

    private static void merge(Pool pool) {
        Long prev = null;
        for (Long off : new java.util.ArrayList<>(pool.free.keySet())) {
            if (prev != null && prev + pool.free.get(prev) >= off) {
                long end = Math.max(prev + pool.free.get(prev), off + pool.free.get(off));
                pool.free.remove(off);
                pool.free.put(prev, end - prev);
            } else {
                prev = off;
            }
        }
    }
}
