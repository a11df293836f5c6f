package io.pico.posix.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.posix.core.Errno;
import io.pico.posix.core.SysError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path resolution never leaves the root: dot-dot, absolute and relative links, directory-relative bases. */
class GuestFsTest {

    @TempDir
    Path host;
    Path root;
    GuestFs fs;

    @BeforeEach
    void tree() throws Exception {
        root = host.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.writeString(root.resolve("etc/passwd"), "guest");
        Files.writeString(host.resolve("secret"), "host");
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("usr/lib/up"), Path.of("../../../../.."));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("out"), host.resolve("secret"));
        fs = new GuestFs(root, Overlay.NONE);
    }

    @Test
    void dotDotStopsAtTheRoot() {
        GuestFs.Resolved r = fs.resolve("/", "../../../secret", true);
        assertEquals("/secret", r.guest());
        assertEquals(root.resolve("secret"), r.host());
    }

    @Test
    void anAbsoluteLinkStartsAgainAtTheRoot() {
        GuestFs.Resolved r = fs.resolve("/", "/abs/passwd", true);
        assertEquals("/etc/passwd", r.guest());
        assertEquals(root.resolve("etc/passwd"), r.host());
    }

    @Test
    void aRelativeLinkClimbingTooFarEndsAtTheRoot() {
        GuestFs.Resolved r = fs.resolve("/usr", "lib/up/etc/passwd", true);
        assertEquals("/etc/passwd", r.guest());
    }

    @Test
    void aLinkToAHostPathOutsideTheRootIsReadAsAGuestPath() {
        GuestFs.Resolved r = fs.resolve("/", "/out", true);
        assertTrue(r.host().startsWith(root), r::toString);
        assertEquals(root.resolve(host.resolve("secret").toString().substring(1)), r.host());
    }

    @Test
    void aDirectoryRelativeBaseCannotEscapeEither() {
        GuestFs.Resolved r = fs.resolve("/usr/lib", "../../../../etc/passwd", true);
        assertEquals("/etc/passwd", r.guest());
    }

    @Test
    void theLastLinkIsKeptWhenNotFollowed() {
        assertEquals("/abs", fs.resolve("/", "/abs", false).guest());
        assertEquals("/etc", fs.resolve("/", "/abs/", false).guest(), "a trailing slash follows");
    }

    @Test
    void linkLoopsAndEmptyPathsFail() {
        SysError loop = assertThrows(SysError.class, () -> fs.resolve("/", "/loop/x", true));
        assertEquals(Errno.ELOOP, loop.errno());
        assertEquals(Errno.ENOENT, assertThrows(SysError.class, () -> fs.resolve("/", "", true)).errno());
    }

    @Test
    void hostDevicesPassThroughAndOverlaysAreSynthetic() {
        assertEquals(Path.of("/dev/null"), fs.resolve("/", "/dev/null", true).host());
        Overlay proc = new Overlay() {
            @Override
            public boolean covers(List<String> parts) {
                return parts.get(0).equals("proc");
            }

            @Override
            public String link(List<String> parts) {
                return parts.equals(List.of("proc", "self")) ? "/proc/7" : null;
            }
        };
        GuestFs withProc = new GuestFs(root, proc);
        GuestFs.Resolved r = withProc.resolve("/", "/proc/self/status", true);
        assertEquals("/proc/7/status", r.guest());
        assertNull(r.host());
        assertTrue(r.synthetic());
    }

    @Test
    void guestPathsOfHostPaths() {
        assertEquals("/etc/passwd", fs.guestOf(root.resolve("etc/passwd")));
        assertEquals("/", fs.guestOf(root));
        assertNull(fs.guestOf(host.resolve("secret")));
    }

    /**
     * The rename race, one step at a time: a path is resolved, then its directory is renamed away and a link to the
     * outside takes its place before the host call. The secure name still reaches the directory that was checked;
     * the plain path would read the outside; a file swapped for a link is refused by the O_NOFOLLOW open.
     */
    @Test
    void secureNamesReachWhatWasResolvedWhateverIsRenamedSince() throws Exception {
        Path outside = Files.createDirectories(host.resolve("outside"));
        Files.writeString(outside.resolve("f"), "OUTSIDE");
        Files.createDirectories(root.resolve("race/sub"));
        Files.writeString(root.resolve("race/sub/f"), "inside");
        try {
            GuestFs.Resolved r = fs.resolve("/", "/race/sub/f", true);
            Path secure = fs.secure(r);
            Path dir = fs.directory(fs.resolve("/", "/race/sub", true));
            Files.move(root.resolve("race/sub"), root.resolve("race/moved"));
            Files.createSymbolicLink(root.resolve("race/sub"), outside);
            assertEquals("OUTSIDE", Files.readString(r.host()), "the plain path follows the link");
            assertEquals("inside", Files.readString(secure));
            assertEquals("inside", GuestFs.withOpen(secure, java.util.Set.of(java.nio.file.StandardOpenOption.READ),
                    Files::readString));
            try (var l = Files.list(dir)) {
                assertEquals(List.of("f"), l.map(p -> p.getFileName().toString()).toList());
            }
            GuestFs.endCall();
            SysError e = assertThrows(SysError.class, () -> fs.secure(new GuestFs.Resolved("/race/sub/f",
                    root.resolve("race/sub/f"))));
            assertEquals(Errno.ELOOP, e.errno(), "a directory that became a link is not followed");
            Path other = fs.secure(fs.resolve("/", "/race/moved/f", true));
            Files.delete(root.resolve("race/moved/f"));
            Files.createSymbolicLink(root.resolve("race/moved/f"), outside.resolve("f"));
            SysError loop = assertThrows(SysError.class, () -> GuestFs.withOpen(other,
                    java.util.Set.of(java.nio.file.StandardOpenOption.READ), Files::readString));
            assertEquals(Errno.ELOOP, loop.errno());
        } finally {
            GuestFs.endCall();
        }
    }

    @Test
    void dotsSlashesAndDotDotsInEveryPosition() {
        assertEquals("/etc/passwd", fs.resolve("/", "//etc/./passwd", true).guest());
        assertEquals("/etc", fs.resolve("/usr/lib", ".././../etc/.", true).guest());
        assertEquals("/usr", fs.resolve("/usr/lib", "..", true).guest());
        assertEquals("/", fs.resolve("/", "/.", true).guest());
        assertEquals("/", fs.resolve("/usr", "../..", true).guest());
        assertEquals("/usr/lib", fs.resolve("/usr/./lib/", ".", false).guest());
        assertEquals("/abs", fs.resolve("/", "abs/.", false).guest(), "a trailing dot does not follow");
        assertEquals("/etc", fs.resolve("/", "abs/./", false).guest(), "a trailing slash follows");
        assertEquals("/etc/passwd", fs.resolve("/", "abs/../abs/passwd", true).guest(), "dot-dot after a link");
        assertEquals("/..x/.y", fs.resolve("/", "/..x/.y", true).guest(), "names that start with dots");
        assertEquals(root.resolve("usr/lib"), fs.resolve("/", "/usr/lib", true).host());
        assertEquals(root, fs.resolve("/", "/", true).host());
    }

    @Test
    void aViewOfTheHostsRootRemembersDirectoriesThatAreNoLinkUntilTheTreeChanges() throws Exception {
        GuestFs unconfined = new GuestFs(Path.of("/"), Overlay.NONE);
        Path dir = host.toRealPath().resolve("cache");
        Files.createDirectories(dir.resolve("d"));
        Files.createDirectories(dir.resolve("e"));
        String guest = dir + "/d/f";
        assertEquals(guest, unconfined.resolve("/", guest, true).guest());
        assertEquals(Path.of(guest), unconfined.resolve("/", guest, true).host());
        // replaced behind the views' back (a host process): the view still trusts what it saw
        Files.delete(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("d"), Path.of("e"));
        assertEquals(guest, unconfined.resolve("/", guest, true).guest(), "remembered as no link");
        // a change made through a personality tells every view
        GuestFs.changed();
        assertEquals(dir + "/e/f", unconfined.resolve("/", guest, true).guest());
        assertEquals(dir + "/e/f", new GuestFs(Path.of("/"), Overlay.NONE).resolve("/", guest, true).guest());
        // and a link is never remembered as none
        assertEquals(dir + "/e/f", unconfined.resolve("/", guest, true).guest());
        Files.delete(dir.resolve("d"));
        Files.createDirectories(dir.resolve("d"));
        GuestFs.changed();
        assertEquals(guest, unconfined.resolve("/", guest, true).guest());
    }

    @Test
    void aRememberedDirectoryResolvesItsNamesAsTheWalkDoes() throws Exception {
        GuestFs unconfined = new GuestFs(Path.of("/"), Overlay.NONE);
        Path dir = host.toRealPath().resolve("quick");
        Files.createDirectories(dir.resolve("d/sub"));
        Files.createDirectories(dir.resolve("e"));
        Files.writeString(dir.resolve("e/f"), "e");
        Files.createSymbolicLink(dir.resolve("d/link"), Path.of("../e/f"));
        Files.createSymbolicLink(dir.resolve("d/up"), Path.of(".."));
        String d = dir + "/d";
        GuestFs.changed();
        assertEquals(d + "/sub", unconfined.resolve("/", d + "/sub", true).guest()); // learns d
        // names in d: the last part alone decides, the same way as a walk and a fresh view
        for (boolean follow : new boolean[] {true, false}) {
            for (String name : new String[] {"/link", "/up", "/up/e/f", "/missing", "/sub/", "/.", "/..", "//sub",
                "/./link", "/sub/.."}) {
                GuestFs.Resolved quick = unconfined.resolve("/", d + name, follow);
                GuestFs.Resolved walked = new GuestFs(Path.of("/"), Overlay.NONE).resolve("/", d + name, follow);
                assertEquals(walked, quick, d + name + " follow " + follow);
            }
        }
        assertEquals(dir + "/e/f", unconfined.resolve("/", d + "/link", true).guest(), "a link at the end is followed");
        assertEquals(d + "/link", unconfined.resolve("/", d + "/link", false).guest(), "or kept");
        assertEquals(Path.of(d + "/sub"), unconfined.resolve("/", d + "/sub", false).host());
        // the directory turned into a link and announced: seen at once
        Files.move(dir.resolve("d"), dir.resolve("old"));
        Files.createSymbolicLink(dir.resolve("d"), Path.of("e"));
        GuestFs.changed();
        assertEquals(dir + "/e/f", unconfined.resolve("/", d + "/f", false).guest());
    }

    @Test
    void aRememberedDirectoryStillAsksTheOverlayAboutItsNames() throws Exception {
        Path dir = host.toRealPath().resolve("made");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("real"), "x");
        String d = dir.toString();
        Overlay made = new Overlay() {
            @Override
            public boolean covers(List<String> parts) {
                return parts.size() > 0 && parts.get(parts.size() - 1).equals("synthetic");
            }

            @Override
            public String link(List<String> parts) {
                return parts.get(parts.size() - 1).equals("tostdin") ? "/dev/null" : null;
            }
        };
        GuestFs view = new GuestFs(Path.of("/"), made);
        assertEquals(Path.of(d + "/real"), view.resolve("/", d + "/real", true).host()); // learns the directory
        assertTrue(view.resolve("/", d + "/synthetic", true).synthetic());
        assertEquals("/dev/null", view.resolve("/", d + "/tostdin", true).guest());
        assertEquals(d + "/tostdin", view.resolve("/", d + "/tostdin", false).guest());
        assertEquals(Path.of("/dev/null"), view.resolve("/", "/dev/null", false).host());
    }

    @Test
    void aConfinedViewLooksAtTheHostEveryTime() throws Exception {
        Files.createDirectories(root.resolve("d"));
        Files.createDirectories(root.resolve("e"));
        try {
            assertEquals("/d/f", fs.resolve("/", "/d/f", true).guest());
            GuestFs.endCall();
            Files.delete(root.resolve("d"));
            Files.createSymbolicLink(root.resolve("d"), Path.of("e"));
            assertEquals("/e/f", fs.resolve("/", "/d/f", true).guest(), "no change announced, still seen");
        } finally {
            GuestFs.endCall();
        }
    }
}
