package io.pico.launcher;

import io.pico.launcher.Main.StartupException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.util.tracker.ServiceTracker;

/**
 * An embedded Felix framework with the bundles of the assembly ({@code pico.home}/bundles), a fresh storage
 * directory per run (deleted at exit) and start levels: everything at level 1, Gogo's jline shell at level 2
 * so that it starts after the pico commands are registered.
 */
final class PicoRuntime {

    /** What the framework is started for: which bundles it gets. */
    enum Mode {
        /** {@code pico run}: no Gogo shell, no Gogo commands, no jline (gogo.runtime stays: the shell bundle imports it). */
        RUN,
        /** {@code pico shell -c}: every bundle; the jline shell registers its built-in commands but reads no input. */
        COMMAND,
        /** {@code pico shell}: every bundle; gogo.jline opens the interactive shell on the terminal. */
        SHELL
    }

    /** How long the framework and the service the launcher needs may take to come up. */
    static final long STARTUP_SECONDS = Long.getLong("pico.startup.timeout", 30);

    static final String GOGO_JLINE = "org.apache.felix.gogo.jline";
    /**
     * The legacy Gogo console: an alternative to gogo.jline (both provide the shell implementation, both start a
     * console on stdin and register the same gogo: commands), so it is assembled but never installed.
     */
    static final String GOGO_SHELL = "org.apache.felix.gogo.shell";
    static final List<String> SHELL_ONLY = List.of(GOGO_JLINE, "org.apache.felix.gogo.command", "org.jline");
    /** The web console's bundles ({@code pico.home}/web): installed only when it is on. */
    static final String WEB_DIR = "web";

    private static final AtomicBoolean EXITING = new AtomicBoolean();
    /** jline's logger, kept so that its level stays set: it warns on stderr whenever stdin is not a terminal. */
    private static final java.util.logging.Logger JLINE_LOG = java.util.logging.Logger.getLogger("org.jline");
    private static volatile PicoRuntime current;

    private final Framework framework;
    private final Path storage;
    private final long deadline;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private PicoRuntime(Framework framework, Path storage, long deadline) {
        this.framework = framework;
        this.storage = storage;
        this.deadline = deadline;
    }

    /** The assembly directory: {@code pico.home}, else the parent of the directory holding the launcher jar. */
    static Path home() throws StartupException {
        String home = System.getProperty("pico.home");
        if (home != null && !home.isEmpty()) {
            return Path.of(home).toAbsolutePath();
        }
        try {
            Path jar = Path.of(PicoRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent();
        } catch (Exception e) {
            throw new StartupException("cannot find the pico assembly: set -Dpico.home", e);
        }
    }

    /** Starts the framework with the bundles this mode needs and waits until it has reached its start level. */
    static PicoRuntime start(Mode mode) throws StartupException {
        return start(mode, -1);
    }

    /**
     * Starts the framework with the bundles this mode needs, and the web console's on 127.0.0.1:webPort unless
     * webPort is -1 (0: any free port), and waits until it has reached its start level.
     */
    static PicoRuntime start(Mode mode, int webPort) throws StartupException {
        long deadline = Main.deadline(STARTUP_SECONDS);
        Path home = home();
        Path bundleDir = home.resolve("bundles");
        if (!Files.isDirectory(bundleDir)) {
            throw new StartupException("no bundles in " + bundleDir + " (build with: mvn install -DskipTests)");
        }
        Path webDir = home.resolve(WEB_DIR);
        if (webPort >= 0 && !Files.isDirectory(webDir)) {
            throw new StartupException("no web console bundles in " + webDir + " (build with: mvn install -DskipTests)");
        }
        removeStaleStorage();
        Path storage;
        try {
            storage = Files.createTempDirectory("pico-felix-" + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new StartupException("cannot create the framework storage: " + e.getMessage(), e);
        }
        Watchdog watchdog = new Watchdog(deadline, storage);
        watchdog.start();

        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, mode == Mode.RUN ? "1" : "2");
        config.put("felix.log.level", "2");
        config.put("felix.log.logger", new FelixLog());
        config.put("gosh.home", home.toString());
        if (mode == Mode.COMMAND) {
            // the jline shell sources etc/gosh_profile and registers its commands, but reads nothing and does
            // not stop the framework: the launcher runs the command line itself
            config.put("gosh.args", "--nointeractive --noshutdown");
        }
        if (mode != Mode.RUN && !Main.DEBUG) {
            JLINE_LOG.setLevel(java.util.logging.Level.SEVERE);
        }
        if (webPort >= 0) {
            WebConsole.configure(config, webPort);
        }
        // Felix's threads (start level, events) inherit this thread's context class loader. It must be null:
        // with the launcher's class loader there, jline (TerminalProvider.load) looks for its terminal providers
        // in the wrong place and falls back to a dumb terminal that lets ^C kill the JVM
        Thread.currentThread().setContextClassLoader(null);
        FrameworkFactory factory = firstFactory();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Framework framework = factory.newFramework((Map) config);
        PicoRuntime runtime = new PicoRuntime(framework, storage, deadline);
        current = runtime;
        java.lang.Runtime.getRuntime().addShutdownHook(new Thread(runtime::shutdown, "pico-shutdown"));
        WebConsole web = null;
        try {
            Main.timing("framework created");
            framework.init();
            BundleContext context = framework.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            for (Path jar : jars(bundleDir)) {
                String bsn = symbolicName(jar);
                if (bsn == null || bsn.equals(GOGO_SHELL) || mode == Mode.RUN && SHELL_ONLY.contains(bsn)) {
                    continue;
                }
                // copied into the storage, not referenced in place: a build that rewrites the assembly while
                // this runtime runs must not pull classes from under it (and reference: measured no faster)
                Bundle b = context.installBundle(jar.toUri().toString());
                b.adapt(BundleStartLevel.class).setStartLevel(bsn.equals(GOGO_JLINE) ? 2 : 1);
                installed.add(b);
            }
            installed.addAll(installProviders(context));
            if (webPort >= 0) {
                web = new WebConsole(context, webPort);
                for (Path jar : jars(webDir)) {
                    if (symbolicName(jar) != null) {
                        Bundle b = context.installBundle(jar.toUri().toString());
                        b.adapt(BundleStartLevel.class).setStartLevel(1);
                        installed.add(b);
                    }
                }
            }
            for (Bundle b : installed) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
            if (Main.DEBUG) {
                context.addBundleListener((org.osgi.framework.SynchronousBundleListener) e -> {
                    if (e.getType() == org.osgi.framework.BundleEvent.STARTED) {
                        Main.timing("started " + e.getBundle().getSymbolicName());
                    }
                });
            }
            CountDownLatch started = new CountDownLatch(1);
            context.addFrameworkListener(e -> {
                if (e.getType() == FrameworkEvent.STARTED) {
                    started.countDown();
                }
            });
            framework.start();
            if (!started.await(remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw new StartupException("the framework did not reach its start level within " + STARTUP_SECONDS
                        + " s" + runtime.diagnosis());
            }
        } catch (BundleException e) {
            runtime.stop();
            throw new StartupException("cannot start the framework: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            runtime.stop();
            throw new StartupException("interrupted while starting");
        }
        if (mode == Mode.COMMAND) {
            // let the jline shell's start-up thread (gosh --login: the profile) finish before the command line
            // runs; the signal handlers its terminal registered (at start level 2) are replaced by the
            // launcher's afterwards
            joinThreads("Gogo shell", remaining(deadline));
        }
        watchdog.done();
        if (web != null) {
            web.check(runtime.diagnosis()); // a web console that does not come up is reported; the shell runs on
        }
        return runtime;
    }

    /**
     * The bundles of the providers directory ({@code pico.providers}; the pico script passes
     * {@code $PICO_PROVIDERS}, default {@code .pico/providers} of the checkout), installed after the assembly's
     * at the same start level: third-party personality providers that every run and shell loads. A jar that
     * cannot be installed is reported on stderr and skipped; one that does not resolve or start is reported by
     * the framework when it starts.
     */
    static List<Bundle> installProviders(BundleContext context) {
        String dir = System.getProperty("pico.providers", "");
        List<Bundle> result = new ArrayList<>();
        if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) {
            return result;
        }
        List<Path> jars;
        try {
            jars = jars(Path.of(dir));
        } catch (StartupException e) {
            Main.ERR.println("pico: providers directory: " + e.getMessage());
            return result;
        }
        for (Path jar : jars) {
            try {
                if (symbolicName(jar) == null) {
                    Main.ERR.println("pico: " + jar + " is not a bundle (no Bundle-SymbolicName); skipped");
                    continue;
                }
                Bundle b = context.installBundle(jar.toUri().toString());
                b.adapt(BundleStartLevel.class).setStartLevel(1);
                result.add(b);
            } catch (StartupException | BundleException | RuntimeException e) {
                Main.ERR.println("pico: cannot install " + jar + ": " + e.getMessage() + "; skipped");
            }
        }
        return result;
    }

    private static FrameworkFactory firstFactory() throws StartupException {
        Iterator<FrameworkFactory> it = ServiceLoader.load(FrameworkFactory.class, PicoRuntime.class.getClassLoader())
                .iterator();
        if (!it.hasNext()) {
            throw new StartupException("no OSGi framework on the class path (lib/org.apache.felix.framework.jar)");
        }
        return it.next();
    }

    /** The bundle jars of the assembly, in name order. */
    static List<Path> jars(Path dir) throws StartupException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new StartupException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The symbolic name in a jar's manifest (without directives), or null for a jar that is not a bundle. */
    static String symbolicName(Path jar) throws StartupException {
        try (JarFile f = new JarFile(jar.toFile(), false)) {
            Manifest m = f.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (bsn == null) {
                return null;
            }
            int semi = bsn.indexOf(';');
            return (semi < 0 ? bsn : bsn.substring(0, semi)).trim();
        } catch (IOException e) {
            throw new StartupException("cannot read bundle " + jar + ": " + e.getMessage(), e);
        }
    }

    /** The {@code pico.launcher=run} service of the shell bundle. */
    @SuppressWarnings("unchecked")
    Function<Object, Object> launcher() throws StartupException {
        Object service = awaitService("(&(" + Constants.OBJECTCLASS + "=" + Function.class.getName()
                + ")(pico.launcher=run))", "the pico launcher service (pico.launcher=run) of bundle io.pico.shell");
        if (!(service instanceof Function)) {
            throw new StartupException("the pico.launcher=run service is not a java.util.function.Function");
        }
        return (Function<Object, Object>) service;
    }

    /** Gogo's CommandProcessor, as an object to call by reflection (its class lives in the framework). */
    /** Hands the launcher's configurations to Configuration Admin and waits until pico's components have them. */
    void configure(Configs configs) throws StartupException {
        try {
            configs.apply(framework.getBundleContext());
        } catch (StartupException e) {
            stop();
            throw e;
        }
    }

    Object commandProcessor() throws StartupException {
        return awaitService("(" + Constants.OBJECTCLASS + "=org.apache.felix.service.command.CommandProcessor)",
                "Gogo's CommandProcessor (bundle org.apache.felix.gogo.runtime)");
    }

    private Object awaitService(String filter, String what) throws StartupException {
        BundleContext context = framework.getBundleContext();
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
        } catch (Exception e) {
            throw new StartupException("bad filter " + filter, e);
        }
        tracker.open(true);
        try {
            long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline)));
            Object service = tracker.waitForService(ms);
            if (service == null) {
                ServiceReference<Object> ref = tracker.getServiceReference();
                throw new StartupException((ref == null ? what + " did not come up within " + STARTUP_SECONDS + " s"
                        : what + " failed to activate") + diagnosis());
            }
            // the tracker's reference keeps the service; the framework's stop releases it
            return service;
        } catch (InterruptedException e) {
            throw new StartupException("interrupted while waiting for " + what);
        }
    }

    /** What is wrong when something did not come up: bundles not active, where the log is. */
    String diagnosis() {
        StringBuilder sb = new StringBuilder();
        try {
            for (Bundle b : framework.getBundleContext().getBundles()) {
                boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                if (b.getBundleId() != 0 && !fragment && b.getState() != Bundle.ACTIVE) {
                    sb.append("\n  bundle ").append(b.getSymbolicName()).append(' ').append(b.getVersion())
                            .append(" is ").append(stateName(b.getState()));
                }
            }
        } catch (RuntimeException e) {
            // the framework is not usable: nothing to add
        }
        String log = System.getProperty("pico.log", "");
        if (!log.isEmpty() && !log.equals("stderr")) {
            sb.append("\n  runtime log: ").append(log);
        }
        return sb.toString();
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved: missing imports?)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "in state " + state;
        };
    }

    /** Waits until the framework stops (the interactive shell stops it on exit); 0, or 1 after an error. */
    int awaitStop() throws InterruptedException {
        FrameworkEvent e = framework.waitForStop(0);
        stopped.set(true);
        deleteStorage();
        return e.getType() == FrameworkEvent.ERROR ? 1 : 0;
    }

    /** Stops the framework (waiting a few seconds at most) and deletes its storage. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        List<Object> sessions = gogoSessions();
        try {
            framework.stop();
            framework.waitForStop(TimeUnit.SECONDS.toMillis(5));
        } catch (Exception e) {
            // exiting anyway
        }
        sessions.clear();
        deleteStorage();
    }

    /**
     * Gogo's open command sessions, held while the framework stops. gogo.runtime's {@code CommandProcessorImpl.stop}
     * copies the keys of its WeakHashMap of sessions into an array sized just before the copy: a session collected
     * in between leaves a null, which it then closes, and Felix reports the NullPointerException on stderr at the
     * end of a {@code shell -c} (seen once in a loaded full build). Nothing collects a session held here.
     */
    private List<Object> gogoSessions() {
        List<Object> held = new ArrayList<>();
        try {
            BundleContext context = framework.getBundleContext();
            ServiceReference<?>[] refs = context == null ? null
                    : context.getServiceReferences("org.apache.felix.service.command.CommandProcessor", null);
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                Object processor = context.getService(ref);
                try {
                    java.lang.reflect.Field f = processor.getClass().getDeclaredField("sessions");
                    f.setAccessible(true);
                    Map<?, ?> map = (Map<?, ?>) f.get(processor);
                    synchronized (map) {
                        held.addAll(map.keySet());
                    }
                } finally {
                    context.ungetService(ref);
                }
            }
        } catch (Exception | LinkageError e) {
            // another Gogo, or none: nothing to hold
        }
        return held;
    }

    private void shutdown() {
        EXITING.set(true);
        stop();
    }

    private void deleteStorage() {
        deleteTree(storage);
    }

    /** Whether the JVM is exiting (the shutdown hook has started). */
    static boolean exiting() {
        return EXITING.get();
    }

    /** Exits the JVM with the status; the shutdown hook stops a framework still running. */
    static void exit(int status) {
        System.exit(status);
    }

    static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void joinThreads(String name, long nanos) {
        long end = System.nanoTime() + nanos;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t != Thread.currentThread()) {
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(end))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    /** Deletes framework storage left behind by launchers that were killed (their pid is gone). */
    private static void removeStaleStorage() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "pico-felix-*")) {
            for (Path p : ds) {
                String[] parts = p.getFileName().toString().split("-");
                if (parts.length < 4) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(parts[2]);
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteTree(p);
                    }
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    /** Ends the launcher with 125 when the runtime has not come up in time, whatever the main thread does. */
    private static final class Watchdog extends Thread {
        private final long deadline;
        private final Path storage;
        private final CountDownLatch done = new CountDownLatch(1);

        Watchdog(long deadline, Path storage) {
            super("pico-startup-watchdog");
            setDaemon(true);
            this.deadline = deadline;
            this.storage = storage;
        }

        void done() {
            done.countDown();
        }

        @Override
        public void run() {
            try {
                // a little grace: the main thread reports what it waited for itself when it can
                if (done.await(remaining(deadline) + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            PicoRuntime r = current;
            Main.ERR.println("pico: the runtime did not come up within " + STARTUP_SECONDS + " s"
                    + (r == null ? "" : r.diagnosis()));
            deleteTree(storage);
            java.lang.Runtime.getRuntime().halt(Main.FAILED);
        }
    }

    /**
     * Felix's own messages: errors on stderr (never on stdout, which belongs to the guest), warnings in the
     * runtime log ({@code pico.log}).
     */
    static final class FelixLog extends org.apache.felix.framework.Logger {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

        @Override
        protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
            String where = bundle == null ? "" : " [" + bundle.getSymbolicName() + "]";
            String line = "felix" + where + ": " + msg + (throwable == null ? "" : ": " + throwable);
            if (level <= LOG_ERROR && !EXITING.get()) {
                Main.ERR.println("pico: " + line);
                if (throwable != null && Boolean.getBoolean("pico.debug")) {
                    throwable.printStackTrace(Main.ERR);
                }
            }
            logFile(line);
        }

        private static synchronized void logFile(String line) {
            String log = System.getProperty("pico.log", "");
            if (log.isEmpty() || log.equals("stderr")) {
                return;
            }
            try {
                Path p = Path.of(log);
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                try (PrintStream out = new PrintStream(new FileOutputStream(p.toFile(), true), false,
                        StandardCharsets.UTF_8)) {
                    out.println(LocalTime.now().format(TIME) + " " + line);
                }
            } catch (IOException | RuntimeException e) {
                // the log is best effort
            }
        }
    }
}
