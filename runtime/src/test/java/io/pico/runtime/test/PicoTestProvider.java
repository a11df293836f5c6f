package io.pico.runtime.test;

import io.pico.api.AddressSpace;
import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.CpuMode;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.Register;
import io.pico.api.Support;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * "picotest": a minimal personality written against io.pico.api alone, to test the kernel's dispatch.
 *
 * <p>An image is the 8 bytes {@code PICOTEST} followed by x86-64 machine code, which is mapped at
 * {@link #CODE} (read+execute) and started there with a stack below {@link #STACK_TOP} and a data page at
 * {@link #DATA}. Its system calls, numbered here and nowhere else:
 * <ul>
 * <li>{@code rax=0} read(handle=rdi, buf=rsi, len=rdx) from a kernel handle, blocking; rax = bytes read, 0 at
 * the end</li>
 * <li>{@code rax=1} write(handle=rdi, buf=rsi, len=rdx); rax = bytes written</li>
 * <li>{@code rax=60} exit(code=rdi)</li>
 * <li>{@code rax=99} probe(rdi, rsi, rdx, r10, r8, r9): rax = the low byte of their sum</li>
 * <li>anything else: rax = -38</li>
 * </ul>
 * Every call is recorded with its registers; a CPU exception is recorded and ends the process with signal 11.
 */
final class PicoTestProvider implements Provider {

    static final String PERSONALITY = "picotest";
    static final byte[] MAGIC = "PICOTEST".getBytes(StandardCharsets.US_ASCII);
    static final long CODE = 0x400000;
    static final long DATA = 0x600000;
    static final long STACK_TOP = 0x800000;
    static final long STACK_SIZE = 0x4000;
    static final int SIGSEGV = 11;

    static final int READ = 0;
    static final int WRITE = 1;
    static final int EXIT = 60;
    static final int PROBE = 99;
    static final long ENOSYS = -38;
    static final long EBADF = -9;
    static final long EINTR = -4;
    static final long EIO = -5;

    /** A system call as the provider saw it. */
    record Call(int pid, long number, long rdi, long rsi, long rdx, long r10, long r8, long r9) {
    }

    /** A CPU exception as the provider saw it. */
    record Fault(int pid, CpuException exception) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<Fault> faults = new CopyOnWriteArrayList<>();

    List<Call> calls(int pid) {
        return calls.stream().filter(c -> c.pid() == pid).toList();
    }

    List<Fault> faults(int pid) {
        return faults.stream().filter(f -> f.pid() == pid).toList();
    }

    @Override
    public List<String> formats() {
        return List.of("PICOTEST x86-64 test image");
    }

    @Override
    public boolean claims(Image image) {
        return image.startsWith(MAGIC);
    }

    @Override
    public void start(PicoProcess process, Image image, Launch launch) throws ImageException {
        byte[] file;
        try {
            file = Files.readAllBytes(image.hostPath());
        } catch (IOException e) {
            throw new ImageException(image.guestPath() + ": cannot read: " + e.getMessage());
        }
        int codeLength = file.length - MAGIC.length;
        if (codeLength <= 0 || codeLength > AddressSpace.PAGE_SIZE) {
            throw new ImageException(image.guestPath() + ": a picotest image holds 1 to 4096 bytes of code");
        }
        AddressSpace memory = process.memory();
        memory.map(CODE, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.EXEC);
        memory.write(CODE, file, MAGIC.length, codeLength);
        memory.map(DATA, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.WRITE);
        memory.map(STACK_TOP - STACK_SIZE, STACK_SIZE, AddressSpace.READ | AddressSpace.WRITE);
        PicoThread thread = process.createThread(CpuMode.X86_64);
        thread.set(Register.RIP, CODE);
        thread.set(Register.RSP, STACK_TOP - 16);
        thread.start();
    }

    @Override
    public void systemCall(PicoThread thread) {
        PicoProcess process = thread.process();
        long number = thread.get(Register.RAX);
        long rdi = thread.get(Register.RDI);
        long rsi = thread.get(Register.RSI);
        long rdx = thread.get(Register.RDX);
        calls.add(new Call(process.pid(), number, rdi, rsi, rdx, thread.get(Register.R10), thread.get(Register.R8),
                thread.get(Register.R9)));
        long result;
        switch ((int) number) {
            case READ -> result = read(process, (int) rdi, rsi, (int) Math.min(rdx, AddressSpace.PAGE_SIZE));
            case WRITE -> result = write(process, (int) rdi, rsi, (int) Math.min(rdx, AddressSpace.PAGE_SIZE));
            case EXIT -> {
                process.exit(ExitStatus.exited((int) rdi));
                return;
            }
            case PROBE -> result = (rdi + rsi + rdx + thread.get(Register.R10) + thread.get(Register.R8)
                    + thread.get(Register.R9)) & 0xff;
            default -> result = ENOSYS;
        }
        thread.set(Register.RAX, result);
    }

    private static long read(PicoProcess process, int handle, long address, int length) {
        IoObject io = process.handles().get(handle);
        if (io == null) {
            return EBADF;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try {
            int n = io.read(buffer);
            if (n <= 0) {
                return 0;
            }
            process.memory().write(address, buffer.array(), 0, n);
            return n;
        } catch (InterruptedException e) {
            return EINTR;
        } catch (IOException e) {
            return EIO;
        }
    }

    private static long write(PicoProcess process, int handle, long address, int length) {
        IoObject io = process.handles().get(handle);
        if (io == null) {
            return EBADF;
        }
        byte[] data = new byte[length];
        process.memory().read(address, data, 0, length);
        try {
            return io.write(ByteBuffer.wrap(data));
        } catch (InterruptedException e) {
            return EINTR;
        } catch (IOException e) {
            return EIO;
        }
    }

    @Override
    public void exception(PicoThread thread, CpuException exception) {
        faults.add(new Fault(thread.process().pid(), exception));
        thread.process().exit(ExitStatus.signalled(SIGSEGV, "picotest: " + exception));
    }

    @Override
    public void signal(PicoProcess process, String signal) {
        int number = switch (signal) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "KILL" -> 9;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException("picotest knows no signal " + signal);
        };
        process.exit(ExitStatus.signalled(number, signal));
    }

    @Override
    public List<CallInfo> calls() {
        return List.of(new CallInfo("syscall", READ, "read", Support.FULL, ""),
                new CallInfo("syscall", WRITE, "write", Support.FULL, ""),
                new CallInfo("syscall", EXIT, "exit", Support.FULL, ""),
                new CallInfo("syscall", PROBE, "probe", Support.PARTIAL, "returns the low byte of the sum"));
    }
}
