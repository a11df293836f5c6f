package io.pico.linux.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.posix.core.Errno;
import io.pico.posix.core.SysError;
import io.pico.posix.core.fs.GuestFs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path resolution (the core's GuestFs with Linux's /proc overlay) never leaves the root, whatever the guest writes or links. */
class GuestFsTest {

    @TempDir
    Path dir;

    /** Removes the links that point out of the temporary directory (JUnit warns about them otherwise). */
    @AfterEach
    void removeEscapingLinks() throws Exception {
        for (String name : new String[] {"escape", "up"}) {
            Files.deleteIfExists(dir.resolve("root").resolve(name));
        }
    }

    private GuestFs fs(Path root) {
        return new GuestFs(root, new ProcFs(null, null));
    }

    @Test
    void dotDotStopsAtTheRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/etc"));
        GuestFs fs = fs(dir.resolve("root"));
        GuestFs.Resolved r = fs.resolve("/", "../../../../etc", true);
        assertEquals("/etc", r.guest());
        assertEquals(root, r.host());
        assertTrue(Files.isSameFile(root, fs.secure(r)), "the host name reaches the same directory");
        GuestFs.endCall();
        assertEquals("/etc", fs.resolve("/etc", "../../etc/./", true).guest());
    }

    @Test
    void absoluteLinksStartAtTheRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("target"));
        Files.createSymbolicLink(root.resolve("escape"), dir.getRoot());
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/target"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../.."));
        GuestFs fs = fs(root);
        assertEquals(root, fs.resolve("/", "/escape", true).host(), "a link to / is the root");
        assertEquals(root.resolve("target"), fs.resolve("/", "abs", true).host());
        assertEquals(root, fs.resolve("/", "up", true).host());
        assertEquals(root.resolve("target/x"), fs.resolve("/", "/up/escape/abs/x", true).host());
        assertEquals(root.resolve("abs"), fs.resolve("/", "abs", false).host(), "lstat does not follow");
        assertTrue(fs.resolve("/", "/escape/../../..", true).host().startsWith(root));
        assertTrue(Files.isSameFile(root, fs.secure(fs.resolve("/", "/escape", true))));
        GuestFs.endCall();
    }

    @Test
    void relativeToTheBase() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/a/b"));
        GuestFs fs = fs(dir.resolve("root"));
        assertEquals("/a/b/c", fs.resolve("/a/b", "c", false).guest());
        assertEquals("/a", fs.resolve("/a/b", "..", false).guest());
        assertEquals(root.resolve("c"), fs.resolve("/a/b", "c", false).host());
    }

    @Test
    void aDirectoryRenamedIntoALinkAfterResolutionIsNotFollowed() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/a/b"));
        Path outside = Files.createDirectories(dir.resolve("outside/b"));
        GuestFs fs = fs(dir.resolve("root"));
        GuestFs.Resolved r = fs.resolve("/", "/a/b/new", false);
        GuestFs.endCall();
        // between resolution and use, /a becomes a link to the outside
        Files.move(dir.resolve("root/a"), dir.resolve("root/a-moved"));
        Files.createSymbolicLink(dir.resolve("root/a"), dir.resolve("outside"));
        try {
            SysError e = assertThrows(SysError.class, () -> fs.secure(r));
            assertEquals(Errno.ELOOP, e.errno());
            // the other order: the host name taken first, the link swapped in while it is in use
            Files.delete(dir.resolve("root/a"));
            Files.move(dir.resolve("root/a-moved"), dir.resolve("root/a"));
            GuestFs.Resolved again = fs.resolve("/", "/a/b/new", false);
            Path host = fs.secure(again);
            Files.move(dir.resolve("root/a"), dir.resolve("root/a-moved"));
            Files.createSymbolicLink(dir.resolve("root/a"), dir.resolve("outside"));
            Files.createFile(host);
            assertTrue(Files.exists(dir.resolve("root/a-moved/b/new")), "made in the directory that was checked");
            assertTrue(!Files.exists(outside.resolve("new")), "nothing made outside");
        } finally {
            GuestFs.endCall();
            Files.deleteIfExists(dir.resolve("root/a"));
        }
    }

    @Test
    void linkLoops() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        GuestFs fs = fs(root);
        SysError e = assertThrows(SysError.class, () -> fs.resolve("/", "/loop", true));
        assertEquals(Errno.ELOOP, e.errno());
        assertEquals(Errno.ENOENT, assertThrows(SysError.class, () -> fs.resolve("/", "", true)).errno());
    }

    @Test
    void procIsSyntheticAndDevicesAreTheHosts() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        GuestFs fs = fs(root);
        assertTrue(fs.resolve("/", "/proc/cpuinfo", true).synthetic());
        assertEquals(Path.of("/dev/null"), fs.secure(fs.resolve("/", "/dev/null", true)));
        assertEquals(root.resolve("dev/sda"), fs.resolve("/", "/dev/sda", true).host());
        assertEquals(Errno.ENOENT, assertThrows(SysError.class, () -> fs.secure(fs.resolve("/", "/dev/sda", true)))
                .errno(), "no /dev under this root");
    }
}
