package io.pico.os2;

/**
 * Where the provider puts things in an OS/2 process's 32-bit address space, and the selectors it uses.
 *
 * <p>Everything stays below 512 MiB, the range OS/2 "tiles": each 64 KiB of it is also reachable by 16-bit
 * code through the LDT selector {@code (address >> 16) << 3 | 7} (the local descriptor table holds one 16-bit
 * descriptor per 64 KiB). Flat 32-bit code runs with OS/2's selectors: CS 0x5B, DS/ES/SS 0x53, and FS 0x150B
 * for the thread information block (each thread has a GDT of its own whose entry 0x150B points at its TIB).
 */
final class Layout {

    /** A ring-0 flat data selector, used by the thread trampoline before it drops to ring 3. */
    static final int SEL_RING0_DATA = 0x10;
    /** OS/2's flat 32-bit data selector (DS, ES, SS). */
    static final int SEL_FLAT_DATA = 0x53;
    /** OS/2's flat 32-bit code selector. */
    static final int SEL_FLAT_CODE = 0x5B;
    /** The selector of the thread information block (FS). */
    static final int SEL_TIB = 0x150B;
    /** Entries in a thread's GDT (up to and including the TIB's). */
    static final int GDT_ENTRIES = (SEL_TIB >> 3) + 1;
    /** Bytes of a thread's GDT, rounded to pages. */
    static final long GDT_BYTES = 0x2000;

    /** End of the tiled range. */
    static final long TILED_END = 0x2000_0000L;
    /** The provider's own area (stubs, LDT, thread-local words): never handed out by allocations. */
    static final long SYSTEM_AREA = 0x1FF0_0000L;
    /** 32-bit trap stubs: the thread trampoline, special stubs, one 4-byte stub per imported system API. */
    static final long STUB32 = 0x1FF0_0000L;
    /** 16-bit trap stubs: one 8-byte stub per 16-bit system API (a 16-bit code segment of its own). */
    static final long STUB16 = 0x1FF1_0000L;
    /** The local descriptor table: 8192 tiles. */
    static final long LDT = 0x1FF2_0000L;
    /** Bytes of the LDT. */
    static final long LDT_BYTES = 0x10000;
    /** Thread-local memory: a page that is never accessible; accesses are emulated per thread. */
    static final long TLS = 0x1FF3_0000L;
    /** DosAllocThreadLocalMemory's 32 double words. */
    static final int TLS_WORDS = 32;
    /** Where the process's system data (PIB, environment, per-thread GDT and TIB) is placed. */
    static final long SYSTEM_HINT = 0x1E00_0000L;
    /** Where DLLs are placed. */
    static final long DLL_HINT = 0x1200_0000L;
    /** Where DosAllocMem and thread stacks start looking. */
    static final long HEAP_HINT = 0x0400_0000L;
    /** Allocation granularity of DosAllocMem and DLL objects. */
    static final long GRANULE = 0x10000;

    /** The software interrupt every trap stub raises. */
    static final int TRAP_VECTOR = 0xE1;

    /** Offsets in the 32-bit stub area. */
    static final long TRAMPOLINE = STUB32;
    static final long STUB_BOOT = STUB32 + 0x20;
    static final long STUB_EXIT_PROCESS = STUB32 + 0x24;
    static final long STUB_EXIT_THREAD = STUB32 + 0x28;
    static final long STUB_CALL_RETURN = STUB32 + 0x2C;
    static final long STUB_API = STUB32 + 0x100;
    static final int STUB32_SIZE = 4;
    static final int STUB16_SIZE = 8;

    private Layout() {
    }

    /** The tiled LDT selector of a linear address below 512 MiB. */
    static int tileSelector(long address) {
        return (int) ((address >>> 16) << 3) | 7;
    }

    /** The 16:16 far pointer of a linear address below 512 MiB. */
    static long far16(long address) {
        return address == 0 ? 0 : ((long) tileSelector(address) << 16) | (address & 0xffff);
    }

    /** The linear address of a 16:16 far pointer (tiled LDT selectors; 0 stays 0). */
    static long linear(long far) {
        if (far == 0) {
            return 0;
        }
        int sel = (int) (far >>> 16) & 0xffff;
        return segmentBase(sel) + (far & 0xffff);
    }

    /** The base of a selector: tiles for LDT selectors, 0 for the flat ones. */
    static long segmentBase(int selector) {
        return (selector & 4) != 0 ? (long) (selector >>> 3) << 16 : 0;
    }

    /** Rounds up to a page. */
    static long pageUp(long n) {
        return (n + 4095) & -4096L;
    }

    /** Rounds up to the allocation granularity. */
    static long granuleUp(long n) {
        return (n + GRANULE - 1) & -GRANULE;
    }
}
