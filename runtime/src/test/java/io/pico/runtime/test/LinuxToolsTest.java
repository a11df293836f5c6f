package io.pico.runtime.test;

import static io.pico.runtime.test.LinuxTestSupport.BUSYBOX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.test.common.annotation.InjectService;

/**
 * busybox tools inside a {@code --root} temporary directory (busybox, /etc/passwd and /etc/group copied in),
 * compared with the same busybox run natively in a twin directory: ls, find, sed, awk, grep -r, sort, uniq,
 * wc, md5sum, sha256sum of a 10 MB file, tar and gzip pipes, cp -r, mv, rm -r. And Debian's dynamic /bin/ls
 * on a directory of the host.
 */
class LinuxToolsTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    /** The root the guest runs in, and its native twin. */
    @TempDir
    static Path base;
    static Path guestRoot;
    static Path nativeRoot;

    @BeforeAll
    static void roots() throws Exception {
        guestRoot = base.resolve("guest");
        nativeRoot = base.resolve("native");
        for (Path root : List.of(guestRoot, nativeRoot)) {
            Files.createDirectories(root.resolve("bin"));
            Files.createDirectories(root.resolve("etc"));
            Files.createDirectories(root.resolve("data/sub/deeper"));
            if (Files.exists(Path.of(BUSYBOX))) {
                Files.copy(Path.of(BUSYBOX), root.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            }
            for (String f : List.of("passwd", "group")) {
                if (Files.exists(Path.of("/etc", f))) {
                    Files.copy(Path.of("/etc", f), root.resolve("etc").resolve(f));
                }
            }
            Files.writeString(root.resolve("data/fruits.txt"), "banana\napple\ncherry\napple\nbanana\napple\n");
            Files.writeString(root.resolve("data/sub/notes.txt"), "the quick brown fox\njumps over\nthe lazy dog\n");
            Files.writeString(root.resolve("data/sub/deeper/fox.txt"), "another fox\n");
            byte[] big = new byte[10 << 20];
            new Random(42).nextBytes(big);
            Files.write(root.resolve("data/big.bin"), big);
            // identical times, so that ls -l prints the same in both trees
            FileTime t = FileTime.fromMillis(1_700_000_000_000L);
            try (Stream<Path> all = Files.walk(root.resolve("data"))) {
                for (Path p : all.toList()) {
                    Files.setLastModifiedTime(p, t);
                }
            }
        }
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("ls -l", List.of("ls", "-l", "data", "data/sub")),
                Arguments.of("find", List.of("find", "data", "-name", "*.txt")),
                Arguments.of("sed", List.of("sed", "-e", "s/a/A/g", "-e", "2d", "data/fruits.txt")),
                Arguments.of("awk", List.of("awk", "{ n[$1]++ } END { for (k in n) print k, n[k] }", "data/fruits.txt")),
                Arguments.of("grep -r", List.of("grep", "-rn", "-e", "fox", "-e", "the", "data/sub")),
                Arguments.of("sort", List.of("sort", "-r", "data/fruits.txt")),
                Arguments.of("uniq -c", List.of("sh", "-c", "sort data/fruits.txt | uniq -c")),
                Arguments.of("wc", List.of("wc", "data/fruits.txt", "data/sub/notes.txt")),
                Arguments.of("md5sum", List.of("md5sum", "data/fruits.txt", "data/sub/notes.txt")),
                Arguments.of("sha256sum of 10 MB", List.of("sha256sum", "data/big.bin")),
                Arguments.of("tar pipe", List.of("sh", "-c", "tar cf - data/sub | tar tvf - | sort")),
                Arguments.of("gzip pipe", List.of("sh", "-c", "head -c 300000 data/big.bin | gzip | gunzip | md5sum; "
                        + "gzip -c data/sub/notes.txt | gunzip")),
                Arguments.of("cp -r", List.of("sh", "-c", "cp -r data/sub copy && find copy | sort && cat copy/notes.txt")),
                Arguments.of("mv", List.of("sh", "-c", "mv copy moved && ls . && ls moved")),
                Arguments.of("rm -r", List.of("sh", "-c", "rm -r moved && ls . && ls moved; echo $?")));
    }

    /** Runs in order: cp makes what mv moves and rm removes, in each tree. */
    @ParameterizedTest(name = "busybox {0} in --root")
    @MethodSource("commands")
    void busyboxToolsInARootBehaveAsNatively(String name, List<String> args) throws Exception {
        LinuxTestSupport.require(BUSYBOX);
        List<String> nativeArgv = new ArrayList<>(List.of(nativeRoot.resolve("bin/busybox").toString()));
        nativeArgv.addAll(args);
        List<String> guestArgv = new ArrayList<>(List.of("/bin/busybox"));
        guestArgv.addAll(args);
        Result expected = LinuxTestSupport.host(nativeRoot, null, nativeArgv);
        Result actual = LinuxTestSupport.pico(launcher, guestRoot, "/", null, null, guestArgv);
        assertEquals(expected.out(), actual.out(), () -> "stdout of " + args + "; pico: " + actual);
        assertEquals(expected.status(), actual.status(), () -> "status of " + args + "; pico: " + actual);
        assertTrue(!expected.out().isEmpty() || name.equals("rm -r"), "the command printed something");
    }

    @Test
    void debiansDynamicLsListsAHostDirectoryAsNatively() throws Exception {
        LinuxTestSupport.require("/bin/ls");
        Path dir = nativeRoot.resolve("data");
        Result expected = LinuxTestSupport.host(base, "/bin/ls", "-la", dir.toString());
        Result actual = LinuxTestSupport.pico(launcher, base, "/bin/ls", "-la", dir.toString());
        assertEquals(expected, actual);
        assertTrue(actual.out().contains("fruits.txt"), actual::toString);
    }
}
