package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CpuException;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.ProcessState;
import io.pico.api.Provider;
import io.pico.api.ProviderInfo;
import io.pico.runtime.test.PicoTestProvider.Call;
import io.pico.runtime.test.PicoTestProvider.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * The kernel's dispatch, seen from a personality of the test's own ({@link PicoTestProvider}, "picotest"):
 * system calls reach the provider with the guest's registers and the provider's results reach the guest,
 * exit statuses and the process table, CPU exceptions with their fault address, and isolation between
 * processes of one personality.
 */
class KernelDispatchTest {

    private static final long TIMEOUT_SECONDS = 20;

    /*
     * The guest programs, assembled with nasm (bits 64) and checked with objdump; addresses are those of
     * PicoTestProvider: code at 0x400000, a data page at 0x600000.
     */

    /**
     * <pre>
     *   0: 48 8d 35 1f 00 00 00   lea  rsi, [rip+0x1f]     ; msg at 0x26
     *   7: bf 01 00 00 00         mov  edi, 1              ; stdout handle
     *   c: ba 06 00 00 00         mov  edx, 6
     *  11: b8 01 00 00 00         mov  eax, 1              ; write
     *  16: 0f 05                  syscall
     *  18: bf 07 00 00 00         mov  edi, 7
     *  1d: b8 3c 00 00 00         mov  eax, 60             ; exit(7)
     *  22: 0f 05                  syscall
     *  24: eb fe                  jmp  $
     *  26: "hello\n"
     * </pre>
     */
    static final byte[] HELLO = {
        0x48, (byte) 0x8d, 0x35, 0x1f, 0x00, 0x00, 0x00, (byte) 0xbf, 0x01, 0x00, 0x00, 0x00,
        (byte) 0xba, 0x06, 0x00, 0x00, 0x00, (byte) 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x05,
        (byte) 0xbf, 0x07, 0x00, 0x00, 0x00, (byte) 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05,
        (byte) 0xeb, (byte) 0xfe, 'h', 'e', 'l', 'l', 'o', '\n'};
    static final long HELLO_MSG = PicoTestProvider.CODE + 0x26;

    /**
     * Reads up to 64 bytes from stdin into the data page, writes what it read to stdout, exits 0.
     * <pre>
     *   0: 31 ff                  xor  edi, edi            ; stdin handle
     *   2: be 00 00 60 00         mov  esi, 0x600000
     *   7: ba 40 00 00 00         mov  edx, 64
     *   c: 31 c0                  xor  eax, eax            ; read
     *   e: 0f 05                  syscall
     *  10: 89 c2                  mov  edx, eax            ; length = bytes read
     *  12: bf 01 00 00 00         mov  edi, 1              ; stdout handle
     *  17: be 00 00 60 00         mov  esi, 0x600000
     *  1c: b8 01 00 00 00         mov  eax, 1              ; write
     *  21: 0f 05                  syscall
     *  23: 31 ff                  xor  edi, edi
     *  25: b8 3c 00 00 00         mov  eax, 60             ; exit(0)
     *  2a: 0f 05                  syscall
     *  2c: eb fe                  jmp  $
     * </pre>
     */
    static final byte[] RELAY = {
        0x31, (byte) 0xff, (byte) 0xbe, 0x00, 0x00, 0x60, 0x00, (byte) 0xba, 0x40, 0x00, 0x00, 0x00,
        0x31, (byte) 0xc0, 0x0f, 0x05, (byte) 0x89, (byte) 0xc2, (byte) 0xbf, 0x01, 0x00, 0x00, 0x00, (byte) 0xbe,
        0x00, 0x00, 0x60, 0x00, (byte) 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x31,
        (byte) 0xff, (byte) 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f, 0x05, (byte) 0xeb, (byte) 0xfe};

    /**
     * Calls probe with six distinct arguments and exits with what the provider returned in rax.
     * <pre>
     *   0: bf 11 00 00 00         mov  edi, 0x11
     *   5: be 22 00 00 00         mov  esi, 0x22
     *   a: ba 33 00 00 00         mov  edx, 0x33
     *   f: 41 ba 44 00 00 00      mov  r10d, 0x44
     *  15: 41 b8 55 00 00 00      mov  r8d, 0x55
     *  1b: 41 b9 66 00 00 00      mov  r9d, 0x66
     *  21: b8 63 00 00 00         mov  eax, 99             ; probe
     *  26: 0f 05                  syscall
     *  28: 89 c7                  mov  edi, eax
     *  2a: b8 3c 00 00 00         mov  eax, 60             ; exit(rax)
     *  2f: 0f 05                  syscall
     *  31: eb fe                  jmp  $
     * </pre>
     */
    static final byte[] PROBE = {
        (byte) 0xbf, 0x11, 0x00, 0x00, 0x00, (byte) 0xbe, 0x22, 0x00, 0x00, 0x00, (byte) 0xba, 0x33,
        0x00, 0x00, 0x00, 0x41, (byte) 0xba, 0x44, 0x00, 0x00, 0x00, 0x41, (byte) 0xb8, 0x55,
        0x00, 0x00, 0x00, 0x41, (byte) 0xb9, 0x66, 0x00, 0x00, 0x00, (byte) 0xb8, 0x63, 0x00,
        0x00, 0x00, 0x0f, 0x05, (byte) 0x89, (byte) 0xc7, (byte) 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x0f,
        0x05, (byte) 0xeb, (byte) 0xfe};

    /**
     * Jumps to an unmapped address.
     * <pre>
     *   0: b8 00 00 ad de         mov  eax, 0xdead0000
     *   5: ff e0                  jmp  rax
     * </pre>
     */
    static final byte[] WILD_JUMP = {(byte) 0xb8, 0x00, 0x00, (byte) 0xad, (byte) 0xde, (byte) 0xff, (byte) 0xe0};
    static final long WILD_TARGET = 0xdead0000L;

    private static final PicoTestProvider provider = new PicoTestProvider();
    private static ServiceRegistration<Provider> registration;
    private static final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "picotest-reader");
        t.setDaemon(true);
        return t;
    });

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private final List<PicoProcess> started = new ArrayList<>();
    private final List<IoObject> held = new ArrayList<>();

    @BeforeAll
    static void registerProvider() {
        BundleContext context = FrameworkUtil.getBundle(KernelDispatchTest.class).getBundleContext();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Provider.PERSONALITY, PicoTestProvider.PERSONALITY);
        registration = context.registerService(Provider.class, provider, props);
    }

    @AfterAll
    static void unregisterProvider() {
        if (registration != null) {
            registration.unregister();
        }
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (PicoProcess p : started) {
            if (p.exitStatus().isEmpty()) {
                p.exit(ExitStatus.signalled(9, "test cleanup"));
            }
            p.waitFor();
            kernel.reap(p.pid());
        }
        held.forEach(IoObject::release);
    }

    /** A running guest with the test's ends of its stdin and stdout pipes. */
    record Guest(PicoProcess process, IoObject stdin, IoObject stdout) {
    }

    private Guest spawn(String name, byte[] code) throws IOException, ImageException {
        Path image = dir.resolve(name);
        byte[] file = new byte[PicoTestProvider.MAGIC.length + code.length];
        System.arraycopy(PicoTestProvider.MAGIC, 0, file, 0, PicoTestProvider.MAGIC.length);
        System.arraycopy(code, 0, file, PicoTestProvider.MAGIC.length, code.length);
        Files.write(image, file);
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        Launch launch = new Launch("/" + name, List.of("/" + name, "arg1"), Map.of(), "/", dir,
                new IoObject[] {in[0], out[1], out[1]}, null, 0);
        PicoProcess p;
        try {
            p = kernel.spawn(launch);
        } finally {
            // the process holds its own references now: once it has ended, its stdout pipe reads EOF
            in[0].release();
            out[1].release();
        }
        started.add(p);
        held.add(in[1]);
        held.add(out[0]);
        return new Guest(p, in[1], out[0]);
    }

    /** Everything a guest writes to stdout until it closes (ends), with a time limit. */
    private static String readToEnd(IoObject stdout) throws Exception {
        Future<String> f = readers.submit(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (true) {
                buffer.clear();
                int n = stdout.read(buffer);
                if (n < 0) {
                    return bytes.toString(StandardCharsets.UTF_8);
                }
                bytes.write(buffer.array(), 0, n);
            }
        });
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static ExitStatus await(PicoProcess p) throws Exception {
        Future<ExitStatus> f = readers.submit(p::waitFor);
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private static void send(IoObject stdin, String text) throws Exception {
        stdin.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void systemCallsReachTheProviderWithTheGuestsRegistersAndResultsReachTheGuest() throws Exception {
        Guest g = spawn("probe", PROBE);
        ExitStatus status = await(g.process());

        // the guest exits with what the provider put into rax: the low byte of 0x11+0x22+0x33+0x44+0x55+0x66
        assertEquals(ExitStatus.exited(0x65), status);
        List<Call> calls = provider.calls(g.process().pid());
        assertEquals(List.of(
                new Call(g.process().pid(), PicoTestProvider.PROBE, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66),
                new Call(g.process().pid(), PicoTestProvider.EXIT, 0x65, 0x22, 0x33, 0x44, 0x55, 0x66)), calls);
    }

    @Test
    void writeReachesTheStdoutHandleAndTheExitCodeIsReported() throws Exception {
        Guest g = spawn("hello", HELLO);
        assertEquals("picotest", g.process().personality());

        assertEquals("hello\n", readToEnd(g.stdout()));
        ExitStatus status = await(g.process());
        assertEquals(ExitStatus.exited(7), status);
        assertEquals(7, status.shellStatus());
        List<Call> calls = provider.calls(g.process().pid());
        assertEquals(2, calls.size(), () -> "calls: " + calls);
        Call write = calls.get(0);
        assertEquals(PicoTestProvider.WRITE, write.number());
        assertEquals(1, write.rdi(), "handle");
        assertEquals(HELLO_MSG, write.rsi(), "buffer address");
        assertEquals(6, write.rdx(), "length");
        assertEquals(PicoTestProvider.EXIT, calls.get(1).number());
        assertEquals(7, calls.get(1).rdi());
    }

    @Test
    void theProcessTableShowsABlockedProcessUntilItIsReaped() throws Exception {
        Guest g = spawn("relay", RELAY);
        int pid = g.process().pid();
        waitUntil("the guest reads stdin", () -> !provider.calls(pid).isEmpty());
        Thread.sleep(50); // it is blocked in the pipe now, not merely on its way

        Optional<PicoProcess> listed = kernel.processes().stream().filter(p -> p.pid() == pid).findFirst();
        assertTrue(listed.isPresent(), "pid " + pid + " in " + kernel.processes());
        assertEquals("picotest", listed.get().personality());
        assertEquals(ProcessState.RUNNING, listed.get().state());
        assertEquals(List.of("/relay", "arg1"), listed.get().command());
        assertTrue(listed.get().exitStatus().isEmpty());
        assertEquals(1, listed.get().threads().size());
        assertEquals(pid, listed.get().threads().get(0).tid(), "the first thread's tid is the pid");
        assertEquals(1, provider.calls(pid).size(), "still inside read");

        send(g.stdin(), "ping\n");
        assertEquals("ping\n", readToEnd(g.stdout()));
        assertEquals(ExitStatus.exited(0), await(g.process()));
        List<Call> calls = provider.calls(pid);
        assertEquals(List.of((long) PicoTestProvider.READ, (long) PicoTestProvider.WRITE, (long) PicoTestProvider.EXIT),
                calls.stream().map(Call::number).toList());
        assertEquals(5, calls.get(1).rdx(), "the guest wrote what read returned");

        // ended but not reaped: still listed, as EXITED
        assertEquals(ProcessState.EXITED, kernel.process(pid).orElseThrow().state());
        kernel.reap(pid);
        assertTrue(kernel.process(pid).isEmpty());
        assertFalse(kernel.processes().stream().anyMatch(p -> p.pid() == pid));
    }

    @Test
    void aFaultReachesTheProviderWhileAnotherProcessOfThePersonalityRunsOn() throws Exception {
        Guest survivor = spawn("relay", RELAY);
        int survivorPid = survivor.process().pid();
        waitUntil("the survivor reads stdin", () -> !provider.calls(survivorPid).isEmpty());

        Guest wild = spawn("wild", WILD_JUMP);
        ExitStatus status = await(wild.process());
        assertEquals(PicoTestProvider.SIGSEGV, status.signal(), status::toString);
        assertEquals(128 + 11, status.shellStatus());

        List<Fault> faults = provider.faults(wild.process().pid());
        assertEquals(1, faults.size(), () -> "faults: " + faults);
        CpuException ex = faults.get(0).exception();
        assertEquals(CpuException.Kind.UNMAPPED, ex.kind(), ex::toString);
        assertEquals(WILD_TARGET, ex.address(), () -> String.format("fault address 0x%x", ex.address()));
        assertEquals(CpuException.Access.EXECUTE, ex.access(), ex::toString);
        assertTrue(provider.calls(wild.process().pid()).isEmpty(), "the wild guest made no system call");

        // the other process was not touched: still blocked in read, then finishes normally
        assertTrue(survivor.process().exitStatus().isEmpty(), "the survivor is still running");
        assertTrue(provider.faults(survivorPid).isEmpty());
        send(survivor.stdin(), "still here\n");
        assertEquals("still here\n", readToEnd(survivor.stdout()));
        assertEquals(ExitStatus.exited(0), await(survivor.process()));
    }

    @Test
    void theProviderIsRegisteredWithItsBundleAndClaimsOnlyItsImages() throws Exception {
        ProviderInfo info = kernel.providers().stream().filter(p -> p.personality().equals("picotest")).findFirst()
                .orElseThrow(() -> new AssertionError("picotest not in " + kernel.providers()));
        assertEquals("io.pico.runtime.tests", info.bundle());
        assertEquals(FrameworkUtil.getBundle(KernelDispatchTest.class).getVersion().toString(), info.version());
        assertEquals(List.of("PICOTEST x86-64 test image"), info.formats());
        assertEquals(3, info.full());
        assertEquals(1, info.partial());
        assertEquals(4, info.total());
        assertEquals(4, kernel.calls("picotest").size());

        Path image = dir.resolve("img");
        Files.write(image, PicoTestProvider.MAGIC);
        assertEquals(Optional.of("picotest"), kernel.personalityOf(kernel.image(image, "/img")));

        // not claimed by anyone: a one-line error and the shell status for "cannot execute"
        Path junk = dir.resolve("junk");
        Files.write(junk, "JUNKJUNKJUNK".getBytes(StandardCharsets.US_ASCII));
        IoObject[] out = kernel.pipe();
        held.add(out[0]);
        held.add(out[1]);
        ImageException e = assertThrows(ImageException.class, () -> kernel.spawn(new Launch("/junk",
                List.of("/junk"), Map.of(), "/", dir, new IoObject[] {out[0], out[1], out[1]}, null, 0)));
        assertEquals(ImageException.NOT_EXECUTABLE, e.status());
        assertNotNull(e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        // a picotest image the provider refuses (no code after the magic): the provider's own error
        ImageException refused = assertThrows(ImageException.class, () -> kernel.spawn(new Launch("/img",
                List.of("/img"), Map.of(), "/", dir, new IoObject[] {out[0], out[1], out[1]}, null, 0)));
        assertTrue(refused.getMessage().contains("picotest image"), refused.getMessage());
        assertFalse(kernel.processes().stream().anyMatch(p -> p.command().equals(List.of("/img"))),
                "a process that failed to load is not left in the table");
    }
}
