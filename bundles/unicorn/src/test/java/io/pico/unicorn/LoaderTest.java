package io.pico.unicorn;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The library loading order, checked in child JVMs (the library loads once per JVM). */
@Timeout(120)
class LoaderTest {
    static final String SYSTEM_LIB = "/usr/lib/x86_64-linux-gnu/libunicorn.so.2";
    static final String WARNING = "pico: warning: using system unicorn ";

    record Result(int exit, String out, String err) {
        String get(String key) {
            for (String line : out.split("\n")) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1);
                }
            }
            return null;
        }

        long warnings() {
            return err.lines().filter(l -> l.startsWith(WARNING)).count();
        }
    }

    static Result runChild(Map<String, String> env, String... props) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(cp);
        for (String p : props) {
            cmd.add("-D" + p);
        }
        cmd.add(LoaderMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("PICO_UNICORN_DIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(p.getErrorStream()));
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "child JVM timed out");
        return new Result(p.exitValue(), out.get(), err.get());
    }

    static String slurp(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    /** The project's unpacked unicorn 2.1.x (./setup), found from the module directory upwards; null if absent. */
    static Path projectUnicornDir() {
        String configured = System.getProperty("pico.unicorn.dir");
        if (configured != null && Files.isRegularFile(Paths.get(configured, "usr/lib/x86_64-linux-gnu/libunicorn.so.2"))) {
            return Paths.get(configured);
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path u = d.resolve(".pico/unicorn");
            if (Files.isRegularFile(u.resolve("usr/lib/x86_64-linux-gnu/libunicorn.so.2"))) {
                return u;
            }
        }
        return null;
    }

    @Test
    void fallsBackToTheSystemLibraryWithOneWarning() throws Exception {
        assumeTrue(new File(SYSTEM_LIB).isFile(), "no system libunicorn.so.2");
        Result r = runChild(Map.of(), "pico.unicorn.dir=/nonexistent");
        assertEquals(0, r.exit(), r.err());
        assertEquals(SYSTEM_LIB, r.get("PATH"));
        String v = r.get("VERSION");
        assertTrue(v.startsWith("2."), v);
        boolean old = v.startsWith("2.0.");
        assertEquals(old ? 1 : 0, r.warnings(), r.err());
        if (old) {
            assertTrue(r.err().contains(WARNING + v + "; run ./setup for the faster 2.1.x"), r.err());
        }
        assertEquals(v, r.get("AGAIN"));
    }

    @Test
    void explicitLibraryPathWins() throws Exception {
        Path dir = projectUnicornDir();
        assumeTrue(dir != null, "unicorn 2.1.x not unpacked (run ./setup)");
        String lib = dir.resolve("usr/lib/x86_64-linux-gnu/libunicorn.so.2").toString();
        Result r = runChild(Map.of("PICO_UNICORN_DIR", "/nonexistent"), "pico.unicorn.library=" + lib,
                "pico.unicorn.dir=/nonexistent");
        assertEquals(0, r.exit(), r.err());
        assertEquals(lib, r.get("PATH"));
        assertTrue(r.get("VERSION").startsWith("2.1."), r.get("VERSION"));
        assertEquals(0, r.warnings(), r.err());
    }

    @Test
    void dirPropertyThenEnvironment() throws Exception {
        Path dir = projectUnicornDir();
        assumeTrue(dir != null, "unicorn 2.1.x not unpacked (run ./setup)");
        String lib = dir.resolve("usr/lib/x86_64-linux-gnu/libunicorn.so.2").toString();

        Result byProperty = runChild(Map.of("PICO_UNICORN_DIR", "/nonexistent"), "pico.unicorn.dir=" + dir);
        assertEquals(0, byProperty.exit(), byProperty.err());
        assertEquals(lib, byProperty.get("PATH"));
        assertEquals(0, byProperty.warnings());

        Result byEnv = runChild(Map.of("PICO_UNICORN_DIR", dir.toString()));
        assertEquals(0, byEnv.exit(), byEnv.err());
        assertEquals(lib, byEnv.get("PATH"));
        assertEquals(0, byEnv.warnings());

        Result propertyMissingEnvGood = runChild(Map.of("PICO_UNICORN_DIR", dir.toString()),
                "pico.unicorn.dir=/nonexistent");
        assertEquals(lib, propertyMissingEnvGood.get("PATH"), "a dir without the library is skipped");
    }

    /**
     * pico's engine patches go into the project's library when it holds the bytes they replace, and stay out when
     * turned off (the atomics patch also without the store patch); a child JVM each, since they are applied once,
     * when the library loads.
     */
    @Test
    void theEnginePatchesAreAppliedWhereTheyFitAndCanBeTurnedOff() throws Exception {
        Path dir = projectUnicornDir();
        assumeTrue(dir != null, "unicorn 2.1.x not unpacked (run ./setup)");
        Path lib = dir.resolve("usr/lib/x86_64-linux-gnu/libunicorn.so.2");
        byte[] file = Files.readAllBytes(lib);
        boolean fits = java.util.stream.Stream.of(io.pico.unicorn.internal.EnginePatch.FAST_STORES,
                        io.pico.unicorn.internal.EnginePatch.PARALLEL_ATOMICS)
                .flatMap(n -> io.pico.unicorn.internal.EnginePatch.named(n).hunks().stream())
                .allMatch(h -> io.pico.unicorn.internal.EnginePatch.occurrences(file, h.find()) > 0);
        String expected = fits ? "APPLIED" : "NOT_THIS_BUILD";

        Result on = runChild(Map.of(), "pico.unicorn.library=" + lib);
        assertEquals(0, on.exit(), on.err());
        assertEquals(expected, on.get("STORES"), on.err());
        assertEquals(expected, on.get("ATOMICS"), on.err());
        assertEquals(fits ? 0 : 1, on.err().lines().filter(l -> l.contains("engine patches fit")).count(), on.err());

        Result noAtomics = runChild(Map.of(), "pico.unicorn.library=" + lib, "pico.unicorn.parallelAtomics=false");
        assertEquals(expected, noAtomics.get("STORES"), noAtomics.err());
        assertEquals("OFF", noAtomics.get("ATOMICS"));

        Result off = runChild(Map.of(), "pico.unicorn.library=" + lib, "pico.unicorn.fastStores=false");
        assertEquals(0, off.exit(), off.err());
        assertEquals("OFF", off.get("STORES"));
        assertEquals("OFF", off.get("ATOMICS"), "the atomics patch needs the store patch");
        assertEquals("", off.err().strip());
    }

    @Test
    void missingExplicitLibraryFails() throws Exception {
        Result r = runChild(Map.of(), "pico.unicorn.library=/nonexistent/libunicorn.so.2");
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("/nonexistent/libunicorn.so.2"), r.err());
        assertNull(r.get("VERSION"));
    }
}
