package io.pico.examples.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance of the third-party provider story, through the {@code ./pico} script as a user runs it:
 * install the bundle into a running pico, or drop it in the providers directory ({@code PICO_PROVIDERS}).
 */
class PicoScriptIT {

    static final Path SCRIPT = Path.of(System.getProperty("pico.repo", "../..")).resolve("pico").toAbsolutePath();

    @TempDir
    Path dir;
    Path work;
    Path providers;
    Path empty;

    @BeforeEach
    void programs() throws Exception {
        work = Files.createDirectory(dir.resolve("work"));
        providers = Files.createDirectory(dir.resolve("providers"));
        empty = Files.createDirectory(dir.resolve("no-providers"));
        Nasm.assemble("hi", work);
        Nasm.assemble("exitcode", work);
        Files.copy(PicoFramework.DOS_BUNDLE, providers.resolve("dos-provider.jar"));
    }

    record Result(int status, String out, String err) {
    }

    /** Runs ./pico in the work directory with the given providers directory. */
    Result pico(Path providerDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().put("PICO_PROVIDERS", providerDir.toString());
        pb.environment().put("PICO_NO_BUILD", "1");
        pb.environment().put("PICO_LOG", Path.of("target/pico-script.log").toAbsolutePath().toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./pico " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    @Test
    void installIntoARunningPicoThenRun() throws Exception {
        Result r = pico(empty, "shell", "-c", "pico:install " + PicoFramework.DOS_BUNDLE.toUri() + "; pico:run HI.COM");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("installed io.pico.examples.dos 1.0.0"), r::toString);
        assertTrue(r.out().contains("Hello from DOS!"), r::toString);
    }

    @Test
    void theProvidersDirectoryIsLoadedByEveryRun() throws Exception {
        Result r = pico(providers, "run", "HI.COM");
        assertEquals(0, r.status(), r::toString);
        assertEquals("Hello from DOS!\r\n", r.out(), r::toString);
        assertEquals(42, pico(providers, "run", "EXITCODE.COM").status());
        Result shell = pico(providers, "shell", "-c", "pico:providers");
        assertTrue(shell.out().lines().anyMatch(l -> l.startsWith("dos ") && l.contains("io.pico.examples.dos")),
                shell::toString);
    }

    @Test
    void withoutTheProviderNoProviderClaimsTheImage() throws Exception {
        Result r = pico(empty, "run", "HI.COM");
        assertEquals(126, r.status(), r::toString);
        assertTrue(r.err().contains("HI.COM: not an image any provider claims"), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void concurrentRunsDoNotShareAFrameworkCache() throws Exception {
        List<CompletableFuture<Result>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return pico(providers, "run", "HI.COM");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<Result> f : runs) {
            Result r = f.get(180, TimeUnit.SECONDS);
            assertEquals(0, r.status(), r::toString);
            assertEquals("Hello from DOS!\r\n", r.out(), r::toString);
        }
    }
}
