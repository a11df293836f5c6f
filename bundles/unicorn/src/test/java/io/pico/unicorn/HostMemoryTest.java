package io.pico.unicorn;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HostMemoryTest {

    @Test
    void transparentHugePagesCanBeTurnedOffForTheProcess() throws Exception {
        assertTrue(HostMemory.disableTransparentHugePages());
        assertTrue(HostMemory.transparentHugePagesDisabled());
        String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        if (status.contains("THP_enabled:")) { // Linux 5.0 and later: the kernel's own view
            assertTrue(status.matches("(?s).*THP_enabled:\\s+0\\b.*"), status);
        }
    }

    @Test
    void allocateIsPageAlignedZeroedAndReadWrite() {
        long size = 3 * 4096 + 5; // rounded up to 4 pages
        long a = HostMemory.allocate(size);
        try {
            assertEquals(0, a & 0xfff, "page aligned");
            for (long off = 0; off < 4 * 4096; off += 8) {
                assertEquals(0L, HostMemory.getLong(a + off), "zero at " + off);
            }
            HostMemory.putLong(a + 8, 0x1122334455667788L);
            assertEquals(0x55667788, HostMemory.getInt(a + 8), "little-endian");
            assertEquals((byte) 0x88, HostMemory.getByte(a + 8));
            HostMemory.putInt(a + 100, -2);
            assertEquals(-2, HostMemory.getInt(a + 100));
            HostMemory.putByte(a + 4 * 4096 - 1, (byte) 0x7f); // last byte of the rounded size
            assertEquals(0x7f, HostMemory.getByte(a + 4 * 4096 - 1));
            HostMemory.putShort(a + 200, (short) 0xBEEF);
            assertEquals((short) 0xBEEF, HostMemory.getShort(a + 200));

            byte[] src = "hello, host memory".getBytes(StandardCharsets.US_ASCII);
            HostMemory.write(a + 1000, src, 7, 4); // "host"
            byte[] dst = new byte[6];
            HostMemory.read(a + 999, dst, 1, 5);
            assertArrayEquals(new byte[] {0, 0, 'h', 'o', 's', 't'}, dst);
            assertThrows(IndexOutOfBoundsException.class, () -> HostMemory.read(a, new byte[4], 2, 3));

            HostMemory.copy(a + 1000, a + 2000, 4);
            assertEquals('h', HostMemory.getByte(a + 2000));
            HostMemory.fill(a + 3000, 10, (byte) 'x');
            assertEquals('x', HostMemory.getByte(a + 3009));
            assertEquals(0, HostMemory.getByte(a + 3010));
        } finally {
            HostMemory.free(a, size);
        }
    }

    @Test
    void compareAndSetIsAtomicAcrossThreads() throws Exception {
        assertTrue(HostMemory.hasAtomicCompareAndSet(), "sun.misc.Unsafe is reachable");
        long m = HostMemory.allocate(4096);
        try {
            assertFalse(HostMemory.compareAndSetInt(m + 8, 1, 2));
            assertEquals(0, HostMemory.getInt(m + 8));
            assertTrue(HostMemory.compareAndSetInt(m + 8, 0, 2));
            assertEquals(2, HostMemory.getInt(m + 8));
            Thread[] ts = new Thread[4];
            for (int k = 0; k < ts.length; k++) {
                ts[k] = new Thread(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        int v;
                        do {
                            v = HostMemory.getInt(m + 16);
                        } while (!HostMemory.compareAndSetInt(m + 16, v, v + 1));
                    }
                });
                ts[k].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(400_000, HostMemory.getInt(m + 16));
        } finally {
            HostMemory.free(m, 4096);
        }
    }

    @Test
    void bufferViewSharesTheMemory() {
        long a = HostMemory.allocate(4096);
        try {
            ByteBuffer b = HostMemory.buffer(a, 4096);
            assertTrue(b.isDirect());
            assertEquals(4096, b.capacity());
            b.putLong(16, 0x0102030405060708L);
            assertEquals(0x0102030405060708L, HostMemory.getLong(a + 16));
            HostMemory.putInt(a + 32, 0xCAFEBABE);
            assertEquals(0xCAFEBABE, b.getInt(32));
        } finally {
            HostMemory.free(a, 4096);
        }
    }

    @Test
    void cStrings() {
        long a = HostMemory.allocate(4096);
        try {
            byte[] s = "/bin/sh\0rest".getBytes(StandardCharsets.US_ASCII);
            HostMemory.write(a, s, 0, s.length);
            assertEquals(7, HostMemory.strlen(a, 100));
            assertEquals(3, HostMemory.strlen(a, 3), "bounded by max");
            assertEquals("/bin/sh", new String(HostMemory.cString(a, 100), StandardCharsets.US_ASCII));
            assertEquals(0, HostMemory.memchr(a, '/', 100));
            assertEquals(3, HostMemory.memchr(a + 1, '/', 100), "offset from the start address");
            assertEquals(8, HostMemory.memchr(a, 'r', 100));
            assertEquals(-1, HostMemory.memchr(a, 'r', 8), "not within max");
            assertEquals(-1, HostMemory.memchr(a, 'Z', 4096));
        } finally {
            HostMemory.free(a, 4096);
        }
    }

    @Test
    void hugeAllocationFailsWithUnicornException() {
        UnicornException e = assertThrows(UnicornException.class, () -> HostMemory.allocate(1L << 60));
        assertEquals(X86.UC_ERR_NOMEM, e.code());
        assertTrue(e.getMessage().contains("errno 12"), e.getMessage()); // ENOMEM
        assertThrows(IllegalArgumentException.class, () -> HostMemory.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> HostMemory.free(12345, 4096));
    }
}
