package io.pico.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What uname(2) reports: Linux on x86-64, the host's name, a kernel release recent C libraries accept. */
public final class Uname {

    public static final String SYSNAME = "Linux";
    public static final String RELEASE = "6.1.0-pico";
    public static final String VERSION = "#1 SMP PREEMPT_DYNAMIC pico";
    public static final String MACHINE = "x86_64";
    public static final String DOMAINNAME = "(none)";

    private Uname() {
    }

    /** The host's name. */
    public static String nodename() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isEmpty() ? "pico" : env;
    }
}
