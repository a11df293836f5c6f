package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pico.api.MemoryFault;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** C strings read from guest memory: within a chunk, across two adjacent chunks, up to max, and faults. */
class CStringTest {

    private static final long A = 0x10_0000;
    private static final long PAGE = 4096;

    @Test
    void stringsAreReadWithinAndAcrossChunksAndStopAtMaxOrAFault() {
        KAddressSpace s = new KAddressSpace();
        try {
            s.map(A, PAGE, 3);
            s.map(A + PAGE, PAGE, 1); // adjacent, another chunk (other protection)
            byte[] hello = "hello\0".getBytes(StandardCharsets.US_ASCII);
            s.write(A + 16, hello, 0, hello.length);
            assertEquals("hello", s.getString(A + 16, 100));
            assertEquals("hel", s.getString(A + 16, 3));
            assertArrayEquals(new byte[0], s.getCString(A + 16, 0));

            byte[] across = "across-chunks".getBytes(StandardCharsets.US_ASCII);
            s.write(A + PAGE - 6, across, 0, across.length); // NUL follows: fresh memory is zero
            assertEquals("across-chunks", s.getString(A + PAGE - 6, 100));
            assertEquals("across", s.getString(A + PAGE - 6, 6));
            assertEquals("across-", s.getString(A + PAGE - 6, 7));

            byte[] full = new byte[16];
            java.util.Arrays.fill(full, (byte) 'x');
            s.write(A + 2 * PAGE - 16, full, 0, full.length); // no NUL before the end of the mapping
            MemoryFault f = assertThrows(MemoryFault.class, () -> s.getCString(A + 2 * PAGE - 16, 100));
            assertEquals(A + 2 * PAGE, f.address());
            assertEquals(16, s.getCString(A + 2 * PAGE - 16, 16).length);
            assertThrows(MemoryFault.class, () -> s.getCString(A + 3 * PAGE, 10));
        } finally {
            s.release();
        }
    }
}
