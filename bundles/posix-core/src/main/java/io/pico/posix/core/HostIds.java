package io.pico.posix.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The user and group ids the runtime runs with, which guests run with too: read from {@code /proc/self/status}
 * of the JVM (no com.sun API needed inside OSGi); 0 when unreadable.
 */
public final class HostIds {

    private static final int[] UID;
    private static final int[] GID;
    private static final int[] GROUPS;

    static {
        int[] uid = {0, 0, 0, 0};
        int[] gid = {0, 0, 0, 0};
        int[] groups = {};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = numbers(line, 4);
                } else if (line.startsWith("Gid:")) {
                    gid = numbers(line, 4);
                } else if (line.startsWith("Groups:")) {
                    groups = numbers(line, -1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or no /proc: run as root
        }
        UID = uid;
        GID = gid;
        GROUPS = groups;
    }

    private HostIds() {
    }

    private static int[] numbers(String line, int want) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        int[] result = Arrays.stream(parts).filter(p -> !p.isEmpty()).mapToInt(Integer::parseInt).toArray();
        if (want > 0 && result.length < want) {
            int[] padded = Arrays.copyOf(result, want);
            for (int i = result.length; i < want; i++) {
                padded[i] = result.length == 0 ? 0 : result[0];
            }
            return padded;
        }
        return result;
    }

    /** The real user id. */
    public static int uid() {
        return UID[0];
    }

    /** The effective user id. */
    public static int euid() {
        return UID[1];
    }

    /** The saved user id. */
    public static int suid() {
        return UID[2];
    }

    /** The real group id. */
    public static int gid() {
        return GID[0];
    }

    /** The effective group id. */
    public static int egid() {
        return GID[1];
    }

    /** The saved group id. */
    public static int sgid() {
        return GID[2];
    }

    /** The supplementary groups. */
    public static int[] groups() {
        return GROUPS.clone();
    }
}
