package io.pico.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import aQute.bnd.version.Version;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline check of the build (bnd-baseline-maven-plugin, which runs bnd's {@link Baseline} in the verify
 * phase) compared with the released API 1.0.0 kept in {@code baseline/}: this build passes it, and copies of the
 * API with a deliberately incompatible change, compiled here, fail it.
 */
class BaselineTest {

    static final Path REFERENCE = Path.of(System.getProperty("pico.api.reference", "baseline/pico-api-1.0.0.jar"));
    static final Path SOURCES = Path.of(System.getProperty("pico.api.sources", "src/main/java"));
    static final Path CLASSES = Path.of(System.getProperty("pico.api.classes", "target/classes"));
    static final String PACKAGE = "io.pico.api";

    @TempDir
    Path tmp;

    /** What the baseline said about the API package. */
    record Verdict(boolean mismatch, Version version, Version suggested, String report) {
    }

    @Test
    void theReferenceIsTheReleasedApi() throws Exception {
        try (Jar older = new Jar(REFERENCE.toFile())) {
            assertEquals("io.pico.api", older.getBsn());
            assertEquals("1.0.0", older.getVersion());
        }
    }

    @Test
    void thisBuildPassesTheBaseline() throws Exception {
        Verdict v = baseline(CLASSES);
        assertFalse(v.mismatch(), v::report);
    }

    @Test
    void removingAMethodFromTheProviderInterfaceFails() throws Exception {
        Verdict v = baseline(mutate("Provider.java", "    List<CallInfo> calls();\n", ""));
        assertTrue(v.mismatch(), v::report);
        assertEquals(new Version(2, 0, 0), v.suggested(), v::report);
    }

    @Test
    void addingAnAbstractMethodToTheConsumerTypeProviderFails() throws Exception {
        // providers implement Provider: a new method without a default breaks every one of them
        Verdict v = baseline(mutate("Provider.java", "    List<String> formats();\n",
                "    List<String> formats();\n\n    /** Breaks implementers. */\n    void reset();\n"));
        assertTrue(v.mismatch(), v::report);
        assertEquals(new Version(2, 0, 0), v.suggested(), v::report);
    }

    @Test
    void changingASignatureOfTheKernelFails() throws Exception {
        Verdict v = baseline(mutate("Kernel.java", "    void log(String line);\n", "    void log(CharSequence line);\n"));
        assertTrue(v.mismatch(), v::report);
        assertEquals(new Version(2, 0, 0), v.suggested(), v::report);
    }

    @Test
    void anAdditionWithoutAMinorVersionBumpFails() throws Exception {
        // API 1.1 added Kernel.allProviders(), 1.2 the sockets, 1.3 image loads: with the package still at 1.0.0 the baseline asks
        // for a minor bump over the released 1.0.0, that is 1.1.0
        Verdict v = baseline(mutate("package-info.java", "@Version(\"1.7.0\")", "@Version(\"1.0.0\")"));
        assertTrue(v.mismatch(), v::report);
        assertEquals(new Version(1, 1, 0), v.suggested(), v::report);
    }

    /** A copy of the compiled API in which one source file, changed as given, is compiled again. */
    private Path mutate(String file, String from, String to) throws IOException {
        Path src = SOURCES.resolve("io/pico/api").resolve(file);
        String text = Files.readString(src, StandardCharsets.UTF_8);
        assertTrue(text.contains(from), () -> file + " no longer contains: " + from + " (update this test)");
        Path mutated = tmp.resolve("src/io/pico/api/" + file);
        Files.createDirectories(mutated.getParent());
        Files.writeString(mutated, text.replace(from, to), StandardCharsets.UTF_8);
        Path classes = tmp.resolve("classes");
        copyTree(CLASSES, classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = classes + java.io.File.pathSeparator + annotations();
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(out, null, null,
                List.of("--release", "17", "-proc:none", "-classpath", classpath, "-d", classes.toString()), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(mutated.toFile()))
                .call();
        assertTrue(ok, () -> "the mutated " + file + " does not compile: " + out);
        return classes;
    }

    /** The OSGi annotations (Version, ProviderType ...) the API compiles against. */
    private static String annotations() {
        try {
            return Path.of(org.osgi.annotation.versioning.ProviderType.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Wraps classes into a bundle as the build does (bnd, the package's own annotations) and baselines it. */
    private static Verdict baseline(Path classes) throws Exception {
        try (Builder builder = new Builder(); Processor reporter = new Processor();
                Jar older = new Jar(REFERENCE.toFile())) {
            builder.setProperty(Constants.BUNDLE_SYMBOLICNAME, "io.pico.api");
            builder.setProperty(Constants.BUNDLE_VERSION, "0.1.0");
            builder.setProperty(Constants.EXPORT_PACKAGE, PACKAGE);
            builder.addClasspath(classes.toFile());
            Jar newer = builder.build();
            assertTrue(builder.isOk(), () -> "bnd: " + builder.getErrors());
            Baseline baseline = new Baseline(reporter, new DiffPluginImpl());
            Baseline.Info info = baseline.baseline(newer, older, null).stream()
                    .filter(i -> i.packageName.equals(PACKAGE)).findFirst().orElseThrow();
            String report = String.format("%s %s -> %s, suggested %s%n%#2S", PACKAGE, info.olderVersion,
                    info.newerVersion, info.suggestedVersion, info.packageDiff);
            return new Verdict(info.mismatch, info.newerVersion, info.suggestedVersion, report);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
