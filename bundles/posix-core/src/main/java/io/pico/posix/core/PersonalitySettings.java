package io.pico.posix.core;

import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.Mount;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Unix personality's parsed configuration (mounts, environment, trace): what a new process gets besides its
 * launch. A bad entry is logged and skipped, never fatal; the trace file stays open until the next configuration
 * replaces these settings. The Linux and POSIX providers each read their own PID into one of these.
 */
public final class PersonalitySettings implements AutoCloseable {

    /** Nothing configured. */
    public static final PersonalitySettings NONE = new PersonalitySettings(List.of(), Map.of(), false, null);

    private final List<Mount> mounts;
    private final Map<String, String> env;
    private final boolean trace;
    private final PrintStream traceFile;

    private PersonalitySettings(List<Mount> mounts, Map<String, String> env, boolean trace, PrintStream traceFile) {
        this.mounts = mounts;
        this.env = env;
        this.trace = trace;
        this.traceFile = traceFile;
    }

    /**
     * What a provider's start takes from a launch: the working directory, the program's guest path and the
     * environment as NAME=VALUE strings.
     *
     * @since 2.6
     */
    public record Start(String cwd, String exe, List<String> env) {
    }

    /**
     * Parses settings given as configuration values, as {@link #of}, and logs them under the PID unless nothing is
     * configured: what a provider's activation and modification do with its configuration.
     *
     * @since 2.6
     */
    public static PersonalitySettings configure(String pid, String[] mountSpecs, String[] envEntries, boolean trace,
            String traceFile, Kernel kernel) {
        PersonalitySettings settings = of(pid, mountSpecs, envEntries, trace, traceFile, kernel);
        if (!settings.empty()) {
            kernel.log(pid + ": configuration: " + settings);
        }
        return settings;
    }

    /** Parses settings given as configuration values, logging what is wrong with them under the PID. */
    public static PersonalitySettings of(String pid, String[] mountSpecs, String[] envEntries, boolean trace, String traceFile,
            Kernel kernel) {
        List<Mount> mounts = new ArrayList<>();
        for (String spec : mountSpecs) {
            if (spec.isBlank()) {
                continue;
            }
            try {
                mounts.add(Mount.parse(spec));
            } catch (IllegalArgumentException e) {
                kernel.log(pid + ": " + e.getMessage() + "; ignored");
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : envEntries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                kernel.log(pid + ": environment entry '" + entry + "' is not NAME=VALUE; ignored");
            } else {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        PrintStream file = null;
        if (trace && !traceFile.isBlank()) {
            try {
                file = new PrintStream(new FileOutputStream(traceFile, true), true);
            } catch (IOException e) {
                kernel.log(pid + ": cannot open the trace file " + traceFile + ": " + e.getMessage()
                        + "; tracing to standard error");
            }
        }
        return new PersonalitySettings(Mount.ordered(mounts), Map.copyOf(env), trace, file);
    }

    /** Whether nothing is configured. */
    public boolean empty() {
        return mounts.isEmpty() && env.isEmpty() && !trace;
    }

    /** The configured mounts, deepest guest path first. */
    public List<Mount> mounts() {
        return mounts;
    }

    /** The launch's environment with the configured variables added or replaced. */
    public Map<String, String> environment(Map<String, String> launched) {
        if (env.isEmpty()) {
            return launched;
        }
        Map<String, String> result = new LinkedHashMap<>(launched);
        result.putAll(env);
        return result;
    }

    /**
     * The start of a process of a launch under these settings: its trace turned on when configured, the working
     * directory ("/" when the launch names none), the program's guest path as {@code fs} resolves it (as named,
     * made absolute, when it does not resolve) and the launch's environment with the configured variables.
     *
     * @since 2.6
     */
    public Start start(PicoProcess process, GuestFs fs, Launch launch) {
        trace(process);
        String name = launch.program();
        String cwd = launch.cwd() == null || launch.cwd().isEmpty() ? "/" : launch.cwd();
        String exe;
        try {
            exe = fs.resolve(cwd, name, true).guest();
        } catch (SysError e) {
            exe = name.startsWith("/") ? name : cwd + "/" + name;
        } finally {
            GuestFs.endCall(); // resolution opens host directories for the call
        }
        List<String> environment = new ArrayList<>();
        for (Map.Entry<String, String> e : environment(launch.env()).entrySet()) {
            environment.add(e.getKey() + "=" + e.getValue());
        }
        return new Start(cwd, exe, List.copyOf(environment));
    }

    /** Turns the trace on for a process that the launch did not trace already. */
    public void trace(PicoProcess process) {
        if (trace && process.trace().isEmpty()) {
            process.trace(traceFile != null ? traceFile : System.err);
        }
    }

    @Override
    public void close() {
        if (traceFile != null) {
            traceFile.close();
        }
    }

    @Override
    public String toString() {
        return "mounts=" + mounts.stream().map(Mount::spec).toList() + ", env=" + env.keySet() + ", trace=" + trace;
    }
}
