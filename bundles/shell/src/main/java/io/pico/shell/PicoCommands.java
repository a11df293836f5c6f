package io.pico.shell;

import io.pico.api.CallInfo;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.ProviderInfo;
import io.pico.api.Support;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code pico:} commands of the Gogo shell. */
@Component(service = PicoCommands.class, property = {"osgi.command.scope=pico",
    "osgi.command.function=ps", "osgi.command.function=run", "osgi.command.function=kill",
    "osgi.command.function=wait", "osgi.command.function=providers", "osgi.command.function=syscalls"})
public final class PicoCommands {

    private final Kernel kernel;
    private final Runner runner;

    /** Commands over the kernel. */
    @Activate
    public PicoCommands(@Reference Kernel kernel) {
        this.kernel = kernel;
        this.runner = new Runner(kernel);
    }

    /** Lists pico processes. */
    @Descriptor("list pico processes: pid, parent, personality, state, threads, command")
    public Table ps() {
        Table t = new Table("PID", "PPID", "PERSONALITY", "STATE", "THREADS", "COMMAND");
        for (PicoProcess p : kernel.processes()) {
            String state = p.exitStatus().map(s -> "EXITED(" + s + ")").orElse(p.state().name());
            t.row(p.pid(), p.parentPid(), p.personality(), state, p.threads().size(), String.join(" ", p.command()));
        }
        return t;
    }

    /** Runs a guest program. */
    @Descriptor("run a guest program; the personality is chosen from the image. Prints the pid in the "
            + "background, else returns the exit status")
    public Object run(
            @Descriptor("return at once and print the new pid") @Parameter(names = {"-b", "--background"},
                    presentValue = "true", absentValue = "false") boolean background,
            @Descriptor("send stdout and stderr to this host file") @Parameter(names = {"-o", "--out"},
                    absentValue = "") String out,
            @Descriptor("confine the guest's file system to this host directory") @Parameter(names = {"-r",
                "--root"}, absentValue = "/") String root,
            @Descriptor("trace system calls to stderr") @Parameter(names = {"-s", "--strace"},
                    presentValue = "true", absentValue = "false") boolean strace,
            @Descriptor("the program (a guest path) and its arguments") String... command)
            throws IOException, ImageException {
        PrintStream err = System.err;
        OutputStream stdout = System.out;
        OutputStream stderr = System.err;
        if (!out.isEmpty()) {
            FileOutputStream file = new FileOutputStream(out);
            stdout = file;
            stderr = file;
            err = new PrintStream(file, true);
        }
        InputStream stdin = background ? InputStream.nullInputStream() : System.in;
        Runner.Stdio stdio = new Runner.Stdio(stdin, stdout, stderr, false, false, false);
        PicoProcess p = runner.start(Arrays.asList(command), Path.of(root), System.getProperty("user.dir"),
                System.getenv(), stdio, strace ? err : null);
        if (background) {
            return p.pid();
        }
        return runner.await(p, null, err);
    }

    /** Sends a signal. */
    @Descriptor("send a signal, named in the process's personality's terms (default TERM)")
    public String kill(@Descriptor("the process id") int pid,
            @Descriptor("the signal: a name such as TERM, INT, KILL or a number") String signal) {
        kernel.signal(pid, signal);
        return "sent " + signal + " to " + pid;
    }

    /** Sends TERM. */
    @Descriptor("send TERM to a process")
    public String kill(@Descriptor("the process id") int pid) {
        return kill(pid, "TERM");
    }

    /** Waits for a process. */
    @Descriptor("wait for a process to end, print its exit status and remove it from the process table")
    public String wait(@Descriptor("the process id") int pid) throws InterruptedException {
        Optional<PicoProcess> p = kernel.process(pid);
        if (p.isEmpty()) {
            throw new IllegalArgumentException("no process " + pid);
        }
        ExitStatus status = p.get().waitFor();
        kernel.reap(pid);
        return pid + ": " + status + " (status " + status.shellStatus() + ")";
    }

    /** Lists providers. */
    @Descriptor("list personality providers: bundle, version, image formats, system call coverage")
    public Table providers() {
        Table t = new Table("PERSONALITY", "BUNDLE", "VERSION", "COVERAGE", "FORMATS");
        for (ProviderInfo p : kernel.providers()) {
            t.row(p.personality(), p.bundle(), p.version(),
                    p.full() + " full, " + p.partial() + " partial of " + p.total(), String.join("; ", p.formats()));
        }
        t.footer("engine: " + kernel.engine());
        return t;
    }

    /** Prints the support matrix. */
    @Descriptor("print the system call support matrix of a personality")
    public Table syscalls(
            @Descriptor("only calls of this support level: full, partial or missing") @Parameter(names = {"-l",
                "--level"}, absentValue = "") String level,
            @Descriptor("the personality, e.g. linux") String personality) {
        List<CallInfo> calls = kernel.calls(personality);
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("no provider for personality " + personality);
        }
        Table t = new Table("TABLE", "NUMBER", "NAME", "SUPPORT", "NOTE");
        for (CallInfo c : calls) {
            if (level.isEmpty() || c.support().name().equalsIgnoreCase(level)) {
                t.row(c.table(), c.number(), c.name(), c.support().name().toLowerCase(), c.note());
            }
        }
        long full = calls.stream().filter(c -> c.support() == Support.FULL).count();
        long partial = calls.stream().filter(c -> c.support() == Support.PARTIAL).count();
        t.footer(personality + ": " + full + " full, " + partial + " partial, " + (calls.size() - full - partial)
                + " missing");
        return t;
    }
}
