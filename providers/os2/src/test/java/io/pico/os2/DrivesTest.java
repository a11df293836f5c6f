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
        // the loader's check of a file it found: a link out is refused, a file inside is its real path
        Files.createSymbolicLink(root.resolve("EMX.DLL"), outside.resolve("secret"));
        Files.writeString(root.resolve("in.dll"), "d");
        Loader.LoadException e = assertThrows(Loader.LoadException.class, () -> d.inside(root.resolve("EMX.DLL"),
                "EMX.DLL"));
        assertEquals(Err.ACCESS_DENIED, e.error);
        assertEquals("EMX.DLL: refused: the file leads outside the root", e.getMessage());
        assertEquals(root.resolve("in.dll").toRealPath(), d.inside(root.resolve("in.dll"), "in.dll"));
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
        assertEquals(root.resolve("server/share/x"), d.resolve("\\server\\share\\x").host());
        assertEquals(root.resolve("server/share/x"), d.resolve("C:\\server\\\\share\\x").host());
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
                assertEquals(root.resolve("x"), d.resolve(n).host());
            } else {
                assertEquals(Err.INVALID_DRIVE, assertThrows(Os2Exception.class, () -> d.resolve(n), n).code, n);
                assertEquals(Err.INVALID_DRIVE, assertThrows(Os2Exception.class, () -> d.setDrive(n.charAt(0) - 'A' + 1)).code);
            }
        }
        assertEquals(1L << 2, d.driveMap());
        d.map('d', "/data");
        assertEquals((1L << 2) | (1L << 3), d.driveMap());
        assertEquals(root.resolve("data/sub/f"), d.resolve("D:\\SUB\\f").host());
        assertEquals("D:\\top", d.resolve("D:\\..\\..\\top").full(), ".. stops at D:'s top");
        assertEquals(root.resolve("data/top"), d.resolve("D:..\\..\\top").host());
        d.setDrive(4);
        assertEquals(root.resolve("data/top"), d.resolve("\\..\\top").host());
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
                            Path parent = res.host().getParent();
                            if (!allowed.contains(parent) || !res.host().startsWith(root)) {
                                throw new AssertionError("resolved outside the directories set: " + res);
                            }
                            assertEquals(Err.ACCESS_DENIED, assertThrows(Os2Exception.class,
                                    () -> d.resolve("C:\\a\\out\\f")).code);
                            int drive = d.currentDrive();
                            if (drive != 3 && drive != 4) {
                                throw new AssertionError("current drive " + drive);
                            }
                            String cur = d.currentDir(drive);
                            if (!allowed.contains(d.resolve((char) ('A' + drive - 1) + ":\\" + cur).host())) {
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
        assertEquals(root.resolve("a/b/f"), d.resolve("f").host());
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
