package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.linux.ProgramLoader;
import io.pico.posix.core.Exec;
import io.pico.posix.core.ForeignExec;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;
import java.util.List;

/**
 * Replacing the program of the calling process: execve and execveat on the POSIX core's {@link Exec} (#! scripts,
 * the checks, the observers' veto, the point of no return) with Linux's {@link ProgramLoader}; an image another
 * personality claims goes to the core's {@link ForeignExec}.
 */
final class ExecCalls {

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    /** The stand-in of a foreign exec reads, getpid, kill and exit_group with Linux's numbers. */
    private static final ForeignExec.StandInCalls STAND_IN = new ForeignExec.StandInCalls(0, 39, 62, 231);
    private static final String NOTE = "Linux ELF programs and #! scripts; an image another personality claims runs as a"
            + " child process the caller stands in for";

    private ExecCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(59, "spp=!", c -> execve(c, OpenCalls.AT_FDCWD, c.path(0), c.arg(1), c.arg(2), 0), NOTE);
        t.partial(322, "fsppx=!", c -> execve(c, c.intArg(0), c.string(c.arg(1), Call.PATH_MAX), c.arg(2), c.arg(3),
                c.intArg(4)), NOTE);
    }

    /** Implements Linux execve(2) and execveat(2). */
    private static long execve(Call c, int dirfd, String path, long argvPtr, long envpPtr, int flags)
            throws IOException {
        io.pico.posix.core.Call core = c.core();
        List<String> argv = Exec.strings(core, argvPtr);
        List<String> env = Exec.strings(core, envpPtr);
        GuestFs.Resolved r = path.isEmpty() && (flags & AT_EMPTY_PATH) != 0 ? fdPath(c, dirfd)
                : OpenCalls.at(c, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
        String name = path.isEmpty() ? r.guest() : path;
        ProgramLoader loader = new ProgramLoader((image, shown, args, environment) -> ForeignExec.exec(core, image,
                shown, args, environment, STAND_IN));
        try {
            return Exec.execve(core, r, name, argv, env, loader);
        } finally {
            if (!core.returns()) {
                c.noReturn();
            }
        }
    }

    private static GuestFs.Resolved fdPath(Call c, int fd) {
        io.pico.posix.core.OpenFile f = c.state().fds().get(fd);
        if (f.hostPath() == null || f.guestPath() == null) {
            throw Errno.error(Errno.EACCES);
        }
        return c.fs().described(f.guestPath(), f.hostPath());
    }
}
