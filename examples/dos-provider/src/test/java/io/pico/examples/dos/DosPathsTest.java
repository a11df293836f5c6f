package io.pico.examples.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DOS names to guest paths and host files: drive, separators, .., case, confinement. */
class DosPathsTest {

    @Test
    void namesBecomeGuestPaths() throws Exception {
        assertEquals("/work/OUT.TXT", DosPaths.guestPath("/work", "OUT.TXT"));
        assertEquals("/OUT.TXT", DosPaths.guestPath("/work", "\\OUT.TXT"));
        assertEquals("/A/B.TXT", DosPaths.guestPath("/work", "C:\\A\\B.TXT"));
        assertEquals("/A/B.TXT", DosPaths.guestPath("/work", "c:/A/./B.TXT"));
        assertEquals("/B.TXT", DosPaths.guestPath("/work/sub", "..\\..\\B.TXT"));
    }

    @Test
    void dotDotStopsAtTheRoot() throws Exception {
        assertEquals("/etc/passwd", DosPaths.guestPath("/", "..\\..\\..\\etc\\passwd"));
    }

    @Test
    void otherDrivesAndWildcardsAreRefused() {
        assertEquals(DosError.INVALID_DRIVE, assertThrows(DosError.class, () -> DosPaths.guestPath("/", "D:\\X")).code);
        assertEquals(DosError.PATH_NOT_FOUND, assertThrows(DosError.class, () -> DosPaths.guestPath("/", "*.TXT")).code);
        assertEquals(DosError.PATH_NOT_FOUND, assertThrows(DosError.class, () -> DosPaths.guestPath("/", "")).code);
    }

    @Test
    void existingFilesAreFoundWhateverTheCase(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("Sub"));
        Files.writeString(root.resolve("Sub/readme.txt"), "x");
        assertEquals(root.resolve("Sub/readme.txt"), DosPaths.hostPath(root, "/SUB/README.TXT"));
        assertEquals(root.resolve("Sub/NEW.TXT"), DosPaths.hostPath(root, "/sub/NEW.TXT"));
    }

    @Test
    void linksOutOfTheRootAreRefused(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "x");
        Files.createSymbolicLink(root.resolve("LINK"), outside);
        assertEquals(DosError.ACCESS_DENIED,
                assertThrows(DosError.class, () -> DosPaths.hostPath(root, "/LINK/secret")).code);
        Files.createSymbolicLink(root.resolve("INSIDE"), Files.createDirectory(root.resolve("real")));
        assertEquals(root.resolve("INSIDE/x"), DosPaths.hostPath(root, "/INSIDE/x"));
    }

    @Test
    void dosFormsOfPaths() {
        assertEquals("C:\\GAMES\\HI.COM", DosPaths.dosPath("/GAMES/HI.COM"));
        assertEquals("GAMES\\SUB", DosPaths.dosCwd("/GAMES/SUB"));
        assertEquals("", DosPaths.dosCwd("/"));
    }
}
