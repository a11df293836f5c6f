package io.pico.os2;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.posix.core.PersonalitySettings;
import java.util.Map;

/**
 * The parsed {@link Os2Config}: what a new process gets besides its launch. The drive letters are OS/2's own;
 * the environment and the trace are parsed and applied as the Unix personalities do (posix-core's
 * {@link PersonalitySettings}). A bad entry is logged and skipped, never fatal; the trace file stays open until
 * the next configuration replaces these settings.
 */
final class Os2Settings implements AutoCloseable {

    static final Os2Settings NONE = new Os2Settings(Map.of(), PersonalitySettings.NONE);

    private final Map<Character, String> drives;
    private final PersonalitySettings common;

    private Os2Settings(Map<Character, String> drives, PersonalitySettings common) {
        this.drives = drives;
        this.common = common;
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
        return new Os2Settings(Map.copyOf(drives),
                PersonalitySettings.of(pid, new String[0], envEntries, trace, traceFile, kernel));
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
        return drives.isEmpty() && common.empty();
    }

    /** Drive letters (other than C:) and their guest directories. */
    Map<Character, String> drives() {
        return drives;
    }

    /** The launch's environment with the configured variables added or replaced. */
    Map<String, String> environment(Map<String, String> launched) {
        return common.environment(launched);
    }

    /** Turns the trace on for a process that the launch did not trace already. */
    void trace(PicoProcess process) {
        common.trace(process);
    }

    @Override
    public void close() {
        common.close();
    }

    @Override
    public String toString() {
        return "drives=" + drives + ", " + common;
    }
}
