package io.pico.unicorn.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EnginePatchTest {
    static EnginePatch parse(String text) {
        return EnginePatch.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void picosPatchDescribesOneChangeOfEqualLength() {
        EnginePatch p = EnginePatch.fastStores();
        assertEquals("tlb_set_page_with_attrs_x86_64", p.symbol);
        assertEquals(p.find.length, p.replace.length);
        assertFalse(java.util.Arrays.equals(p.find, p.replace));
        assertTrue(p.find.length <= p.window);
    }

    @Test
    void parsesCommentsAndRefusesWhatItDoesNotKnow() {
        EnginePatch p = parse("# a comment\n\nsymbol f\nwindow 16\nfind 0102\nreplace 0304\n");
        assertEquals("f", p.symbol);
        assertEquals(16, p.window);
        assertArrayEquals(new byte[] {1, 2}, p.find);
        assertArrayEquals(new byte[] {3, 4}, p.replace);
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
