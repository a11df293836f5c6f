package io.pico.examples.dos;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * pico as a test sees it: a Felix framework with the bundles of the built pico assembly (the real kernel,
 * unicorn engine, shell and providers, as {@code ./pico} runs them) and the bundles under test. The test
 * shares only JDK types with it: programs run through the shell bundle's {@code pico.launcher=run} service
 * (a {@code Function<Object, Object>} taking a request map), commands through Gogo's CommandProcessor.
 */
final class PicoFramework implements AutoCloseable {

    /** The pico assembly: {@code pico.home}, by default ../../runtime/target/pico. */
    static final Path HOME = Path.of(System.getProperty("pico.home", "../../runtime/target/pico"));
    /** The bundle under test, built by the package phase. */
    static final Path DOS_BUNDLE = Path.of(System.getProperty("dos.bundle", "target/dos-provider-1.0.0.jar"));
    /** Bundles of the assembly that only the interactive shell needs. */
    static final List<String> SKIPPED = List.of("org.apache.felix.gogo.jline", "org.apache.felix.gogo.shell",
            "org.jline");

    private final Framework framework;
    private final Path storage;
    private final Function<Object, Object> launcher;

    private PicoFramework(Framework framework, Path storage, Function<Object, Object> launcher) {
        this.framework = framework;
        this.storage = storage;
        this.launcher = launcher;
    }

    /** Starts the assembly's bundles and then the given ones. */
    @SuppressWarnings("unchecked")
    static PicoFramework start(Path... extra) throws Exception {
        if (!Files.isDirectory(HOME.resolve("bundles"))) {
            throw new IllegalStateException("no pico assembly in " + HOME.toAbsolutePath()
                    + ": build pico first (cd ../.. && mvn install -DskipTests) or set -Dpico.home");
        }
        Path storage = Files.createTempDirectory("pico-dos-it-");
        Path log = Path.of("target/pico-it.log").toAbsolutePath();
        System.setProperty("pico.log", log.toString());
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("felix.log.level", "1");
        config.put("pico.log", log.toString());
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework framework = factory.newFramework(config);
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        List<Path> jars;
        try (Stream<Path> s = Files.list(HOME.resolve("bundles"))) {
            jars = new ArrayList<>(s.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
        }
        jars.addAll(List.of(extra));
        for (Path jar : jars) {
            String bsn = symbolicName(jar);
            if (bsn != null && !SKIPPED.contains(bsn)) {
                bundles.add(context.installBundle(jar.toUri().toString()));
            }
        }
        framework.start();
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        Object service = await(context, "(&(objectClass=java.util.function.Function)(pico.launcher=run))");
        return new PicoFramework(framework, storage, (Function<Object, Object>) service);
    }

    static Object await(BundleContext context, String filter) throws Exception {
        ServiceTracker<Object, Object> t = new ServiceTracker<>(context, context.createFilter(filter), null);
        t.open(true);
        Object service = t.waitForService(30_000);
        if (service == null) {
            throw new IllegalStateException("no service " + filter + " within 30 s");
        }
        return service;
    }

    static String symbolicName(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            String bsn = f.getManifest() == null ? null
                    : f.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return bsn == null ? null : bsn.split(";")[0].trim();
        }
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /** How a guest program ended and what it wrote. */
    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + ", stdout [" + out + "], stderr [" + err + "]";
        }
    }

    /** Runs a program (argv[0] a guest path) confined to root, with the given standard input. */
    Result run(Path root, String stdin, String... argv) {
        return run(root, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)), argv);
    }

    Result run(Path root, InputStream stdin, String... argv) {
        return run(root, stdin, false, argv);
    }

    /** Runs a program; with {@code strace} the DOS calls are traced to its stderr. */
    Result run(Path root, InputStream stdin, boolean strace, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, Object> request = new HashMap<>();
        request.put("argv", List.of(argv));
        request.put("root", root.toString());
        request.put("cwd", "/");
        request.put("env", Map.of("PATH", "C:\\"));
        request.put("stdin", stdin);
        request.put("stdout", out);
        request.put("stderr", err);
        request.put("strace", strace);
        Object status = launcher.apply(request);
        return new Result((Integer) status, out.toString(StandardCharsets.ISO_8859_1),
                err.toString(StandardCharsets.ISO_8859_1));
    }

    /** Runs a Gogo command line (the pico: commands) and returns its result as the shell would print it. */
    String command(String line) throws Exception {
        Object processor = await(context(), "(objectClass=org.apache.felix.service.command.CommandProcessor)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        Object session = call(processor, "createSession", new Class<?>[] {InputStream.class, OutputStream.class,
            OutputStream.class}, InputStream.nullInputStream(), print, print);
        try {
            Object result = call(session, "execute", new Class<?>[] {CharSequence.class}, line);
            Object text = result == null ? "" : call(session, "format", new Class<?>[] {Object.class, int.class},
                    result, 0);
            return out.toString(StandardCharsets.UTF_8) + text;
        } finally {
            call(session, "close", new Class<?>[0]);
        }
    }

    private static Object call(Object target, String name, Class<?>[] types, Object... args) throws Exception {
        for (Class<?> c : target.getClass().getInterfaces()) {
            try {
                Method m = c.getMethod(name, types);
                return m.invoke(target, args);
            } catch (NoSuchMethodException e) {
                // try the next interface
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }
        Method m = target.getClass().getMethod(name, types);
        m.setAccessible(true);
        return m.invoke(target, args);
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
        try (Stream<Path> s = Files.walk(storage)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
