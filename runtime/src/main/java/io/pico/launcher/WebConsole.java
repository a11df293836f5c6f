package io.pico.launcher;

import io.pico.launcher.Main.StartupException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;

/**
 * The web console of {@code pico shell --web PORT}: the Felix Web Console with its Pico page (bundle
 * io.pico.webconsole) on Felix HTTP Jetty, listening on the loopback interface only. Its bundles live in
 * {@code pico.home}/web and are installed only then; this class sets the framework properties they read and
 * prints the page's address on stderr once the server listens and the page is registered.
 *
 * <p>Login: the web console's default, user {@code admin} and password {@code admin} (the server is reachable from
 * this machine only); {@code -Dfelix.webconsole.username=...} and {@code -Dfelix.webconsole.password=...} in
 * {@code PICO_JAVA_OPTS} change it.
 */
final class WebConsole {

    /** The only interface the server listens on. */
    static final String HOST = "127.0.0.1";
    /** The page, below the server's root. */
    static final String PAGE = "system/console/pico";

    private static final String RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    private static final String ENDPOINT = "osgi.http.endpoint";
    private static final String LABEL = "felix.webconsole.label";
    /** How long the server may take to come up once the framework has started. */
    private static final long SECONDS = 10;

    private final BundleContext context;
    private final int port;
    private final CountDownLatch up = new CountDownLatch(1);
    private final AtomicBoolean announced = new AtomicBoolean();
    private volatile String url;
    private volatile boolean page;

    /** Watches for the server and the page (before any web bundle is installed). */
    WebConsole(BundleContext context, int port) throws StartupException {
        this.context = context;
        this.port = port;
        try {
            context.addServiceListener(this::serviceChanged,
                    "(|(objectClass=" + RUNTIME + ")(" + LABEL + "=pico))");
        } catch (InvalidSyntaxException e) {
            throw new StartupException("bad filter", e);
        }
    }

    /** The framework properties of Felix HTTP (port, loopback only, no HTTPS) and Jetty's logging. */
    static void configure(Map<String, Object> config, int port) {
        config.put("org.osgi.service.http.port", String.valueOf(port));
        config.put("org.apache.felix.http.host", HOST);
        config.put("org.apache.felix.http.enable", "true");
        config.put("org.apache.felix.https.enable", "false");
        config.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        // Jetty logs through slf4j-simple, which reads system properties: warnings and errors on stderr (never
        // on stdout, which belongs to the guests); its file option would truncate the runtime log
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private void serviceChanged(ServiceEvent e) {
        if (e.getType() == ServiceEvent.UNREGISTERING) {
            return;
        }
        ServiceReference<?> ref = e.getServiceReference();
        if (ref.getProperty(LABEL) != null) {
            page = true;
        } else {
            String endpoint = endpoint(ref.getProperty(ENDPOINT));
            if (endpoint != null) {
                url = endpoint;
            }
        }
        if (url != null && page && announced.compareAndSet(false, true)) {
            Main.ERR.println("pico: web console on " + url + PAGE + " (" + login() + ")");
            up.countDown();
        }
    }

    /** The first http URL of an endpoint property (a string, an array or a collection of them), ending in /. */
    static String endpoint(Object value) {
        List<?> values;
        if (value instanceof String s) {
            values = List.of(s);
        } else if (value instanceof Object[] a) {
            values = List.of(a);
        } else if (value instanceof Collection<?> c) {
            values = List.copyOf(c);
        } else {
            return null;
        }
        for (Object v : values) {
            String s = String.valueOf(v);
            if (s.startsWith("http://")) {
                return s.endsWith("/") ? s : s + "/";
            }
        }
        return null;
    }

    private String login() {
        String user = context.getProperty("felix.webconsole.username");
        if (context.getProperty("felix.webconsole.password") == null) {
            return "user " + (user == null ? "admin" : user) + ", password admin";
        }
        return "user " + (user == null ? "admin" : user);
    }

    /** After the framework has started: says on stderr when the console did not come up (the shell runs on). */
    void check(String diagnosis) {
        try {
            if (up.await(SECONDS, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Main.ERR.println("pico: warning: the web console is not serving on " + HOST + ":" + port + " after " + SECONDS
                + " s" + (url == null ? " (is the port in use?)" : " (its Pico page is not registered)") + diagnosis);
    }
}
