package io.pico.posix.sys;

import io.pico.api.ExitStatus;
import io.pico.api.Register;
import io.pico.posix.FreeBsdConvention;
import io.pico.posix.Loader;
import io.pico.posix.core.Call;
import io.pico.posix.core.Children;
import io.pico.posix.core.Errno;
import io.pico.posix.core.Exec;
import io.pico.posix.core.Files;
import io.pico.posix.core.Forks;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
import java.util.List;

/** Process life: exit, fork and its relatives, wait4 and wait6, execve and fexecve. */
final class ProcessCalls {

    private static final int WNOHANG = 1;
    private static final int WUNTRACED = 2;
    private static final int WCONTINUED = 4;
    private static final int WNOWAIT = 8;
    private static final int WEXITED = 16;
    private static final int WTRAPPED = 32;
    /** FreeBSD's wait status of a child that went on after a stop (_WCONTINUED, SIGCONT's number). */
    private static final int STATUS_CONTINUED = 0x13;
    private static final int RFPROC = 1 << 4;
    private static final int RFMEM = 1 << 5;
    private static final int RFTHREAD = 1 << 13;
    private static final int RFSIGSHARE = 1 << 14;
    private static final int RFLINUXTHPN = 1 << 16;
    private static final int P_PID = 0;
    private static final int P_PGID = 2;
    private static final int P_ALL = 7;
    private static final Loader LOADER = new Loader();
    private static final String EXEC_NOTE = "FreeBSD ELF programs and #! scripts; an image another personality claims runs"
            + " as a child process the caller stands in for";

    private ProcessCalls() {
    }

    static void register(io.pico.posix.core.sys.SyscallTable t) {
        t.partial(0, "d", c -> fail(), "indirect: the convention dispatches the call its first argument names");
        t.partial(198, "l", c -> fail(), "indirect: the convention dispatches the call its first argument names");
        t.full(1, "d=X", ProcessCalls::exit);
        t.full(2, "", ProcessCalls::fork);
        t.partial(66, "", ProcessCalls::fork, "a full copy, as fork (the parent does not wait)");
        t.partial(251, "x", ProcessCalls::rfork, "RFPROC with the default sharing (fork); thread forms give EINVAL");
        t.partial(7, "dpdp", c -> wait4(c, c.intArg(0), c.arg(1), c.intArg(2), c.arg(3)),
                "WTRAPPED reports nothing (no tracing)");
        t.partial(532, "dldppp", ProcessCalls::wait6, "P_PID, P_PGID and P_ALL; no siginfo details beyond pid, "
                + "code, status and signal; the second rusage (the grandchildren's) is zero");
        t.partial(59, "spp=!", c -> execve(c, Files.at(c, c.abi().atFdCwd(), c.path(0), true), c.path(0), c.arg(1),
                c.arg(2)), EXEC_NOTE);
        t.partial(492, "dpp=!", ProcessCalls::fexecve, EXEC_NOTE);
    }

    /** syscall(0) and __syscall(0): an indirect call of the indirect call itself. */
    private static long fail() {
        throw Errno.ENOSYS.error();
    }

    /** Implements FreeBSD exit(2): ends the process with every thread. */
    private static long exit(Call c) {
        c.noReturn();
        c.process().exit(ExitStatus.exited(c.intArg(0)));
        return 0;
    }

    /** Implements FreeBSD fork(2) and vfork(2): the child returns 0 with rdx 1, the parent the pid with rdx 0. */
    private static long fork(Call c) {
        int pid = Forks.fork(c, child -> {
            child.set(Register.RAX, 0);
            child.set(Register.RDX, 1);
            child.set(Register.RFLAGS, child.get(Register.RFLAGS) & ~FreeBsdConvention.PSL_C);
        });
        c.secondResult(0);
        return pid;
    }

    /** Implements FreeBSD rfork(2) for new processes with the default sharing. */
    private static long rfork(Call c) {
        int flags = c.intArg(0);
        if ((flags & RFPROC) == 0 || (flags & (RFMEM | RFTHREAD | RFSIGSHARE | RFLINUXTHPN)) != 0) {
            throw Errno.EINVAL.error();
        }
        return fork(c);
    }

    /** FreeBSD's wait options as the core's {@link Children} bits (WTRAPPED changes nothing). */
    private static int coreOptions(int options) {
        return ((options & WNOHANG) != 0 ? Children.WNOHANG : 0) | ((options & WUNTRACED) != 0 ? Children.WSTOPPED : 0)
                | ((options & WEXITED) != 0 ? Children.WEXITED : 0)
                | ((options & WCONTINUED) != 0 ? Children.WCONTINUED : 0)
                | ((options & WNOWAIT) != 0 ? Children.WNOWAIT : 0);
    }

    /** The wait status word in FreeBSD's encoding (Linux's but for a continue). */
    private static int status(Children.Event e) {
        return e.kind() == Children.Kind.CONTINUED ? STATUS_CONTINUED : e.status();
    }

    /** Implements FreeBSD wait4(2). */
    private static long wait4(Call c, int pid, long status, int options, long rusage) throws InterruptedException {
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOWAIT | WEXITED | WTRAPPED)) != 0) {
            throw Errno.EINVAL.error();
        }
        Children.Event e = Children.await(c, pid, coreOptions(options | WEXITED));
        if (e == null) {
            return 0;
        }
        if (status != 0) {
            c.mem().putInt(status, status(e));
        }
        if (rusage != 0) {
            io.pico.posix.core.Clock.putRusage(c.mem(), rusage, e.cpuNanos());
        }
        return e.pid();
    }

    /** Implements FreeBSD wait6(2): status, rusage of the child, siginfo with signal, code, pid and status. */
    private static long wait6(Call c) throws InterruptedException {
        int idtype = c.intArg(0);
        long id = c.arg(1);
        int options = c.intArg(3);
        int pid = switch (idtype) {
            case P_PID -> (int) id;
            case P_PGID -> id == 0 ? 0 : (int) -id;
            case P_ALL -> -1;
            default -> throw Errno.EINVAL.error();
        };
        if ((options & (WEXITED | WUNTRACED | WCONTINUED | WTRAPPED)) == 0) {
            throw Errno.EINVAL.error();
        }
        Children.Event e = Children.await(c, pid, coreOptions(options));
        if (e == null) {
            return 0;
        }
        if (c.arg(2) != 0) {
            c.mem().putInt(c.arg(2), status(e));
        }
        if (c.arg(4) != 0) {
            c.write(c.arg(4), new byte[2 * Structs.RUSAGE_SIZE]);
            io.pico.posix.core.Clock.putRusage(c.mem(), c.arg(4), e.cpuNanos());
        }
        if (c.arg(5) != 0) {
            byte[] si = new byte[80];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(si).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putInt(0, c.abi().signals().number("CHLD"));
            b.putInt(8, e.kind().code());
            b.putInt(12, e.pid());
            b.putInt(20, e.kind() == Children.Kind.CONTINUED ? c.abi().signals().number("CONT") : e.value());
            c.write(c.arg(5), si);
        }
        return e.pid();
    }

    /** Implements FreeBSD execve(2). */
    private static long execve(Call c, GuestFs.Resolved r, String name, long argv, long envp) throws IOException {
        List<String> args = Exec.strings(c, argv);
        List<String> env = Exec.strings(c, envp);
        if (Loader.stringBytes(r.guest(), args, env) > io.pico.posix.core.elf.StackBuilder.MAX_STRINGS) {
            throw Errno.E2BIG.error();
        }
        return Exec.execve(c, r, name, args, env, LOADER);
    }

    /** Implements FreeBSD fexecve(2): the program behind a descriptor. */
    private static long fexecve(Call c) throws IOException {
        OpenFile f = c.fds().get(c.intArg(0));
        if (f.hostPath() == null || f.guestPath() == null || f.directory()) {
            throw Errno.EACCES.error();
        }
        // found again by its guest path (the host reaches it without following links), not by a stored host path
        return execve(c, Files.of(c, c.intArg(0)), f.guestPath(), c.arg(1), c.arg(2));
    }
}
