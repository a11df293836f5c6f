package io.pico.posix;

import io.pico.posix.core.PersonalitySettings;
import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.CpuMode;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.api.Provider;
import io.pico.posix.core.Descriptors;
import io.pico.posix.core.Disposition;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.SigInfo;
import io.pico.posix.core.SignalTable;
import io.pico.posix.core.Signals;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.SyscallTable;
import io.pico.posix.sys.Table;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The POSIX personality: FreeBSD amd64 programs (ELF OS/ABI FreeBSD, static or with /libexec/ld-elf.so.1) and
 * the FreeBSD system call ABI (carry flag errors, second result in rdx), on the shared POSIX core.
 */
@Component(service = Provider.class, property = Provider.PERSONALITY + "=posix", configurationPid = "io.pico.posix")
@org.osgi.service.metatype.annotations.Designate(ocd = PosixConfig.class)
public final class PosixProvider implements Provider {

    private final Kernel kernel;
    private final SyscallTable<io.pico.posix.core.Call> table = Table.create();
    private volatile PersonalitySettings settings = PersonalitySettings.NONE;

    /** The provider, using the kernel for logging, files and pipes, with its configuration (PID io.pico.posix). */
    /** The provider without configuration (every setting at its default), as unit tests build it. */
    public PosixProvider(Kernel kernel) {
        this.kernel = kernel;
    }

    @Activate
    public PosixProvider(@Reference Kernel kernel, PosixConfig config) {
        this.kernel = kernel;
        modified(config);
    }

    /** A changed configuration applies to processes started from now on. */
    @org.osgi.service.component.annotations.Modified
    void modified(PosixConfig config) {
        settings = PersonalitySettings.configure("io.pico.posix", config.mounts(), config.env(), config.trace(),
                config.traceFile(), kernel);
    }

    @Override
    public List<String> formats() {
        return List.of("ELF x86-64 (FreeBSD): static, dynamic with /libexec/ld-elf.so.1");
    }

    /** Claims ELF images whose OS/ABI byte is FreeBSD, whatever their class or machine (start gives the error). */
    @Override
    public boolean claims(Image image) {
        return Loader.claimsHeader(image.header());
    }

    @Override
    public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
        String name = launch.program();
        PersonalitySettings settings = this.settings;
        GuestFs fs = new GuestFs(launch.root(), DevFd.INSTANCE, GuestFs.HOST_DEVICES, settings.mounts());
        PersonalitySettings.Start launched = settings.start(process, fs, launch);
        String cwd = launched.cwd();
        String exe = launched.exe();
        List<String> env = launched.env();
        if (Loader.stringBytes(exe, launch.argv(), env) > io.pico.posix.core.elf.StackBuilder.MAX_STRINGS) {
            throw new ImageException(name + ": argument list too long");
        }
        FreeBsdProcess state;
        Loader.Start start;
        try {
            io.pico.posix.core.ElfProgram program = Loader.prepare(fs, cwd, name, exe, image.hostPath());
            state = new FreeBsdProcess(process, fs, exe, cwd, launch.argv(), env);
            state.frames(new SignalFrame());
            start = Loader.load(program, state, launch.argv(), env);
            state.reportImages(kernel);
        } finally {
            GuestFs.endCall(); // the interpreter was read through host directories opened for the start
        }
        Descriptors.installStdio(state);
        process.providerState(state);
        PicoThread thread = process.createThread(CpuMode.X86_64);
        Loader.start(thread, start);
        thread.start();
    }

    @Override
    public void systemCall(PicoThread thread) {
        table.dispatch(kernel, thread, PosixProcess.of(thread.process()));
    }

    @Override
    public void exception(PicoThread thread, CpuException ex) {
        PicoProcess process = thread.process();
        SignalTable sigs = FreeBsdAbi.INSTANCE.signals();
        String sig;
        String reason;
        switch (ex.kind()) {
            case UNMAPPED, PROTECTION -> {
                sig = "SEGV";
                reason = String.format("Segmentation fault (%s %s at 0x%x, pc 0x%x)",
                        ex.kind() == CpuException.Kind.UNMAPPED ? "unmapped" : "protection fault:",
                        ex.access().name().toLowerCase(), ex.address(), ex.pc());
            }
            case INVALID_INSTRUCTION -> {
                sig = "ILL";
                reason = String.format("Illegal instruction (at 0x%x)", ex.pc());
            }
            case DIVIDE_ERROR -> {
                sig = "FPE";
                reason = String.format("Floating point exception (divide error at 0x%x)", ex.pc());
            }
            case INTERRUPT -> {
                sig = ex.vector() == 3 || ex.vector() == 1 ? "TRAP" : "BUS";
                reason = String.format("%s (int 0x%x at 0x%x)", sig.equals("TRAP") ? "Trace/BPT trap" : "Bus error",
                        ex.vector(), ex.pc());
            }
            default -> {
                sig = "BUS";
                reason = String.format("Bus error (general protection fault at 0x%x)", ex.pc());
            }
        }
        int n = sigs.number(sig);
        int code = switch (ex.kind()) {
            case UNMAPPED, INVALID_INSTRUCTION, INTERRUPT -> 1; // SEGV_MAPERR, ILL_ILLOPC, TRAP_BRKPT
            case PROTECTION, DIVIDE_ERROR -> 2; // SEGV_ACCERR, FPE_INTDIV
            default -> 2; // BUS_ADRERR
        };
        if (process.providerState() instanceof FreeBsdProcess state) {
            // the core's rule (as Linux's): a handler runs at once, a blocked or ignored fault signal is reset
            long rip = thread.get(Register.RIP);
            thread.set(Register.RIP, ex.pc()); // a handler that returns runs the instruction again
            if (Signals.fault(kernel, thread, state, new SigInfo(n, code, 0, 0, 0, ex.address()))) {
                return;
            }
            thread.set(Register.RIP, rip);
        }
        process.trace().ifPresent(t -> {
            t.println(thread.tid() + " --- SIG" + sig + " {si_signo=SIG" + sig + ", si_addr=0x"
                    + Long.toHexString(ex.address()) + "} ---");
            t.println(process.pid() + " +++ killed by SIG" + sig + " +++");
        });
        process.exit(ExitStatus.signalled(n, reason));
    }

    @Override
    public void signal(PicoProcess process, String signal) {
        int sig = FreeBsdAbi.INSTANCE.signals().parse(signal);
        Signals.raise(kernel, process, sig, null);
    }

    @Override
    public List<CallInfo> calls() {
        return table.calls();
    }

    @Override
    public int stateVersion() {
        return FreeBsdState.VERSION;
    }

    @Override
    public Map<String, Object> exportState(PicoProcess process) {
        return FreeBsdState.export(process);
    }

    @Override
    public void importState(PicoProcess process, int version, Map<String, Object> state) {
        FreeBsdState.restore(kernel, process, version, state);
    }

    @Override
    public void processExited(PicoProcess process) {
        if (process.providerState() instanceof PosixProcess p) {
            p.ended();
        }
        // the parent learns of it by SIGCHLD (ignored unless it has a handler)
        kernel.process(process.parentPid()).filter(parent -> parent.providerState() instanceof PosixProcess)
                .ifPresent(parent -> Signals.raise(kernel, parent, FreeBsdAbi.INSTANCE,
                        FreeBsdAbi.INSTANCE.signals().number("CHLD"), null));
        io.pico.posix.core.Children.ended(kernel, process); // wakes its wait4/wait6
    }
}
