package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.test.common.annotation.InjectService;

/**
 * A guest confined with {@code --root} tries every route out ({@code linux/escape.c}): dot-dots, absolute and
 * relative symlinks, the host's paths, dirfd-relative opens, fchdir, /proc/self/root, cwd and fd links,
 * rename and link across the root, chroot, openat2, listing /.., executing above the root. It sees only the
 * root, and the host directory around the root is unchanged.
 */
class LinuxConfinementTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @TempDir
    Path outside;

    @Test
    void aGuestSeesOnlyItsRoot() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "escape.c", "escape");
        Path root = outside.resolve("root");
        Files.createDirectories(root);
        Files.copy(exe, root.resolve("escape"));
        Files.writeString(root.resolve("inside.txt"), "inside\n");
        Path secret = outside.resolve("secret.txt");
        Files.writeString(secret, "SECRET\n");

        Result r = LinuxTestSupport.pico(launcher, root, "/", null, null, List.of("/escape", secret.toString()));
        assertEquals(0, r.status(), r::toString);
        String out = r.out();
        assertFalse(out.contains("LEAKED"), out);
        for (String line : List.of("inside file: inside", "after chdir(..) x10: cwd=/", "after fchdir(fd of /..): cwd=/",
                "readlink /proc/self/root: /", "/.. is /: 1", "the renamed file, inside: inside",
                "listing /.. shows the secret: 0", "execv outside the root: No such file or directory",
                "readlink keeps the text: 1", "chroot: Operation not permitted")) {
            assertTrue(out.lines().anyMatch(line::equals), () -> "expected [" + line + "] in:\n" + out);
        }
        long failures = out.lines().filter(l -> l.endsWith(": No such file or directory")).count();
        assertTrue(failures >= 18, () -> "every escape fails:\n" + out);
        try (Stream<Path> around = Files.list(outside)) {
            Set<String> names = around.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(Set.of("root", "secret.txt"), names, "nothing was created or moved outside the root");
        }
        assertEquals("SECRET\n", Files.readString(secret));
        assertTrue(Files.exists(root.resolve("moved.txt")), "the rename happened inside the root");
        for (String link : List.of("up-abs", "up-rel", "host-link", "d/l")) {
            Files.deleteIfExists(root.resolve(link)); // links that point outside the temporary directory
        }
    }
}
