package io.pico.runtime.test;

import io.pico.api.AddressSpace;
import io.pico.api.CallInfo;
import io.pico.api.CpuException;
import io.pico.api.CpuMode;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ImageException;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.Register;
import io.pico.api.Support;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * "faulty": a personality that misbehaves on purpose, written against io.pico.api alone, for the provider-fault
 * tests. An image is {@code FAULTY} + a start mode byte + x86-64 code, mapped at 0x400000. Start modes:
 * {@code 'R'} runs the code, {@code 'T'} throws a RuntimeException in start, {@code 'E'} throws an Error.
 * System calls (rax): 60 exit(rdi); 100 throws a RuntimeException; 101 throws an Error; 102 blocks until
 * {@link #release} (interruptibly); 103 blocks until {@link #release} ignoring interrupts; 104 counts and
 * returns. A CPU exception throws when {@link #throwOnException} is set, else ends the process with signal 11.
 * signal() behaves as {@link #signals} says.
 */
final class ReliabilityFaultyProvider implements Provider {

    static final String PERSONALITY = "faulty";
    static final byte[] MAGIC = "FAULTY".getBytes(StandardCharsets.US_ASCII);
    static final long CODE = 0x400000;
    static final long STACK_TOP = 0x800000;

    /** What signal() does. */
    enum Signals { NORMAL, THROW, IGNORE }

    volatile Signals signals = Signals.NORMAL;
    volatile boolean throwOnException;
    volatile CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger blocked = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final List<Integer> exitCalls = new CopyOnWriteArrayList<>();
    private final int stateVersion;

    /** A provider that cannot hand its processes over (stateVersion 0) or one that can (1). */
    ReliabilityFaultyProvider(int stateVersion) {
        this.stateVersion = stateVersion;
    }

    // the guest programs, hand-assembled
    static final byte[] SYSCALL = {0x0f, 0x05};

    static byte[] movEax(int v) {
        return new byte[] {(byte) 0xb8, (byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    static byte[] movEdi(int v) {
        return new byte[] {(byte) 0xbf, (byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    static final byte[] JMP_SELF = {(byte) 0xeb, (byte) 0xfe};

    static byte[] code(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Makes call {@code number}, then exits with {@code code}. */
    static byte[] callThenExit(int number, int code) {
        return code(movEax(number), SYSCALL, movEdi(code), movEax(60), SYSCALL, JMP_SELF);
    }

    static byte[] exit(int code) {
        return code(movEdi(code), movEax(60), SYSCALL, JMP_SELF);
    }

    /** Jumps to an unmapped address. */
    static final byte[] WILD = {(byte) 0xb8, 0x00, 0x00, (byte) 0xad, (byte) 0xde, (byte) 0xff, (byte) 0xe0};

    /** An image file's bytes. */
    static byte[] image(char mode, byte[] code) {
        byte[] b = new byte[MAGIC.length + 1 + code.length];
        System.arraycopy(MAGIC, 0, b, 0, MAGIC.length);
        b[MAGIC.length] = (byte) mode;
        System.arraycopy(code, 0, b, MAGIC.length + 1, code.length);
        return b;
    }

    @Override
    public List<String> formats() {
        return List.of("FAULTY x86-64 test image");
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
            throw new ImageException(image.guestPath() + ": " + e.getMessage());
        }
        switch (file[MAGIC.length]) {
            case 'T' -> throw new IllegalStateException("faulty: start throws");
            case 'E' -> throw new AssertionError("faulty: start throws an Error");
            default -> {
                // runs
            }
        }
        AddressSpace m = process.memory();
        m.map(CODE, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.EXEC);
        m.write(CODE, file, MAGIC.length + 1, file.length - MAGIC.length - 1);
        m.map(STACK_TOP - 0x4000, 0x4000, AddressSpace.READ | AddressSpace.WRITE);
        PicoThread t = process.createThread(CpuMode.X86_64);
        t.set(Register.RIP, CODE);
        t.set(Register.RSP, STACK_TOP - 16);
        t.start();
    }

    @Override
    public void systemCall(PicoThread thread) {
        calls.incrementAndGet();
        long n = thread.get(Register.RAX);
        switch ((int) n) {
            case 60 -> {
                exitCalls.add(thread.process().pid());
                thread.process().exit(ExitStatus.exited((int) thread.get(Register.RDI)));
            }
            case 100 -> throw new IllegalStateException("faulty: a system call throws");
            case 101 -> throw new StackOverflowError("faulty: a system call throws an Error");
            case 102 -> {
                blocked.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    blocked.decrementAndGet();
                }
                thread.set(Register.RAX, 0);
            }
            case 103 -> {
                blocked.incrementAndGet();
                try {
                    boolean interrupted = false;
                    while (release.getCount() > 0) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            interrupted = true; // ignored until released
                        }
                    }
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                } finally {
                    blocked.decrementAndGet();
                }
                thread.set(Register.RAX, 0);
            }
            default -> thread.set(Register.RAX, 0);
        }
    }

    @Override
    public void exception(PicoThread thread, CpuException exception) {
        if (throwOnException) {
            throw new IllegalStateException("faulty: exception() throws for " + exception);
        }
        thread.process().exit(ExitStatus.signalled(11, "faulty: " + exception));
    }

    @Override
    public void signal(PicoProcess process, String signal) {
        switch (signals) {
            case THROW -> throw new IllegalStateException("faulty: signal() throws");
            case IGNORE -> {
                // loses every signal
            }
            default -> process.exit(ExitStatus.signalled(signal.equals("KILL") ? 9 : 15, signal));
        }
    }

    @Override
    public List<CallInfo> calls() {
        return List.of(new CallInfo("syscall", 60, "exit", Support.FULL, ""));
    }

    @Override
    public int stateVersion() {
        return stateVersion;
    }

    @Override
    public Map<String, Object> exportState(PicoProcess process) {
        if (stateVersion == 0) {
            throw new UnsupportedOperationException("faulty 0 cannot hand over");
        }
        return Map.of("faulty", 1);
    }

    @Override
    public void importState(PicoProcess process, int version, Map<String, Object> state) {
        if (version != 1) {
            throw new IllegalArgumentException("faulty takes version 1, not " + version);
        }
    }
}
