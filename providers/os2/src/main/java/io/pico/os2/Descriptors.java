package io.pico.os2;

import io.pico.api.AddressSpace;

/** x86 segment descriptors for the GDTs and the LDT the provider builds. */
final class Descriptors {

    /** Access bytes: present, ring 3, code or data segment, accessed. */
    static final int DATA_RW = 0xf3;
    static final int CODE_RX = 0xfb;
    /** Flags nibble: 4 KiB granularity, 32-bit. */
    static final int G_32 = 0xc;
    static final int BYTE_32 = 0x4;
    static final int BYTE_16 = 0x0;

    static final long FLAT_DATA = make(0, 0xfffff, DATA_RW, G_32);
    static final long FLAT_CODE = make(0, 0xfffff, CODE_RX, G_32);
    /** Ring 0 flat data: only the trampoline's stack before it returns to ring 3. */
    static final long RING0_DATA = make(0, 0xfffff, 0x93, G_32);

    private Descriptors() {
    }

    /** A descriptor: base, 20-bit limit, access byte, flags nibble (G, D/B, L, AVL). */
    static long make(long base, long limit, int access, int flags) {
        long lo = (limit & 0xffff) | (base & 0xffff) << 16;
        long hi = ((base >>> 16) & 0xff) | (long) (access & 0xff) << 8 | ((limit >>> 16) & 0xf) << 16
                | (long) (flags & 0xf) << 20 | ((base >>> 24) & 0xff) << 24;
        return lo | hi << 32;
    }

    /** A 32-bit data segment with a byte-granular limit. */
    static long data32(long base, long limit) {
        return make(base, limit, DATA_RW, BYTE_32);
    }

    /** Fills the LDT with one 16-bit data tile per 64 KiB (base i * 64 KiB, limit 64 KiB - 1). */
    static void fillLdt(AddressSpace m) {
        byte[] table = new byte[(int) Layout.LDT_BYTES];
        for (int i = 0; i < table.length / 8; i++) {
            long d = make((long) i << 16, 0xffff, DATA_RW, BYTE_16);
            for (int b = 0; b < 8; b++) {
                table[i * 8 + b] = (byte) (d >>> (8 * b));
            }
        }
        m.write(Layout.LDT, table, 0, table.length);
    }

    /** Makes the tiles of a range 16-bit code (readable) instead of data. */
    static void codeTiles(AddressSpace m, long start, long size) {
        for (long a = start & -Layout.GRANULE; a < start + size && a < Layout.TILED_END; a += Layout.GRANULE) {
            m.putLong(Layout.LDT + 8 * (a >>> 16), make(a, 0xffff, CODE_RX, BYTE_16));
        }
    }
}
