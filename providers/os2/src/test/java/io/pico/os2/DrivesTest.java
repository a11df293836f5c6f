package io.pico.os2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OS/2 names over a guest root: drives, case-insensitivity, confinement, wildcards. */
class DrivesTest {

    @Test
    void resolvesOs2NamesCaseInsensitively(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("Work/Src"));
        Files.writeString(root.resolve("Work/Src/Main.C"), "x");
        Drives d = new Drives(root, "/Work");
        Drives.Resolved r = d.resolve("src\\MAIN.c");
        assertEquals(root.resolve("Work/Src/Main.C"), r.host());
        assertEquals("C:\\Work\\Src\\Main.C", r.full());
        assertEquals(root.resolve("Work/Src/Main.C"), d.resolve("C:/work/src/./x/../main.c").host());
        assertEquals("C:\\Work\\Src\\new.txt", d.resolve("\\WORK\\SRC\\new.txt").full(), "new names keep their case");
        assertTrue(d.resolve("nul").device());
        assertTrue(d.resolve("\\DEV\\CON").device());
        assertEquals(Err.INVALID_DRIVE, assertThrows(Os2Exception.class, () -> d.resolve("Q:\\x")).code);
    }

    @Test
    void nothingLeadsOutOfTheRoot(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Drives d = new Drives(root, "/");
        assertEquals(root.resolve("secret"), d.resolve("..\\..\\..\\secret").host());
        assertEquals(Err.ACCESS_DENIED, assertThrows(Os2Exception.class, () -> d.resolve("escape\\secret")).code);
    }

    @Test
    void currentDirectories(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("a/b"));
        Drives d = new Drives(root, "/");
        assertEquals("", d.currentDir(0));
        d.setCurrentDir("A\\B");
        assertEquals("a\\b", d.currentDir(3));
        assertEquals(root.resolve("a/b/f"), d.resolve("f").host());
        assertEquals(Err.PATH_NOT_FOUND, assertThrows(Os2Exception.class, () -> d.setCurrentDir("nope")).code);
        assertEquals(3, d.currentDrive());
    }

    @Test
    void wildcards() {
        assertTrue(Drives.matches("*.c", "MAIN.C"));
        assertTrue(Drives.matches("*.*", "makefile"));
        assertTrue(Drives.matches("m?in.*", "main.c"));
        assertFalse(Drives.matches("*.h", "main.c"));
        assertTrue(Drives.matches("*", ".depend"));
        assertEquals("FOO.BAK", Misc.edit("FOO.C", "*.BAK"));
        assertEquals("FOO.C", Misc.edit("FOO.C", "*.*"));
    }
}
