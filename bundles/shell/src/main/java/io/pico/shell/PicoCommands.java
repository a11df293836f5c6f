package io.pico.shell;

import io.pico.api.CallInfo;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.Provider;
import io.pico.api.ProviderInfo;
import io.pico.api.SwapReport;
import io.pico.api.Support;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code pico:} commands of the Gogo shell. */
@Component(service = PicoCommands.class, property = {"osgi.command.scope=pico",
    "osgi.command.function=ps", "osgi.command.function=run", "osgi.command.function=kill",
    "osgi.command.function=wait", "osgi.command.function=providers", "osgi.command.function=syscalls",
    "osgi.command.function=apis",
    "osgi.command.function=swap", "osgi.command.function=top", "osgi.command.function=strace",
    "osgi.command.function=install", "osgi.command.function=pids", "osgi.command.function=personalities",
    "osgi.command.function=observers"}, configurationPid = "io.pico.shell")
public final class PicoCommands {

    private final Kernel kernel;
    private final Runner runner;

    private final BundleContext context;
    private volatile ShellConfig config;

    /** Commands over the kernel, with the launch defaults of configuration io.pico.shell. */
    @Activate
    public PicoCommands(@Reference Kernel kernel, BundleContext context, ShellConfig config) {
        this.kernel = kernel;
        this.context = context;
        this.runner = new Runner(kernel);
        this.config = config;
    }

    /** A changed configuration applies to the next pico:run. */
    @org.osgi.service.component.annotations.Modified
    void modified(ShellConfig changed) {
        this.config = changed;
    }

    /** Lists pico processes. */
    @Descriptor("list pico processes as a tree across personalities: pid, parent, personality, provider bundle "
            + "and version, state, threads, command")
    public Table ps() {
        Table t = new Table("PID", "PPID", "PERSONALITY", "PROVIDER", "STATE", "THREADS", "COMMAND");
        List<PicoProcess> all = kernel.processes();
        java.util.Set<Integer> pids = new java.util.HashSet<>();
        all.forEach(p -> pids.add(p.pid()));
        // a tree across personalities: roots are processes whose parent is gone or the runtime
        for (PicoProcess p : all) {
            if (!pids.contains(p.parentPid())) {
                psRow(t, all, p, 0);
            }
        }
        return t;
    }

    private static void psRow(Table t, List<PicoProcess> all, PicoProcess p, int depth) {
        String state = p.exitStatus().map(s -> "EXITED(" + s + ")").orElse(p.state().name());
        t.row(p.pid(), p.parentPid(), p.personality(), p.provider().orElse("-"), state, p.threads().size(),
                "  ".repeat(depth) + (depth > 0 ? "\\_ " : "") + String.join(" ", p.command()));
        for (PicoProcess c : all) {
            if (c.parentPid() == p.pid() && c.pid() != p.pid()) {
                psRow(t, all, c, depth + 1);
            }
        }
    }

    /** Runs a guest program. */
    @Descriptor("run a guest program; the personality is chosen from the image. Prints the pid in the "
            + "background, else returns the exit status")
    public Object run(
            @Descriptor("return at once and print the new pid") @Parameter(names = {"-b", "--background"},
                    presentValue = "true", absentValue = "false") boolean background,
            @Descriptor("send stdout and stderr to this host file") @Parameter(names = {"-o", "--out"},
                    absentValue = "") String out,
            @Descriptor("confine the guest's file system to this host directory (default: the root of configuration "
                    + "io.pico.shell, /)") @Parameter(names = {"-r", "--root"}, absentValue = "") String root,
            @Descriptor("trace system calls to stderr") @Parameter(names = {"-s", "--strace"},
                    presentValue = "true", absentValue = "false") boolean strace,
            @Descriptor("the program (a guest path) and its arguments") String... command)
            throws IOException, ImageException {
        PrintStream err = System.err;
        OutputStream stdout = System.out;
        OutputStream stderr = System.err;
        if (!out.isEmpty()) {
            FileOutputStream file = new FileOutputStream(out);
            stdout = file;
            stderr = file;
            err = new PrintStream(file, true);
        }
        InputStream stdin = background ? InputStream.nullInputStream() : System.in;
        Runner.Stdio stdio = new Runner.Stdio(stdin, stdout, stderr, false, false, false);
        PicoProcess p = runner.start(Arrays.asList(command), Path.of(root.isEmpty() ? config.root() : root),
                System.getProperty("user.dir"),
                System.getenv(), stdio, strace ? err : null);
        if (background) {
            return p.pid();
        }
        return runner.await(p, null, err);
    }

    /** Sends a signal. */
    @Descriptor("send a signal, named in the process's personality's terms (default TERM)")
    public String kill(@Descriptor("the process id") int pid,
            @Descriptor("the signal: a name such as TERM, INT, KILL or a number") String signal) {
        kernel.signal(pid, signal);
        return "sent " + signal + " to " + pid;
    }

    /** Sends TERM. */
    @Descriptor("send TERM to a process")
    public String kill(@Descriptor("the process id") int pid) {
        return kill(pid, "TERM");
    }

    /** Waits for a process. */
    @Descriptor("wait for a process to end, print its exit status and remove it from the process table; while it "
            + "runs, says every 5 s on stderr what it waits for")
    public String wait(@Descriptor("the process id") int pid) throws InterruptedException {
        Optional<PicoProcess> p = kernel.process(pid);
        if (p.isEmpty()) {
            throw new IllegalArgumentException("no process " + pid);
        }
        Progress.session().await(kernel, p.get());
        ExitStatus status = p.get().waitFor();
        kernel.reap(pid);
        return pid + ": " + status + " (status " + status.shellStatus() + ")";
    }

    /** Lists observers. */
    @Descriptor("list process and call observers: kind, bundle, calls, faults, whether disabled")
    public Table observers() {
        Table t = new Table("KIND", "BUNDLE", "CALLS", "FAULTS", "STATE");
        for (io.pico.api.ObserverInfo o : kernel.observers()) {
            t.row(o.kind(), o.bundle(), o.calls(), o.faults(), o.disabled() ? "disabled" : "active");
        }
        return t;
    }

    /** Pids, for completion. */
    @Descriptor("list the pids of running pico processes (used by completion)")
    public List<String> pids() {
        List<String> result = new java.util.ArrayList<>();
        for (PicoProcess p : kernel.processes()) {
            if (p.exitStatus().isEmpty()) {
                result.add(String.valueOf(p.pid()));
            }
        }
        return result;
    }

    /** Personalities, for completion. */
    @Descriptor("list the personalities that have a provider (used by completion)")
    public List<String> personalities() {
        List<String> result = new java.util.ArrayList<>();
        kernel.providers().forEach(p -> result.add(p.personality()));
        return result;
    }

    /** Shows processes by CPU use. */
    @Descriptor("show processes by CPU use, refreshed until interrupted (Ctrl-C) or for --count rounds")
    public Table top(
            @Descriptor("how many times to refresh (0: until interrupted)") @Parameter(names = {"-n", "--count"},
                    absentValue = "0") int count,
            @Descriptor("milliseconds between refreshes") @Parameter(names = {"-i", "--interval"},
                    absentValue = "1000") long interval) throws InterruptedException {
        java.util.Map<Integer, Long> before = new java.util.HashMap<>();
        long then = System.nanoTime();
        for (PicoProcess p : kernel.processes()) {
            before.put(p.pid(), p.cpuNanos());
        }
        for (int round = 1;; round++) {
            Thread.sleep(interval);
            long now = System.nanoTime();
            Table t = new Table("PID", "PERSONALITY", "STATE", "THREADS", "%CPU", "CPU(s)", "MEM(KB)", "COMMAND");
            java.util.List<PicoProcess> ps = new java.util.ArrayList<>(kernel.processes());
            java.util.Map<Integer, Long> cpu = new java.util.HashMap<>();
            ps.forEach(p -> cpu.put(p.pid(), p.cpuNanos()));
            ps.sort(java.util.Comparator.comparingLong(
                    (PicoProcess p) -> cpu.get(p.pid()) - before.getOrDefault(p.pid(), 0L)).reversed());
            for (PicoProcess p : ps) {
                long used = cpu.get(p.pid()) - before.getOrDefault(p.pid(), 0L);
                t.row(p.pid(), p.personality(), p.state(), p.threads().size(),
                        String.format("%.1f", 100.0 * used / Math.max(1, now - then)),
                        String.format("%.2f", cpu.get(p.pid()) / 1e9), p.memory().mappedBytes() / 1024,
                        String.join(" ", p.command()));
            }
            t.footer(kernel.statistics().toString());
            if (count > 0 && round >= count) {
                return t;
            }
            System.out.print("\033[H\033[2J" + t + "\n");
            System.out.flush();
            before.clear();
            before.putAll(cpu);
            then = now;
        }
    }

    /** Traces a running process. */
    @Descriptor("attach a system call trace to a running process until it ends or the command is interrupted "
            + "(Ctrl-C), then detach")
    public String strace(@Descriptor("the process id") int pid) {
        PicoProcess p = kernel.process(pid).orElseThrow(() -> new IllegalArgumentException("no process " + pid));
        PrintStream out = System.out; // the session's, on this thread only: guest threads write to a relay
        PrintStream previous = p.trace().orElse(null);
        TraceRelay relay = new TraceRelay();
        PrintStream attached = new PrintStream(relay, true, java.nio.charset.StandardCharsets.UTF_8);
        p.trace(attached);
        try {
            relay.pump(out, () -> p.exitStatus().isPresent());
            return pid + " ended: " + p.exitStatus().orElseThrow();
        } catch (InterruptedException e) {
            return "detached from " + pid;
        } finally {
            p.trace(previous);
            // children forked while the trace was attached inherited it: they are detached too
            for (PicoProcess other : kernel.processes()) {
                if (other.trace().orElse(null) == attached) {
                    other.trace(previous);
                }
            }
            relay.drain(out);
            relay.close();
        }
    }

    /** Hot-swaps to the personality's current provider. */
    @Descriptor("hot-swap a personality's running processes to its current (highest ranked, newest) provider")
    public SwapReport swap(@Descriptor("the personality, e.g. linux") String personality) {
        return kernel.swap(personality, SWAP_TIMEOUT_MS);
    }

    /** Installs a provider bundle and hot-swaps to it. */
    @Descriptor("install and start the provider bundle at LOCATION, hot-swap the personality's running processes to "
            + "it and uninstall the provider it replaced; on a refusal nothing changes")
    public SwapReport swap(@Descriptor("the personality, e.g. linux") String personality,
            @Descriptor("the new provider bundle: a file path or URL") String location) throws Exception {
        String url = location.contains(":") ? location : Path.of(location).toAbsolutePath().toUri().toString();
        Progress progress = Progress.session();
        List<Bundle> before = providerBundles(personality);
        progress.step("installing " + url);
        Bundle bundle = context.installBundle(url);
        try {
            progress.step("starting " + bundle.getSymbolicName() + " " + bundle.getVersion()
                    + " and waiting for its " + personality + " provider");
            bundle.start();
            String version = bundle.getVersion().toString();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (kernel.providers().stream().noneMatch(p -> p.personality().equals(personality)
                    && p.bundle().equals(bundle.getSymbolicName()) && p.version().equals(version))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(url + " registered no " + personality + " provider");
                }
                Thread.sleep(10);
            }
            progress.step("swapping " + kernel.processes().stream().filter(p -> p.personality().equals(personality)
                    && p.exitStatus().isEmpty()).count() + " " + personality + " process(es) to it");
            SwapReport report = kernel.swap(personality, SWAP_TIMEOUT_MS);
            for (Bundle old : before) {
                if (old.getBundleId() != bundle.getBundleId()) {
                    progress.step("uninstalling " + old.getSymbolicName() + " " + old.getVersion());
                    old.uninstall();
                }
            }
            return report;
        } catch (Exception | Error e) {
            bundle.uninstall();
            throw e;
        }
    }

    private static final long SWAP_TIMEOUT_MS = 5000;

    private List<Bundle> providerBundles(String personality) throws Exception {
        List<Bundle> result = new java.util.ArrayList<>();
        for (ServiceReference<Provider> ref : context.getServiceReferences(Provider.class,
                "(" + Provider.PERSONALITY + "=" + personality + ")")) {
            result.add(ref.getBundle());
        }
        return result;
    }

    /** Lists providers. */
    @Descriptor("list personality providers: bundle, version, whether the kernel uses it or another provider of its "
            + "personality shadows it, system call coverage, image formats")
    public Table providers() {
        Table t = new Table("PERSONALITY", "BUNDLE", "VERSION", "STATUS", "COVERAGE", "FORMATS");
        ProviderInfo current = null;
        for (ProviderInfo p : kernel.allProviders()) {
            t.row(p.personality(), p.bundle(), p.version(), p.shadowed() ? "shadowed" : "in use",
                    p.full() + " full, " + p.partial() + " partial of " + p.total(), String.join("; ", p.formats()));
            if (!p.shadowed()) {
                current = p;
            } else if (current != null) {
                t.footer(p.personality() + ": " + p.bundle() + " " + p.version() + " (ranking " + p.ranking()
                        + ") is shadowed by " + current.bundle() + " " + current.version() + " (ranking "
                        + current.ranking() + "); the kernel falls back to it when that one leaves");
            }
        }
        t.footer("engine: " + kernel.engine());
        return t;
    }

    /** Installs and starts a bundle, typically a provider, and says which providers it registered. */
    @Descriptor("install and start a bundle (a personality provider) from a file path or URL; prints the providers it "
            + "registered and whether another provider of the same personality shadows them (steps on stderr)")
    public String install(@Descriptor("the bundle: a file path or URL (file:, http: ...)") String location)
            throws Exception {
        String url = location.contains(":") ? location : Path.of(location).toAbsolutePath().toUri().toString();
        Progress progress = Progress.session();
        progress.step("installing " + url);
        Bundle bundle = context.installBundle(url);
        try {
            progress.step("starting " + bundle.getSymbolicName() + " " + bundle.getVersion());
            bundle.start();
        } catch (org.osgi.framework.BundleException e) {
            bundle.uninstall();
            throw new IllegalStateException("cannot start " + url + ": " + e.getMessage(), e);
        }
        String name = bundle.getSymbolicName() + " " + bundle.getVersion();
        // Declarative Services may register the bundle's components a moment after it started; a bundle with
        // neither components nor an activator registers nothing
        boolean registers = bundle.getHeaders().get("Service-Component") != null
                || bundle.getHeaders().get(org.osgi.framework.Constants.BUNDLE_ACTIVATOR) != null;
        if (registers) {
            progress.step("waiting for its providers");
        }
        long deadline = System.nanoTime() + (registers ? INSTALL_WAIT_NANOS : 0);
        List<ProviderInfo> registered;
        while ((registered = providersOf(bundle)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (registered.isEmpty()) {
            return "installed " + name + " (bundle " + bundle.getBundleId() + "): it registered no pico provider";
        }
        StringBuilder sb = new StringBuilder();
        for (ProviderInfo p : registered) {
            sb.append(sb.length() == 0 ? "" : "\n").append("installed ").append(name).append(" (bundle ")
                    .append(bundle.getBundleId()).append("): provider of ").append(p.personality()).append(": ")
                    .append(String.join("; ", p.formats()));
            if (p.shadowed()) {
                kernel.providers().stream().filter(c -> c.personality().equals(p.personality())).findFirst()
                        .ifPresent(c -> sb.append("\n  shadowed by ").append(c.bundle()).append(' ')
                                .append(c.version()).append(" (ranking ").append(c.ranking()).append(" over ")
                                .append(p.ranking()).append("): the kernel uses it when that one leaves"));
            }
        }
        return sb.toString();
    }

    private static final long INSTALL_WAIT_NANOS = 5_000_000_000L;

    /** The providers the kernel knows that this bundle registered. */
    private List<ProviderInfo> providersOf(Bundle bundle) {
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        boolean any = false;
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            if (Arrays.asList((String[]) ref.getProperty(org.osgi.framework.Constants.OBJECTCLASS))
                    .contains(Provider.class.getName())) {
                any = true;
            }
        }
        if (!any) {
            return List.of();
        }
        String version = bundle.getVersion().toString();
        return kernel.allProviders().stream()
                .filter(p -> p.bundle().equals(bundle.getSymbolicName()) && p.version().equals(version)).toList();
    }

    /** Prints the support matrix. */
    @Descriptor("print the system call support matrix of a personality")
    public Table syscalls(
            @Descriptor("only calls of this support level: full, partial or missing") @Parameter(names = {"-l",
                "--level"}, absentValue = "") String level,
            @Descriptor("the personality, e.g. linux") String personality) {
        List<CallInfo> calls = kernel.calls(personality);
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("no provider for personality " + personality);
        }
        Table t = new Table("TABLE", "NUMBER", "NAME", "SUPPORT", "NOTE");
        for (CallInfo c : calls) {
            if (level.isEmpty() || c.support().name().equalsIgnoreCase(level)) {
                t.row(c.table(), c.number(), c.name(), c.support().name().toLowerCase(), c.note());
            }
        }
        long full = calls.stream().filter(c -> c.support() == Support.FULL).count();
        long partial = calls.stream().filter(c -> c.support() == Support.PARTIAL).count();
        t.footer(personality + ": " + full + " full, " + partial + " partial, " + (calls.size() - full - partial)
                + " missing");
        return t;
    }

    /** Prints the API table: the OS/2 name of the support matrix (module, ordinal, name, level, note). */
    @Descriptor("print the API table of a personality: module (or table), ordinal (or number), name, support level, "
            + "note; for OS/2 one row per ordinal of DOSCALLS, MSG, NLS, VIOCALLS, KBDCALLS, QUECALLS, SESMGR")
    public Table apis(
            @Descriptor("only APIs of this support level: full, partial or missing") @Parameter(names = {"-l",
                "--level"}, absentValue = "") String level,
            @Descriptor("the personality, e.g. os2") String personality) {
        if (!level.isEmpty() && Arrays.stream(Support.values()).noneMatch(s -> s.name().equalsIgnoreCase(level))) {
            throw new IllegalArgumentException("unknown level " + level + " (full, partial or missing)");
        }
        Table calls = syscalls(level, personality);
        Table t = new Table("MODULE", "ORDINAL", "NAME", "LEVEL", "NOTE");
        for (List<String> r : calls.rows()) {
            t.row(r.toArray());
        }
        for (String f : calls.footer()) {
            t.footer(f);
        }
        return t;
    }
}
