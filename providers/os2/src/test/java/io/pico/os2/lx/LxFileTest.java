package io.pico.os2.lx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.os2.Corpus;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The LX parser on the real corpus files, and on truncated and corrupted copies of them. */
class LxFileTest {

    private static byte[] read(String name) throws Exception {
        return Files.readAllBytes(Corpus.file(name));
    }

    @Test
    void helloExe() throws Exception {
        LxFile lx = LxFile.parse(read("2ine/hello.exe"));
        assertFalse(lx.isLibrary());
        assertEquals(0x80, lx.headerOffset());
        assertEquals(2, lx.objects().size());
        assertEquals(0x10000, lx.objects().get(0).baseAddress());
        assertEquals(2, lx.eipObject());
        assertEquals(1, lx.espObject());
        assertEquals(0x8000, lx.esp());
        assertEquals(List.of("MSG"), lx.importModules());
        List<LxFile.Fixup> fixups = lx.fixups(2);
        assertEquals(1, fixups.size());
        LxFile.Fixup f = fixups.get(0);
        assertEquals(LxFile.TargetKind.IMPORT_ORDINAL, f.kind());
        assertEquals(1, f.number());
        assertEquals(5, f.target());
        assertEquals(8, f.sourceType());
        assertArrayEquals(new int[] {0x0a}, f.sources());
        String text = new String(lx.pageData(1), 0, 39, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("Hello world! I'm a 32-bit OS/2 binary!"), text);
    }

    @Test
    void emxDll() throws Exception {
        LxFile lx = LxFile.parse(read("2ine/emx.dll"));
        assertTrue(lx.isLibrary());
        assertEquals("EMX", lx.moduleName());
        assertEquals(List.of("DOSCALLS", "NLS", "QUECALLS", "SESMGR", "KBDCALLS", "VIOCALLS"), lx.importModules());
        assertEquals(4, lx.objects().size());
        LxFile.Obj thunks = lx.objects().get(0);
        assertFalse(thunks.big(), "object 1 is 16-bit code");
        assertTrue((thunks.flags() & LxFile.OBJ_ALIAS16) != 0);
        assertTrue((lx.moduleFlags() & LxFile.FLAG_LIBTERM) != 0);
        assertNotNull(lx.entries().get(1));
        assertEquals(LxFile.EntryType.ENTRY32, lx.entries().get(1).type());
        long alias = 0;
        for (int page = 1; page <= lx.pages().size(); page++) {
            for (LxFile.Fixup f : lx.fixups(page)) {
                if (f.alias() && f.sourceType() == 3 && f.kind() == LxFile.TargetKind.IMPORT_ORDINAL) {
                    alias++;
                }
            }
        }
        assertTrue(alias >= 9, "16:16 imports of 16-bit system functions: " + alias);
    }

    @Test
    void exepack2PagesOfCmpExe() throws Exception {
        LxFile lx = LxFile.parse(read("os2tools/cmp.exe"));
        assertEquals(5, lx.pages().get(0).flags());
        byte[] page = lx.pageData(1);
        // push ebp; push ebx; push edi; mov ebx,ecx; push esi; sub esp,0x27c
        assertArrayEquals(new byte[] {0x55, 0x53, 0x57, (byte) 0x8b, (byte) 0xd9, 0x56, (byte) 0x81, (byte) 0xec, 0x7c,
            0x02, 0, 0}, java.util.Arrays.copyOf(page, 12));
        // a back reference that overlaps what it produces repeats it (a jump table of equal entries)
        int at = 3165 - 16;
        assertEquals(page[at + 8], page[at + 12]);
        assertEquals(page[at + 12], page[at + 16]);
        assertEquals(page[at + 16], page[at + 20]);
        for (int p = 1; p <= lx.pages().size(); p++) {
            lx.pageData(p);
        }
        assertEquals(List.of("DOSCALLS", "NLS", "MSG"), lx.importModules());
    }

    @Test
    void everyCorpusLxParses() throws Exception {
        for (String name : List.of("2ine/hello.exe", "2ine/testbeep.exe", "2ine/helloc.exe", "2ine/testargv.exe",
                "2ine/testtls.exe", "2ine/emx.dll", "2ine/testpm.exe", "os2tools/cmp.exe", "os2tools/FastDep.exe")) {
            LxFile lx = LxFile.parse(read(name));
            for (int p = 1; p <= lx.pages().size(); p++) {
                assertEquals(4096, lx.pageData(p).length, name);
            }
        }
    }

    @Test
    void notLxIsAFormatError() throws Exception {
        assertThrows(FormatException.class, () -> LxFile.parse(read("2ine/hello16.exe")));
        assertThrows(FormatException.class, () -> LxFile.parse(new byte[0]));
        assertThrows(FormatException.class, () -> LxFile.parse("MZ".getBytes()));
    }

    /** Every prefix of a small program is refused with a FormatException and nothing else. */
    @Test
    void everyTruncationOfHelloIsAFormatError() throws Exception {
        byte[] full = read("2ine/hello.exe");
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            try {
                LxFile lx = LxFile.parse(cut);
                for (int p = 1; p <= lx.pages().size(); p++) {
                    lx.pageData(p);
                }
            } catch (FormatException e) {
                assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            }
        }
    }

    /** Random corruption of the loader section gives a FormatException or a parse, never another exception. */
    @Test
    void corruptedCopiesNeverThrowAnythingElse() throws Exception {
        Random random = new Random(42);
        for (String name : List.of("2ine/hello.exe", "2ine/testbeep.exe", "2ine/emx.dll", "os2tools/cmp.exe",
                "os2tools/FastDep.exe")) {
            byte[] original = read(name);
            int lxAt = LxFile.headerOffset(new Bytes(original));
            int loaderEnd = Math.min(original.length, lxAt + 0x4000);
            for (int round = 0; round < 400; round++) {
                byte[] b = original.clone();
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int at = lxAt + random.nextInt(loaderEnd - lxAt);
                    b[at] = (byte) random.nextInt(256);
                }
                try {
                    LxFile lx = LxFile.parse(b);
                    for (int p = 1; p <= lx.pages().size(); p++) {
                        lx.pageData(p);
                    }
                } catch (FormatException e) {
                    assertFalse(e.getMessage().isBlank());
                }
            }
        }
    }

    @Test
    void hugeCountsAreRefusedBeforeAllocating() throws Exception {
        byte[] b = read("2ine/hello.exe");
        b[0x80 + 0x14] = (byte) 0xff; // page count
        b[0x80 + 0x15] = (byte) 0xff;
        b[0x80 + 0x16] = (byte) 0xff;
        b[0x80 + 0x17] = (byte) 0x7f;
        FormatException e = assertThrows(FormatException.class, () -> LxFile.parse(b));
        assertTrue(e.getMessage().contains("page count"), e.getMessage());
    }
}
