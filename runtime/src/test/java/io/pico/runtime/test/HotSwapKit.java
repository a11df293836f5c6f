package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * What the hot-swap tests share: counter pipelines of real busybox shells ({@code sh -c 'loop | cat > FILE'}),
 * re-versioned copies of a provider bundle, waiting for providers, and Gogo commands ({@code pico:swap},
 * {@code pico:ps}, {@code pico:kill}) run through the framework's command processor.
 */
final class HotSwapKit {

    static final String LINUX = "io.pico.provider.linux";

    private final Kernel kernel;
    private final BundleContext context;
    private final Path dir;

    HotSwapKit(Kernel kernel, BundleContext context, Path dir) {
        this.kernel = kernel;
        this.context = context;
        this.dir = dir;
    }

    /** A shell writing 1, 2, 3 ... every few ms through a pipe into {@code cat > out} until the stop file exists. */
    record Counter(Path out, PicoProcess shell) {
        /** What the shell wrote to its standard error, if anything, as " stderr: ...". */
        String errors() throws IOException {
            Path err = out.resolveSibling(out.getFileName().toString().replace(".txt", ".err"));
            String s = Files.exists(err) ? Files.readString(err).strip() : "";
            return s.isEmpty() ? "" : " stderr: " + s;
        }

        /** The numbers written so far (whole lines only). */
        int lines() throws IOException {
            if (!Files.exists(out)) {
                return 0;
            }
            String s = Files.readString(out);
            return (int) s.chars().filter(c -> c == '\n').count();
        }
    }

    Path stopFile() {
        return dir.resolve("STOP");
    }

    Counter counter(String name) throws Exception {
        return counter(name, 3000);
    }

    Counter counter(String name, int micros) throws Exception {
        Path out = dir.resolve(name + ".txt");
        String script = "set -o pipefail; i=0; while [ ! -e " + stopFile() + " ]; do i=$((i+1)); echo $i; /bin/busybox usleep " + micros
                + " || { echo \"usleep after $i: status $?\" >&2; exit 3; }; done"
                + " | /bin/busybox cat > " + out;
        Path err = dir.resolve(name + ".err");
        IoObject[] stdio = {kernel.hostStream(InputStream.nullInputStream(), null, false),
            kernel.hostStream(null, OutputStream.nullOutputStream(), false),
            kernel.openFile(err, false, true, false, true, true, false)};
        try {
            return new Counter(out, kernel.spawn(new Launch("/bin/busybox", List.of("busybox", "sh", "-c", script),
                    Map.of("PATH", "/bin:/usr/bin"), "/", Path.of("/"), stdio, null, 0)));
        } finally {
            for (IoObject o : stdio) {
                o.release();
            }
        }
    }

    /** Waits until every counter has written {@code more} numbers beyond what it had: they run. */
    void awaitProgress(List<Counter> counters, int more, String when) throws Exception {
        int[] from = new int[counters.size()];
        for (int i = 0; i < from.length; i++) {
            from[i] = counters.get(i).lines();
        }
        await(() -> {
            for (int i = 0; i < from.length; i++) {
                try {
                    if (counters.get(i).lines() < from[i] + more) {
                        return false;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
            return true;
        }, 60, () -> when + ": the counters did not go on: " + counters.stream().map(c -> {
            try {
                return c.shell().pid() + ":" + c.lines() + ":" + c.shell().state() + ":" + c.shell().exitStatus()
                        + c.errors();
            } catch (IOException e) {
                return e.toString();
            }
        }).toList());
    }

    /** Checks that the processes run under the Linux provider bundle of the version. */
    void assertProvider(List<PicoProcess> processes, String version) {
        for (PicoProcess p : processes) {
            assertEquals(LINUX + " " + version, p.provider().orElse("-"), () -> "the provider of pid " + p.pid());
        }
    }

    /**
     * Five swaps of the Linux provider while the counters run, each followed by progress of every counter:
     * an update of the bundle, {@code pico:swap} to a build with another version, {@link Kernel#swap} to a
     * third build started beside it, an update of that one, and {@code pico:swap} back to the original build
     * (which leaves the framework as the other tests expect it). Returns the reports of the three swaps that
     * make one (updates hand over through the leaving and arriving provider).
     */
    List<io.pico.api.SwapReport> fiveSwaps(List<Counter> counters, List<PicoProcess> others) throws Exception {
        List<PicoProcess> all = new java.util.ArrayList<>(others);
        counters.forEach(c -> all.add(c.shell()));
        List<io.pico.api.SwapReport> reports = new java.util.ArrayList<>();
        Bundle original = bundle(LINUX);
        String originalLocation = original.getLocation();
        String originalVersion = original.getVersion().toString();
        Path other = withVersion(original, "0.1.0.hotswapA");
        Path third = withVersion(original, "0.1.0.hotswapB");

        // 1: update of the bundle in place (Felix stops it: the state is exported; starts it: imported)
        long service = providerService(original);
        original.update();
        awaitNewProviderService(original, service);
        awaitProgress(counters, 3, "after swap 1 (update)");

        // 2: pico:swap to a build with another bundle version, installed from a file
        String printed = gogo("pico:swap linux " + other);
        assertTrue(printed.contains("to " + LINUX + " 0.1.0.hotswapA"), printed);
        reports.add(parse(printed));
        assertEquals(Bundle.UNINSTALLED, original.getState(), "pico:swap uninstalls the provider it replaced");
        assertProvider(all, "0.1.0.hotswapA");
        awaitProgress(counters, 3, "after swap 2 (pico:swap)");

        // 3: Kernel.swap to a third build, started beside the second
        Bundle a = bundle(LINUX);
        Bundle b = context.installBundle(third.toUri().toString());
        b.start();
        awaitProvider("linux", "0.1.0.hotswapB");
        io.pico.api.SwapReport report = kernel.swap("linux", 5000);
        assertEquals(LINUX + " 0.1.0.hotswapB", report.to(), report::toString);
        assertTrue(report.from().contains("0.1.0.hotswapA"), report::toString);
        assertTrue(report.pauseNanos() > 0 && report.pauseNanos() < TimeUnit.SECONDS.toNanos(5), report::toString);
        reports.add(report);
        assertProvider(all, "0.1.0.hotswapB");
        a.uninstall();
        awaitProgress(counters, 3, "after swap 3 (Kernel.swap)");

        // 4: update of the third build
        service = providerService(b);
        b.update();
        awaitNewProviderService(b, service);
        awaitProgress(counters, 3, "after swap 4 (update)");

        // 5: back to the original build
        printed = gogo("pico:swap linux " + originalLocation);
        assertTrue(printed.contains("to " + LINUX + " " + originalVersion), printed);
        reports.add(parse(printed));
        assertEquals(Bundle.UNINSTALLED, b.getState());
        assertProvider(all, originalVersion);
        awaitProgress(counters, 3, "after swap 5 (pico:swap back)");
        return reports;
    }

    /** The report pico:swap printed ("linux: N processes from X to Y, paused T ms"). */
    private static io.pico.api.SwapReport parse(String printed) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(\\S+): (\\d+) process(?:es)? from (.*) to (.*), paused ([0-9.]+) ms").matcher(printed);
        assertTrue(m.find(), printed);
        return new io.pico.api.SwapReport(m.group(1), m.group(3), m.group(4), Integer.parseInt(m.group(2)),
                (long) (Double.parseDouble(m.group(5)) * 1e6));
    }

    /** Stops the counters and checks that each file holds 1..n, every number once, in order. */
    void finish(List<Counter> counters) throws Exception {
        Files.writeString(stopFile(), "");
        for (Counter c : counters) {
            PicoProcess p = c.shell();
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(60)),
                    () -> "pid " + p.pid() + " did not end");
            assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow(), () -> {
                try {
                    return "pid " + p.pid() + c.errors();
                } catch (IOException e) {
                    return "pid " + p.pid();
                }
            });
            kernel.reap(p.pid());
        }
        for (Counter c : counters) {
            String got = Files.readString(c.out());
            int n = c.lines();
            assertTrue(n > 0, c.out() + " is empty");
            String expected = IntStream.rangeClosed(1, n).mapToObj(Integer::toString)
                    .collect(Collectors.joining("\n", "", "\n"));
            if (!expected.equals(got)) {
                throw new AssertionError("every number once, in order, in " + c.out() + ": first difference at "
                        + firstDifference(expected, got));
            }
        }
    }

    private static String firstDifference(String expected, String got) {
        String[] e = expected.split("\n");
        String[] g = got.split("\n");
        for (int i = 0; i < Math.min(e.length, g.length); i++) {
            if (!e[i].equals(g[i])) {
                return "line " + (i + 1) + ": expected " + e[i] + ", got " + g[i];
            }
        }
        return "lengths " + e.length + " and " + g.length;
    }

    /** The installed bundle of the symbolic name (the newest when there are several). */
    Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    /** Waits until the personality's current provider comes from the bundle (with that version, if given). */
    void awaitProvider(String personality, String version) throws Exception {
        await(() -> kernel.providers().stream().anyMatch(p -> p.personality().equals(personality)
                && (version == null || p.version().equals(version))), 20,
                () -> "no " + personality + " provider " + version + " in " + kernel.providers());
    }

    /** Waits until the Provider service of the bundle is registered under another id than the given one. */
    long awaitNewProviderService(Bundle bundle, long oldId) throws Exception {
        long[] id = {oldId};
        await(() -> {
            ServiceReference<?>[] refs = bundle.getRegisteredServices();
            if (refs != null) {
                for (ServiceReference<?> r : refs) {
                    if (Arrays.asList((String[]) r.getProperty(Constants.OBJECTCLASS)).contains(
                            io.pico.api.Provider.class.getName()) && (Long) r.getProperty(Constants.SERVICE_ID) != oldId) {
                        id[0] = (Long) r.getProperty(Constants.SERVICE_ID);
                        return true;
                    }
                }
            }
            return false;
        }, 20, () -> bundle.getSymbolicName() + " registered no new provider");
        return id[0];
    }

    /** The service id of the bundle's Provider service, or -1. */
    static long providerService(Bundle bundle) {
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        if (refs != null) {
            for (ServiceReference<?> r : refs) {
                if (Arrays.asList((String[]) r.getProperty(Constants.OBJECTCLASS)).contains(
                        io.pico.api.Provider.class.getName())) {
                    return (Long) r.getProperty(Constants.SERVICE_ID);
                }
            }
        }
        return -1;
    }

    /** A copy of a bundle's jar with another Bundle-Version, written into the test directory. */
    Path withVersion(Bundle bundle, String version) throws IOException {
        Path source = jarOf(bundle);
        Path target = dir.resolve(bundle.getSymbolicName() + "-" + version + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
            Manifest m = in.getManifest();
            m.getMainAttributes().put(new Attributes.Name(Constants.BUNDLE_VERSION), version);
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

    /** The jar file a bundle was installed from. */
    static Path jarOf(Bundle bundle) {
        String location = bundle.getLocation().replaceFirst("^reference:", "");
        if (location.startsWith("file:")) {
            return Path.of(java.net.URI.create(location));
        }
        return Path.of(location);
    }

    /** Runs a Gogo command line; returns what it printed and its value, or throws what the command threw. */
    String gogo(String commandLine) throws Exception {
        ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
        assertTrue(ref != null, "no Gogo command processor");
        CommandProcessor processor = context.getService(ref);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out)) {
            Object value = session.execute(commandLine);
            if (value != null) {
                out.println(session.format(value, org.apache.felix.service.command.Converter.INSPECT));
            }
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            context.ungetService(ref);
        }
    }

    static void await(BooleanSupplier condition, int seconds, java.util.function.Supplier<String> message)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(10);
        }
    }
}
