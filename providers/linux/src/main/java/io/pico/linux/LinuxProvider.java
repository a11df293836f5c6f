package io.pico.linux;

import io.pico.posix.core.SigInfo;
import io.pico.posix.core.Disposition;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.PersonalitySettings;
import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.CpuMode;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.Register;
import io.pico.posix.core.elf.StackBuilder;
import io.pico.posix.core.fs.GuestFs;
import io.pico.linux.fs.ProcFs;
import io.pico.linux.sys.Call;
import io.pico.linux.sys.Table;
import io.pico.posix.core.sys.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Linux personality: loads static ELF64 x86-64 programs (and dynamic ones with their interpreter),
 * runs their system calls from a table and turns CPU exceptions into signals.
 */
@Component(service = Provider.class, property = Provider.PERSONALITY + "=linux", configurationPid = "io.pico.linux")
@org.osgi.service.metatype.annotations.Designate(ocd = LinuxConfig.class)
public final class LinuxProvider implements Provider {

    private final Kernel kernel;
    private final SyscallTable<Call> table = Table.create();
    private volatile PersonalitySettings settings = PersonalitySettings.NONE;

    /** The provider, using the kernel for logging, files and pipes, with its configuration (PID io.pico.linux). */
    /** The provider without configuration (every setting at its default), as unit tests build it. */
    public LinuxProvider(Kernel kernel) {
        this.kernel = kernel;
    }

    @Activate
    public LinuxProvider(@Reference Kernel kernel, LinuxConfig config) {
        this.kernel = kernel;
        modified(config);
    }

    /** A changed configuration applies to processes started from now on. */
    @org.osgi.service.component.annotations.Modified
    void modified(LinuxConfig config) {
        settings = PersonalitySettings.configure("io.pico.linux", config.mounts(), config.env(), config.trace(),
                config.traceFile(), kernel);
    }

    @Override
    public List<String> formats() {
        return List.of("ELF x86-64 (SysV, Linux): static, static-pie, dynamic with PT_INTERP");
    }

    /**
     * Claims ELF images whose OS/ABI byte is SysV or Linux, whatever their class or machine, so that a
     * 32-bit or foreign-machine Linux binary gets a precise error from {@link #start} rather than none.
     */
    @Override
    public boolean claims(Image image) {
        return claimsHeader(image.header());
    }

    /** Whether the first bytes are an ELF image of OS/ABI SysV or Linux (any class or machine). */
    public static boolean claimsHeader(byte[] h) {
        if (h.length < 4 || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
            return false;
        }
        return h.length < 8 || h[7] == 0 || h[7] == 3;
    }

    @Override
    public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
        String name = launch.program();
        PersonalitySettings settings = this.settings;
        GuestFs fs = new GuestFs(launch.root(), new ProcFs(kernel, process), GuestFs.HOST_DEVICES,
                settings.mounts());
        PersonalitySettings.Start launched = settings.start(process, fs, launch);
        String cwd = launched.cwd();
        String exe = launched.exe();
        List<String> env = launched.env();
        if (ProgramLoader.stringBytes(name, launch.argv(), env) > StackBuilder.MAX_STRINGS) {
            throw new ImageException(name + ": argument list too long");
        }
        LinuxProcess state;
        ProgramLoader.Start start;
        try {
            io.pico.posix.core.ElfProgram program = ProgramLoader.prepare(fs, cwd, name, exe, image.hostPath());
            state = new LinuxProcess(process, fs, exe, cwd, launch.argv(), env);
            start = ProgramLoader.load(program, state, launch.argv(), env);
            state.reportImages(kernel);
        } finally {
            GuestFs.endCall();
        }
        for (int fd = 0; fd < 3; fd++) {
            IoObject io = process.handles().get(fd);
            if (io != null) {
                int flags = io.isTerminal() ? LinuxAbi.O_RDWR : fd == 0 ? LinuxAbi.O_RDONLY : LinuxAbi.O_WRONLY;
                state.fds().installAt(fd, OpenFile.ofHandle(process, fd, null, false, LinuxAbi.core(flags)), false);
            }
        }
        List<IoObject> terminals = new ArrayList<>();
        for (int fd = 0; fd < 3; fd++) {
            IoObject io = process.handles().get(fd);
            if (io != null && io.isTerminal()) {
                terminals.add(io);
            }
        }
        if (!terminals.isEmpty()) {
            // a session leader on the launcher's terminal, which it controls, in the foreground
            Tty.link(terminals).control(process.pid(), process.pid());
            state.ctty(terminals.get(0));
        }
        process.providerState(state);
        PicoThread thread = process.createThread(CpuMode.X86_64);
        thread.set(Register.RSP, start.sp());
        thread.set(Register.RIP, start.pc());
        thread.set(Register.RDX, 0);
        thread.start();
    }

    @Override
    public void systemCall(PicoThread thread) {
        table.dispatch(kernel, thread, LinuxProcess.of(thread.process()));
    }

    @Override
    public void exception(PicoThread thread, CpuException ex) {
        PicoProcess process = thread.process();
        int sig;
        String reason;
        SigInfo info;
        switch (ex.kind()) {
            case UNMAPPED, PROTECTION -> {
                sig = Signals.SIGSEGV;
                String access = switch (ex.access()) {
                    case READ -> "read";
                    case WRITE -> "write";
                    case EXECUTE -> "fetch";
                    case NONE -> "access";
                };
                reason = String.format("Segmentation fault (%s %s at 0x%x, pc 0x%x)",
                        ex.kind() == CpuException.Kind.UNMAPPED ? "unmapped" : "protection fault:", access,
                        ex.address(), ex.pc());
                // the page fault error code: present (a protection fault), write, user, fetch
                long err = 4 | (ex.kind() == CpuException.Kind.PROTECTION ? 1 : 0)
                        | (ex.access() == CpuException.Access.WRITE ? 2 : 0)
                        | (ex.access() == CpuException.Access.EXECUTE ? 16 : 0);
                info = new SigInfo(sig, ex.kind() == CpuException.Kind.UNMAPPED ? LinuxSiginfo.SEGV_MAPERR
                        : LinuxSiginfo.SEGV_ACCERR, 0, 0, err, ex.address());
            }
            case INVALID_INSTRUCTION -> {
                sig = Signals.SIGILL;
                reason = String.format("Illegal instruction (at 0x%x)", ex.pc());
                info = new SigInfo(sig, LinuxSiginfo.ILL_ILLOPN, 0, 0, 0, ex.pc());
            }
            case DIVIDE_ERROR -> {
                sig = Signals.SIGFPE;
                reason = String.format("Floating point exception (divide error at 0x%x)", ex.pc());
                info = new SigInfo(sig, LinuxSiginfo.FPE_INTDIV, 0, 0, 0, ex.pc());
            }
            case INTERRUPT -> {
                if (ex.vector() == 0x80) {
                    Table.dispatchI386(table, kernel, thread, LinuxProcess.of(process));
                    return;
                }
                if (ex.vector() == 3 || ex.vector() == 1) {
                    sig = Signals.SIGTRAP;
                    reason = String.format("Trace/breakpoint trap (int%s at 0x%x)", ex.vector() == 3 ? "3" : " 1",
                            ex.pc());
                    info = SigInfo.kernel(sig);
                } else {
                    sig = Signals.SIGSEGV;
                    reason = String.format("Segmentation fault (int 0x%x at 0x%x)", ex.vector(), ex.pc());
                    info = SigInfo.kernel(sig);
                }
            }
            default -> {
                sig = Signals.SIGSEGV;
                reason = String.format("Segmentation fault (general protection fault at 0x%x)", ex.pc());
                info = SigInfo.kernel(sig);
            }
        }
        long resumeAt = ex.kind() == CpuException.Kind.INTERRUPT ? thread.get(Register.RIP) : ex.pc();
        if (SignalDelivery.fault(kernel, thread, info, resumeAt)) {
            return; // a handler runs
        }
        String detail = switch (ex.kind()) {
            case UNMAPPED -> String.format("si_code=SEGV_MAPERR, si_addr=0x%x", ex.address());
            case PROTECTION -> String.format("si_code=SEGV_ACCERR, si_addr=0x%x", ex.address());
            default -> String.format("si_addr=0x%x", ex.pc());
        };
        process.trace().ifPresent(t -> {
            t.println(thread.tid() + " --- SIG" + Signals.name(sig) + " {si_signo=SIG" + Signals.name(sig) + ", "
                    + detail + "} ---");
            t.println(process.pid() + " +++ killed by SIG" + Signals.name(sig) + " +++");
        });
        process.exit(ExitStatus.signalled(sig, reason));
    }

    /**
     * Delivers a signal from outside the guest (the launcher, {@code pico:kill}). The keyboard's signals
     * (INT, QUIT, TSTP) sent to a session leader go to its terminal's foreground process group, as the
     * terminal would send them: Ctrl-C in the launcher reaches the job in the foreground.
     */
    @Override
    public void signal(PicoProcess process, String signal) {
        int sig = Signals.parse(signal);
        if ((sig == Signals.SIGINT || sig == Signals.SIGQUIT || sig == 20) && process.providerState()
                instanceof LinuxProcess lp && lp.sid() == process.pid()) {
            int group = lp.pgid();
            if (lp.ctty() != null && Tty.of(lp.ctty()).foreground() != 0) {
                group = Tty.of(lp.ctty()).foreground();
            }
            boolean any = false;
            for (PicoProcess p : kernel.processes()) {
                if (p.exitStatus().isEmpty() && p.providerState() instanceof LinuxProcess q && q.pgid() == group
                        && q.sid() == lp.sid()) {
                    SignalDelivery.send(kernel, p, SigInfo.kernel(sig), null);
                    any = true;
                }
            }
            if (any) {
                return;
            }
        }
        SignalDelivery.raise(kernel, process, sig, null);
    }

    @Override
    public List<CallInfo> calls() {
        return table.calls();
    }

    @Override
    public int stateVersion() {
        return LinuxState.VERSION;
    }

    @Override
    public Map<String, Object> exportState(PicoProcess process) {
        return LinuxState.export(process);
    }

    @Override
    public void importState(PicoProcess process, int version, Map<String, Object> state) {
        LinuxState.restore(kernel, process, version, state);
    }

    /** Guards the family bookkeeping of ending processes: orphans, zombies, SIGCHLD. */
    private static final Object FAMILY = new Object();

    /**
     * A process ended: its parent gets SIGCHLD (or its exit signal) and can wait for it; with SIGCHLD
     * ignored, or when the parent is gone, nobody will, and it is reaped at once. Its own children that
     * ended are reaped, the others are orphans now; a terminal it changed gets its settings back.
     */
    @Override
    public void processExited(PicoProcess process) {
        if (!(process.providerState() instanceof LinuxProcess lp)) {
            return;
        }
        lp.ended(); // the core's interval timers stop
        lp.vforkRelease();
        ExitStatus status = process.exitStatus().orElse(ExitStatus.exited(0));
        LinuxProcess parentState = null;
        boolean reapSelf = false;
        synchronized (FAMILY) {
            for (PicoProcess child : kernel.processes()) {
                if (child.parentPid() != process.pid() || !(child.providerState() instanceof LinuxProcess cs)) {
                    continue;
                }
                if (child.exitStatus().isPresent()) {
                    kernel.reap(child.pid());
                } else {
                    cs.orphan();
                    if (cs.deathSignal() != 0) {
                        SignalDelivery.send(kernel, child, SigInfo.kernel(cs.deathSignal()), null);
                    }
                }
            }
            if (process.parentPid() != 0) {
                java.util.Optional<PicoProcess> parent = kernel.process(process.parentPid());
                if (lp.orphaned() || parent.isEmpty() || parent.get().exitStatus().isPresent()) {
                    reapSelf = true;
                } else if (parent.get().providerState() instanceof LinuxProcess plp) {
                    parentState = plp;
                    Disposition chld = plp.action(Signals.SIGCHLD);
                    if (chld.handler() == Disposition.SIG_IGN
                            || (chld.flags() & SignalDelivery.SA_NOCLDWAIT) != 0) {
                        reapSelf = true;
                    }
                }
            }
            if (reapSelf) {
                kernel.reap(process.pid());
            }
        }
        if (parentState != null) {
            if (lp.exitSignal() != 0) {
                int code = status.signalled() ? SigInfo.CLD_KILLED : SigInfo.CLD_EXITED;
                SignalDelivery.send(kernel, parentState.process(), new SigInfo(lp.exitSignal(), code, process.pid(),
                        HostIds.uid(), status.signalled() ? status.signal() : status.code(), 0), null);
            }
            parentState.childEvent();
        } else if (!reapSelf) {
            io.pico.posix.core.Children.ended(kernel, process); // a parent of another Unix personality
        }
        if (process.parentPid() == 0 && lp.ctty() != null) {
            Tty.of(lp.ctty()).restore();
        }
    }
}
