package io.pico.posix;

import io.pico.api.AddressSpace;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.posix.core.Disposition;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.SigInfo;
import io.pico.posix.core.SigSet;
import io.pico.posix.core.SignalFrames;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * FreeBSD amd64 signal frames: {@code struct sigframe} (handler, {@code ucontext_t}, {@code siginfo_t}) below the
 * interrupted stack (or on the alternate stack), the thread pointed at the trampoline in the shared page, which
 * calls the handler and then sigreturn with the frame's ucontext. Frames are built at system call boundaries,
 * where the floating point registers need no saving (they are caller-saved there), so mc_ownedfp is
 * _MC_FPOWNED_NONE.
 */
public final class SignalFrame implements SignalFrames {

    /**
     * The trampoline: {@code call *0(%rsp); lea 16(%rsp),%rdi; push $0; mov $SYS_sigreturn,%rax; syscall;
     * 0: hlt; jmp 0b} (FreeBSD's sigcode).
     */
    public static final byte[] SIGCODE = {(byte) 0xff, 0x14, 0x24, 0x48, (byte) 0x8d, 0x7c, 0x24, 0x10, 0x6a, 0x00, 0x48,
        (byte) 0xc7, (byte) 0xc0, (byte) 0xa1, 0x01, 0x00, 0x00, 0x0f, 0x05, (byte) 0xf4, (byte) 0xeb, (byte) 0xfd};

    /** sizeof(ucontext_t). */
    public static final int UCONTEXT_SIZE = 880;
    /** sizeof(mcontext_t), mc_len. */
    public static final int MCONTEXT_SIZE = 800;
    /** sizeof(siginfo_t). */
    public static final int SIGINFO_SIZE = 80;
    /** The offset of sf_uc in struct sigframe. */
    public static final int SF_UC = 16;
    /** The offset of sf_si in struct sigframe. */
    public static final int SF_SI = SF_UC + UCONTEXT_SIZE;
    /** sizeof(struct sigframe). */
    public static final int SIGFRAME_SIZE = SF_SI + SIGINFO_SIZE;
    public static final int SA_ONSTACK = 0x1;
    public static final int SA_RESETHAND = 0x4;
    public static final int SA_NODEFER = 0x10;
    public static final int SA_SIGINFO = 0x40;
    /** The mcontext registers in order from mc_rdi (offset 8). */
    private static final Register[] GENERAL = {Register.RDI, Register.RSI, Register.RDX, Register.RCX, Register.R8,
        Register.R9, Register.RAX, Register.RBX, Register.RBP, Register.R10, Register.R11, Register.R12, Register.R13,
        Register.R14, Register.R15};
    private static final int MC_HASBASES = 0x2;

    @Override
    public boolean deliver(PicoThread thread, PosixProcess state, int sig, Disposition d) {
        return deliver(thread, state, SigInfo.user(sig, 0), d);
    }

    /**
     * Builds the frame of a signal with its siginfo (FreeBSD's layout, {@link FreeBsdSiginfo}) and points the thread
     * at the trampoline; false when the stack is unusable.
     */
    @Override
    public boolean deliver(PicoThread thread, PosixProcess state, SigInfo info, Disposition d) {
        int sig = info.signo();
        int code = FreeBsdSiginfo.code(info);
        long addr = info.fault(FreeBsdAbi.INSTANCE.signals()) ? info.addr() : 0;
        AddressSpace mem = thread.process().memory();
        PosixThread ts = state.thread(thread);
        long sp = thread.get(Register.RSP);
        long top = ts.frameTop(sp, (d.flags() & SA_ONSTACK) != 0, 128); // the core's choice of stack
        boolean onStack = ts.onAltStack(sp); // FreeBSD's oonstack: the interrupted code ran on it
        long frame = (top - SIGFRAME_SIZE) & ~0xfL;
        if (!mem.isMapped(frame, SIGFRAME_SIZE)) {
            return false;
        }
        ByteBuffer b = ByteBuffer.allocate(SIGFRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, d.handler());
        SigSet saved = ts.takeSavedMask();
        SigSet old = saved != null ? saved : ts.sigmask();
        writeContext(b, SF_UC, thread, old, onStack ? 1 : 0);
        b.putLong(SF_UC + 16 + MCONTEXT_SIZE + 8, ts.altStack());
        b.putLong(SF_UC + 16 + MCONTEXT_SIZE + 16, ts.altStackSize());
        b.putInt(SF_UC + 16 + MCONTEXT_SIZE + 24, ts.altStackDisabled() ? 4 : onStack ? 1 : 0);
        FreeBsdSiginfo.write(b, SF_SI, info);
        b.putLong(SF_UC + 16 + 136, addr); // mc_addr
        mem.write(frame, b.array(), 0, SIGFRAME_SIZE);
        // SA_RESETHAND and the handler's mask (SA_NODEFER) are the core's delivery's (Signals.deliverPending)
        thread.process().trace().ifPresent(t -> t.println(thread.tid() + " --- SIG" + FreeBsdAbi.INSTANCE.signals()
                .name(sig) + " {si_signo=SIG" + FreeBsdAbi.INSTANCE.signals().name(sig) + ", si_code=" + code
                + (addr != 0 ? ", si_addr=0x" + Long.toHexString(addr) : ", si_pid=" + info.pid()) + "} ---"));
        thread.set(Register.RDI, sig);
        thread.set(Register.RSI, (d.flags() & SA_SIGINFO) != 0 ? frame + SF_SI : code);
        thread.set(Register.RDX, frame + SF_UC);
        thread.set(Register.RCX, addr);
        thread.set(Register.RSP, frame);
        thread.set(Register.RFLAGS, thread.get(Register.RFLAGS) & ~0x10500L); // clear TF, DF, RF
        thread.set(Register.RIP, FreeBsdAbi.SHARED_PAGE + Loader.SIGCODE_OFFSET);
        return true;
    }

    /** Writes a ucontext_t (mask, mcontext of the thread's registers) at {@code at} of the buffer. */
    public static void writeContext(ByteBuffer b, int at, PicoThread thread, SigSet mask, int onStack) {
        for (int i = 0; i < 4; i++) {
            b.putInt(at + 4 * i, mask.word(i));
        }
        int mc = at + 16;
        b.putLong(mc, onStack);
        for (int i = 0; i < GENERAL.length; i++) {
            b.putLong(mc + 8 + 8 * i, thread.get(GENERAL[i]));
        }
        b.putInt(mc + 144, MC_HASBASES);
        b.putLong(mc + 160, thread.get(Register.RIP));
        b.putLong(mc + 168, 0x43);
        b.putLong(mc + 176, thread.get(Register.RFLAGS));
        b.putLong(mc + 184, thread.get(Register.RSP));
        b.putLong(mc + 192, 0x3b);
        b.putLong(mc + 200, MCONTEXT_SIZE);
        b.putLong(mc + 208, 0x10002); // _MC_FPFMT_XMM
        b.putLong(mc + 216, 0x20000); // _MC_FPOWNED_NONE
        b.putLong(mc + 736, thread.get(Register.FS_BASE));
        b.putLong(mc + 744, thread.get(Register.GS_BASE));
    }

    /**
     * Restores a thread from a ucontext_t in guest memory (sigreturn, setcontext): registers, flags (only the
     * user-changeable ones), FS/GS bases when the context has them, and the signal mask.
     */
    public static void restore(PicoThread thread, PosixThread ts, AddressSpace mem, long uc) {
        byte[] raw = new byte[16 + MCONTEXT_SIZE];
        mem.read(uc, raw, 0, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        ts.sigmask(SigSet.ofWords(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12)));
        int mc = 16;
        for (int i = 0; i < GENERAL.length; i++) {
            thread.set(GENERAL[i], b.getLong(mc + 8 + 8 * i));
        }
        long userFlags = 0xcd5L | 0x40000L | 0x200000L; // CF PF AF ZF SF DF OF, AC, ID
        long flags = (thread.get(Register.RFLAGS) & ~userFlags) | (b.getLong(mc + 176) & userFlags) | 0x202;
        thread.set(Register.RFLAGS, flags);
        thread.set(Register.RSP, b.getLong(mc + 184));
        if ((b.getInt(mc + 144) & MC_HASBASES) != 0) {
            thread.set(Register.FS_BASE, b.getLong(mc + 736));
            thread.set(Register.GS_BASE, b.getLong(mc + 744));
        }
        thread.set(Register.RIP, b.getLong(mc + 160));
    }
}
