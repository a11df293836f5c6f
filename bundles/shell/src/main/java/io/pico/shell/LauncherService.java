package io.pico.shell;

import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What {@code ./pico run} calls from outside the framework. It is registered as a
 * {@link java.util.function.Function} with {@code pico.launcher=run} so that the launcher, which shares
 * only JDK classes with the framework, can call it. The request is a map:
 * {@code argv} (List of String), {@code root} (String, default: the configuration {@code io.pico.shell}'s, "/"),
 * {@code strace} (Boolean),
 * {@code cwd} (String), {@code env} (Map), {@code signals} (BlockingQueue of signal names to forward),
 * optional {@code stdin}/{@code stdout}/{@code stderr} streams (default: the JVM's own descriptors).
 * The result is the Integer shell status.
 */
@Component(service = Function.class, property = "pico.launcher=run", configurationPid = "io.pico.shell")
@org.osgi.service.metatype.annotations.Designate(ocd = ShellConfig.class)
public final class LauncherService implements Function<Object, Object> {

    private final Runner runner;
    private volatile ShellConfig config;

    /** A launcher running programs on the kernel, with the launch defaults of configuration io.pico.shell. */
    @Activate
    public LauncherService(@Reference Kernel kernel, ShellConfig config) {
        this.runner = new Runner(kernel);
        this.config = config;
    }

    /** A changed configuration applies to the next launch. */
    @org.osgi.service.component.annotations.Modified
    void modified(ShellConfig changed) {
        this.config = changed;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object apply(Object request) {
        Map<String, Object> r = (Map<String, Object>) request;
        List<String> argv = (List<String>) r.get("argv");
        InputStream in = r.get("stdin") instanceof InputStream s ? s : new FileInputStream(FileDescriptor.in);
        OutputStream out = r.get("stdout") instanceof OutputStream s ? s : new FileOutputStream(FileDescriptor.out);
        OutputStream errStream = r.get("stderr") instanceof OutputStream s ? s
                : new FileOutputStream(FileDescriptor.err);
        PrintStream err = new PrintStream(errStream, true);
        boolean own = !(r.get("stdout") instanceof OutputStream);
        Runner.Stdio stdio = new Runner.Stdio(in, out, errStream, own && Runner.isTerminal(0),
                own && Runner.isTerminal(1), own && Runner.isTerminal(2));
        Path root = Path.of(r.get("root") instanceof String s && !s.isEmpty() ? s : config.root());
        Map<String, String> env = r.get("env") instanceof Map<?, ?> m ? (Map<String, String>) m : System.getenv();
        String cwd = r.get("cwd") instanceof String s ? s : System.getProperty("user.dir");
        PrintStream trace = Boolean.TRUE.equals(r.get("strace")) ? err : null;
        PicoProcess process;
        try {
            process = runner.start(argv, root, cwd, env, stdio, trace);
        } catch (ImageException e) {
            err.println("pico: " + e.getMessage());
            return e.status();
        }
        return runner.await(process, (BlockingQueue<String>) r.get("signals"), err);
    }
}
