package io.pico.launcher;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Configurations the launcher hands to Configuration Admin at start: the files {@code PID.cfg} of the configuration
 * directory ({@code pico.config}; the pico script passes {@code $PICO_CONFIG}, default {@code .pico/config} of the
 * checkout), then the values of {@code ./pico run}'s flags on top. A {@code .cfg} file is a Java properties file;
 * {@code KEY.1}, {@code KEY.2} ... make the list KEY. The launcher waits until pico's own components have the
 * values, so the first program already runs with them.
 */
final class Configs {

    /** The PIDs whose components the launcher waits for (their service properties carry the stamp). */
    static final List<String> PICO_PIDS = List.of("io.pico.kernel", "io.pico.shell", "io.pico.linux", "io.pico.posix",
        "io.pico.os2");
    private static final String STAMP = "pico.config.stamp";
    private static final long WAIT_NANOS = 10_000_000_000L;

    private final Map<String, Map<String, Object>> pids = new TreeMap<>();

    /** The configurations of the directory named by the system property {@code pico.config}, if any. */
    static Configs fromSystem() throws Main.UsageException {
        Configs c = new Configs();
        String dir = System.getProperty("pico.config", "");
        if (!dir.isEmpty() && Files.isDirectory(Path.of(dir))) {
            c.load(Path.of(dir));
        }
        return c;
    }

    /** Reads every {@code *.cfg} file of the directory; a file that cannot be read is a usage error. */
    void load(Path dir) throws Main.UsageException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.cfg")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    p.load(r);
                } catch (IOException | IllegalArgumentException e) {
                    throw new Main.UsageException("configuration file " + f + ": " + e.getMessage());
                }
                Map<String, Object> values = pid(name.substring(0, name.length() - ".cfg".length()));
                Map<String, TreeMap<Integer, String>> lists = new TreeMap<>();
                for (String key : p.stringPropertyNames()) {
                    int dot = key.lastIndexOf('.');
                    if (dot > 0 && key.substring(dot + 1).matches("[0-9]{1,6}")) {
                        lists.computeIfAbsent(key.substring(0, dot), k -> new TreeMap<>())
                                .put(Integer.parseInt(key.substring(dot + 1)), p.getProperty(key).trim());
                    } else {
                        values.put(key, p.getProperty(key).trim());
                    }
                }
                lists.forEach((k, v) -> values.put(k, v.values().toArray(new String[0])));
            }
        } catch (IOException e) {
            throw new Main.UsageException("configuration directory " + dir + ": " + e.getMessage());
        }
    }

    /** The values of one PID, created empty. */
    Map<String, Object> pid(String pid) {
        return pids.computeIfAbsent(pid, k -> new TreeMap<>());
    }

    /** Appends values to the list KEY of a PID (a single value there becomes the list's first). */
    void append(String pid, String key, List<String> more) {
        if (more.isEmpty()) {
            return;
        }
        List<String> all = new ArrayList<>();
        Object old = pid(pid).get(key);
        if (old instanceof String[] a) {
            all.addAll(List.of(a));
        } else if (old instanceof String s && !s.isEmpty()) {
            all.add(s);
        }
        all.addAll(more);
        pid(pid).put(key, all.toArray(new String[0]));
    }

    boolean isEmpty() {
        return pids.isEmpty();
    }

    /**
     * Hands the configurations to Configuration Admin (through reflection: the launcher shares only the framework
     * API with the bundles) and waits until pico's components carry them.
     */
    void apply(BundleContext context) throws Main.StartupException {
        if (pids.isEmpty()) {
            return;
        }
        ServiceReference<?> ref = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        if (ref == null) {
            throw new Main.StartupException("no Configuration Admin service to take the configuration");
        }
        Object admin = context.getService(ref);
        String stamp = UUID.randomUUID().toString();
        try {
            Method get = admin.getClass().getMethod("getConfiguration", String.class, String.class);
            for (Map.Entry<String, Map<String, Object>> e : pids.entrySet()) {
                Object configuration = get.invoke(admin, e.getKey(), "?");
                Hashtable<String, Object> props = new Hashtable<>(e.getValue());
                props.put(STAMP, stamp);
                Method update = configuration.getClass().getMethod("update", java.util.Dictionary.class);
                update.setAccessible(true);
                update.invoke(configuration, props);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new Main.StartupException("cannot apply the configuration: " + cause, cause);
        } finally {
            context.ungetService(ref);
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        for (String pid : pids.keySet()) {
            if (!PICO_PIDS.contains(pid)) {
                continue; // another bundle's: applied, but nothing to wait for
            }
            // every component of the PID has the values once none lacks the stamp and one (at least) carries it
            String done = "(&(service.pid=" + pid + ")(" + STAMP + "=" + stamp + "))";
            String pending = "(&(service.pid=" + pid + ")(!(" + STAMP + "=" + stamp + ")))";
            try {
                while (context.getServiceReferences((String) null, done) == null
                        || context.getServiceReferences((String) null, pending) != null) {
                    if (System.nanoTime() > deadline) {
                        throw new Main.StartupException("the configuration " + pid + " was not applied within "
                                + WAIT_NANOS / 1_000_000_000L + " s");
                    }
                    Thread.sleep(5);
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Main.StartupException("interrupted while applying the configuration");
            }
        }
        Main.timing("configuration applied");
    }
}
