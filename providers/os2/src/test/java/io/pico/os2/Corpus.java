package io.pico.os2;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real OS/2 programs of the shared corpus are. */
public final class Corpus {

    /** The corpus directory: {@code pico.corpus} or ../shared/corpus beside the checkout. */
    public static Path os2() {
        String prop = System.getProperty("pico.corpus");
        Path base = prop != null ? Path.of(prop) : locate();
        return base.resolve("os2");
    }

    private static Path locate() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(candidate.resolve("os2"))) {
                return candidate;
            }
            Path inside = p.resolve("shared").resolve("corpus");
            if (Files.isDirectory(inside.resolve("os2"))) {
                return inside;
            }
        }
        return Path.of("/work/shared/corpus");
    }

    /** A corpus file, e.g. {@code 2ine/hello.exe}. */
    public static Path file(String name) {
        // the real path: the guest sees symbolic links resolved (shared/ may be a link beside a checkout)
        try {
            return os2().resolve(name).toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Corpus() {
    }
}
