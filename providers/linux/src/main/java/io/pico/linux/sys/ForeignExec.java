package io.pico.linux.sys;

import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.api.ResourceLimitException;
import io.pico.api.VetoException;
import io.pico.linux.Errno;
import io.pico.linux.FdTable;
import io.pico.linux.LinuxProcess;
import io.pico.linux.OpenFile;
import io.pico.linux.fs.GuestFs;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * execve of an image another personality claims (an OS/2 LX program, a FreeBSD ELF): the calling process
 * starts it as a child pico process under that personality's provider, with its descriptors 0, 1 and 2 as
 * the child's standard handles (the kernel objects themselves, so pipes connect them), its working
 * directory and its environment; then it stays behind as the program's stand-in: its Linux image is gone and
 * a tiny program runs in its place that waits for the child's status on a pipe and ends with it, in Linux
 * terms. A signal that ends it (SIGINT, SIGKILL, ...) kills the child too, so to its parent
 * shell it is the program. Process observers see both steps, the exec of the calling process and the start of
 * the child; a veto of either is EACCES.
 */
final class ForeignExec {

    /** Where the stand-in's program goes: a page of code, then a page of data. */
    private static final long STUB = 0x10000;
    private static final Register[] CLEARED = {Register.RAX, Register.RBX, Register.RCX, Register.RDX, Register.RSI,
        Register.RDI, Register.RBP, Register.RSP, Register.R8, Register.R9, Register.R10, Register.R11, Register.R12,
        Register.R13, Register.R14, Register.R15, Register.FS_BASE, Register.GS_BASE};

    private ForeignExec() {
    }

    /**
     * The foreign-exec path of execve, after the Linux loaders have declined the file: -ENOEXEC when no
     * other personality claims it either, an errno when the child cannot start, else 0 (the call does not
     * return).
     */
    static long exec(Call c, GuestFs.Resolved r, String name, List<String> argv, List<String> env) throws IOException {
        Image image = c.kernel().image(r.host(), r.guest());
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
        OpenFile statusEnd = OpenFile.adopt(c.process(), status[0], null, false, OpenFile.O_RDONLY);
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
        becomeStandIn(c, r.guest(), argv, env);
        stub(c.mem(), statusFd);
        PicoThread self = c.thread();
        self.defer(() -> {
            for (Register reg : CLEARED) {
                self.set(reg, 0);
            }
            self.set(Register.RFLAGS, 0x202);
            self.set(Register.RIP, STUB);
        });
        watch(c.kernel(), c.process(), child, status[1]);
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
     * What an exec does to the calling process: a vfork parent goes on; the other threads, the memory and the
     * close-on-exec descriptors go; caught signals return to their default (so that a signal that would end
     * the program ends the stand-in); the program's name and arguments are shown.
     */
    private static void becomeStandIn(Call c, String guest, List<String> argv, List<String> env) {
        PicoProcess self = c.process();
        PicoThread me = c.thread();
        LinuxProcess state = c.state();
        state.vforkRelease();
        for (PicoThread t : self.threads()) {
            if (t != me) {
                t.exit();
            }
        }
        for (io.pico.api.AddressSpace.Region region : self.memory().regions()) {
            self.memory().unmap(region.start(), region.end() - region.start());
        }
        FdTable fds = state.fds();
        for (Map.Entry<Integer, FdTable.Fd> e : fds.all().entrySet()) {
            if (e.getValue().cloexec()) {
                fds.close(e.getKey());
            }
        }
        state.exec(guest, argv, env);
        self.command(argv);
    }

    /**
     * The stand-in's program (nasm, bits 64, org 0x10000), a page of code and a page of data:
     * <pre>
     * top:  xor eax, eax / mov edi, FD / mov esi, 0x11000 / mov edx, 8 / syscall   ; read(FD, data, 8)
     *       cmp rax, 8 / jne top                        ; interrupted (a signal, a hot-swap): again
     *       mov esi, [0x11004] / test esi, esi / jz done  ; the child's signal, 0 when it exited
     *       mov eax, 39 / syscall / mov edi, eax / mov eax, 62 / syscall   ; kill(getpid(), signal)
     * done: mov edi, [0x11000] / mov eax, 231 / syscall  ; exit_group(code): 128 + an ignored signal
     *       jmp top
     * </pre>
     * It waits as a Linux program does: signals reach it (their defaults end it, stops stop it), a hot-swap
     * parks and resumes it, and it ends itself, on its own thread, once the watcher has written the status.
     */
    private static void stub(io.pico.api.AddressSpace mem, int statusFd) {
        byte[] code = java.util.HexFormat.of().parseHex("31c0bfffffff7fbe00100100ba080000000f054883f80875e78b3425"
                + "0410010085f67410b8270000000f0589c7b83e0000000f058b3c2500100100b8e70000000f05ebbc");
        java.nio.ByteBuffer.wrap(code).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(3, statusFd);
        long page = io.pico.api.AddressSpace.PAGE_SIZE;
        mem.map(STUB, 2 * page, io.pico.api.AddressSpace.READ | io.pico.api.AddressSpace.WRITE);
        mem.write(STUB, code, 0, code.length);
        mem.protect(STUB, page, io.pico.api.AddressSpace.READ | io.pico.api.AddressSpace.EXEC);
    }

    /**
     * Watches the pair on a thread of its own: when the child ends, its status in Linux terms goes down the
     * pipe to the stand-in (which then ends itself); when the stand-in ends first (a signal, a kill), the
     * child is killed. The child is reaped either way.
     */
    private static void watch(io.pico.api.Kernel kernel, PicoProcess self, PicoProcess child, IoObject status) {
        Thread t = new Thread(() -> {
            try {
                kernel.awaitProcesses(() -> child.exitStatus().isPresent() || self.exitStatus().isPresent(), -1);
                if (self.exitStatus().isEmpty()) {
                    ExitStatus s = linuxStatus(child.exitStatus().orElseThrow());
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    b.putInt(0, s.signalled() ? 128 + s.signal() : s.code()).putInt(4, s.signal());
                    try {
                        status.write(b);
                    } catch (IOException e) {
                        // the stand-in has gone meanwhile
                    }
                } else if (child.exitStatus().isEmpty()) {
                    try {
                        kernel.signal(child.pid(), "KILL");
                    } catch (IllegalArgumentException gone) {
                        // it ended meanwhile
                    }
                }
                child.waitFor();
                kernel.reap(child.pid());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                status.release();
            }
        }, "pico-stand-in-" + self.pid());
        t.setDaemon(true);
        t.start();
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
