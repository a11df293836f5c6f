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
        assertEquals(root.resolve("Work/Src/Main.C"), r.path());
        assertEquals("C:\\Work\\Src\\Main.C", r.full());
        assertEquals(root.resolve("Work/Src/Main.C"), d.resolve("C:/work/src/./x/../main.c").path());
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
        assertEquals(root.resolve("secret"), d.resolve("..\\..\\..\\secret").path());
        assertEquals(Err.ACCESS_DENIED, assertThrows(Os2Exception.class, () -> d.resolve("escape\\secret")).code);
        // a file that is a link out is refused (the loader's DLL search gets ACCESS_DENIED), a file inside is read
        Files.createSymbolicLink(root.resolve("EMX.DLL"), outside.resolve("secret"));
        Files.writeString(root.resolve("in.dll"), "d");
        assertEquals(Err.ACCESS_DENIED, assertThrows(Os2Exception.class, () -> d.resolve("emx.dll")).code);
        assertEquals("d", new String(Loader.read(d.resolve("IN.DLL"), "IN.DLL")));
        // a link inside the root is followed by its target's components
        Files.createDirectories(root.resolve("real"));
        Files.writeString(root.resolve("real/f"), "inside");
        Files.createSymbolicLink(root.resolve("alias"), Path.of("real"));
        assertEquals(root.resolve("real/f"), d.resolve("ALIAS\\F").path());
        assertEquals("inside", new String(Loader.read(d.resolve("alias\\f"), "f")));
        io.pico.posix.core.fs.HostDirs.endCall();
    }

    /**
     * The rename race, one step at a time: a name is resolved, then its directory is renamed away and a link to the
     * outside takes its place before the file is used. The host name handed out still reaches the directory that
     * was checked (opened without following links), never the outside; a new resolution refuses the link.
     */
    @Test
    void aDirectoryRenamedIntoALinkAfterResolutionDoesNotLeadOut(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "OUTSIDE");
        Files.createDirectories(root.resolve("race/sub"));
        Files.writeString(root.resolve("race/sub/secret"), "inside");
        Drives d = new Drives(root, "/");
        try {
            Drives.Resolved r = d.resolve("C:\\race\\sub\\secret");
            Files.move(root.resolve("race/sub"), root.resolve("race/moved"));
            Files.createSymbolicLink(root.resolve("race/sub"), outside);
            assertEquals("inside", new String(Loader.read(r, "secret")));
            assertEquals("inside", Files.readString(r.host()));
            byte[] info = io.pico.os2.Files.status(r.host(), 1);
            assertEquals(6, (info[12] & 0xff), "the size of the file inside, not of the one outside");
            io.pico.posix.core.fs.HostDirs.endCall();
            assertEquals(Err.ACCESS_DENIED, assertThrows(Os2Exception.class,
                    () -> d.resolve("C:\\race\\sub\\secret")).code);
            // the file itself swapped for a link after resolution: the O_NOFOLLOW open refuses it
            Files.writeString(root.resolve("race/moved/other"), "inside");
            Drives.Resolved f = d.resolve("C:\\race\\moved\\other");
            Files.delete(root.resolve("race/moved/other"));
            Files.createSymbolicLink(root.resolve("race/moved/other"), outside.resolve("secret"));
            Loader.LoadException e = assertThrows(Loader.LoadException.class, () -> Loader.read(f, "other"));
            assertEquals(Err.ACCESS_DENIED, e.error, e::getMessage);
        } finally {
            io.pico.posix.core.fs.HostDirs.endCall();
        }
    }

    @Test
    void uncNamesAreBadNetPaths(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("server/share"));
        Drives d = new Drives(root, "/");
        for (String n : new String[] {"\\\\server\\share\\x", "//server/share/x", "\\\\?\\C:\\x", "\\\\.\\C:\\x",
            "\\/server\\share", "\\\\localhost\\C$\\x"}) {
            assertEquals(Err.BAD_NETPATH, assertThrows(Os2Exception.class, () -> d.resolve(n), n).code, n);
        }
        assertEquals(Err.BAD_NETPATH, assertThrows(Os2Exception.class, () -> d.setCurrentDir("\\\\server\\share")).code);
        // one backslash is the drive's top, and a doubled one inside a name is one separator
        assertEquals(root.resolve("server/share/x"), d.resolve("\\server\\share\\x").path());
        assertEquals(root.resolve("server/share/x"), d.resolve("C:\\server\\\\share\\x").path());
    }

    @Test
    void otherDrivesExistOnlyWhenMappedAndStayUnderTheirDirectory(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("data/sub"));
        Files.writeString(root.resolve("top"), "t");
        Drives d = new Drives(root, "/");
        for (char c = 'A'; c <= 'Z'; c++) {
            String n = c + ":\\x";
            if (c == 'C') {
                assertEquals(root.resolve("x"), d.resolve(n).path());
            } else {
                assertEquals(Err.INVALID_DRIVE, assertThrows(Os2Exception.class, () -> d.resolve(n), n).code, n);
                assertEquals(Err.INVALID_DRIVE, assertThrows(Os2Exception.class, () -> d.setDrive(n.charAt(0) - 'A' + 1)).code);
            }
        }
        assertEquals(1L << 2, d.driveMap());
        d.map('d', "/data");
        assertEquals((1L << 2) | (1L << 3), d.driveMap());
        assertEquals(root.resolve("data/sub/f"), d.resolve("D:\\SUB\\f").path());
        assertEquals("D:\\top", d.resolve("D:\\..\\..\\top").full(), ".. stops at D:'s top");
        assertEquals(root.resolve("data/top"), d.resolve("D:..\\..\\top").path());
        d.setDrive(4);
        assertEquals(root.resolve("data/top"), d.resolve("\\..\\top").path());
        assertThrows(IllegalArgumentException.class, () -> d.map('E', "/data/../.."));
        assertThrows(IllegalArgumentException.class, () -> d.map('C', "/data"));
        assertThrows(IllegalArgumentException.class, () -> d.map('1', "/data"));
    }

    /**
     * Threads changing the current drive and directory while others resolve relative names: every name
     * resolves under the root, to one of the directories a thread set, and the state stays consistent.
     */
    @Test
    void drivesAreConsistentWhenThreadsChangeDriveAndDirectoryConcurrently(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(root.resolve("a/b/c"));
        Files.createDirectories(root.resolve("data/x"));
        Files.createSymbolicLink(root.resolve("a/out"), outside);
        Drives d = new Drives(root, "/a");
        d.map('D', "/data");
        String[] dirs = {"C:\\a", "C:\\a\\b", "C:\\a\\b\\c", "C:\\", "D:\\x", "D:\\", "..", "b", "C:..\\..\\..\\.."};
        java.util.Set<Path> allowed = java.util.Set.of(root, root.resolve("a"), root.resolve("a/b"),
                root.resolve("a/b/c"), root.resolve("data"), root.resolve("data/x"));
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger resolved = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[6];
        for (int i = 0; i < threads.length; i++) {
            int id = i;
            threads[i] = new Thread(() -> {
                java.util.Random r = new java.util.Random(id);
                try {
                    for (int k = 0; k < 3000; k++) {
                        if (id % 2 == 0) {
                            try {
                                if (r.nextInt(4) == 0) {
                                    d.setDrive(r.nextBoolean() ? 3 : 4);
                                } else {
                                    d.setCurrentDir(dirs[r.nextInt(dirs.length)]);
                                }
                            } catch (Os2Exception e) {
                                // "b" or ".." from a directory where it does not exist: refused, nothing changes
                                if (e.code != Err.PATH_NOT_FOUND) {
                                    throw e;
                                }
                            }
                        } else {
                            Drives.Resolved res = d.resolve(r.nextBoolean() ? "f" : "..\\..\\..\\f");
                            Path parent = res.path().getParent();
                            if (!allowed.contains(parent) || !res.path().startsWith(root)) {
                                throw new AssertionError("resolved outside the directories set: " + res);
                            }
                            assertEquals(Err.ACCESS_DENIED, assertThrows(Os2Exception.class,
                                    () -> d.resolve("C:\\a\\out\\f")).code);
                            int drive = d.currentDrive();
                            if (drive != 3 && drive != 4) {
                                throw new AssertionError("current drive " + drive);
                            }
                            String cur = d.currentDir(drive);
                            if (!allowed.contains(d.resolve((char) ('A' + drive - 1) + ":\\" + cur).path())) {
                                throw new AssertionError("current directory " + cur + " of drive " + drive);
                            }
                            resolved.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(3 * 3000, resolved.get());
    }

    @Test
    void currentDirectories(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("a/b"));
        Drives d = new Drives(root, "/");
        assertEquals("", d.currentDir(0));
        d.setCurrentDir("A\\B");
        assertEquals("a\\b", d.currentDir(3));
        assertEquals(root.resolve("a/b/f"), d.resolve("f").path());
        assertEquals(Err.PATH_NOT_FOUND, assertThrows(Os2Exception.class, () -> d.setCurrentDir("nope")).code);
        assertEquals(3, d.currentDrive());
    }

    @Test
    void theDrivesSettingMapsLettersToGuestDirectoriesAndRefusesBadEntries() {
        assertEquals(java.util.Map.entry('D', "/data"), Os2Settings.drive("D:/data"));
        assertEquals(java.util.Map.entry('E', "/mnt/cd"), Os2Settings.drive(" e:\\mnt\\cd "));
        for (String bad : new String[] {"C:/data", "E:/a/../..", "F:rel", "GG:/x", "H/x", "1:/y", "I:"}) {
            assertThrows(IllegalArgumentException.class, () -> Os2Settings.drive(bad), bad);
        }
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
