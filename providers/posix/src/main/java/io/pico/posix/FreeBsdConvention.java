package io.pico.posix;

import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.posix.core.sys.Convention;

/**
 * FreeBSD amd64's system call convention: the number in rax, arguments in rdi, rsi, rdx, r10, r8, r9 (then on
 * the stack for the indirect {@code syscall} and {@code __syscall}, whose number is in rdi); on return rax holds
 * the result and rdx the second result, or, with the carry flag set, rax holds a positive errno.
 */
public final class FreeBsdConvention implements Convention {

    /** The carry flag: set on failure. */
    public static final long PSL_C = 1;
    private static final int SYS_SYSCALL = 0;
    private static final int SYS___SYSCALL = 198;
    private static final Register[] ARGS = {Register.RDI, Register.RSI, Register.RDX, Register.R10, Register.R8,
        Register.R9};

    @Override
    public long number(PicoThread thread) {
        long nr = thread.get(Register.RAX);
        if (nr == SYS_SYSCALL || nr == SYS___SYSCALL) {
            long real = thread.get(Register.RDI);
            return nr == SYS_SYSCALL ? (int) real : real;
        }
        return nr;
    }

    @Override
    public void args(PicoThread thread, int count, long[] args) {
        long nr = thread.get(Register.RAX);
        if (nr == SYS_SYSCALL || nr == SYS___SYSCALL) {
            // the number took rdi: the arguments shift by one register, the sixth comes from the stack
            for (int i = 0; i < count; i++) {
                if (i < 5) {
                    args[i] = thread.get(ARGS[i + 1]);
                } else {
                    args[i] = thread.process().memory().getLong(thread.get(Register.RSP) + 8);
                }
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            args[i] = thread.get(ARGS[i]);
        }
    }

    @Override
    public void complete(PicoThread thread, long result, int errno, boolean hasSecond, long second) {
        long flags = thread.get(Register.RFLAGS);
        if (errno > 0) {
            thread.set(Register.RAX, errno);
            thread.set(Register.RFLAGS, flags | PSL_C);
            return;
        }
        thread.set(Register.RAX, result);
        if (hasSecond) {
            thread.set(Register.RDX, second);
        }
        if ((flags & PSL_C) != 0) {
            thread.set(Register.RFLAGS, flags & ~PSL_C);
        }
    }
}
