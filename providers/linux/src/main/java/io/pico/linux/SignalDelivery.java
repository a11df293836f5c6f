package io.pico.linux;

import io.pico.posix.core.Disposition;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.SigInfo;
import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;

/**
 * Linux signals: generation (kill, faults, children; the core's timers), the choice of a thread, default actions
 * (terminate, stop, continue, ignore) and delivery to handlers on the guest's stack with x86-64 Linux's
 * {@code rt_sigframe}, undone by {@code rt_sigreturn}.
 *
 * <p>A signal is queued (per process, or per thread for tkill and faults) under the process's signal
 * lock; the thread that will take it is woken: a thread blocked in a call is interrupted (the call ends
 * with EINTR, or is restarted), a thread running guest code is stopped at its next block boundary by a
 * deferred action. The target thread itself builds the frame: after its system call, in that deferred
 * action, or in its exception handler. Fatal default actions and stops happen at once, from the sender.
 */
public final class SignalDelivery {

    /** sa_flags. */
    public static final long SA_NOCLDSTOP = 1;
    public static final long SA_NOCLDWAIT = 2;
    public static final long SA_SIGINFO = 4;
    public static final long SA_ONSTACK = 0x0800_0000L;
    public static final long SA_RESTART = 0x1000_0000L;
    public static final long SA_NODEFER = 0x4000_0000L;
    public static final long SA_RESETHAND = 0x8000_0000L;
    public static final long SA_RESTORER = 0x0400_0000L;
    /** sigaltstack flags. */
    public static final int SS_ONSTACK = 1;
    public static final int SS_DISABLE = 2;
    /** The smallest alternate stack sigaltstack and rt_sigreturn accept. */
    public static final long MINSIGSTKSZ = 2048;

    private static final long UNBLOCKABLE = bit(Signals.SIGKILL) | bit(Signals.SIGSTOP);
    /** Calls that a handler interrupts with EINTR even under SA_RESTART (Linux's ERESTARTNOHAND and friends). */
    private static final java.util.Set<Integer> NEVER_RESTARTED = java.util.Set.of(7, 23, 34, 35, 128, 130, 230, 232,
            270, 271, 281, 441);
    /**
     * A call cut short by an interrupt that is run again whether or not a handler runs (Linux's
     * ERESTARTNOINTR): host file operations the interrupt aborted. Never seen by the guest.
     */
    public static final int ERESTARTNOINTR = 513;
    /** rt_sigreturn. */
    public static final int SYS_RT_SIGRETURN = 15;

    /** Size of the frame below the FPU state: return address, ucontext (304 bytes), siginfo (128 bytes). */
    static final int FRAME_SIZE = 8 + 304 + 128;
    static final int UC_OFFSET = 8;
    static final int MCONTEXT_OFFSET = UC_OFFSET + 40;
    static final int SIGMASK_OFFSET = UC_OFFSET + 296;
    static final int INFO_OFFSET = UC_OFFSET + 304;
    /** Order of the general registers in struct sigcontext. */
    static final Register[] SIGCONTEXT_REGS = {Register.R8, Register.R9, Register.R10, Register.R11, Register.R12,
        Register.R13, Register.R14, Register.R15, Register.RDI, Register.RSI, Register.RBP, Register.RBX,
        Register.RDX, Register.RAX, Register.RCX, Register.RSP, Register.RIP};
    /** RFLAGS bits a handler may change through its ucontext (Linux's FIX_EFLAGS). */
    private static final long FIX_EFLAGS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x10000 | 0x40000;
    /** FXSAVE image of a freshly initialised FPU: control word 0x37f, MXCSR 0x1f80. */
    private static final byte[] INIT_FPU = initFpu();

    private SignalDelivery() {
    }

    private static byte[] initFpu() {
        byte[] b = new byte[512];
        b[0] = 0x7f;
        b[1] = 0x03;
        b[24] = (byte) 0x80;
        b[25] = 0x1f;
        return b;
    }

    /**
     * Sends {@code sig} from outside the process (kill from another personality, {@code pico:kill}, the
     * launcher); returns true when it ended the process.
     *
     * @param reason the description of an end by this signal, null for the signal's strsignal text
     */
    public static boolean raise(Kernel kernel, PicoProcess process, int sig, String reason) {
        return send(kernel, process, SigInfo.user(sig, 0), reason);
    }

    // ---------------------------------------------------------------- generation

    /**
     * Sends a signal to a process (kill, timers, SIGCHLD): the core's generation
     * ({@link io.pico.posix.core.Signals#deliver}: queued with its siginfo, the thread chosen and woken, fatal
     * default actions and stops taken at once); returns true when it ended the process.
     *
     * @param reason how an end by this signal is described, null for its strsignal text
     */
    public static boolean send(Kernel kernel, PicoProcess target, SigInfo info, String reason) {
        return generate(kernel, target, null, info, reason);
    }

    /** Sends a signal to one thread (tkill, tgkill): the core's generation; returns true when it ended the process. */
    public static boolean sendThread(Kernel kernel, PicoThread thread, SigInfo info) {
        return generate(kernel, thread.process(), thread, info, null);
    }

    private static boolean generate(Kernel kernel, PicoProcess target, PicoThread thread, SigInfo info,
            String reason) {
        int sig = info.signo();
        if (sig <= 0 || sig > Signals.NSIG || target.exitStatus().isPresent()) {
            return false;
        }
        if (!(target.providerState() instanceof LinuxProcess lp)) {
            // no Linux state (yet): only default actions
            Signals.Action d = Signals.defaultAction(sig);
            if (d == Signals.Action.TERMINATE || d == Signals.Action.CORE || sig == Signals.SIGKILL) {
                terminate(target, sig, reason);
                return true;
            }
            return false;
        }
        return io.pico.posix.core.Signals.deliver(kernel, target, lp, thread, info, reason);
    }

    /**
     * Makes a thread take its pending signals soon: a call it is blocked in is interrupted (and returns
     * EINTR or is restarted); a thread running guest code takes them when its next call returns, since
     * guest code cannot be stopped from outside at a precise instruction.
     */
    static void wake(PicoThread t) {
        LinuxThread lt = LinuxThread.of(t);
        if (lt.host() == Thread.currentThread()) {
            return; // the thread itself: it takes them when its call returns
        }
        lt.signalInterrupt();
        if (lt.inCall()) {
            t.interrupt();
        }
    }

    /** Ends the process by a signal: the core's end, with Linux's names and texts. */
    static void terminate(PicoProcess p, int sig, String reason) {
        io.pico.posix.core.Signals.terminate(p, LinuxAbi.INSTANCE.signals(), sig, reason);
    }

    /** Stops every thread of the process and tells the parent: the core's stop. */
    static void stopProcess(Kernel kernel, LinuxProcess lp, int sig) {
        io.pico.posix.core.Signals.stop(kernel, lp, sig);
    }

    /** Lets a stopped process go on (SIGCONT) and tells the parent: the core's continue. */
    static void continueProcess(Kernel kernel, LinuxProcess lp) {
        io.pico.posix.core.Signals.cont(kernel, lp);
    }

    // ---------------------------------------------------------------- delivery

    /** Whether the thread has a signal it would take now (pending and not blocked). */
    public static boolean deliverable(LinuxProcess lp, LinuxThread lt) {
        return io.pico.posix.core.Signals.deliverable(lp, lt);
    }

    /**
     * Called by the dispatcher after each system call: takes the thread's pending signals, running their
     * default actions or setting up handler frames, and decides whether an interrupted call returns EINTR
     * or is restarted.
     *
     * @param nr the call's number, -1 when not after a system call
     * @param result the call's result as written to RAX
     */
    public static void afterCall(Kernel kernel, PicoThread t, LinuxProcess lp, int nr, long result) {
        LinuxThread lt = LinuxThread.of(t);
        if (result != -Errno.EINTR && result != -ERESTARTNOINTR && !deliverable(lp, lt) && !lt.hasSavedMask()) {
            return;
        }
        deliver(kernel, t, nr, result);
    }

    /**
     * Takes the thread's pending signals; on the thread itself (after a call, in a deferred action, after a
     * CPU exception): the core's delivery ({@link io.pico.posix.core.Signals#deliverPending}) with Linux's frames
     * and Linux's restart rule (SA_RESTART for calls that are not ERESTARTNOHAND-like; a call cut short by an
     * interrupt, ERESTARTNOINTR, always). Returns false when the process has ended.
     */
    static boolean deliver(Kernel kernel, PicoThread t, int nr, long result) {
        PicoProcess p = t.process();
        if (!(p.providerState() instanceof LinuxProcess lp) || p.exitStatus().isPresent()) {
            return false;
        }
        boolean interrupted = nr >= 0 && (result == -Errno.EINTR || result == -ERESTARTNOINTR);
        return !io.pico.posix.core.Signals.deliverPending(kernel, t, lp, interrupted ? () -> restart(t, nr) : null,
                d -> result == -ERESTARTNOINTR || ((d.flags() & SA_RESTART) != 0 && !NEVER_RESTARTED.contains(nr)));
    }

    /** The bit of a signal in Linux's 64-bit masks. */
    static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** Makes the interrupted system call run again: back over the 2-byte {@code syscall}, number in RAX. */
    private static void restart(PicoThread t, int nr) {
        t.set(Register.RAX, nr);
        t.set(Register.RIP, t.get(Register.RIP) - 2);
    }

    /**
     * A CPU fault raised a signal in the thread: handled if a handler is set (a blocked or ignored fault
     * signal is forced to its default, as on Linux). Returns false when the default action applies.
     */
    public static boolean fault(Kernel kernel, PicoThread t, SigInfo info, long pc) {
        if (!(t.process().providerState() instanceof LinuxProcess lp)) {
            return false;
        }
        long rip = t.get(Register.RIP);
        t.set(Register.RIP, pc);
        if (!io.pico.posix.core.Signals.fault(kernel, t, lp, info)) {
            t.set(Register.RIP, rip);
            return false;
        }
        return true;
    }

    /** Linux's frames for the core's delivery: x86-64's rt_sigframe ({@link #setupFrame}). */
    static final io.pico.posix.core.SignalFrames FRAMES = new io.pico.posix.core.SignalFrames() {
        @Override
        public boolean deliver(PicoThread thread, io.pico.posix.core.PosixProcess state, int sig, Disposition d) {
            return deliver(thread, state, SigInfo.kernel(sig), d);
        }

        @Override
        public boolean deliver(PicoThread thread, io.pico.posix.core.PosixProcess state, SigInfo info,
                Disposition d) {
            return setupFrame(thread, LinuxThread.of(thread), info.signo(), info, d);
        }
    };

    /** Builds the rt_sigframe for a handler and points the thread at it. False when the stack is unusable. */
    private static boolean setupFrame(PicoThread t, LinuxThread lt, int sig, SigInfo info, Disposition action) {
        if ((action.flags() & SA_RESTORER) == 0 || action.restorer() == 0) {
            return false; // x86-64 Linux has no default restorer
        }
        io.pico.api.AddressSpace mem = t.process().memory();
        long[] regs = new long[SIGCONTEXT_REGS.length];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = t.get(SIGCONTEXT_REGS[i]);
        }
        long rsp = regs[15];
        long rflags = t.get(Register.RFLAGS);
        long[] alt = lt.sigaltstack();
        boolean altEnabled = (alt[1] & SS_DISABLE) == 0 && alt[2] != 0;
        boolean onAlt = lt.onAltStack(rsp);
        long sp = lt.frameTop(rsp, (action.flags() & SA_ONSTACK) != 0, 128); // the core's choice; 128: the red zone
        long fpAddr = (sp - 512) & ~63L;
        long frame = ((fpAddr - FRAME_SIZE + 8) & ~15L) - 8;
        long savedMask = lt.takeSavedBits();
        long oldMask = savedMask != -1 ? savedMask : lt.mask();
        byte[] fpu;
        try {
            fpu = t.fpuState();
        } catch (UnsupportedOperationException e) {
            fpu = INIT_FPU.clone();
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(FRAME_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, action.restorer());
        b.putLong(UC_OFFSET, 6); // UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS
        b.putLong(UC_OFFSET + 16, alt[0]);
        b.putInt(UC_OFFSET + 24, altEnabled ? onAlt ? SS_ONSTACK : 0 : SS_DISABLE);
        b.putLong(UC_OFFSET + 32, alt[2]);
        for (int i = 0; i < regs.length; i++) {
            b.putLong(MCONTEXT_OFFSET + 8 * i, regs[i]);
        }
        b.putLong(MCONTEXT_OFFSET + 136, rflags);
        b.putShort(MCONTEXT_OFFSET + 144, (short) 0x33);
        b.putShort(MCONTEXT_OFFSET + 150, (short) 0x2b);
        boolean fault = LinuxSiginfo.fault(info);
        if (fault && sig == Signals.SIGSEGV) {
            b.putLong(MCONTEXT_OFFSET + 152, info.status()); // err: the page fault's error code
            b.putLong(MCONTEXT_OFFSET + 160, 14);
            b.putLong(MCONTEXT_OFFSET + 176, info.addr());
        } else if (fault) {
            b.putLong(MCONTEXT_OFFSET + 160, sig == Signals.SIGFPE ? 0 : sig == Signals.SIGILL ? 6 : 3);
        }
        b.putLong(MCONTEXT_OFFSET + 168, oldMask);
        b.putLong(MCONTEXT_OFFSET + 184, fpAddr);
        b.putLong(SIGMASK_OFFSET, oldMask);
        b.put(INFO_OFFSET, LinuxSiginfo.bytes(info));
        try {
            mem.write(fpAddr, fpu, 0, 512);
            mem.write(frame, b.array(), 0, FRAME_SIZE);
        } catch (io.pico.api.MemoryFault e) {
            return false;
        }
        t.process().trace().ifPresent(tr -> tr.println(t.tid() + " --- SIG" + Signals.name(sig) + " "
                + LinuxSiginfo.describe(info) + " ---"));
        t.set(Register.RSP, frame);
        t.set(Register.RDI, sig);
        t.set(Register.RSI, frame + INFO_OFFSET);
        t.set(Register.RDX, frame + UC_OFFSET);
        t.set(Register.RAX, 0);
        t.set(Register.RFLAGS, rflags & ~(0x400L | 0x100L | 0x10000L));
        t.set(Register.RIP, action.handler());
        try {
            t.fpuState(INIT_FPU);
        } catch (UnsupportedOperationException e) {
            // the handler runs on the interrupted code's FPU state
        }
        return true; // the handler's mask is the core's to set
    }

    /**
     * Implements rt_sigreturn(2): restores the registers, FPU state, signal mask and alternate stack that
     * the frame at RSP - 8 holds. Returns false when the frame cannot be read (the process is then killed).
     */
    public static boolean sigreturn(Kernel kernel, PicoThread t) {
        PicoProcess p = t.process();
        LinuxProcess lp = LinuxProcess.of(p);
        LinuxThread lt = LinuxThread.of(t);
        long frame = t.get(Register.RSP) - 8;
        byte[] raw = new byte[FRAME_SIZE];
        byte[] fpu = null;
        try {
            p.memory().read(frame, raw, 0, FRAME_SIZE);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long fpAddr = b.getLong(MCONTEXT_OFFSET + 184);
            if (fpAddr != 0) {
                fpu = new byte[512];
                p.memory().read(fpAddr, fpu, 0, 512);
            }
        } catch (io.pico.api.MemoryFault e) {
            return false;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SIGCONTEXT_REGS.length; i++) {
            t.set(SIGCONTEXT_REGS[i], b.getLong(MCONTEXT_OFFSET + 8 * i));
        }
        long flags = t.get(Register.RFLAGS);
        t.set(Register.RFLAGS, (flags & ~FIX_EFLAGS) | (b.getLong(MCONTEXT_OFFSET + 136) & FIX_EFLAGS));
        try {
            t.fpuState(fpu != null ? fpu : INIT_FPU);
        } catch (UnsupportedOperationException e) {
            // no FPU access: nothing was saved either
        }
        long ssSp = b.getLong(UC_OFFSET + 16);
        int ssFlags = b.getInt(UC_OFFSET + 24);
        long ssSize = b.getLong(UC_OFFSET + 32);
        // the core's restore_altstack: the handler may have changed it through uc_stack
        io.pico.posix.core.Signals.restoreAltStack(lt, t.get(Register.RSP), (ssFlags & SS_DISABLE) != 0
                ? new io.pico.posix.core.Signals.AltStack(0, 0, true)
                : new io.pico.posix.core.Signals.AltStack(ssSp, ssSize, false), MINSIGSTKSZ);
        synchronized (lp.signalLock()) {
            lt.mask(b.getLong(SIGMASK_OFFSET) & ~UNBLOCKABLE);
        }
        return true;
    }
}
