package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Configurations a test sets through Configuration Admin: each is applied (every component of its PID carries
 * the values, DS has delivered them) before the test goes on, and {@link #deleteAll} removes them all and waits
 * until the components have lost them. Configuration Admin delivers asynchronously: without the wait the next
 * guest would race the change.
 */
final class TestConfigs {

    private final ConfigurationAdmin admin;
    private final BundleContext context;
    private final List<String> touched = new ArrayList<>();

    TestConfigs(ConfigurationAdmin admin, BundleContext context) {
        this.admin = admin;
        this.context = context;
    }

    /** Sets a configuration and waits until every component of the PID carries the values. */
    void set(String pid, Map<String, Object> values) throws Exception {
        Configuration c = admin.getConfiguration(pid, "?");
        Hashtable<String, Object> props = new Hashtable<>(values);
        String stamp = "t" + System.nanoTime();
        props.put("test.stamp", stamp);
        touched.add(pid);
        c.update(props);
        awaitComponents(pid, "(test.stamp=" + stamp + ")");
    }

    /** Waits until every service of the PID matches {@code filter} (and at least one exists). */
    void awaitComponents(String pid, String filter) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String pending = "(&(service.pid=" + pid + ")(!" + filter + "))";
        String done = "(&(service.pid=" + pid + ")" + filter + ")";
        while (context.getServiceReferences((String) null, done) == null
                || context.getServiceReferences((String) null, pending) != null) {
            assertTrue(System.nanoTime() < deadline, pid + " was not applied within 10 s");
            Thread.sleep(10);
        }
    }

    /** Deletes every configuration set and waits until no service carries a test's values any more. */
    void deleteAll() throws Exception {
        for (String pid : touched) {
            admin.getConfiguration(pid, "?").delete();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // the providers' service properties lose the configuration's values when it is deleted
        while (context.getServiceReferences((String) null, "(test.stamp=*)") != null) {
            assertTrue(System.nanoTime() < deadline, touched + ": deleting the configurations did not apply");
            Thread.sleep(10);
        }
        touched.clear();
    }
}
