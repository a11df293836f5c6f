package io.pico.posix.core;

import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.api.AddressSpace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

/**
 * The process that executed a foreign image, after the point of no return: it stands in for the child that runs
 * the image under another personality. Its image is gone; a tiny program runs in its place that reads the
 * child's status from a pipe and ends with it, so that it waits, is signalled, stopped, traced and hot-swapped as
 * any program of its personality. A watcher thread writes the status when the child ends, or kills the child when
 * the stand-in ends first.
 */
final class StandIn {

    /** Where the stand-in's program goes: a page of code, then a page of data. */
    private static final long STUB = 0x10000;
    private static final Register[] CLEARED = {Register.RAX, Register.RBX, Register.RCX, Register.RDX, Register.RSI,
        Register.RDI, Register.RBP, Register.RSP, Register.R8, Register.R9, Register.R10, Register.R11, Register.R12,
        Register.R13, Register.R14, Register.R15, Register.FS_BASE, Register.GS_BASE};

    private StandIn() {
    }

    /**
     * Turns the calling process into the stand-in of {@code child}: reading its status from descriptor
     * {@code statusFd}, whose writing end {@code status} (one reference) goes to the watcher.
     */
    static void become(Call c, String guest, List<String> argv, List<String> env, int statusFd, PicoProcess child,
            IoObject status, ForeignExec.StandInCalls calls) {
        // what an exec does: the other threads and the memory go; the state starts over (close-on-exec
        // descriptors, caught signals back to their default, so that a signal that would end the program ends the
        // stand-in; the personality's own, such as a vfork parent going on)
        Exec.discardImage(c);
        c.state().exec(guest, argv, env);
        c.state().thread(c.thread()).altStack(0, 0, true);
        c.process().command(argv);
        stub(c.mem(), statusFd, calls);
        PicoThread self = c.thread();
        self.defer(() -> {
            for (Register reg : CLEARED) {
                self.set(reg, 0);
            }
            self.set(Register.RFLAGS, 0x202);
            self.set(Register.RIP, STUB);
        });
        watch(c.kernel(), c.process(), child, status, c.abi().signals());
    }

    /**
     * The stand-in's program (nasm, bits 64, org 0x10000), a page of code and a page of data, with the
     * personality's numbers:
     * <pre>
     * top:  mov eax, READ / mov edi, FD / mov esi, 0x11000 / mov edx, 8 / syscall   ; read(FD, data, 8)
     *       cmp rax, 8 / jne top                        ; interrupted (a signal, a hot-swap): again
     *       mov esi, [0x11004] / test esi, esi / jz done  ; the child's signal, 0 when it exited
     *       mov eax, GETPID / syscall / mov edi, eax / mov eax, KILL / syscall   ; kill(getpid(), signal)
     * done: mov edi, [0x11000] / mov eax, EXIT / syscall  ; exit(code): 128 + an ignored signal
     *       jmp top
     * </pre>
     * It waits as a program does: signals reach it (their defaults end it, stops stop it), a hot-swap parks and
     * resumes it, and it ends itself, on its own thread, once the watcher has written the status.
     */
    static byte[] code(int statusFd, ForeignExec.StandInCalls calls) {
        byte[] code = HexFormat.of().parseHex("b800000000bf00000000be00100100ba080000000f054883f80875e48b342504100100"
                + "85f67410b8000000000f0589c7b8000000000f058b3c2500100100b8000000000f05ebb9");
        ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1, calls.read()).putInt(6, statusFd).putInt(40, calls.getpid()).putInt(49, calls.kill())
                .putInt(63, calls.exit());
        return code;
    }

    private static void stub(AddressSpace mem, int statusFd, ForeignExec.StandInCalls calls) {
        byte[] code = code(statusFd, calls);
        long page = AddressSpace.PAGE_SIZE;
        mem.map(STUB, 2 * page, AddressSpace.READ | AddressSpace.WRITE);
        mem.write(STUB, code, 0, code.length);
        mem.protect(STUB, page, AddressSpace.READ | AddressSpace.EXEC);
    }

    /**
     * Watches the pair on a thread of its own: when the child ends, its status in the stand-in's terms goes down
     * the pipe to the stand-in (which then ends itself); when the stand-in ends first (a signal, a kill), the
     * child is killed. The child is reaped either way.
     */
    private static void watch(Kernel kernel, PicoProcess self, PicoProcess child, IoObject status,
            SignalTable signals) {
        Thread t = new Thread(() -> {
            try {
                kernel.awaitProcesses(() -> child.exitStatus().isPresent() || self.exitStatus().isPresent(), -1);
                if (self.exitStatus().isEmpty()) {
                    ExitStatus s = ForeignExec.status(child.exitStatus().orElseThrow(), signals);
                    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
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
}
