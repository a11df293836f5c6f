package io.pico.posix.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.posix.core.Errno;
import io.pico.posix.core.SysError;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The O_NOFOLLOW walk's descriptors and the native stat: links on the way are never followed. */
class HostDirsTest {

    @TempDir
    Path host;

    @AfterEach
    void endCall() {
        HostDirs.endCall();
    }

    @Test
    void theNativeCallsAreUsed() {
        assertTrue(HostStat.available(), "the binding's fstatat did not load: the java.nio fallback would be measured");
    }

    @Test
    void aDirectoryThatIsALinkIsEloopNotFollowed() throws Exception {
        Path root = Files.createDirectories(host.resolve("root/d"));
        Files.createDirectories(host.resolve("outside"));
        Files.writeString(host.resolve("outside/secret"), "host");
        Files.createSymbolicLink(host.resolve("root/l"), host.resolve("outside"));
        Path r = host.resolve("root");
        SysError e = assertThrows(SysError.class, () -> HostDirs.descriptor(r, List.of("l")));
        assertEquals(Errno.ELOOP, e.errno());
        e = assertThrows(SysError.class, () -> StatInfo.of(HostDirs.name(r, List.of("l", "secret")), false));
        assertEquals(Errno.ELOOP, e.errno());
        e = assertThrows(SysError.class, () -> HostDirs.descriptor(r, List.of("missing")));
        assertEquals(Errno.ENOENT, e.errno());
        Files.writeString(root.resolve("f"), "abc");
        e = assertThrows(SysError.class, () -> HostDirs.descriptor(r, List.of("d", "f")));
        assertEquals(Errno.ENOTDIR, e.errno());
    }

    @Test
    void aStatThroughTheWalkIsTheFileItself() throws Exception {
        Path r = host.resolve("root");
        Files.createDirectories(r.resolve("a/b"));
        Path f = Files.writeString(r.resolve("a/b/f"), "12345");
        Files.createSymbolicLink(r.resolve("a/b/ln"), Path.of("f"));
        Path name = HostDirs.name(r, List.of("a", "b", "f"));
        assertTrue(name.toString().startsWith("/proc/self/fd/"), name.toString());
        StatInfo s = StatInfo.of(name, false);
        assertEquals(Files.getAttribute(f, "unix:ino"), s.ino());
        assertEquals(5, s.size());
        assertEquals(Files.getLastModifiedTime(f).toInstant(), s.mtime());
        assertEquals(StatInfo.S_IFLNK, StatInfo.of(HostDirs.name(r, List.of("a", "b", "ln")), false).mode()
                & StatInfo.S_IFMT);
        assertEquals(StatInfo.S_IFDIR, StatInfo.of(HostDirs.name(r, List.of()), false).mode() & StatInfo.S_IFMT);
        assertEquals(Files.getAttribute(r.resolve("a/b"), "unix:ino", LinkOption.NOFOLLOW_LINKS),
                StatInfo.of(Path.of("/proc/self/fd/" + HostDirs.descriptor(r, List.of("a", "b"))), true).ino());
        assertThrows(NoSuchFileException.class, () -> StatInfo.of(HostDirs.name(r, List.of("a", "nothing")), false));
    }
}
