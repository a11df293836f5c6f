package io.pico.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS/2 lines of issue 6 as a user types them, through the {@code ./pico} script (each test costs a JVM
 * start): {@code ./pico run --strace hello.exe}, {@code ./pico shell -c 'pico:apis os2'}, and a truncated LX
 * program (one line, status 126). Runs after packaging (failsafe) with PICO_NO_BUILD=1.
 */
class Os2ScriptIT {

    private static final Path REPO = Path.of(System.getProperty("pico.repo", "..")).toAbsolutePath().normalize();
    private static final Path PICO = REPO.resolve("pico");

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    private static Path corpus(String file) {
        for (Path c : new Path[] {REPO.resolveSibling("shared").resolve("corpus/os2"), REPO.resolve("../../shared/corpus/os2"),
            Path.of("/work/shared/corpus/os2")}) {
            if (Files.isRegularFile(c.resolve(file))) {
                return c.resolve(file).normalize();
            }
        }
        Assumptions.abort("the OS/2 corpus is not here");
        return null;
    }

    private Result pico(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(PICO.toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("PICO_NO_BUILD", "1");
        pb.environment().put("PICO_LOG", dir.resolve("pico.log").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./pico " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Test
    void runWithStracePrintsEachApiCallWithModuleOrdinalArgumentsAndResult() throws Exception {
        Result r = pico("run", "--strace", corpus("2ine/hello.exe").toString());
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().startsWith("Hello world! I'm a 32-bit OS/2 binary!"), r::toString);
        assertTrue(r.err().lines().anyMatch(l -> l.matches("\\d+ MSG\\.5 DosPutMessage\\(1, 40, 0x10000\\) .* = 0 "
                + "NO_ERROR")), r::toString);
        Result beep = pico("run", "--strace", corpus("2ine/testbeep.exe").toString());
        assertEquals(0, beep.status(), beep::toString);
        assertEquals(9, beep.err().lines().filter(l -> l.matches("\\d+ DOSCALLS\\.286 DosBeep\\(\\d+, \\d+\\) = 0 "
                + "NO_ERROR")).count(), beep::toString);
    }

    @Test
    void shellApisPrintsTheOs2OrdinalTable() throws Exception {
        Result r = pico("shell", "-c", "pico:apis os2; pico:apis --level missing os2");
        assertEquals(0, r.status(), r::toString);
        assertEquals(2, r.out().lines().filter(l -> l.matches("MODULE +ORDINAL +NAME +LEVEL +NOTE")).count(),
                r::toString);
        String missing = r.out().substring(r.out().lastIndexOf("MODULE"));
        assertTrue(missing.lines().skip(1).filter(l -> !l.startsWith("os2: ")).allMatch(l -> l.contains(" missing ")),
                missing);
        assertTrue(missing.contains("DosCallNPipe"), missing);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("DOSCALLS +282 +DosWrite +full")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("os2: \\d+ full, \\d+ partial, \\d+ missing")), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void aTruncatedLxProgramIsOneLineAndStatus126() throws Exception {
        byte[] beep = Files.readAllBytes(corpus("2ine/testbeep.exe"));
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.write(root.resolve("beep.exe"), Arrays.copyOf(beep, 0x180));
        Result r = pico("run", "--root", root.toString(), "/beep.exe");
        assertEquals(126, r.status(), r::toString);
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), () -> "one line on stderr: " + r);
        assertTrue(r.err().chars().noneMatch(c -> c != '\n' && (c < 0x20 || c >= 0x7f)), r::toString);
    }
}
