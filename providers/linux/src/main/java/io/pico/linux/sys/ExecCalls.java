package io.pico.linux.sys;

import io.pico.api.AddressSpace;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxProvider;
import io.pico.linux.LinuxThread;
import io.pico.linux.ProgramLoader;
import io.pico.linux.Signals;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Replacing the program of the calling process: execve and execveat, with #! scripts. */
final class ExecCalls {

    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int MAX_ARGS = 0x20000;
    private static final int MAX_SCRIPT_DEPTH = 4;
    private static final Register[] CLEARED = {Register.RAX, Register.RBX, Register.RCX, Register.RDX, Register.RSI,
        Register.RDI, Register.RBP, Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13,
        Register.R14, Register.R15, Register.FS_BASE, Register.GS_BASE};
    private static final String NOTE = "Linux ELF programs and #! scripts; an image another personality claims runs as a"
            + " child process the caller stands in for";

    private ExecCalls() {
    }

    static void register(SyscallTable t) {
        t.partial(59, "spp=!", c -> execve(c, OpenCalls.AT_FDCWD, c.path(0), c.arg(1), c.arg(2), 0), NOTE);
        t.partial(322, "fsppx=!", c -> execve(c, c.intArg(0), c.string(c.arg(1), Call.PATH_MAX), c.arg(2), c.arg(3),
                c.intArg(4)), NOTE);
    }

    /** Reads a NULL-terminated array of string pointers. */
    private static List<String> strings(Call c, long array) {
        List<String> result = new ArrayList<>();
        if (array == 0) {
            return result;
        }
        for (int i = 0; i < MAX_ARGS; i++) {
            long p = c.mem().getLong(array + 8L * i);
            if (p == 0) {
                return result;
            }
            result.add(c.string(p, 128 * 1024));
        }
        throw Errno.error(Errno.E2BIG);
    }

    /** Implements Linux execve(2) and execveat(2). */
    private static long execve(Call c, int dirfd, String path, long argvPtr, long envpPtr, int flags)
            throws IOException {
        List<String> argv = strings(c, argvPtr);
        List<String> env = strings(c, envpPtr);
        GuestFs.Resolved r = path.isEmpty() && (flags & AT_EMPTY_PATH) != 0 ? fdPath(c, dirfd)
                : OpenCalls.at(c, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
        String name = path.isEmpty() ? r.guest() : path;
        for (int depth = 0;; depth++) {
            if (r.synthetic()) {
                return -Errno.EACCES;
            }
            Path host = c.fs().secure(r); // the host follows no link on the way
            if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                return -Errno.ENOENT;
            }
            if (!Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS) || !Files.isExecutable(host)) {
                return -Errno.EACCES;
            }
            byte[] head = new byte[256];
            int n;
            try (InputStream in = Files.newInputStream(host, LinkOption.NOFOLLOW_LINKS)) {
                n = in.readNBytes(head, 0, head.length);
            }
            if (n >= 2 && head[0] == '#' && head[1] == '!') {
                if (depth >= MAX_SCRIPT_DEPTH) {
                    return -Errno.ELOOP;
                }
                String[] interp = shebang(head, n);
                if (interp == null) {
                    return -Errno.ENOEXEC;
                }
                List<String> next = new ArrayList<>();
                next.add(interp[0]);
                if (interp[1] != null) {
                    next.add(interp[1]);
                }
                next.add(name);
                next.addAll(argv.isEmpty() ? List.of() : argv.subList(1, argv.size()));
                argv = next;
                name = interp[0];
                r = c.fs().resolve(c.state().cwd(), interp[0], true);
                continue;
            }
            if (!LinuxProvider.claimsHeader(java.util.Arrays.copyOf(head, n))) {
                if (ProgramLoader.stringBytes(name, argv, env) > io.pico.posix.core.elf.StackBuilder.MAX_STRINGS) {
                    return -Errno.E2BIG;
                }
                return ForeignExec.exec(c, r, name, argv, env);
            }
            break;
        }
        if (ProgramLoader.stringBytes(name, argv, env) > io.pico.posix.core.elf.StackBuilder.MAX_STRINGS) {
            return -Errno.E2BIG;
        }
        ProgramLoader.Program program;
        try {
            program = ProgramLoader.prepare(c.fs(), c.state().cwd(), name, r.guest(), c.fs().secure(r));
        } catch (ImageException e) {
            return e.status() == ImageException.NOT_FOUND ? -Errno.ENOENT : -Errno.ENOEXEC;
        }
        try {
            c.kernel().imageStarting(c.process(), c.kernel().image(c.fs().secure(r), name), argv);
        } catch (io.pico.api.VetoException e) {
            return -Errno.EACCES;
        }
        c.noReturn();
        List<String> finalArgv = argv;
        // the program is loaded after the call, through the directories opened now
        AutoCloseable opened = io.pico.posix.core.fs.HostDirs.detach();
        c.thread().defer(() -> {
            try (opened) {
                replace(c, program, finalArgv, env);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                // closing directory streams
            }
        });
        return 0;
    }

    private static GuestFs.Resolved fdPath(Call c, int fd) {
        io.pico.posix.core.OpenFile f = c.state().fds().get(fd);
        if (f.hostPath() == null || f.guestPath() == null) {
            throw Errno.error(Errno.EACCES);
        }
        return c.fs().described(f.guestPath(), f.hostPath());
    }

    /** The interpreter and its optional single argument of a #! line, or null when there is none. */
    static String[] shebang(byte[] head, int n) {
        int end = 2;
        while (end < n && head[end] != '\n') {
            end++;
        }
        String line = new String(head, 2, end - 2, StandardCharsets.UTF_8).strip();
        if (line.isEmpty()) {
            return null;
        }
        int space = line.indexOf(' ');
        int tab = line.indexOf('\t');
        int split = space < 0 ? tab : tab < 0 ? space : Math.min(space, tab);
        if (split < 0) {
            return new String[] {line, null};
        }
        String arg = line.substring(split + 1).strip();
        return new String[] {line.substring(0, split), arg.isEmpty() ? null : arg};
    }

    /** The point of no return: the old program goes, the new one is loaded into the same process. */
    private static void replace(Call c, ProgramLoader.Program program, List<String> argv, List<String> env) {
        PicoThread self = c.thread();
        c.state().vforkRelease();
        for (PicoThread t : c.process().threads()) {
            if (t != self) {
                t.exit();
            }
        }
        AddressSpace mem = c.mem();
        for (AddressSpace.Region region : mem.regions()) {
            mem.unmap(region.start(), region.end() - region.start());
        }
        LinuxProcess state = c.state();
        state.exec(program.guest(), argv, env); // the core's exec closes the close-on-exec descriptors
        LinuxThread ts = c.threadState();
        ts.clearChildTid(0);
        ts.robustList(0, 0);
        ts.sigaltstack(0, 2, 0);
        ProgramLoader.Start start;
        try {
            start = ProgramLoader.load(program, state, argv, env);
            state.reportImages(c.kernel());
        } catch (ImageException e) {
            c.kernel().log("linux: pid " + c.process().pid() + ": execve failed after the point of no return: "
                    + e.getMessage());
            c.process().exit(ExitStatus.signalled(Signals.SIGKILL, "exec failed: " + e.getMessage()));
            return;
        }
        for (Register reg : CLEARED) {
            self.set(reg, 0);
        }
        self.set(Register.RFLAGS, 0x202);
        self.set(Register.RSP, start.sp());
        self.set(Register.RIP, start.pc());
        c.process().command(argv);
    }
}
