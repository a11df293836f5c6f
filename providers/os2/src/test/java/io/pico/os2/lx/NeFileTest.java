package io.pico.os2.lx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.os2.Corpus;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The NE parser on the 16-bit corpus programs and corrupted copies. */
class NeFileTest {

    @Test
    void hello16() throws Exception {
        NeFile ne = NeFile.parse(Files.readAllBytes(Corpus.file("2ine/hello16.exe")));
        assertFalse(ne.library());
        assertEquals(List.of("MSG", "VIOCALLS", "DOSCALLS"), ne.modules());
        assertEquals(2, ne.segments().size());
        assertTrue(ne.segments().get(0).code());
        assertFalse(ne.segments().get(1).code());
        assertEquals(2, ne.autoData());
        assertEquals(1, ne.cs());
        assertEquals(0x70, ne.ip());
        assertEquals(2, ne.ss());
        assertEquals(0, ne.sp());
        assertEquals(0x1000, ne.stack());
        assertTrue(ne.segments().get(0).relocs().stream()
                .anyMatch(r -> r.kind() == NeFile.Kind.IMPORT_ORDINAL && r.a() == 1 && r.b() == 1));
    }

    @Test
    void corruptCopiesAreFormatErrors() throws Exception {
        byte[] original = Files.readAllBytes(Corpus.file("2ine/testargv16.exe"));
        for (int n = 0; n < 0x200; n++) {
            byte[] cut = java.util.Arrays.copyOf(original, n);
            try {
                NeFile.parse(cut);
            } catch (FormatException e) {
                assertFalse(e.getMessage().isBlank());
            }
        }
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            byte[] b = original.clone();
            b[0x80 + random.nextInt(0x100)] = (byte) random.nextInt(256);
            try {
                NeFile.parse(b);
            } catch (FormatException e) {
                assertFalse(e.getMessage().isBlank());
            }
        }
        assertThrows(FormatException.class, () -> NeFile.parse(Files.readAllBytes(Corpus.file("2ine/hello.exe"))));
    }
}
