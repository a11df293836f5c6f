package io.pico.shell;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code pico:config}: Configuration Admin from the shell (Felix's Gogo has no {@code cm} commands in the bundles
 * pico ships). Values are strings; Declarative Services converts them to each attribute's type, and a key given
 * several times becomes a list ({@code env=A=1 env=B=2}).
 */
@Component(service = ConfigCommands.class, property = {"osgi.command.scope=pico", "osgi.command.function=config"})
public final class ConfigCommands {

    /** The configurations pico's own bundles read. */
    static final List<String> PIDS = List.of("io.pico.kernel", "io.pico.shell", "io.pico.linux", "io.pico.posix",
        "io.pico.os2");

    /**
     * The property a change carries so that its arrival can be seen: Declarative Services copies a configuration's
     * values into its components' service properties (the launcher's start-up configuration uses the same key).
     */
    static final String STAMP = "pico.config.stamp";
    private static final long WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final ConfigurationAdmin admin;
    private final org.osgi.framework.BundleContext context;

    /** Commands over Configuration Admin. */
    @Activate
    public ConfigCommands(@Reference ConfigurationAdmin admin, org.osgi.framework.BundleContext context) {
        this.admin = admin;
        this.context = context;
    }

    /** Lists configurations. */
    @Descriptor("list the configurations of pico's PIDs (io.pico.kernel, io.pico.shell, io.pico.linux, io.pico.posix, "
            + "io.pico.os2) and any other that exists, with their values")
    public Table config() throws IOException, InvalidSyntaxException {
        Table t = new Table("PID", "KEY", "VALUE");
        List<String> pids = new ArrayList<>(PIDS);
        Configuration[] all = admin.listConfigurations(null);
        for (Configuration c : all == null ? new Configuration[0] : all) {
            if (!pids.contains(c.getPid())) {
                pids.add(c.getPid());
            }
        }
        for (String pid : pids) {
            Map<String, Object> values = values(pid);
            if (values.isEmpty()) {
                t.row(pid, "-", "(defaults)");
            }
            values.forEach((k, v) -> t.row(pid, k, v));
        }
        return t;
    }

    /** Shows, changes or deletes one configuration. */
    @Descriptor("show a configuration, or set its values (KEY=VALUE; a KEY given again makes a list; KEY= removes "
            + "it); the change applies to the next process")
    public Table config(
            @Descriptor("delete the configuration: every value goes back to its default") @Parameter(names = {"-d",
                "--delete"}, presentValue = "true", absentValue = "false") boolean delete,
            @Descriptor("the configuration PID, e.g. io.pico.kernel or io.pico.linux") String pid,
            @Descriptor("values to set: KEY=VALUE ...") String... values) throws IOException, InvalidSyntaxException {
        Configuration c = admin.getConfiguration(pid, "?");
        if (delete) {
            c.delete();
        } else if (values.length > 0) {
            Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
            Map<String, List<String>> given = new LinkedHashMap<>();
            for (String kv : values) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + kv + "' is not KEY=VALUE");
                }
                given.computeIfAbsent(kv.substring(0, eq), k -> new ArrayList<>()).add(kv.substring(eq + 1));
            }
            given.forEach((k, v) -> {
                if (v.size() == 1 && v.get(0).isEmpty()) {
                    props.remove(k);
                } else if (v.size() == 1) {
                    props.put(k, v.get(0));
                } else {
                    props.put(k, v.toArray(new String[0]));
                }
            });
            String stamp = java.util.UUID.randomUUID().toString();
            props.put(STAMP, stamp);
            c.update(props);
            awaitApplied(pid, stamp);
        }
        Table t = new Table("PID", "KEY", "VALUE");
        Map<String, Object> now = delete ? Map.of() : values(pid);
        if (now.isEmpty()) {
            t.row(pid, "-", "(defaults)");
        }
        now.forEach((k, v) -> t.row(pid, k, v));
        return t;
    }

    /**
     * Waits until every component of one of pico's PIDs has the change (Configuration Admin and Declarative
     * Services deliver it asynchronously), so that "the next process" really gets it: none lacks the stamp and
     * one at least carries it. Gives up quietly after 10 s (a PID nothing uses yet has no component).
     */
    private void awaitApplied(String pid, String stamp) throws InvalidSyntaxException {
        if (!PIDS.contains(pid)) {
            return;
        }
        String done = "(&(service.pid=" + pid + ")(" + STAMP + "=" + stamp + "))";
        String pending = "(&(service.pid=" + pid + ")(!(" + STAMP + "=" + stamp + ")))";
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (context.getServiceReferences((String) null, done) == null
                || context.getServiceReferences((String) null, pending) != null) {
            if (System.nanoTime() > deadline) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Map<String, Object> values(String pid) throws IOException, InvalidSyntaxException {
        Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
        Map<String, Object> result = new LinkedHashMap<>();
        if (found == null || found[0].getProperties() == null) {
            return result;
        }
        Dictionary<String, Object> props = found[0].getProperties();
        for (String k : Collections.list(props.keys())) {
            if (!k.equals("service.pid") && !k.startsWith("service.") && !k.startsWith("felix.") && !k.equals(STAMP)) {
                Object v = props.get(k);
                result.put(k, v instanceof Object[] a ? String.join(" ", java.util.Arrays.stream(a)
                        .map(String::valueOf).toList()) : v);
            }
        }
        return result;
    }
}
