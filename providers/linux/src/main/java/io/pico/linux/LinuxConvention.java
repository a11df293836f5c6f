package io.pico.linux;

import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.posix.core.sys.Convention;

/**
 * Linux x86-64's system call convention: the number in rax, arguments in rdi, rsi, rdx, r10, r8, r9; the result
 * in rax, a failure as a negative errno (-4095..-1) there. {@link #I386} is the {@code int 0x80} entry from
 * 64-bit code: arguments in ebx, ecx, edx, esi, edi, ebp and 32-bit results.
 */
public final class LinuxConvention implements Convention {

    /** The x86-64 {@code syscall} convention. */
    public static final LinuxConvention X86_64 = new LinuxConvention(new Register[] {Register.RDI, Register.RSI,
        Register.RDX, Register.R10, Register.R8, Register.R9}, -1L);

    /** The i386 {@code int 0x80} convention: 32-bit arguments and results. */
    public static final LinuxConvention I386 = new LinuxConvention(new Register[] {Register.RBX, Register.RCX,
        Register.RDX, Register.RSI, Register.RDI, Register.RBP}, 0xffff_ffffL);

    private final Register[] regs;
    private final long width;

    private LinuxConvention(Register[] regs, long width) {
        this.regs = regs;
        this.width = width;
    }

    @Override
    public long number(PicoThread thread) {
        return thread.get(Register.RAX) & width;
    }

    @Override
    public void args(PicoThread thread, int count, long[] args) {
        for (int i = 0; i < count; i++) {
            args[i] = thread.get(regs[i]) & width;
        }
    }

    @Override
    public void complete(PicoThread thread, long result, int errno, boolean hasSecond, long second) {
        thread.set(Register.RAX, (errno > 0 ? -errno : result) & width);
    }

    @Override
    public int errorOf(long result) {
        return result < 0 && result >= -4095 ? (int) -result : 0;
    }
}
