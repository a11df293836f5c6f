package io.pico.shell;

import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Starts a guest program the way {@code ./pico run} and {@code pico:run} do, and waits for it. */
final class Runner {

    private final Kernel kernel;

    Runner(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Standard streams of the guest: host streams, with whether each is a terminal. */
    record Stdio(InputStream in, OutputStream out, OutputStream err, boolean inTty, boolean outTty,
            boolean errTty) {
    }

    /**
     * Starts the program.
     *
     * @throws ImageException when it cannot be started
     */
    PicoProcess start(List<String> argv, Path root, String cwd, Map<String, String> env, Stdio stdio,
            PrintStream trace) throws ImageException {
        if (argv.isEmpty()) {
            throw new ImageException("no program given", 2);
        }
        Path realRoot = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(realRoot)) {
            throw new ImageException("root " + root + " is not a directory", 2);
        }
        String guestCwd = cwd;
        if (guestCwd == null || !realRoot.toString().equals("/")) {
            guestCwd = "/";
        }
        IoObject[] io = {kernel.hostStream(stdio.in(), null, stdio.inTty()),
            kernel.hostStream(null, stdio.out(), stdio.outTty()),
            kernel.hostStream(null, stdio.err(), stdio.errTty())};
        try {
            return kernel.spawn(new Launch(argv.get(0), argv, env, guestCwd, realRoot, io, trace, 0));
        } finally {
            for (IoObject o : io) {
                o.release();
            }
        }
    }

    /**
     * Waits for the process, forwarding signal names from the queue (may be null) and, when the waiting
     * thread is interrupted (Ctrl-C in the shell), an interrupt signal. Returns the shell status.
     */
    int await(PicoProcess process, BlockingQueue<String> signals, PrintStream err) {
        ExitStatus status;
        while (true) {
            try {
                if (signals == null) {
                    status = process.waitFor();
                    break;
                }
                String signal = signals.poll(50, TimeUnit.MILLISECONDS);
                if (signal != null) {
                    deliver(process, signal, err);
                }
                if (process.exitStatus().isPresent()) {
                    status = process.exitStatus().get();
                    break;
                }
            } catch (InterruptedException e) {
                if (process.exitStatus().isEmpty()) {
                    deliver(process, "INT", err);
                }
            }
        }
        kernel.reap(process.pid());
        if (status.signalled() && !status.reason().isEmpty()) {
            err.println("pico: " + String.join(" ", process.command()).split(" ")[0] + ": " + status.reason());
        }
        return status.shellStatus();
    }

    private void deliver(PicoProcess process, String signal, PrintStream err) {
        try {
            kernel.signal(process.pid(), signal);
        } catch (IllegalArgumentException e) {
            err.println("pico: cannot deliver " + signal + ": " + e.getMessage());
        }
    }

    /** Whether a file descriptor of this JVM is a terminal, judged by what /proc says it is. */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
        }
    }
}
