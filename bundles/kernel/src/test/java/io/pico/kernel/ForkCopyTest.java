package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.unicorn.HostMemory;
import org.junit.jupiter.api.Test;

/** Fork's copy of an address space: exact contents, and pages the parent never touched are not read. */
class ForkCopyTest {

    private static final long PAGE = 4096;
    private static final long BASE = 0x40_0000;
    private static final long SIZE = 4L << 20; // 1,024 pages: several pagemap groups

    @Test
    void pagemapTellsTouchedPagesFromUntouchedOnes() {
        long host = HostMemory.allocate(4 * PAGE);
        try {
            HostMemory.putByte(host + PAGE, (byte) 1); // written
            HostMemory.getByte(host + 3 * PAGE);       // read: the zero page is mapped, present
            long[] e = Pagemap.entries(host, 4);
            assertNotNull(e, "/proc/self/pagemap is readable on Linux");
            assertFalse(Pagemap.touched(e[0]));
            assertTrue(Pagemap.touched(e[1]));
            assertFalse(Pagemap.touched(e[2]));
            assertTrue(Pagemap.touched(e[3]));
        } finally {
            HostMemory.free(host, 4 * PAGE);
        }
    }

    @Test
    void theChildGetsEveryWrittenByteAndUntouchedParentPagesStayUntouched() {
        KAddressSpace parent = new KAddressSpace();
        KAddressSpace child = new KAddressSpace();
        try {
            parent.map(BASE, SIZE, 3);
            long[] written = {0, 1, 255, 256, 257, 511, 700, 1023};
            for (long page : written) {
                parent.putLong(BASE + page * PAGE + 8, 0x1122_3344_5566_7700L + page);
            }
            byte[] tail = new byte[300];
            for (int i = 0; i < tail.length; i++) {
                tail[i] = (byte) (i * 7 + 1);
            }
            parent.write(BASE + 900 * PAGE - 100, tail, 0, tail.length); // across two pages
            parent.copyInto(child);

            for (long page : written) {
                assertEquals(0x1122_3344_5566_7700L + page, child.getLong(BASE + page * PAGE + 8), "page " + page);
            }
            byte[] back = new byte[tail.length];
            child.read(BASE + 900 * PAGE - 100, back, 0, back.length);
            assertArrayEquals(tail, back);
            assertEquals(0, child.getLong(BASE + 2 * PAGE + 8), "an untouched page reads as zero in the child");
            assertEquals(0, child.getLong(BASE + 1000 * PAGE), "an untouched page reads as zero in the child");

            // the copy did not fault in the parent's untouched pages
            long host = parent.host(BASE, PAGE);
            long[] e = Pagemap.entries(host, (int) (SIZE / PAGE));
            assertNotNull(e);
            assertFalse(Pagemap.touched(e[2]));
            assertFalse(Pagemap.touched(e[1000]));
            assertTrue(Pagemap.touched(e[700]));
        } finally {
            parent.release();
            child.release();
        }
    }
}
