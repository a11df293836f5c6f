package io.pico.launcher;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code pico run [--root DIR] [--strace] PROGRAM [ARGS...]} and {@code pico shell [-c COMMANDS]}: a plain
 * Java main that starts an embedded Felix framework with the pico bundles (see {@link PicoRuntime}) and either
 * runs one guest program through the shell bundle's {@code pico.launcher=run} service, runs a Gogo command
 * line, or opens the interactive Gogo shell.
 *
 * <p>Exit status: the guest's shell status for {@code run} (128+signal when a signal ended it; 126 when the
 * image cannot be executed, 127 when it is not found), 0 or 1 for {@code shell -c}, 2 for bad usage, 125 when
 * the runtime itself does not come up.
 */
public final class Main {

    /** Bad usage of the launcher. */
    static final int USAGE = 2;
    /** The runtime did not come up (framework, bundles, services). */
    static final int FAILED = 125;

    static final String USAGE_TEXT = String.join("\n",
            "usage: pico run [--root DIR] [--strace] [--mount HOST:GUEST[:ro]] [--env NAME=VALUE] [--drive D:DIR]"
                    + " PROGRAM [ARGS...]",
            "       pico shell [--web PORT] [-c COMMANDS]",
            "  run     run a guest program (options after PROGRAM belong to the guest)",
            "          --root DIR  confine the guest's file system to host directory DIR (default /, or the root",
            "                      of configuration io.pico.shell)",
            "          --strace    trace the guest's system calls to stderr",
            "          --mount HOST:GUEST[:ro]  host directory HOST appears at guest path GUEST (Linux, POSIX;",
            "                      :ro read-only); repeatable",
            "          --env NAME=VALUE  set a variable in the guest's environment; repeatable",
            "          --drive D:DIR  OS/2 drive D: is guest directory DIR (C: is the root); repeatable",
            "  Both read the configurations PID.cfg of $PICO_CONFIG (default .pico/config); the flags go on top.",
            "  shell   the interactive Gogo shell with the pico: commands; -c runs COMMANDS and exits",
            "          --web PORT  also serve the Felix Web Console with its Pico page on 127.0.0.1:PORT",
            "                      (0: any free port; the URL is printed on stderr; login admin/admin)");

    /** The JVM's own standard streams, saved before Gogo's ThreadIO replaces System.out and System.err. */
    static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, charset());
    static final PrintStream ERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true, charset());
    static final InputStream IN = new FileInputStream(FileDescriptor.in);

    static final boolean DEBUG = Boolean.getBoolean("pico.debug");

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (UsageException e) {
            if (!e.getMessage().isEmpty()) {
                ERR.println("pico: " + e.getMessage());
            }
            ERR.println(USAGE_TEXT.lines().limit(2).reduce((a, b) -> a + "\n" + b).orElse(""));
            status = USAGE;
        } catch (StartupException e) {
            if (!PicoRuntime.exiting()) { // else a signal is ending the launcher: the framework's stop is no news
                ERR.println("pico: " + e.getMessage());
            }
            status = FAILED;
        } catch (Throwable t) {
            if (!PicoRuntime.exiting()) {
                ERR.println("pico: internal error: " + t);
                t.printStackTrace(ERR);
            }
            status = FAILED;
        }
        ERR.flush();
        OUT.flush();
        PicoRuntime.exit(status);
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0) {
            throw new UsageException("");
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (args[0]) {
            case "run":
                return runProgram(RunOptions.parse(rest));
            case "shell":
                return shell(rest);
            case "-h":
            case "--help":
            case "help":
                OUT.println(USAGE_TEXT);
                return 0;
            default:
                throw new UsageException("unknown command '" + args[0] + "'");
        }
    }

    /**
     * The options of {@code pico run}; root is null when not given (the configured default applies). Mounts,
     * environment and drives become configuration values of the personalities ({@link #configure}).
     */
    record RunOptions(Path root, boolean strace, List<String> argv, List<String> mounts, List<String> env,
            List<String> drives) {

        static RunOptions parse(List<String> args) throws UsageException {
            Path root = null;
            boolean strace = false;
            List<String> mounts = new ArrayList<>();
            List<String> env = new ArrayList<>();
            List<String> drives = new ArrayList<>();
            int i = 0;
            for (; i < args.size(); i++) {
                String a = args.get(i);
                String value;
                if (a.equals("--")) {
                    i++;
                    break;
                } else if (a.equals("--strace")) {
                    strace = true;
                } else if ((value = value(args, i, "--mount")) != null) {
                    i += a.equals("--mount") ? 1 : 0;
                    mounts.add(mount(value));
                } else if ((value = value(args, i, "--env")) != null) {
                    i += a.equals("--env") ? 1 : 0;
                    if (value.indexOf('=') <= 0) {
                        throw new UsageException("--env needs NAME=VALUE, not '" + value + "'");
                    }
                    env.add(value);
                } else if ((value = value(args, i, "--drive")) != null) {
                    i += a.equals("--drive") ? 1 : 0;
                    if (!value.matches("(?i)[abd-z]:/.*")) {
                        throw new UsageException("--drive needs D:DIR (a letter other than C and an absolute guest "
                                + "directory), not '" + value + "'");
                    }
                    drives.add(value);
                } else if (a.equals("--root") || a.startsWith("--root=")) {
                    String dir;
                    if (a.equals("--root")) {
                        if (++i >= args.size()) {
                            throw new UsageException("--root needs a directory");
                        }
                        dir = args.get(i);
                    } else {
                        dir = a.substring("--root=".length());
                    }
                    if (dir.isEmpty()) {
                        throw new UsageException("--root needs a directory");
                    }
                    root = Path.of(dir).toAbsolutePath().normalize();
                    if (!Files.isDirectory(root)) {
                        throw new UsageException("--root " + dir + ": not a directory");
                    }
                } else if (a.startsWith("-") && a.length() > 1) {
                    throw new UsageException("unknown option " + a);
                } else {
                    break;
                }
            }
            if (i >= args.size()) {
                throw new UsageException("no program given");
            }
            return new RunOptions(root, strace, List.copyOf(args.subList(i, args.size())), List.copyOf(mounts),
                    List.copyOf(env), List.copyOf(drives));
        }

        /** The value of option {@code name} at {@code i} ({@code --name VALUE} or {@code --name=VALUE}), or null. */
        private static String value(List<String> args, int i, String name) throws UsageException {
            String a = args.get(i);
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
            if (!a.equals(name)) {
                return null;
            }
            if (i + 1 >= args.size()) {
                throw new UsageException(name + " needs a value");
            }
            return args.get(i + 1);
        }

        /** Checks a mount: HOST:GUEST[:ro] with an existing host directory; HOST is made absolute. */
        private static String mount(String spec) throws UsageException {
            String[] parts = spec.split(":", -1);
            if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || !parts[1].startsWith("/")
                    || parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw")) {
                throw new UsageException("--mount needs HOST:GUEST[:ro] (GUEST an absolute guest path), not '" + spec
                        + "'");
            }
            Path host = Path.of(parts[0]).toAbsolutePath().normalize();
            if (!Files.isDirectory(host)) {
                throw new UsageException("--mount " + spec + ": " + parts[0] + " is not a directory");
            }
            return host + spec.substring(parts[0].length());
        }

        /** The configuration the flags stand for, on top of the configuration files'. */
        void configure(Configs configs) {
            configs.append("io.pico.linux", "mounts", mounts);
            configs.append("io.pico.posix", "mounts", mounts);
            for (String pid : List.of("io.pico.linux", "io.pico.posix", "io.pico.os2")) {
                configs.append(pid, "env", env);
            }
            configs.append("io.pico.os2", "drives", drives);
        }
    }

    private static int runProgram(RunOptions options) throws Exception {
        // a signal while the runtime starts ends the launcher as it would end the guest (128+signal); from the
        // call of the launcher service on, signals go into the queue and the shell bundle delivers them
        BlockingQueue<String> signals = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicBoolean calling = new java.util.concurrent.atomic.AtomicBoolean();
        Map<String, Integer> numbers = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "TERM", 15);
        numbers.forEach((name, number) -> Signals.forward(name, () -> {
            if (calling.get()) {
                signals.offer(name);
            } else {
                PicoRuntime.exit(128 + number);
            }
        }));
        Configs configs = Configs.fromSystem();
        options.configure(configs);
        PicoRuntime runtime = PicoRuntime.start(PicoRuntime.Mode.RUN);
        timing("framework started");
        runtime.configure(configs);
        Function<Object, Object> launcher = runtime.launcher();
        timing("launcher service");
        Map<String, Object> request = new HashMap<>();
        request.put("argv", new ArrayList<>(options.argv()));
        if (options.root() != null) {
            request.put("root", options.root().toString());
        }
        request.put("strace", options.strace());
        request.put("cwd", System.getProperty("user.dir"));
        request.put("env", new HashMap<>(System.getenv()));
        request.put("signals", signals);
        calling.set(true);
        Object result = launcher.apply(request);
        timing("guest ended");
        int status = result instanceof Integer s ? s : FAILED;
        if (!(result instanceof Integer)) {
            ERR.println("pico: the launcher service returned " + result + " instead of an exit status");
        }
        runtime.stop();
        timing("framework stopped");
        return status;
    }

    /** With -Dpico.debug=true: milliseconds since the JVM started, on stderr. */
    static void timing(String what) {
        if (DEBUG) {
            ERR.printf("pico: %5d ms %s%n", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(), what);
        }
    }

    private static int shell(List<String> args) throws Exception {
        int web = webPort(Integer.getInteger("pico.web.port", -1), "-Dpico.web.port");
        if (!args.isEmpty() && (args.get(0).equals("--web") || args.get(0).startsWith("--web="))) {
            String port;
            if (args.get(0).equals("--web")) {
                if (args.size() < 2) {
                    throw new UsageException("--web needs a port");
                }
                port = args.get(1);
                args = args.subList(2, args.size());
            } else {
                port = args.get(0).substring("--web=".length());
                args = args.subList(1, args.size());
            }
            try {
                web = webPort(Integer.parseInt(port), "--web");
            } catch (NumberFormatException e) {
                throw new UsageException("--web needs a port number, not '" + port + "'");
            }
        }
        Configs configs = Configs.fromSystem();
        if (args.isEmpty()) {
            PicoRuntime runtime = PicoRuntime.start(PicoRuntime.Mode.SHELL, web);
            runtime.configure(configs);
            return runtime.awaitStop();
        }
        if (!args.get(0).equals("-c")) {
            throw new UsageException("unknown shell option " + args.get(0));
        }
        if (args.size() < 2) {
            throw new UsageException("-c needs a command line");
        }
        String commands = String.join(" ", args.subList(1, args.size()));
        PicoRuntime runtime = PicoRuntime.start(PicoRuntime.Mode.COMMAND, web);
        runtime.configure(configs);
        int status = execute(runtime.commandProcessor(), commands);
        runtime.stop();
        return status;
    }

    /** A web console port: -1 (off), or 0 (any free port) to 65535. */
    private static int webPort(int port, String option) throws UsageException {
        if (port < -1 || port > 65535) {
            throw new UsageException(option + " needs a port from 0 to 65535, not " + port);
        }
        return port;
    }

    /**
     * Runs a Gogo command line in a new session, printing its formatted result; 0, or 1 when it throws. While
     * it runs, ^C interrupts the session's foreground job as the interactive shell does (pico:run passes that
     * on to its guest as INT) and the launcher exits with 130; TERM and HUP end the launcher with 128+signal.
     */
    static int execute(Object processor, String commands) throws Exception {
        Object session = Reflect.call(processor, "createSession",
                new Class<?>[] {InputStream.class, OutputStream.class, OutputStream.class}, IN, OUT, ERR);
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Signals.forward("INT", () -> {
            interrupted.set(true);
            interruptForegroundJob(session);
        });
        Signals.forward("TERM", () -> PicoRuntime.exit(128 + 15));
        Signals.forward("HUP", () -> PicoRuntime.exit(128 + 1));
        try {
            // each statement's result is printed, as the interactive shell does line by line
            for (String statement : statements(commands)) {
                Object result;
                try {
                    result = Reflect.call(session, "execute", new Class<?>[] {CharSequence.class}, statement);
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (interrupted.get() && cause instanceof InterruptedException) {
                        return 128 + 2; // ^C ended the command line, as in a shell
                    }
                    if (PicoRuntime.exiting()) {
                        return 1; // TERM or HUP: the commands fail because the framework stops; nothing to add
                    }
                    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                    ERR.println("pico: " + message);
                    return 1;
                }
                if (result != null) {
                    // Converter.INSPECT = 0, as the interactive shell prints results
                    Object text = Reflect.call(session, "format", new Class<?>[] {Object.class, int.class}, result,
                            0);
                    if (text != null) {
                        String s = text.toString();
                        OUT.print(s.endsWith("\n") ? s : s + "\n");
                    }
                }
                OUT.flush();
            }
            OUT.flush();
            return 0;
        } finally {
            try {
                Reflect.call(session, "close", new Class<?>[0]);
            } catch (Exception e) {
                // the session is gone with the framework anyway
            }
        }
    }

    /**
     * Splits a command line into its statements at the semicolons and newlines that stand outside quotes,
     * braces, brackets and parentheses, so that each statement's result can be printed.
     */
    static java.util.List<String> statements(String commands) {
        java.util.List<String> result = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < commands.length(); i++) {
            char c = commands.charAt(i);
            if (quote != 0) {
                if (c == '\\' && i + 1 < commands.length()) {
                    current.append(c).append(commands.charAt(++i));
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                depth--;
            } else if ((c == ';' || c == '\n') && depth == 0) {
                if (!current.toString().isBlank()) {
                    result.add(current.toString().trim());
                }
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().trim());
        }
        return result;
    }

    private static void interruptForegroundJob(Object session) {
        try {
            Object job = Reflect.call(session, "foregroundJob", new Class<?>[0]);
            if (job != null) {
                Reflect.call(job, "interrupt", new Class<?>[0]);
            }
        } catch (Exception e) {
            ERR.println("pico: cannot interrupt the command: " + e);
        }
    }

    private static Charset charset() {
        String enc = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        try {
            return enc != null ? Charset.forName(enc) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** Bad usage: the message (may be empty) and the usage line go to stderr, exit 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The runtime did not come up: the message goes to stderr, exit 125. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }

        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static long deadline(long seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }
}
