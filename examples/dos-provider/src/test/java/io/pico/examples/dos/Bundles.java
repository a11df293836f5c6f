package io.pico.examples.dos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Copies of the provider bundle under another symbolic name, for tests with two providers of "dos". */
final class Bundles {

    private Bundles() {
    }

    /**
     * Copies the bundle with another Bundle-SymbolicName and, when {@code ranking} is not null, a
     * {@code service.ranking} property on its provider component.
     */
    static Path copy(Path bundle, Path dir, String symbolicName, Integer ranking) throws IOException {
        Path out = dir.resolve(symbolicName + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(bundle));
                OutputStream file = Files.newOutputStream(out)) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-SymbolicName"), symbolicName);
            try (JarOutputStream jar = new JarOutputStream(file, manifest)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    byte[] data = in.readAllBytes();
                    if (ranking != null && e.getName().startsWith("OSGI-INF/") && e.getName().endsWith(".xml")) {
                        String xml = new String(data, StandardCharsets.UTF_8);
                        xml = xml.replace("<service>", "<property name=\"service.ranking\" type=\"Integer\" value=\""
                                + ranking + "\"/>\n  <service>");
                        data = xml.getBytes(StandardCharsets.UTF_8);
                    }
                    jar.putNextEntry(new JarEntry(e.getName()));
                    jar.write(data);
                    jar.closeEntry();
                }
            }
        }
        return out;
    }
}
