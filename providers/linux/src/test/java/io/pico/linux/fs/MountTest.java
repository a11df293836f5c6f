package io.pico.linux.fs;

import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.Mount;
import io.pico.posix.core.fs.Overlay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount specs: HOST:GUEST[:ro] parsed strictly, and guest paths mapped into the mount's host directory. */
class MountTest {

    @TempDir
    Path tmp;

    @Test
    void parsesAndNormalizes() {
        Mount m = Mount.parse(tmp + "/./:/data//sub/:ro");
        assertEquals(new Mount("/data/sub", tmp, true), m);
        assertEquals(tmp + ":/data/sub:ro", m.spec());
        assertFalse(Mount.parse(tmp + ":/x:rw").readOnly());
        assertTrue(m.covers("/data/sub") && m.covers("/data/sub/a"));
        assertFalse(m.covers("/data/subway"));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        for (String[] c : new String[][] {{"relative:/x", "absolute path"}, {tmp + ":/", "not /"},
            {tmp + ":/a/../b", "without . or .."}, {tmp + ":x", "must be absolute"}, {tmp + "/none:/x", "not a directory"},
            {tmp + ":/x:rx", "HOST:GUEST[:ro]"}, {"/only", "HOST:GUEST[:ro]"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mount.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void guestPathsUnderAMountResolveIntoItsHostDirectoryDeepestFirst() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        GuestFs fs = new GuestFs(root, Overlay.NONE, GuestFs.HOST_DEVICES, Mount.parseAll(List.of(a + ":/m", b + ":/m/inner:ro")));
        assertEquals(a.resolve("f"), fs.resolve("/", "/m/f", true).host());
        assertEquals(b.resolve("g"), fs.resolve("/", "/m/inner/g", true).host());
        assertEquals(root.resolve("etc"), fs.resolve("/", "/m/../etc", true).host());
        assertTrue(fs.readOnly("/m/inner/g"));
        assertFalse(fs.readOnly("/m/f"));
    }
}
