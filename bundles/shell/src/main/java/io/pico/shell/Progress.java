package io.pico.shell;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Progress of long shell commands, one line per step on the session's standard error ({@code pico: ...}), so that
 * the command's result on standard output stays clean for pipes.
 */
final class Progress {

    /** How long a wait goes before it says what it waits for, and how often it says so again. */
    static final long WAIT_REPORT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PrintStream err;

    Progress(PrintStream err) {
        this.err = err;
    }

    /** The session's standard error (Gogo routes System.err per session). */
    static Progress session() {
        return new Progress(System.err);
    }

    /** One step: {@code pico: what ...}. */
    void step(String what) {
        err.println("pico: " + what + " ...");
        err.flush();
    }

    /**
     * Waits for a process, saying every {@link #WAIT_REPORT_NANOS} what it waits for (pid, command, CPU time used so
     * far), and returns when it has ended.
     */
    void await(Kernel kernel, PicoProcess p) throws InterruptedException {
        long started = System.nanoTime();
        while (!kernel.awaitProcesses(() -> p.exitStatus().isPresent(), WAIT_REPORT_NANOS)) {
            err.printf("pico: waiting for %d (%s): %d s, %.1f s CPU%n", p.pid(), String.join(" ", p.command()),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), p.cpuNanos() / 1e9);
            err.flush();
        }
    }
}
