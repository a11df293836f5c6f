package io.pico.examples.dos;

import io.pico.api.AddressSpace;
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
import io.pico.api.Provider;
import io.pico.api.Register;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The MS-DOS personality: {@code .COM} programs, 16-bit real mode, the DOS API through {@code int 21h}.
 *
 * <p>A .COM file has no header: it is the program's bytes, loaded at offset 100h of a segment right after
 * the 256-byte program segment prefix (PSP), with CS = DS = ES = SS and the stack at the segment's top.
 * The kernel cannot recognise it by its bytes, so this provider claims images by file name
 * ({@link #claimsByName}), which the kernel asks only when no provider claimed the bytes.
 *
 * <p>DOS programs do not use {@code syscall}: they execute {@code int 21h}, which the kernel reports as a
 * CPU exception of kind INTERRUPT with vector 21h, the instruction pointer already after the
 * instruction. {@link #exception} dispatches it (and the BIOS interrupts 10h, 16h, 1Ah) and returns; the
 * thread then goes on after the {@code int}.
 */
@Component(service = Provider.class, property = Provider.PERSONALITY + "=" + DosProvider.PERSONALITY)
public final class DosProvider implements Provider {

    /** The personality's name: {@code pico.personality=dos}. */
    public static final String PERSONALITY = "dos";

    /**
     * The segment of the program's PSP (code at PSP:0100). A multiple of 1000h: the kernel (API 1.x) starts
     * and restarts a 16-bit engine at IP as if it were a linear address, which unicorn then takes relative to
     * CS * 16; the two agree only when CS * 16 is a multiple of 64 KB.
     */
    static final int PSP_SEGMENT = 0x1000;
    /** The segment of the environment block, just below the PSP (4 KB). */
    static final int ENV_SEGMENT = 0x0F00;
    static final int ENV_SIZE = 0x1000;
    /** Guest memory: the first megabyte and the high memory area above it, read, write and execute. */
    static final long MEMORY_SIZE = 0x110000;
    /** The largest .COM program: a segment less the PSP and a word of stack. */
    static final int MAX_COM_SIZE = 0x10000 - 0x100 - 2;

    private final Kernel kernel;
    private final Int21 int21 = new Int21();
    /** Interrupt vectors already reported as unsupported, per process, so that the log gets one line each. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** A provider using the kernel's services (files, the log). */
    @Activate
    public DosProvider(@Reference Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public List<String> formats() {
        return List.of("MS-DOS .COM (16-bit real mode, by file name)");
    }

    /** A .COM file has no header to recognise: this provider never claims by bytes. */
    @Override
    public boolean claims(Image image) {
        return false;
    }

    /** Claims files named *.COM (any case) that do not start with MZ (an .EXE renamed). */
    @Override
    public boolean claimsByName(Image image) {
        return image.fileName().toUpperCase(Locale.ROOT).endsWith(".COM") && !image.startsWith((byte) 'M', (byte) 'Z');
    }

    @Override
    public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
        String name = image.guestPath();
        byte[] program;
        try {
            program = Files.readAllBytes(image.hostPath());
        } catch (IOException e) {
            throw new ImageException(name + ": cannot read: " + e.getMessage());
        }
        if (program.length == 0) {
            throw new ImageException(name + ": an empty .COM file");
        }
        if (program.length > MAX_COM_SIZE) {
            throw new ImageException(name + ": too large for a .COM program (" + program.length + " bytes, at most "
                    + MAX_COM_SIZE + ")");
        }
        AddressSpace memory = process.memory();
        memory.map(0, MEMORY_SIZE, AddressSpace.READ | AddressSpace.WRITE | AddressSpace.EXEC);
        String cwd = launch.cwd() == null || launch.cwd().isEmpty() ? "/" : launch.cwd();
        String programPath = name.startsWith("/") ? name : (cwd.endsWith("/") ? cwd : cwd + "/") + name;
        writeBiosData(memory);
        writeEnvironment(memory, launch.env(), DosPaths.dosPath(normalise(programPath)));
        writePsp(memory, launch.argv());
        memory.write(Cpu.linear(PSP_SEGMENT, 0x100), program, 0, program.length);
        memory.putByte(Cpu.linear(PSP_SEGMENT, 0xfffe), (byte) 0); // a near RET goes to PSP:0000, int 20h
        memory.putByte(Cpu.linear(PSP_SEGMENT, 0xffff), (byte) 0);

        process.providerState(new DosProcess(normalise(cwd), PSP_SEGMENT));
        PicoThread t = process.createThread(CpuMode.X86_16);
        for (Register r : new Register[] {Register.CS, Register.DS, Register.ES, Register.SS}) {
            t.set(r, PSP_SEGMENT);
        }
        t.set(Register.RIP, 0x100);
        t.set(Register.RSP, 0xfffe);
        // what DOS leaves in the registers of a new .COM program
        t.set(Register.RAX, 0);
        t.set(Register.RBX, 0);
        t.set(Register.RCX, 0xff);
        t.set(Register.RDX, PSP_SEGMENT);
        t.set(Register.RSI, 0x100);
        t.set(Register.RDI, 0xfffe);
        t.set(Register.RFLAGS, 0x0202);
        t.start();
    }

    private static String normalise(String guestPath) {
        try {
            return DosPaths.guestPath("/", guestPath);
        } catch (DosError e) {
            return guestPath;
        }
    }

    /** The BIOS data area fields text programs read: video mode 3, 80 columns, 25 rows. */
    private static void writeBiosData(AddressSpace memory) {
        memory.putByte(0x449, (byte) 0x03);
        memory.putByte(0x44a, (byte) 80);
        memory.putByte(0x484, (byte) 24);
    }

    /**
     * The environment block: NAME=value strings of the caller's environment (as many as fit), an empty
     * string, a word 1 and the program's full DOS path.
     */
    private static void writeEnvironment(AddressSpace memory, Map<String, String> env, String programPath) {
        byte[] path = (programPath + "\0").getBytes(StandardCharsets.ISO_8859_1);
        int room = ENV_SIZE - 1 - 2 - path.length;
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, String> e : new TreeMap<>(env == null ? Map.<String, String>of() : env).entrySet()) {
            String s = e.getKey() + "=" + e.getValue();
            if (e.getKey().isEmpty() || !s.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
                continue;
            }
            byte[] b = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
            if (block.size() + b.length > room) {
                continue;
            }
            block.writeBytes(b);
        }
        block.write(0);
        block.write(1);
        block.write(0);
        block.writeBytes(path);
        byte[] b = block.toByteArray();
        memory.write(Cpu.linear(ENV_SEGMENT, 0), b, 0, b.length);
    }

    /** The program segment prefix: int 20h at 0, memory top, environment, handle table, command tail. */
    private static void writePsp(AddressSpace memory, List<String> argv) {
        long psp = Cpu.linear(PSP_SEGMENT, 0);
        byte[] p = new byte[0x100];
        p[0x00] = (byte) 0xCD; // int 20h
        p[0x01] = 0x20;
        word(p, 0x02, DosProcess.MEMORY_TOP);
        word(p, 0x16, PSP_SEGMENT); // parent PSP: itself, as for the first program
        byte[] jft = {1, 1, 1, 0, 2};
        for (int i = 0; i < DosProcess.MAX_HANDLES; i++) {
            p[0x18 + i] = i < jft.length ? jft[i] : (byte) 0xff;
        }
        word(p, 0x2C, ENV_SEGMENT);
        word(p, 0x32, DosProcess.MAX_HANDLES);
        word(p, 0x34, 0x18);
        word(p, 0x36, PSP_SEGMENT);
        p[0x50] = (byte) 0xCD; // int 21h; retf
        p[0x51] = 0x21;
        p[0x52] = (byte) 0xCB;
        for (int fcb : new int[] {0x5C, 0x6C}) {
            java.util.Arrays.fill(p, fcb + 1, fcb + 12, (byte) ' ');
        }
        StringBuilder tail = new StringBuilder();
        for (String a : argv.subList(Math.min(1, argv.size()), argv.size())) {
            tail.append(' ').append(a);
        }
        byte[] t = tail.toString().getBytes(StandardCharsets.ISO_8859_1);
        int n = Math.min(t.length, 126);
        p[0x80] = (byte) n;
        System.arraycopy(t, 0, p, 0x81, n);
        p[0x81 + n] = 0x0D;
        memory.write(psp, p, 0, p.length);
    }

    private static void word(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >> 8);
    }

    /** Real mode has no {@code syscall} instruction: the kernel never calls this for a DOS thread. */
    @Override
    public void systemCall(PicoThread thread) {
        fatal(thread, 4, "syscall in real mode at " + new Cpu(thread).where(), null);
    }

    @Override
    public void exception(PicoThread thread, CpuException exception) {
        DosProcess dos = state(thread.process());
        switch (exception.kind()) {
            case INTERRUPT -> interrupt(new Call(kernel, thread, dos), exception.vector());
            case DIVIDE_ERROR -> fatal(thread, 8, "divide overflow at " + new Cpu(thread).where(), "Divide overflow\r\n");
            case INVALID_INSTRUCTION -> fatal(thread, 4, "invalid opcode at " + new Cpu(thread).where(), null);
            case UNMAPPED, PROTECTION -> fatal(thread, 11, exception.toString(), null);
            default -> fatal(thread, 6, exception.toString(), null);
        }
    }

    /**
     * A software interrupt: DOS (20h, 21h, 29h) and BIOS (10h, 16h, 1Ah) services. Any other vector is
     * logged once and ignored, as the IRET stubs of a real PC's vector table would.
     */
    private void interrupt(Call c, int vector) {
        try {
            switch (vector) {
                case 0x20 -> {
                    c.trace("int20 terminate() = ?");
                    c.process.exit(ExitStatus.exited(0));
                }
                case 0x21 -> int21.dispatch(c);
                case 0x29 -> c.writeChar(c.cpu.al());
                case 0x10 -> Bios.video(c);
                case 0x16 -> Bios.keyboard(c);
                case 0x1A -> Bios.clock(c);
                default -> {
                    if (reported.add(c.process.pid() + ":" + vector)) {
                        kernel.log("dos: pid " + c.process.pid() + ": int " + String.format("%02Xh", vector)
                                + " is not supported (ignored) at " + c.cpu.where());
                    }
                }
            }
        } catch (InterruptedException e) {
            if (c.process.exitStatus().isEmpty()) {
                // a hot-swap parked this thread inside a blocking call: run the int instruction (2 bytes)
                // again once the thread goes on, under whichever provider runs the process then
                c.cpu.ip(c.cpu.ip() - 2);
            }
        } catch (DosError | IOException e) {
            // BIOS and int 29h calls have no error convention: the program sees nothing
            kernel.log("dos: pid " + c.process.pid() + ": int " + String.format("%02Xh", vector) + ": " + e);
        }
    }

    /** Ends the process as DOS ends a program that faulted; the "signal" numbers are the usual ones. */
    private void fatal(PicoThread thread, int signal, String reason, String message) {
        PicoProcess p = thread.process();
        if (message != null) {
            try {
                new Call(kernel, thread, state(p)).write(2, message.getBytes(StandardCharsets.ISO_8859_1),
                        message.length());
            } catch (Exception e) {
                // the process ends anyway
            }
        }
        p.trace().ifPresent(t -> t.println(p.pid() + " --- " + reason + " ---"));
        p.exit(ExitStatus.signalled(signal, reason));
    }

    private static DosProcess state(PicoProcess process) {
        Object s = process.providerState();
        if (!(s instanceof DosProcess d)) {
            throw new IllegalStateException("pid " + process.pid() + " has no DOS state");
        }
        return d;
    }

    /**
     * DOS knows Ctrl-C and Ctrl-Break: INT (and the other ending signals, TERM, HUP, QUIT, KILL) end the
     * program, as the default Ctrl-C handler does.
     */
    @Override
    public void signal(PicoProcess process, String signal) {
        String s = signal.toUpperCase(Locale.ROOT);
        s = s.startsWith("SIG") ? s.substring(3) : s;
        int number = switch (s) {
            case "HUP", "1" -> 1;
            case "INT", "BREAK", "2" -> 2;
            case "QUIT", "3" -> 3;
            case "KILL", "9" -> 9;
            case "TERM", "15" -> 15;
            default -> throw new IllegalArgumentException("DOS knows no signal " + signal
                    + " (INT, BREAK, TERM, HUP, QUIT, KILL)");
        };
        process.exit(ExitStatus.signalled(number, number == 2 ? "^C" : "SIG" + s));
    }

    @Override
    public List<CallInfo> calls() {
        List<CallInfo> calls = new ArrayList<>();
        calls.add(new CallInfo("int", 0x10, "bios_video", io.pico.api.Support.PARTIAL, "see table int10h"));
        calls.add(new CallInfo("int", 0x16, "bios_keyboard", io.pico.api.Support.PARTIAL, "see table int16h"));
        calls.add(new CallInfo("int", 0x1A, "bios_clock", io.pico.api.Support.PARTIAL, "see table int1Ah"));
        calls.add(new CallInfo("int", 0x20, "terminate", io.pico.api.Support.FULL, ""));
        calls.add(new CallInfo("int", 0x21, "dos", io.pico.api.Support.PARTIAL, "see table int21h"));
        calls.add(new CallInfo("int", 0x29, "fast_console_output", io.pico.api.Support.FULL, ""));
        calls.addAll(int21.calls());
        calls.addAll(Bios.calls());
        return calls;
    }

    @Override
    public int stateVersion() {
        return DosProcess.STATE_VERSION;
    }

    @Override
    public Map<String, Object> exportState(PicoProcess process) {
        return state(process).export();
    }

    @Override
    public void importState(PicoProcess process, int version, Map<String, Object> state) {
        process.providerState(DosProcess.fromState(version, state));
    }

    @Override
    public void processExited(PicoProcess process) {
        reported.removeIf(k -> k.startsWith(process.pid() + ":"));
    }
}
