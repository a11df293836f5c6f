package io.pico.linux.sys;

import io.pico.linux.LinuxAbi;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.ResourceLimitException;
import io.pico.api.VetoException;
import io.pico.linux.Errno;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * execve of an image another personality claims (an OS/2 LX program, a FreeBSD ELF): the calling process
 * starts it as a child pico process under that personality's provider, with its descriptors 0, 1 and 2 as
 * the child's standard handles (the kernel objects themselves, so pipes connect them), its working
 * directory and its environment; then it stays behind as the program's {@link StandIn}, which ends with the
 * child's status in Linux terms, and whose end (SIGINT, SIGKILL ...) kills the child: to its parent shell it
 * is the program. Process observers see both steps, the exec of the calling process and the start of the
 * child; a veto of either is EACCES.
 */
final class ForeignExec {

    private ForeignExec() {
    }

    /**
     * The foreign-exec path of execve, after the Linux loaders have declined the file: -ENOEXEC when no
     * other personality claims it either, an errno when the child cannot start, else 0 (the call does not
     * return).
     */
    static long exec(Call c, GuestFs.Resolved r, String name, List<String> argv, List<String> env) throws IOException {
        Image image = c.kernel().image(c.fs().secure(r), r.guest());
        Optional<String> personality = c.kernel().personalityOf(image);
        if (personality.isEmpty() || personality.get().equals("linux")) {
            return -Errno.ENOEXEC;
        }
        try {
            // the calling process gives up its image for this one: the observers see it as an exec
            c.kernel().imageStarting(c.process(), image, argv);
        } catch (VetoException e) {
            return -Errno.EACCES;
        }
        IoObject[] stdio = new IoObject[3];
        boolean[] made = new boolean[3];
        FdTable fds = c.state().fds();
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
            child = c.kernel().spawn(new Launch(r.guest(), argv, environment(env, personality.get()), c.state().cwd(),
                    c.process().root(), stdio, c.process().trace().orElse(null), c.process().pid()));
        } catch (ImageException e) {
            c.kernel().log("linux: pid " + c.process().pid() + ": execve of " + name + " under " + personality.get()
                    + " failed: " + e.getMessage());
            if (e.getMessage() != null && e.getMessage().contains(": Permission denied")) {
                return -Errno.EACCES; // an observer vetoed the child process
            }
            return e.status() == ImageException.NOT_FOUND ? -Errno.ENOENT : -Errno.ENOEXEC;
        } catch (ResourceLimitException e) {
            return -Errno.EAGAIN;
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
        StandIn.become(c, r.guest(), argv, env, statusFd, child, status[1]);
        return 0;
    }

    /** The environment as a map, with PATH in the target's terms (OS/2: C: drive paths separated by semicolons). */
    static Map<String, String> environment(List<String> env, String personality) {
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
     * A child's status in Linux terms: an exit code as it is; signals 1 to 15, which the POSIX personalities and
     * OS/2's provider number as Linux does, as that signal; any other signal as the exit code a shell shows
     * for it (128 + the number).
     */
    static ExitStatus linuxStatus(ExitStatus s) {
        if (!s.signalled()) {
            return ExitStatus.exited(s.code());
        }
        if (s.signal() >= 1 && s.signal() <= 15) {
            return ExitStatus.signalled(s.signal(), s.reason());
        }
        return ExitStatus.exited(Math.min(255, 128 + s.signal()));
    }
}
