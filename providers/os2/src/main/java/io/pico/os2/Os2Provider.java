package io.pico.os2;

import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.MemoryFault;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.Register;
import java.io.IOException;
import java.io.RandomAccessFile;
import io.pico.posix.core.fs.HostDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The OS/2 personality: 32-bit LX programs and DLLs (and 16-bit NE programs) on an x86-32 CPU with OS/2's
 * selectors, the system DLLs (DOSCALLS, MSG, NLS, VIOCALLS, KBDCALLS, QUECALLS, SESMGR) as provider code
 * reached through trap stubs, and OS/2 exception handling for guest faults.
 */
@Component(service = Provider.class, property = Provider.PERSONALITY + "=os2", configurationPid = "io.pico.os2")
@org.osgi.service.metatype.annotations.Designate(ocd = Os2Config.class)
public final class Os2Provider implements Provider {

    private final Kernel kernel;
    /** Functions already reported to the log as missing, per process. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile Os2Settings settings = Os2Settings.NONE;

    /** The provider, using the kernel for files, pipes, child processes and the log, with its configuration. */
    /** The provider without configuration (every setting at its default), as unit tests build it. */
    public Os2Provider(Kernel kernel) {
        this.kernel = kernel;
    }

    @Activate
    public Os2Provider(@Reference Kernel kernel, Os2Config config) {
        this.kernel = kernel;
        modified(config);
    }

    /** A changed configuration applies to processes started from now on. */
    @org.osgi.service.component.annotations.Modified
    void modified(Os2Config config) {
        settings = Os2Settings.of(config, kernel);
        if (!settings.empty()) {
            kernel.log("io.pico.os2: configuration: " + settings);
        }
    }

    @Override
    public List<String> formats() {
        return List.of("OS/2 LX (32-bit programs and DLLs)", "OS/2 NE (16-bit OS/2 1.x programs)");
    }

    @Override
    public boolean claims(Image image) {
        byte[] h = image.header();
        if (h.length < 0x40 || h[0] != 'M' || h[1] != 'Z') {
            return false;
        }
        long off = (h[0x3c] & 0xff) | (h[0x3d] & 0xff) << 8 | (h[0x3e] & 0xff) << 16 | (long) (h[0x3f] & 0xff) << 24;
        byte[] sig = new byte[0x38];
        if (off + sig.length <= h.length) {
            System.arraycopy(h, (int) off, sig, 0, sig.length);
        } else {
            try (RandomAccessFile f = new RandomAccessFile(image.hostPath().toFile(), "r")) {
                if (off + 2 > f.length()) {
                    return false;
                }
                f.seek(off);
                f.read(sig);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        if (sig[0] == 'L' && sig[1] == 'X') {
            return true;
        }
        // NE: only OS/2 ones (target OS 1), not Windows
        return sig[0] == 'N' && sig[1] == 'E' && (sig[0x36] == 1 || sig[0x36] == 0);
    }

    @Override
    public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
        String program = launch.program();
        Path host = image.hostPath();
        String shortName = image.fileName();
        Os2Settings settings = this.settings;
        settings.trace(process);
        Drives drives = new Drives(launch.root(), launch.cwd());
        settings.drives().forEach(drives::map);
        Map<String, String> environment = settings.environment(launch.env());
        Os2Process p = new Os2Process(this, kernel, process, drives);
        process.providerState(p);
        try {
            p.installSystemAreas();
            p.files.initStdio();
            p.loader.addLibraryDirectory(Drives.os2Name(drives.guestPath(host.getParent())));
            for (Map.Entry<String, String> e : environment.entrySet()) {
                String key = e.getKey().toUpperCase(Locale.ROOT);
                if (key.equals("BEGINLIBPATH") || key.equals("LIBPATH") || key.equals("ENDLIBPATH")) {
                    for (String dir : e.getValue().split(";")) {
                        if (dir.isBlank()) {
                            continue;
                        }
                        try {
                            Drives.Resolved r = drives.resolve(dir.trim());
                            if (!r.device() && Files.isDirectory(r.host(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                                p.loader.addLibraryDirectory(r.full());
                            }
                        } catch (Os2Exception ex) {
                            // a LIBPATH entry that does not exist
                        }
                    }
                }
            }
            byte[] data = Loader.read(host, shortName);
            String os2Name = Drives.os2Name(drives.guestPath(host));
            Module exe = p.loader.loadProgram(host, os2Name, data);
            p.exe = exe;
            List<String> env = new ArrayList<>();
            for (Map.Entry<String, String> e : environment.entrySet()) {
                env.add(e.getKey() + "=" + e.getValue());
            }
            List<String> argv = launch.argv();
            String argv0 = argv.isEmpty() ? os2Name : argv.get(0);
            if (argv0.contains("/")) {
                argv0 = argv0.startsWith("/") ? Drives.os2Name(argv0) : argv0.replace('/', '\\');
            }
            String arguments = CommandLine.join(argv.size() > 1 ? argv.subList(1, argv.size()) : List.of());
            p.buildEnvironment(env, argv0, arguments);
            Os2Thread first = exe.ne != null
                    ? NeLoader.firstThread(p, exe)
                    : p.newThread(exe.stackBase, exe.stackSize, exe.stackTop, Layout.STUB_BOOT);
            first.started = true;
            first.thread.start();
        } catch (Loader.LoadException e) {
            String m = e.getMessage();
            if (m.startsWith(shortName + ": ")) {
                m = m.substring(shortName.length() + 2);
            }
            throw new ImageException(program + ": " + m);
        } catch (Os2Exception e) {
            throw new ImageException(program + ": cannot be started (" + Err.name(e.code) + ")");
        } catch (io.pico.api.MemoryLimitException e) {
            throw new ImageException(program + ": not enough memory (" + e.getMessage() + ")");
        } finally {
            HostDirs.endCall(); // the directories the DLL search opened
        }
    }

    @Override
    public void systemCall(PicoThread thread) {
        // OS/2 programs never execute SYSCALL; an x86-32 CPU raises #UD for it
        exception(thread, new CpuException(CpuException.Kind.INVALID_INSTRUCTION, 6, thread.get(Register.RIP) - 2,
                CpuException.Access.NONE, thread.get(Register.RIP) - 2));
    }

    @Override
    public void exception(PicoThread thread, CpuException ex) {
        Os2Thread t = Os2Thread.of(thread);
        Os2Process p = Os2Process.of(thread.process());
        if (t == null || p == null) {
            thread.process().exit(ExitStatus.signalled(11, "OS/2 thread without state: " + ex));
            return;
        }
        if (ex.kind() == CpuException.Kind.INTERRUPT && ex.vector() == Layout.TRAP_VECTOR) {
            trap(p, t, thread);
            return;
        }
        if (Tls.covers(ex) && Tls.emulate(t, thread, ex)) {
            java.io.PrintStream trace = p.trace();
            if (trace != null) {
                trace.println(p.process.pid() + (t.tid == 1 ? " " : " [tid " + t.tid + "] ")
                        + String.format("thread-local %s at 0x%x emulated (pc 0x%x)", ex.access().name().toLowerCase(),
                                ex.address(), ex.pc()));
            }
            return;
        }
        Exceptions.fault(t, thread, ex);
    }

    private void trap(Os2Process p, Os2Thread t, PicoThread thread) {
        long pc = thread.get(Register.RIP);
        int cs = (int) thread.get(Register.CS) & 0xffff;
        Fn fn;
        if (cs == Layout.tileSelector(Layout.STUB16)) {
            fn = p.stubs.at16(pc);
        } else {
            if (pc == Layout.STUB_BOOT + 2) {
                p.boot(thread);
                return;
            }
            if (pc == Layout.STUB_EXIT_PROCESS + 2) {
                int code = (int) thread.get(Register.RAX);
                p.traceLine("main returned " + code);
                p.exitProcess(thread, code, 0);
                return;
            }
            if (pc == Layout.STUB_EXIT_THREAD + 2) {
                p.traceLine("thread " + t.tid + " returned " + (int) thread.get(Register.RAX));
                Threads.exit(p, thread, Threads.EXIT_THREAD, (int) thread.get(Register.RAX));
                return;
            }
            if (pc == Layout.STUB_CALL_RETURN + 2) {
                if (!t.returned(thread)) {
                    Exceptions.fault(t, thread, new CpuException(CpuException.Kind.OTHER, 13, pc - 2,
                            CpuException.Access.NONE, pc - 2));
                }
                return;
            }
            fn = p.stubs.at32(pc);
        }
        if (fn == null) {
            Exceptions.fault(t, thread, new CpuException(CpuException.Kind.INTERRUPT, Layout.TRAP_VECTOR, pc - 2,
                    CpuException.Access.NONE, pc - 2));
            return;
        }
        Call c;
        try {
            c = new Call(p, t, thread, fn);
        } catch (MemoryFault e) {
            Exceptions.fault(t, thread, new CpuException(CpuException.Kind.UNMAPPED, 14, e.address(),
                    CpuException.Access.READ, pc - 2));
            return;
        }
        // calls that do not return to their caller are traced before they run: the process may be gone (and its
        // trace read) once they have
        boolean ends = fn.name().equals("DosExit") || fn.name().equals("Dos16Exit")
                || fn.name().equals("DosExitList") && (c.arg(0) & 0xff) == 3;
        java.io.PrintStream trace = p.trace(); // pico:strace may attach or detach it between two calls
        if (ends && trace != null) {
            trace.println(p.process.pid() + (t.tid == 1 ? " " : " [tid " + t.tid + "] ") + c.describe());
        }
        io.pico.api.CallEvent event = CallReports.starting(kernel, thread, c, fn);
        long result;
        if (fn.handler() == null) {
            result = Err.INVALID_FUNCTION;
            if (reported.add(p.process.pid() + " " + fn.module() + "." + fn.ordinal())) {
                kernel.log("pid " + p.process.pid() + ": OS/2 API " + fn.module() + "." + fn.ordinal() + " "
                        + fn.name() + " is not implemented: ERROR_INVALID_FUNCTION");
            }
        } else {
            try {
                result = fn.handler().call(c);
            } catch (Os2Exception e) {
                result = e.code;
            } catch (MemoryFault e) {
                result = Err.INVALID_ADDRESS;
            } catch (io.pico.posix.core.SysError e) {
                result = Drives.error(e); // the O_NOFOLLOW walk refused a name (a link swapped in)
            } finally {
                HostDirs.endCall(); // the host names the call resolved are no longer valid
            }
        }
        CallReports.ended(kernel, event, result);
        if (result != Call.NO_RESULT) {
            thread.set(Register.RAX, result & 0xffff_ffffL);
        }
        if (trace != null && !ends) {
            String line = p.process.pid() + (t.tid == 1 ? " " : " [tid " + t.tid + "] ") + c.describe() + (c.detail == null ? "" : " " + c.detail);
            if (result != Call.NO_RESULT) {
                String name = fn.name().equals("DosFlatToSel") || fn.name().equals("DosSelToFlat")
                        ? String.format("0x%x", result) : result + (Err.name(result).isEmpty() ? ""
                                : " " + Err.name(result));
                line += " = " + name;
            }
            trace.println(line);
        }
    }

    @Override
    public void signal(PicoProcess process, String signal) {
        String s = signal.toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        int number = switch (s) {
            case "INT", "2", "BREAK" -> 2;
            case "TERM", "15" -> 15;
            case "KILL", "9" -> 9;
            case "HUP", "1" -> 1;
            case "QUIT", "3" -> 3;
            default -> throw new IllegalArgumentException("OS/2 knows no signal " + signal);
        };
        process.exit(ExitStatus.signalled(number, "signal " + s));
    }

    @Override
    public List<CallInfo> calls() {
        List<CallInfo> result = new ArrayList<>();
        for (ApiTable t : Apis.tables().values()) {
            for (Fn f : t.all().values()) {
                result.add(new CallInfo(f.module(), f.ordinal(), f.name(), f.support(), f.note()));
            }
        }
        return result;
    }

    @Override
    public void threadExited(PicoThread thread) {
        Os2Thread t = Os2Thread.of(thread);
        if (t != null) {
            t.p.threadEnded(t);
        }
    }

    @Override
    public void processExited(PicoProcess process) {
        if (process.providerState() instanceof Os2Process p) {
            synchronized (p.timers) {
                p.timers.values().forEach(f -> f.cancel(false));
                p.timers.clear();
            }
            Queues.forget(p);
            p.sems.closeAll();
            reported.removeIf(k -> k.startsWith(process.pid() + " "));
        }
    }
}
