package io.pico.examples.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.examples.dos.PicoFramework.Result;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * Providers coming and going in a running pico: two providers of "dos" (the kernel uses the higher ranked,
 * then the newer, reports the other as shadowed and falls back to it when the first leaves), installation
 * with pico:install, and a hot-swap (pico:swap) of a running DOS program to another provider bundle, whose
 * state (open handles, directory) it takes over through exportState/importState.
 */
class ProvidersIT {

    @TempDir
    Path dir;
    Path root;
    PicoFramework pico;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectory(dir.resolve("root"));
        Nasm.assemble("hi", root);
        Nasm.assemble("swap", root);
        pico = PicoFramework.start(); // no DOS provider yet
    }

    @AfterEach
    void stop() throws Exception {
        pico.close();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : pico.context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private static String line(String table, String bundle) {
        return table.lines().filter(l -> l.startsWith("dos ") && l.contains(bundle + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no dos provider " + bundle + " in\n" + table));
    }

    @Test
    void installAtRunTimeThenRun() throws Exception {
        Result before = pico.run(root, "", "/HI.COM");
        assertEquals(126, before.status(), before::toString);
        assertTrue(before.err().contains("not an image any provider claims"), before::toString);

        String installed = pico.command("pico:install " + PicoFramework.DOS_BUNDLE.toUri());
        assertTrue(installed.contains("installed io.pico.examples.dos 1.0.0")
                && installed.contains("provider of dos: MS-DOS .COM"), installed);
        Result after = pico.run(root, "", "/HI.COM");
        assertEquals(0, after.status(), after::toString);
        assertEquals("Hello from DOS!\r\n", after.out());
    }

    @Test
    void aBundleWithoutProviderSaysSo() throws Exception {
        Path plain = Bundles.copy(PicoFramework.DOS_BUNDLE, dir, "io.pico.examples.plain", null);
        // the same classes without the component: strip the Service-Component header by renaming the XML
        String installed = pico.command("pico:install " + withoutComponent(plain).toUri());
        assertTrue(installed.contains("registered no pico provider"), installed);
    }

    private Path withoutComponent(Path jar) throws Exception {
        Path out = dir.resolve("plain-nocomponent.jar");
        try (var in = new java.util.jar.JarInputStream(Files.newInputStream(jar));
                var o = new java.util.jar.JarOutputStream(Files.newOutputStream(out), strip(in.getManifest()))) {
            java.util.jar.JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                byte[] data = in.readAllBytes();
                o.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                o.write(data);
                o.closeEntry();
            }
        }
        return out;
    }

    private static java.util.jar.Manifest strip(java.util.jar.Manifest m) {
        java.util.jar.Manifest copy = new java.util.jar.Manifest(m);
        copy.getMainAttributes().remove(new java.util.jar.Attributes.Name("Service-Component"));
        return copy;
    }

    @Test
    void theHigherRankedProviderWinsTheOtherIsShadowedAndTakesOverWhenItLeaves() throws Exception {
        pico.command("pico:install " + PicoFramework.DOS_BUNDLE.toUri());
        // a newer provider of dos with a lower ranking: installed, but shadowed
        Path low = Bundles.copy(PicoFramework.DOS_BUNDLE, dir, "io.pico.examples.dos.low", -1);
        String installed = pico.command("pico:install " + low.toUri());
        assertTrue(installed.contains("shadowed by io.pico.examples.dos 1.0.0"), installed);
        String providers = pico.command("pico:providers");
        assertTrue(line(providers, "io.pico.examples.dos").contains("in use"), providers);
        assertTrue(line(providers, "io.pico.examples.dos.low").contains("shadowed"), providers);
        assertTrue(providers.contains("dos: io.pico.examples.dos.low 1.0.0 (ranking -1) is shadowed by "
                + "io.pico.examples.dos 1.0.0 (ranking 0)"), providers);

        // a higher ranked one takes over
        Path high = Bundles.copy(PicoFramework.DOS_BUNDLE, dir, "io.pico.examples.dos.high", 5);
        installed = pico.command("pico:install " + high.toUri());
        assertFalse(installed.contains("shadowed"), installed);
        providers = pico.command("pico:providers");
        assertTrue(line(providers, "io.pico.examples.dos.high").contains("in use"), providers);
        assertTrue(line(providers, "io.pico.examples.dos").contains("shadowed"), providers);
        assertEquals(0, pico.run(root, "", "/HI.COM").status());

        // it leaves: the kernel falls back to the next, then to the last
        bundle("io.pico.examples.dos.high").uninstall();
        providers = pico.command("pico:providers");
        assertTrue(line(providers, "io.pico.examples.dos").contains("in use"), providers);
        assertFalse(providers.contains("io.pico.examples.dos.high"), providers);
        bundle("io.pico.examples.dos").uninstall();
        providers = pico.command("pico:providers");
        assertTrue(line(providers, "io.pico.examples.dos.low").contains("in use"), providers);
        Result r = pico.run(root, "", "/HI.COM");
        assertEquals("Hello from DOS!\r\n", r.out(), r::toString);
    }

    @Test
    void aRunningProgramIsHotSwappedToAnotherProviderAndKeepsItsOpenFile() throws Exception {
        pico.command("pico:install " + PicoFramework.DOS_BUNDLE.toUri());
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feed);
        CompletableFuture<Result> running = CompletableFuture.supplyAsync(() -> pico.run(root, stdin, "/SWAP.COM"));
        // wait until the program has written "before " and blocks reading standard input
        Path log = root.resolve("LOG.TXT");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(log) && Files.readString(log).equals("before ")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("before ", Files.readString(log));
        Thread.sleep(100);

        Path next = Bundles.copy(PicoFramework.DOS_BUNDLE, dir, "io.pico.examples.dos.next", null);
        String swapped = pico.command("pico:swap dos " + next.toUri());
        String providers = pico.command("pico:providers");
        assertTrue(line(providers, "io.pico.examples.dos.next").contains("in use"), providers + "\n" + swapped);
        assertFalse(providers.contains("io.pico.examples.dos 1.0.0"), "the old provider is gone:\n" + providers);

        feed.write("after the swap\n".getBytes(StandardCharsets.ISO_8859_1));
        feed.close();
        Result r = running.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.status(), r::toString);
        assertEquals("done\r\n", r.out());
        assertEquals("before after the swap\n", Files.readString(log), "the handle opened before the swap");
    }
}
