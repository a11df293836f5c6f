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
    private static final int UMASK;
    private static final int NICE;

    static {
        int[] uid = {0, 0, 0, 0};
        int[] gid = {0, 0, 0, 0};
        int[] groups = {};
        int umask = 022;
        int nice = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = numbers(line, 4);
                } else if (line.startsWith("Gid:")) {
                    gid = numbers(line, 4);
                } else if (line.startsWith("Groups:")) {
                    groups = numbers(line, -1);
                } else if (line.startsWith("Umask:")) {
                    umask = Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or no /proc: run as root
        }
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // after the command name in parentheses: state is field 3, nice field 19
            nice = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+")[16]);
        } catch (IOException | RuntimeException e) {
            // no /proc: nice 0
        }
        UID = uid;
        GID = gid;
        GROUPS = groups;
        UMASK = umask;
        NICE = nice;
    }

    /** Real, effective, saved and file-system user ids (a copy). */
    public static int[] uids() {
        return UID.clone();
    }

    /** Real, effective, saved and file-system group ids (a copy). */
    public static int[] gids() {
        return GID.clone();
    }

    /** The runtime's file mode creation mask, which a first guest process starts with as a child would. */
    public static int umask() {
        return UMASK;
    }

    /** The runtime's nice value (-20..19), which guests report as a child of the runtime would. */
    public static int nice() {
        return NICE;
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
