package io.pico.unicorn.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EnginePatchTest {
    static EnginePatch parse(String text) {
        return EnginePatch.parse("test", new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void picosPatchesDescribeChangesOfEqualLength() {
        for (String name : new String[] {EnginePatch.FAST_STORES, EnginePatch.PARALLEL_ATOMICS}) {
            EnginePatch p = EnginePatch.named(name);
            assertFalse(p.hunks().isEmpty(), name);
            for (EnginePatch.Hunk h : p.hunks()) {
                assertTrue(h.symbol().endsWith("_x86_64"), h.symbol());
                assertEquals(h.find().length, h.replace().length, h.symbol());
                assertFalse(java.util.Arrays.equals(h.find(), h.replace()), h.symbol());
            }
        }
        assertEquals("tlb_set_page_with_attrs_x86_64", EnginePatch.fastStores().hunks().get(0).symbol());
    }

    @Test
    void parsesCommentsAndRefusesWhatItDoesNotKnow() {
        EnginePatch p = parse("# a comment\n\nsymbol f\nwindow 16\nfind 0102\nreplace 0304\n"
                + "symbol g\nwindow 8\nfind 05\nreplace 06\n");
        assertEquals(2, p.hunks().size());
        EnginePatch.Hunk f = p.hunks().get(0);
        assertEquals("f", f.symbol());
        assertEquals(16, f.window());
        assertArrayEquals(new byte[] {1, 2}, f.find());
        assertArrayEquals(new byte[] {3, 4}, f.replace());
        assertEquals("g", p.hunks().get(1).symbol());
        assertThrows(IllegalArgumentException.class, () -> parse("# nothing\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("symbol f\nwindow 16\nfind 01\nreplace 0304\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("symbol f\nfind 01\nreplace 03\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("symbol f\nwindow 16\nfind 01\nreplace 03\nmore 1\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("symbol f\nwindow 16\nfind 0g\nreplace 03\n"));
    }

    @Test
    void locatesOnlyASingleOccurrence() {
        byte[] what = {7, 8};
        assertEquals(2, EnginePatch.locate(new byte[] {1, 2, 7, 8, 9}, what));
        assertEquals(-1, EnginePatch.locate(new byte[] {1, 2, 7, 9, 8}, what));
        assertEquals(-2, EnginePatch.locate(new byte[] {7, 8, 1, 7, 8}, what));
        assertEquals(-1, EnginePatch.locate(new byte[] {7}, what));
        assertEquals(2, EnginePatch.occurrences(new byte[] {7, 8, 1, 7, 8}, what));
        assertEquals(3, EnginePatch.occurrences(new byte[] {7, 7, 7, 7}, new byte[] {7, 7}));
    }
}
