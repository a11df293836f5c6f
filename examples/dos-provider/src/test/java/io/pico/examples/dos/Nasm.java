package io.pico.examples.dos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Assembles the test programs of src/test/asm into .COM files with {@code nasm -f bin}. */
final class Nasm {

    /** The directory of the .asm sources (and dos.inc). */
    static final Path SOURCES = Path.of(System.getProperty("dos.asm", "src/test/asm"));

    private Nasm() {
    }

    /** Assembles {@code name.asm} into {@code dir/NAME.COM} and returns that file. */
    static Path assemble(String name, Path dir) throws IOException, InterruptedException {
        Path out = dir.resolve(name.toUpperCase(Locale.ROOT) + ".COM");
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-I", SOURCES.toAbsolutePath() + "/", "-o",
                out.toString(), SOURCES.resolve(name + ".asm").toString()).redirectErrorStream(true).start();
        String messages = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("nasm " + name + ".asm failed (is nasm installed? ./setup installs it): " + messages);
        }
        return out;
    }

    /** Assembles every program into the directory. */
    static void assembleAll(Path dir) throws IOException, InterruptedException {
        try (var s = Files.list(SOURCES)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".asm")).toList()) {
                String f = p.getFileName().toString();
                assemble(f.substring(0, f.length() - 4), dir);
            }
        }
    }
}
