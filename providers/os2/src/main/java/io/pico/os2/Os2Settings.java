package io.pico.os2;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed {@link Os2Config}: what a new process gets besides its launch. A bad entry is logged and skipped,
 * never fatal; the trace file stays open until the next configuration replaces these settings.
 */
final class Os2Settings implements AutoCloseable {

    static final Os2Settings NONE = new Os2Settings(Map.of(), Map.of(), false, null);

    private final Map<Character, String> drives;
    private final Map<String, String> env;
    private final boolean trace;
    private final PrintStream traceFile;

    private Os2Settings(Map<Character, String> drives, Map<String, String> env, boolean trace, PrintStream traceFile) {
        this.drives = drives;
        this.env = env;
        this.trace = trace;
        this.traceFile = traceFile;
    }

    /** Parses a configuration, logging what is wrong with it. */
    static Os2Settings of(Os2Config config, Kernel kernel) {
        return of("io.pico.os2", config.drives(), config.env(), config.trace(), config.traceFile(), kernel);
    }

    /** Parses settings given as configuration values, logging what is wrong with them under the PID. */
    static Os2Settings of(String pid, String[] driveSpecs, String[] envEntries, boolean trace, String traceFile,
            Kernel kernel) {
        Map<Character, String> drives = new java.util.TreeMap<>();
        for (String spec : driveSpecs) {
            if (spec.isBlank()) {
                continue;
            }
            try {
                Map.Entry<Character, String> d = drive(spec);
                drives.put(d.getKey(), d.getValue());
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
        return new Os2Settings(Map.copyOf(drives), Map.copyOf(env), trace, file);
    }

    /**
     * Parses {@code D:DIR}: a drive letter other than C: and an absolute guest directory without {@code ..}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Map.Entry<Character, String> drive(String spec) {
        String s = spec.trim();
        if (s.length() < 3 || s.charAt(1) != ':' || !Character.isLetter(s.charAt(0)) || s.charAt(0) > 'z') {
            throw new IllegalArgumentException("drive '" + spec + "': expected D:DIR (a letter and a guest directory)");
        }
        char letter = Character.toUpperCase(s.charAt(0));
        String dir = s.substring(2).replace('\\', '/');
        if (letter == 'C') {
            throw new IllegalArgumentException("drive '" + spec + "': C: is the guest root");
        }
        if (!dir.startsWith("/") || java.util.Arrays.asList(dir.split("/")).contains("..")) {
            throw new IllegalArgumentException("drive '" + spec + "': the directory must be an absolute guest path "
                    + "without ..");
        }
        return Map.entry(letter, dir);
    }

    /** Whether nothing is configured. */
    boolean empty() {
        return drives.isEmpty() && env.isEmpty() && !trace;
    }

    /** Drive letters (other than C:) and their guest directories. */
    Map<Character, String> drives() {
        return drives;
    }

    /** The launch's environment with the configured variables added or replaced. */
    Map<String, String> environment(Map<String, String> launched) {
        if (env.isEmpty()) {
            return launched;
        }
        Map<String, String> result = new LinkedHashMap<>(launched);
        result.putAll(env);
        return result;
    }

    /** Turns the trace on for a process that the launch did not trace already. */
    void trace(PicoProcess process) {
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
        return "drives=" + drives + ", env=" + env.keySet() + ", trace=" + trace;
    }
}
