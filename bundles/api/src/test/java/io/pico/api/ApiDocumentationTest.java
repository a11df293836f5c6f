package io.pico.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every public type, constructor, method and field of the exported API has a documentation comment. */
class ApiDocumentationTest {

    @Test
    void everyPublicElementHasAComment(@TempDir Path out) throws Exception {
        List<Path> sources;
        try (Stream<Path> s = Files.list(BaselineTest.SOURCES.resolve("io/pico/api"))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String annotations = Path.of(org.osgi.annotation.versioning.ProviderType.class.getProtectionDomain()
                .getCodeSource().getLocation().toURI()).toString();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            // doclint's "missing" group: a missing comment is reported as "no comment" (missing @param and
            // @return tags are reported too, and ignored here: one line per element is the rule)
            javac.getTask(null, files, diagnostics, List.of("--release", "17", "-proc:none", "-Xmaxwarns", "100000",
                    "-Xdoclint:missing/protected", "-classpath", annotations, "-d", out.toString()), null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
        }
        List<String> missing = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() != Diagnostic.Kind.NOTE
                        && d.getMessage(Locale.ROOT).contains("no comment"))
                .map(d -> d.getSource().getName() + ":" + d.getLineNumber()).toList();
        assertTrue(missing.isEmpty(), () -> "undocumented API elements:\n  " + String.join("\n  ", missing));
    }
}
