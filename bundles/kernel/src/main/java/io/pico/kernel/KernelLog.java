package io.pico.kernel;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The runtime's log: one line per event the user of the runtime (not the guest) should be able to
 * find, such as unknown system calls. It goes to the file named by the system property {@code pico.log},
 * else to the JVM's standard error when {@code pico.log} is {@code stderr}, else nowhere.
 */
final class KernelLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final PrintStream out;

    KernelLog(PrintStream out) {
        this.out = out;
    }

    static KernelLog fromSystem() {
        String where = System.getProperty("pico.log", "");
        if (where.equals("stderr")) {
            return new KernelLog(System.err);
        }
        if (where.isEmpty()) {
            return new KernelLog(null);
        }
        try {
            Path path = Path.of(where);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            return new KernelLog(new PrintStream(new FileOutputStream(path.toFile(), true), true,
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            System.err.println("pico: cannot open log " + where + ": " + e.getMessage());
            return new KernelLog(System.err);
        }
    }

    void write(String line) {
        if (out != null) {
            synchronized (out) {
                out.println(LocalTime.now().format(TIME) + " " + line);
            }
        }
    }

    void close() {
        if (out != null && out != System.err) {
            out.close();
        }
    }
}
