package io.pico.posix.core;

import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.ResourceLimitException;
import io.pico.api.VetoException;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * execve of an image another personality claims (an OS/2 LX program, a Linux ELF for FreeBSD, a FreeBSD ELF for
 * Linux), as Linux and FreeBSD share it: the calling process starts it as a child pico process under that
 * personality's provider, with its descriptors 0, 1 and 2 as the child's standard handles (the kernel objects
 * themselves, so pipes connect them), its working directory and its environment; then it stays behind as the
 * program's stand-in, which ends with the child's status in its own personality's terms, and whose end (SIGINT,
 * SIGKILL ...) kills the child: to its parent shell it is the program. Process observers see both steps, the exec
 * of the calling process and the start of the child; a veto of either is EACCES. What differs per ABI is the
 * system call numbers of the stand-in's tiny program ({@link StandInCalls}).
 *
 * @since 2.6
 */
public final class ForeignExec {

    /**
     * The system call numbers the stand-in's program uses, in the personality's ABI (x86-64 {@code syscall}, the
     * number in rax, arguments in rdi, rsi, rdx; a result that is not the count read, whatever its error
     * convention, makes it read again).
     */
    public record StandInCalls(int read, int getpid, int kill, int exit) {
    }

    /** Linux numbers the signals 1 to 15 so; the POSIX personalities and OS/2's provider number them as Linux does. */
    private static final String[] COMMON = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM"};

    private ForeignExec() {
    }

    /**
     * The foreign-exec path of execve, after the personality's loader has declined the file: ENOEXEC when no
     * other personality claims it either, an error when the child cannot start, else 0 (the call does not
     * return: the calling process is the child's stand-in from now on).
     */
    public static long exec(Call c, GuestFs.Resolved r, String name, List<String> argv, List<String> env,
            StandInCalls calls) throws IOException {
        Image image = c.kernel().image(c.fs().secure(r), r.guest());
        Optional<String> personality = c.kernel().personalityOf(image);
        if (personality.isEmpty() || personality.get().equals(c.abi().personality())) {
            throw Errno.ENOEXEC.error();
        }
        try {
            // the calling process gives up its image for this one: the observers see it as an exec
            c.kernel().imageStarting(c.process(), image, argv);
        } catch (VetoException e) {
            throw Errno.EACCES.error();
        }
        IoObject[] stdio = new IoObject[3];
        boolean[] made = new boolean[3];
        FdTable fds = c.fds();
        for (int fd = 0; fd < 3; fd++) {
            FdTable.Fd d = fds.entry(fd);
            OpenFile f = d == null ? null : d.file();
            if (f != null && f.io() != null) {
                stdio[fd] = f.io();
            } else {
                // closed, or a descriptor without a kernel object (eventfd, /proc): the child gets a dead end
                stdio[fd] = c.kernel().hostStream(null, null, false);
                made[fd] = true;
            }
        }
        // the pipe the stand-in reads the child's status from, installed while an error can still be returned
        IoObject[] status = c.kernel().pipe();
        OpenFile statusEnd = OpenFile.adopt(c.process(), status[0], null, false, OpenFile.READ);
        int statusFd;
        try {
            statusFd = fds.install(statusEnd, false, 10);
        } catch (RuntimeException e) {
            statusEnd.discard();
            status[1].release();
            throw e;
        }
        PicoProcess child = null;
        try {
            child = c.kernel().spawn(new Launch(r.guest(), argv, environment(env, personality.get()),
                    c.state().cwd(), c.process().root(), stdio, c.process().trace().orElse(null), c.process().pid()));
        } catch (ImageException e) {
            c.log("execve of " + name + " under " + personality.get() + " failed: " + e.getMessage());
            if (e.getMessage() != null && e.getMessage().contains(": Permission denied")) {
                throw Errno.EACCES.error(); // an observer vetoed the child process
            }
            throw (e.status() == ImageException.NOT_FOUND ? Errno.ENOENT : Errno.ENOEXEC).error();
        } catch (ResourceLimitException e) {
            throw Errno.EAGAIN.error();
        } finally {
            for (int fd = 0; fd < 3; fd++) {
                if (made[fd]) {
                    stdio[fd].release();
                }
            }
            if (child == null) {
                fds.close(statusFd);
                status[1].release();
            }
        }
        // the point of no return: the child runs; this process becomes its stand-in
        c.noReturn();
        StandIn.become(c, r.guest(), argv, env, statusFd, child, status[1], calls);
        return 0;
    }

    /** The environment as a map, with PATH in the target's terms (OS/2: C: drive paths separated by semicolons). */
    public static Map<String, String> environment(List<String> env, String personality) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String s : env) {
            int eq = s.indexOf('=');
            if (eq > 0 && !result.containsKey(s.substring(0, eq))) {
                result.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        String path = result.get("PATH");
        if (path != null && personality.equals("os2")) {
            StringBuilder sb = new StringBuilder();
            for (String dir : path.split(":")) {
                if (dir.startsWith("/")) {
                    sb.append(sb.length() == 0 ? "" : ";").append("C:").append(dir.replace('/', '\\'));
                }
            }
            result.put("PATH", sb.toString());
        }
        return result;
    }

    /**
     * A child's status in the stand-in's terms: an exit code as it is; signals 1 to 15, which the personalities
     * number as Linux does, as the signal of that name in {@code signals}; any other signal (or one the table
     * lacks) as the exit code a shell shows for it (128 + the number).
     */
    public static ExitStatus status(ExitStatus s, SignalTable signals) {
        if (!s.signalled()) {
            return ExitStatus.exited(s.code());
        }
        if (s.signal() >= 1 && s.signal() < COMMON.length) {
            try {
                return ExitStatus.signalled(signals.number(COMMON[s.signal()]), s.reason());
            } catch (IllegalArgumentException none) {
                // no such signal here: as a shell shows it
            }
        }
        return ExitStatus.exited(Math.min(255, 128 + s.signal()));
    }
}
