package io.pico.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fstatat, openat and getdents64 on real host files: the values the host reports, -errno on failure. */
class HostFilesTest {

    @TempDir
    Path dir;

    private static byte[] b(Object s) {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer stat() {
        return ByteBuffer.allocateDirect(HostFiles.STAT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void fstatatFillsTheStructStatAsTheHostSeesIt() throws Exception {
        Path f = dir.resolve("file");
        Files.writeString(f, "12345");
        Files.createSymbolicLink(dir.resolve("link"), f);
        ByteBuffer s = stat();
        assertEquals(0, HostFiles.fstatat(HostFiles.AT_FDCWD, b(f), s, 0));
        assertEquals(Files.getAttribute(f, "unix:ino"), s.getLong(8));
        assertEquals(Files.getAttribute(f, "unix:dev"), s.getLong(0));
        assertEquals(0100000, s.getInt(24) & 0170000);
        assertEquals(5, s.getLong(48));
        int dfd = HostFiles.openat(HostFiles.AT_FDCWD, b(dir), HostFiles.O_PATH | HostFiles.O_DIRECTORY, 0);
        assertTrue(dfd >= 0, "openat: " + dfd);
        try {
            assertEquals(0, HostFiles.fstatat(dfd, b("link"), s, HostFiles.AT_SYMLINK_NOFOLLOW));
            assertEquals(0120000, s.getInt(24) & 0170000, "the link itself");
            assertEquals(0, HostFiles.fstatat(dfd, b("link"), s, 0));
            assertEquals(5, s.getLong(48), "the link followed");
            assertEquals(-HostFiles.ENOENT, HostFiles.fstatat(dfd, b("missing"), s, 0));
            assertEquals(-HostFiles.ENOTDIR, HostFiles.openat(dfd, b("link"),
                    HostFiles.O_PATH | HostFiles.O_DIRECTORY | HostFiles.O_NOFOLLOW, 0), "a link is not opened");
        } finally {
            assertEquals(0, HostFiles.close(dfd));
        }
        assertEquals(-HostFiles.ENAMETOOLONG, HostFiles.fstatat(HostFiles.AT_FDCWD, new byte[HostFiles.PATH_MAX], s, 0));
        assertEquals(-HostFiles.EINVAL, HostFiles.fstatat(HostFiles.AT_FDCWD, new byte[] {'a', 0, 'b'}, s, 0));
    }

    @Test
    void getdents64ListsNamesWithInodesAndTypes() throws Exception {
        Files.writeString(dir.resolve("a"), "x");
        Files.createDirectory(dir.resolve("sub"));
        int fd = HostFiles.openat(HostFiles.AT_FDCWD, b(dir), HostFiles.O_DIRECTORY | HostFiles.O_CLOEXEC, 0);
        assertTrue(fd >= 0, "openat: " + fd);
        Map<String, long[]> seen = new HashMap<>();
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
            int n;
            while ((n = HostFiles.getdents64(fd, buf)) > 0) {
                for (int at = 0; at < n; at += buf.getShort(at + 16)) {
                    int end = at + 19;
                    while (buf.get(end) != 0) {
                        end++;
                    }
                    byte[] name = new byte[end - at - 19];
                    buf.get(at + 19, name);
                    seen.put(new String(name, StandardCharsets.UTF_8), new long[] {buf.getLong(at), buf.get(at + 18)});
                }
            }
            assertEquals(0, n);
        } finally {
            HostFiles.close(fd);
        }
        assertEquals(4, seen.size(), seen.keySet().toString());
        assertEquals(8, seen.get("a")[1], "DT_REG");
        assertEquals(4, seen.get("sub")[1], "DT_DIR");
        assertEquals(Files.getAttribute(dir.resolve("sub"), "unix:ino", LinkOption.NOFOLLOW_LINKS), seen.get("sub")[0]);
    }
}
