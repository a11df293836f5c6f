package io.pico.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot-swap scenario of the README, run by {@code ./pico shell -c} as a user types it: a busybox shell
 * counting into a file in the background ({@code pico:run -b --out}), two {@code pico:swap linux JAR} to builds
 * of the Linux provider with other bundle versions, {@code pico:ps} showing the new version, and
 * {@code pico:wait}; the file must hold every number once, in order.
 */
class HotSwapScriptIT {

    private static final Path REPO = Path.of(System.getProperty("pico.repo", "..")).toAbsolutePath().normalize();
    private static final int COUNT = 400;

    @TempDir
    Path dir;

    /** A copy of the assembly's Linux provider with another Bundle-Version. */
    private Path linuxProvider(String version) throws IOException {
        Path source;
        try (Stream<Path> s = Files.list(REPO.resolve("runtime/target/pico/bundles"))) {
            source = s.filter(p -> p.getFileName().toString().startsWith("pico-provider-linux-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Linux provider in runtime/target/pico/bundles"));
        }
        Path target = dir.resolve("linux-" + version + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
            Manifest m = in.getManifest();
            m.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), m)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return target;
    }

    @Test
    void aBackgroundCounterLivesThroughTwoSwapsInOneShellScript() throws Exception {
        Path out = dir.resolve("count.txt");
        Path a = linuxProvider("0.1.0.scriptA");
        Path b = linuxProvider("0.1.0.scriptB");
        String loop = "i=0; while [ $i -lt " + COUNT + " ]; do i=$((i+1)); echo $i; /bin/busybox usleep 5000; done";
        String script = String.join("\n",
                "pid = (pico:run -b --out " + out + " /bin/busybox sh -c '" + loop + "')",
                "pico:swap linux " + a,
                "pico:ps",
                "pico:swap linux " + b,
                "pico:ps",
                "pico:wait $pid");
        ProcessBuilder pb = new ProcessBuilder(List.of(REPO.resolve("pico").toString(), "shell", "-c", script))
                .directory(dir.toFile());
        pb.environment().put("PICO_NO_BUILD", "1");
        pb.environment().put("PICO_LOG", dir.resolve("pico.log").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./pico shell -c did not finish in 180 s");
        }
        String o = stdout.get(10, TimeUnit.SECONDS);
        String e = stderr.get(10, TimeUnit.SECONDS);
        String both = "stdout:\n" + o + "\nstderr:\n" + e;
        assertEquals(0, p.exitValue(), both);

        Matcher swaps = Pattern.compile("linux: (\\d+) process(?:es)? from (\\S+ \\S+) to (\\S+ \\S+), paused").matcher(o);
        assertTrue(swaps.find(), () -> "first swap report: " + both);
        assertTrue(Integer.parseInt(swaps.group(1)) >= 1 && swaps.group(3).endsWith("0.1.0.scriptA"), both);
        assertTrue(swaps.find(), () -> "second swap report: " + both);
        assertTrue(Integer.parseInt(swaps.group(1)) >= 1 && swaps.group(2).endsWith("0.1.0.scriptA")
                && swaps.group(3).endsWith("0.1.0.scriptB"), both);
        assertTrue(o.contains("io.pico.provider.linux 0.1.0.scriptA") && o.contains("io.pico.provider.linux 0.1.0.scriptB"),
                () -> "pico:ps shows each process's provider version: " + both);
        assertTrue(o.contains("(status 0)"), () -> "pico:wait prints the status: " + both);

        String expected = IntStream.rangeClosed(1, COUNT).mapToObj(Integer::toString)
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected, Files.readString(out), "every number once, in order");
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
}
