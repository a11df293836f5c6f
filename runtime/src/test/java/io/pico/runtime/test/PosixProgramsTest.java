package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallInfo;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.ProviderInfo;
import io.pico.api.Support;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import io.pico.runtime.test.FreeBsdKit.Run;
import org.osgi.test.common.annotation.InjectService;

/**
 * The POSIX personality (FreeBSD amd64) through the Kernel service: the real FreeBSD programs of the shared corpus
 * (../shared/corpus/freebsd: hand-written assembly, static libc, dynamic with ld-elf.so.1 and libc.so.7 in a guest
 * root) and FreeBSD-branded programs assembled here with nasm and ld (OS/ABI byte set to FreeBSD, as brandelf
 * does) for the carry-flag error path, files, fork with pipes and wait4, and signals.
 */
class PosixProgramsTest {

    private static final long TIMEOUT_SECONDS = 60;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    /** The corpus's FreeBSD folder: the property pico.corpus (set by test.bndrun), or shared/corpus upwards. */
    static Path freebsd() {
        String prop = System.getProperty("pico.corpus");
        List<Path> candidates = new ArrayList<>();
        if (prop != null) {
            candidates.add(Path.of(prop).resolve("freebsd"));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p.resolve("shared/corpus/freebsd"));
            candidates.add(p.resolveSibling("shared").resolve("corpus/freebsd"));
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        Assumptions.assumeTrue(false, "the FreeBSD corpus is not on this machine");
        return null;
    }

    private Run run(Path root, String program, String... args) throws Exception {
        return FreeBsdKit.run(kernel, root, program, args);
    }

    @Test
    void theProviderRegistersWithItsSystemCallTable() {
        ProviderInfo posix = kernel.providers().stream().filter(i -> i.personality().equals("posix")).findFirst()
                .orElseThrow(() -> new AssertionError("no posix provider in " + kernel.providers()));
        assertEquals("io.pico.provider.posix", posix.bundle());
        List<CallInfo> calls = kernel.calls("posix");
        assertTrue(calls.contains(new CallInfo("syscall", 4, "write", Support.FULL, "")), "write is listed");
        assertTrue(calls.stream().anyMatch(c -> c.number() == 454 && c.name().equals("_umtx_op")));
        assertTrue(posix.full() + posix.partial() >= 150, posix::toString);
    }

    @Test
    void theAssemblyHelloPrintsItsGreeting() throws Exception {
        Run r = run(Path.of("/"), freebsd().resolve("bin/x8664_hello_asm").toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("hello, world!\n\0", r.out());
        assertTrue(r.trace().contains(" write(1,0x200158,15) = 15"), r::trace);
    }

    @Test
    void theStaticLibcHelloPrintsItsGreeting() throws Exception {
        Run r = run(Path.of("/"), freebsd().resolve("bin/x8664_hello_static").toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("Hello, World!", r.out());
    }

    @Test
    void theDynamicHelloRunsWithTheRuntimeLinkerAndLibcOfItsGuestRoot() throws Exception {
        Path root = dir.resolve("root");
        Path corpus = freebsd();
        for (String f : new String[] {"libexec/ld-elf.so.1", "lib/libc.so.7", "bin/x8664_hello"}) {
            Files.createDirectories(root.resolve(f).getParent());
            Files.copy(corpus.resolve(f), root.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Run r = run(root, "/bin/x8664_hello");
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("Hello, World!", r.out());
        assertTrue(r.trace().contains("openat(AT_FDCWD,\"/lib/libc.so.7\""), r::trace);
    }

    @Test
    void aDynamicProgramWithoutItsInterpreterFailsWithStatus127() throws Exception {
        Path root = dir.resolve("empty");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(freebsd().resolve("bin/x8664_hello"), root.resolve("bin/hello"));
        ImageException e = assertThrows(ImageException.class, () -> run(root, "/bin/hello"));
        assertEquals(ImageException.NOT_FOUND, e.status());
        assertTrue(e.getMessage().contains("/libexec/ld-elf.so.1"), e::getMessage);
    }

    @Test
    void aTruncatedImageFailsWithOneLineAndStatus126() throws Exception {
        byte[] image = Files.readAllBytes(freebsd().resolve("bin/x8664_hello_static"));
        Path bad = dir.resolve("truncated");
        Files.write(bad, Arrays.copyOf(image, 3000));
        ImageException e = assertThrows(ImageException.class, () -> run(Path.of("/"), bad.toString()));
        assertEquals(ImageException.NOT_EXECUTABLE, e.status());
        assertFalse(e.getMessage().contains("\n"), e::getMessage);
        assertTrue(e.getMessage().contains("truncated"), e::getMessage);
    }

    // ---- FreeBSD-branded programs built here ------------------------------------------------------------

    /** Assembles a program with nasm and ld and brands it FreeBSD (OS/ABI 9); skips without the tools. */
    private Path build(String name, String source) throws Exception {
        return FreeBsdKit.build(dir, name, source);
    }

    private static final String PRELUDE = FreeBsdKit.PRELUDE;

    @Test
    void failuresSetTheCarryFlagWithAPositiveErrnoAndSuccessClearsIt() throws Exception {
        Path exe = build("carry", PRELUDE + """
                  mov eax, 999              ; no such call: ENOSYS (78)
                  syscall
                  jnc bad
                  cmp rax, 78
                  jne bad
                  print `enosys\\n`
                  lea rdi, [rel missing]    ; open of a missing file: ENOENT (2)
                  xor esi, esi
                  mov eax, SYS_open
                  syscall
                  jnc bad
                  cmp rax, 2
                  jne bad
                  print `enoent\\n`
                  stc                       ; a successful call clears the carry
                  mov eax, SYS_getpid
                  syscall
                  jc bad
                  test rax, rax
                  jz bad
                  print `ok\\n`
                  exit 0
                bad:
                  exit 1
                missing: db "/no/such/file", 0
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(new Run(ExitStatus.exited(0), "enosys\nenoent\nok\n", r.trace()), r);
        assertTrue(r.trace().contains("syscall_999(...) = -1 errno=78 (Function not implemented)"), r::trace);
        assertTrue(r.trace().contains("open(\"/no/such/file\",O_RDONLY,") && r.trace().contains(") = -1 errno=2 (No such file or directory)"),
                r::trace);
    }

    @Test
    void filesAreCreatedWrittenReadBackStattedAndRemovedInsideTheRoot() throws Exception {
        Path root = dir.resolve("fsroot");
        Files.createDirectories(root.resolve("tmp"));
        Path exe = build("files", PRELUDE + """
                  lea rdi, [rel name]
                  mov esi, 0x602            ; O_RDWR|O_CREAT|O_TRUNC
                  mov edx, 0644o
                  mov eax, SYS_open
                  syscall
                  jc bad
                  mov r12, rax              ; fd
                  mov rdi, r12
                  lea rsi, [rel data]
                  mov edx, 6
                  mov eax, SYS_write
                  syscall
                  cmp rax, 6
                  jne bad
                  mov rdi, r12              ; lseek(fd, 0, SEEK_SET)
                  xor esi, esi
                  xor edx, edx
                  mov eax, SYS_lseek
                  syscall
                  jc bad
                  mov rdi, r12
                  lea rsi, [rel buf]
                  mov edx, 64
                  mov eax, SYS_read
                  syscall
                  cmp rax, 6
                  jne bad
                  mov rdi, r12              ; fstat: st_size at offset 112
                  lea rsi, [rel st]
                  mov eax, SYS_fstat
                  syscall
                  jc bad
                  cmp qword [rel st + 112], 6
                  jne bad
                  mov edi, 1
                  lea rsi, [rel buf]
                  mov edx, 6
                  mov eax, SYS_write
                  syscall
                  mov rdi, r12
                  mov eax, SYS_close
                  syscall
                  lea rdi, [rel escape]     ; ../../ stays in the root: /tmp/../../tmp/f is /tmp/f
                  mov eax, SYS_unlink
                  syscall
                  jc bad
                  exit 0
                bad:
                  exit 1
                name: db "/tmp/f", 0
                escape: db "/tmp/../../tmp/f", 0
                data: db "hello", 10
                section .bss
                buf: resb 64
                st: resb 224
                """);
        Path inRoot = root.resolve("files");
        Files.copy(exe, inRoot);
        Run r = run(root, "/files");
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("hello\n", r.out());
        assertFalse(Files.exists(root.resolve("tmp/f")), "unlinked");
    }

    @Test
    void aForkedChildWritesIntoAPipeAndTheParentReapsItWithWait4() throws Exception {
        Path exe = build("forkpipe", PRELUDE + """
                  lea rdi, [rel fds]
                  xor esi, esi
                  mov eax, SYS_pipe2
                  syscall
                  jc bad
                  mov eax, SYS_fork
                  syscall
                  jc bad
                  test rax, rax
                  jz child
                  mov r13, rax              ; the child's pid
                  mov edi, [rel fds + 4]    ; parent: close the write end
                  mov eax, SYS_close
                  syscall
                  mov edi, [rel fds]
                  lea rsi, [rel buf]
                  mov edx, 64
                  mov eax, SYS_read
                  syscall
                  jc bad
                  mov rdx, rax
                  mov edi, 1
                  lea rsi, [rel buf]
                  mov eax, SYS_write
                  syscall
                  mov rdi, -1               ; wait4(-1, &status, 0, NULL)
                  lea rsi, [rel status]
                  xor edx, edx
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  cmp rax, r13
                  jne bad
                  cmp dword [rel status], 7 << 8
                  jne bad
                  print `parent reaped 7\\n`
                  exit 0
                child:
                  cmp rdx, 1                ; FreeBSD: rdx is 1 in the child
                  jne bad
                  mov edi, [rel fds + 4]
                  lea rsi, [rel msg]
                  mov edx, msgend - msg
                  mov eax, SYS_write
                  syscall
                  exit 7
                bad:
                  exit 1
                msg: db "child wrote", 10
                msgend:
                section .bss
                fds: resd 2
                status: resd 1
                buf: resb 64
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("child wrote\nparent reaped 7\n", r.out());
    }

    /**
     * _umtx_op's shared ops on MAP_SHARED memory reach another process: the forked child waits (UMTX_OP_WAIT_UINT,
     * 5 s timeout) on a word of a shared anonymous page after it set a ready word, the parent waits for the ready
     * word, sleeps 100 ms, stores 42 and wakes with UMTX_OP_WAKE. The child exits with the word it saw, or 3 when
     * its wait timed out (a wake keyed per process never reaches it), 4 on another error.
     */
    @Test
    void umtxWaitAndWakeOnSharedMemoryReachAcrossFork() throws Exception {
        Path exe = build("umtxshared", PRELUDE + """
                  %define SYS_nanosleep 240
                  %define SYS_umtx_op 454
                  %define SYS_mmap 477
                  xor edi, edi              ; mmap(0, 4096, RW, MAP_SHARED|MAP_ANON, -1, 0)
                  mov esi, 4096
                  mov edx, 3
                  mov r10d, 0x1001
                  mov r8, -1
                  xor r9d, r9d
                  mov eax, SYS_mmap
                  syscall
                  jc bad
                  mov r12, rax              ; [r12]: the word, [r12 + 64]: ready
                  mov eax, SYS_fork
                  syscall
                  jc bad
                  cmp rdx, 1                ; FreeBSD: rdx is 1 in the child
                  je child
                  mov r13, rax
                ready:
                  cmp dword [r12 + 64], 1
                  je store
                  lea rdi, [rel tick]
                  xor esi, esi
                  mov eax, SYS_nanosleep
                  syscall
                  jmp ready
                store:
                  lea rdi, [rel tick]       ; let the child reach its wait
                  xor esi, esi
                  mov eax, SYS_nanosleep
                  syscall
                  mov dword [r12], 42
                  mov rdi, r12              ; _umtx_op(word, UMTX_OP_WAKE, 1, 0, 0)
                  mov esi, 3
                  mov edx, 1
                  xor r10d, r10d
                  xor r8d, r8d
                  mov eax, SYS_umtx_op
                  syscall
                  jc bad
                  mov rdi, r13              ; wait4(child, &status, 0, NULL)
                  lea rsi, [rel status]
                  xor edx, edx
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  mov edi, [rel status]
                  shr edi, 8
                  and edi, 0xff
                  mov eax, SYS_exit         ; the child's status
                  syscall
                child:
                  mov dword [r12 + 64], 1
                again:
                  cmp dword [r12], 0
                  jne seen
                  mov rdi, r12              ; _umtx_op(word, UMTX_OP_WAIT_UINT, 0, sizeof timespec, &timeout)
                  mov esi, 11
                  xor edx, edx
                  mov r10d, 16
                  lea r8, [rel timeout]
                  mov eax, SYS_umtx_op
                  syscall
                  jnc again
                  cmp eax, 60               ; ETIMEDOUT
                  jne other
                  exit 3
                other:
                  exit 4
                seen:
                  mov edi, [r12]
                  mov eax, SYS_exit
                  syscall
                bad:
                  exit 1
                tick: dq 0, 100000000
                timeout: dq 5, 0
                section .bss
                status: resd 1
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(ExitStatus.exited(42), r.status(), r::trace);
    }

    @Test
    void aChildThatStopsItselfIsSeenStoppedAndContinuedByWait4BeforeItExits() throws Exception {
        // FreeBSD's numbers: SIGSTOP 17, SIGCONT 19; WUNTRACED 2, WCONTINUED 4; a continue's status is 0x13
        Path exe = build("jobstop", PRELUDE + """
                  lea rdi, [rel fds]
                  xor esi, esi
                  mov eax, SYS_pipe2
                  syscall
                  jc bad
                  mov eax, SYS_fork
                  syscall
                  jc bad
                  test rax, rax
                  jz child
                  mov r13, rax              ; the child's pid
                  mov rdi, r13              ; wait4(pid, &status, WUNTRACED, NULL): stopped by SIGSTOP
                  lea rsi, [rel status]
                  mov edx, 2
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  cmp rax, r13
                  jne bad
                  cmp dword [rel status], (17 << 8) | 0x7f
                  jne bad2
                  print `stopped\\n`
                  mov rdi, r13              ; wait4(pid, &status, WNOHANG | WUNTRACED, NULL): reported once only
                  lea rsi, [rel status]
                  mov edx, 3
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  test rax, rax
                  jnz bad3
                  mov rdi, r13              ; kill(pid, SIGCONT)
                  mov esi, 19
                  mov eax, SYS_kill
                  syscall
                  jc bad
                  mov rdi, r13              ; wait4(pid, &status, WCONTINUED, NULL): it went on
                  lea rsi, [rel status]
                  mov edx, 4
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  cmp rax, r13
                  jne bad
                  cmp dword [rel status], 0x13
                  jne bad4
                  print `continued\\n`
                  mov edi, [rel fds + 4]    ; let the child read and exit
                  lea rsi, [rel buf]
                  mov edx, 1
                  mov eax, SYS_write
                  syscall
                  mov rdi, r13              ; wait4(pid, &status, 0, NULL): exited with 7
                  lea rsi, [rel status]
                  xor edx, edx
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  cmp dword [rel status], 7 << 8
                  jne bad5
                  print `exited 7\\n`
                  exit 0
                child:
                  mov eax, SYS_getpid       ; kill(getpid(), SIGSTOP)
                  syscall
                  mov rdi, rax
                  mov esi, 17
                  mov eax, SYS_kill
                  syscall
                  mov edi, [rel fds]        ; blocks until the parent has seen the continue
                  lea rsi, [rel buf]
                  mov edx, 1
                  mov eax, SYS_read
                  syscall
                  exit 7
                bad:
                  exit 1
                bad2:
                  exit 2
                bad3:
                  exit 3
                bad4:
                  exit 4
                bad5:
                  exit 5
                section .bss
                fds: resd 2
                status: resd 1
                buf: resb 8
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("stopped\ncontinued\nexited 7\n", r.out());
        assertTrue(r.trace().contains("--- stopped by SIGSTOP ---"), r::trace);
    }

    @Test
    void killMinusOneReachesTheOtherProcessesOfTheSessionButNotTheCaller() throws Exception {
        // FreeBSD's numbers: SIGTERM 15, ESRCH 3
        Path exe = build("killall", PRELUDE + """
                  mov rdi, -1               ; kill(-1, 0): nobody else in the session yet
                  xor esi, esi
                  mov eax, SYS_kill
                  syscall
                  jnc bad2
                  cmp rax, 3
                  jne bad2
                  lea rdi, [rel fds]
                  xor esi, esi
                  mov eax, SYS_pipe2
                  syscall
                  jc bad
                  mov eax, SYS_fork
                  syscall
                  jc bad
                  test rax, rax
                  jz child
                  mov r13, rax
                  mov rdi, -1               ; kill(-1, SIGTERM): the child, not the caller
                  mov esi, 15
                  mov eax, SYS_kill
                  syscall
                  jc bad3
                  mov rdi, r13              ; wait4(pid, &status, 0, NULL): killed by SIGTERM
                  lea rsi, [rel status]
                  xor edx, edx
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  cmp dword [rel status], 15
                  jne bad4
                  print `caller alive, child terminated\\n`
                  exit 0
                child:
                  mov edi, [rel fds]        ; blocks: nobody writes
                  lea rsi, [rel status]
                  mov edx, 1
                  mov eax, SYS_read
                  syscall
                  exit 9
                bad:
                  exit 1
                bad2:
                  exit 2
                bad3:
                  exit 3
                bad4:
                  exit 4
                section .bss
                fds: resd 2
                status: resd 1
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("caller alive, child terminated\n", r.out());
    }

    @Test
    void signalsRunHandlersReturnThroughSigreturnWaitWhileBlockedAndEndTheProcessByDefault() throws Exception {
        Path exe = build("signals", PRELUDE + """
                  mov qword [rel act], handler   ; sigaction(SIGUSR1, {handler, 0, {}}, NULL)
                  mov edi, 30
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  jc bad
                  mov eax, SYS_getpid
                  syscall
                  mov r12, rax
                  mov rdi, r12              ; kill(getpid(), SIGUSR1): the handler runs on return
                  mov esi, 30
                  mov eax, SYS_kill
                  syscall
                  jc bad
                  print `back\\n`
                  mov dword [rel set], 1 << 29  ; block SIGUSR1
                  mov edi, 1
                  lea rsi, [rel set]
                  xor edx, edx
                  mov eax, SYS_sigprocmask
                  syscall
                  mov rdi, r12
                  mov esi, 30
                  mov eax, SYS_kill
                  syscall
                  print `blocked\\n`
                  mov edi, 2                ; unblock: the pending signal is delivered now
                  lea rsi, [rel set]
                  xor edx, edx
                  mov eax, SYS_sigprocmask
                  syscall
                  print `unblocked\\n`
                  mov rdi, r12              ; SIGTERM without a handler ends the process
                  mov esi, 15
                  mov eax, SYS_kill
                  syscall
                  print `not reached\\n`
                  exit 0
                handler:
                  push rbx
                  print `handler\\n`
                  pop rbx
                  ret
                bad:
                  exit 1
                section .bss
                act: resb 32
                set: resb 16
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals("handler\nback\nblocked\nhandler\nunblocked\n", r.out(), r::trace);
        assertEquals(15, r.status().signal(), r::trace);
    }

    @Test
    void aRunningProcessSurvivesARestartOfTheProviderBundleWithItsDescriptorsAndHandlers() throws Exception {
        Path exe = build("echoloop", PRELUDE + """
                  mov qword [rel act], handler   ; a handler, which must survive the swap
                  mov edi, 30
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                loop:
                  xor edi, edi
                  lea rsi, [rel buf]
                  mov edx, 64
                  mov eax, SYS_read
                  syscall
                  jc bad
                  test rax, rax
                  jz done
                  mov rdx, rax
                  mov edi, 1
                  lea rsi, [rel buf]
                  mov eax, SYS_write
                  syscall
                  mov eax, SYS_getpid
                  syscall
                  mov rdi, rax
                  mov esi, 30
                  mov eax, SYS_kill
                  syscall
                  jmp loop
                done:
                  exit 0
                handler:
                  print `!`
                  ret
                bad:
                  exit 1
                section .bss
                act: resb 32
                buf: resb 64
                """);
        IoObject[] in = kernel.pipe();
        IoObject[] out = kernel.pipe();
        PicoProcess p;
        try {
            p = kernel.spawn(new Launch(exe.toString(), List.of(exe.toString()), Map.of(), "/", Path.of("/"),
                    new IoObject[] {in[0], out[1], out[1]}, null, 0));
        } finally {
            in[0].release();
            out[1].release();
        }
        try {
            in[1].write(java.nio.ByteBuffer.wrap("one\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals("one\n!", readSome(out[0], 5));
            Bundle provider = java.util.Arrays.stream(FrameworkUtil.getBundle(getClass()).getBundleContext().getBundles())
                    .filter(b -> "io.pico.provider.posix".equals(b.getSymbolicName())).findFirst().orElseThrow();
            provider.stop();
            provider.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (kernel.providers().stream().noneMatch(i -> i.personality().equals("posix"))) {
                assertTrue(System.nanoTime() < end, "the provider came back");
                Thread.sleep(10);
            }
            in[1].write(java.nio.ByteBuffer.wrap("two\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals("two\n!", readSome(out[0], 5));
            in[1].release();
            in[1] = null;
            assertTrue(kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(20)));
            assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
        } finally {
            if (p.exitStatus().isEmpty()) {
                kernel.signal(p.pid(), "KILL");
            }
            p.waitFor();
            kernel.reap(p.pid());
            if (in[1] != null) {
                in[1].release();
            }
            out[0].release();
        }
    }

    /**
     * getrlimit and setrlimit on the core's rule (ResourceLimits.exchange): a lowered soft limit is read back,
     * raising the hard limit is EPERM, soft above hard and an unknown resource EINVAL (carry flag, FreeBSD numbers).
     */
    @Test
    void resourceLimitsFollowTheCoresRule() throws Exception {
        Path exe = build("rlimit", PRELUDE + """
                  mov edi, 8                ; getrlimit(RLIMIT_NOFILE, &rl)
                  lea rsi, [rel rl]
                  mov eax, 194
                  syscall
                  jc bad
                  mov rax, [rel rl + 8]
                  mov [rel hard], rax
                  mov qword [rel rl], 100   ; setrlimit(RLIMIT_NOFILE, {100, hard})
                  mov edi, 8
                  lea rsi, [rel rl]
                  mov eax, 195
                  syscall
                  jc bad
                  mov qword [rel rl], 0
                  mov edi, 8
                  lea rsi, [rel rl]
                  mov eax, 194
                  syscall
                  cmp qword [rel rl], 100
                  jne bad
                  mov rax, [rel hard]       ; setrlimit(RLIMIT_NOFILE, {100, hard + 1}): EPERM
                  inc rax
                  mov [rel rl + 8], rax
                  mov edi, 8
                  lea rsi, [rel rl]
                  mov eax, 195
                  syscall
                  jnc bad
                  cmp eax, 1
                  jne bad
                  mov qword [rel rl], 200   ; setrlimit(RLIMIT_NOFILE, {200, 50}): EINVAL
                  mov qword [rel rl + 8], 50
                  mov edi, 8
                  lea rsi, [rel rl]
                  mov eax, 195
                  syscall
                  jnc bad
                  cmp eax, 22
                  jne bad
                  mov edi, 99               ; getrlimit(99, &rl): EINVAL
                  lea rsi, [rel rl]
                  mov eax, 194
                  syscall
                  jnc bad
                  cmp eax, 22
                  jne bad
                  print `limits ok\\n`
                  exit 0
                bad:
                  exit 1
                section .bss
                rl: resq 2
                hard: resq 1
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals("limits ok\n", r.out(), r::trace);
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
    }

    @Test
    void aForkedChildExecsAnotherProgramAndTheParentSeesItsStatus() throws Exception {
        String hello = freebsd().resolve("bin/x8664_hello_asm").toString();
        Path exe = build("forkexec", PRELUDE + """
                  mov eax, SYS_fork
                  syscall
                  jc bad
                  test rax, rax
                  jz child
                  mov rdi, rax              ; wait4(pid, &status, 0, NULL)
                  lea rsi, [rel status]
                  xor edx, edx
                  xor r10, r10
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  cmp dword [rel status], 0
                  jne bad
                  print `parent done\\n`
                  exit 0
                child:
                  lea rdi, [rel path]       ; execve(path, {path, NULL}, {NULL})
                  lea rsi, [rel argv]
                  lea rdx, [rel envp]
                  mov eax, 59
                  syscall
                  exit 3                    ; not reached
                bad:
                  exit 1
                section .data
                path: db "%s", 0
                argv: dq path, 0
                envp: dq 0
                section .bss
                status: resd 1
                """.formatted(hello));
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("hello, world!\n\0parent done\n", r.out());
        assertTrue(r.trace().contains("execve(\"" + hello + "\""), r::trace);
    }

    /**
     * execve leaves no alternate signal stack behind (the old stack is gone with the old memory): the program sets
     * one, runs itself again with an argument, and the new image finds SS_DISABLE (4) in what sigaltstack returns.
     * The core's Exec resets it for both personalities (Linux's own field is reset by its loader).
     */
    @Test
    void execveDisablesTheAlternateSignalStack() throws Exception {
        Path exe = dir.resolve("altexec");
        build("altexec", PRELUDE + """
                  cmp qword [rdi], 1        ; argc, FreeBSD's start gets its address in rdi
                  jne again
                  lea rax, [rel altstack]   ; sigaltstack({altstack, 65536, 0}, NULL)
                  mov [rel stk], rax
                  lea rdi, [rel stk]
                  xor esi, esi
                  mov eax, 53
                  syscall
                  jc bad
                  lea rdi, [rel old]        ; sigaltstack(NULL, &old): set, not disabled
                  mov rsi, rdi
                  xor edi, edi
                  mov eax, 53
                  syscall
                  jc bad
                  test dword [rel old + 16], 4
                  jnz bad
                  print `set\\n`
                  lea rdi, [rel path]       ; execve(path, {path, "again", NULL}, {NULL})
                  lea rsi, [rel argv]
                  lea rdx, [rel envp]
                  mov eax, 59
                  syscall
                  exit 3                    ; not reached
                again:
                  lea rsi, [rel old]        ; sigaltstack(NULL, &old) in the new image
                  xor edi, edi
                  mov eax, 53
                  syscall
                  jc bad
                  test dword [rel old + 16], 4
                  jz kept
                  print `disabled after execve\\n`
                  exit 0
                kept:
                  print `kept after execve\\n`
                  exit 2
                bad:
                  exit 1
                section .data
                path: db "%s", 0
                arg1: db "again", 0
                argv: dq path, arg1, 0
                envp: dq 0
                stk: dq 0, 65536
                    dd 0, 0
                section .bss
                old: resb 24
                altstack: resb 65536
                """.formatted(exe));
        Run r = run(Path.of("/"), exe.toString());
        assertEquals("set\ndisabled after execve\n", r.out(), r::trace);
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
    }

    @Test
    void sigsuspendRunsTheHandlerUnderItsTemporaryMaskReturnsEintrAndRestoresTheMask() throws Exception {
        // FreeBSD's numbers: SIGALRM 14 (bit 13 of the first sigset word), EINTR 4, SIG_BLOCK 1
        Path exe = build("suspend", PRELUDE + """
                  mov qword [rel act], handler   ; sigaction(SIGALRM, {handler, 0, {}}, NULL)
                  mov edi, 14
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  mov dword [rel set], 1 << 13   ; sigprocmask(SIG_BLOCK, {SIGALRM}, NULL)
                  mov edi, 1
                  lea rsi, [rel set]
                  xor edx, edx
                  mov eax, SYS_sigprocmask
                  syscall
                  mov qword [rel itv + 24], 50000   ; setitimer(ITIMER_REAL, 50 ms)
                  xor edi, edi
                  lea rsi, [rel itv]
                  xor edx, edx
                  mov eax, 83
                  syscall
                  lea rdi, [rel none]       ; sigsuspend({}): SIGALRM gets through only here
                  mov eax, 341
                  syscall
                  jnc bad2
                  cmp rax, 4
                  jne bad2
                  cmp dword [rel ran], 1
                  jne bad3
                  mov edi, 1                ; sigprocmask(SIG_BLOCK, NULL, &old): SIGALRM blocked again
                  xor esi, esi
                  lea rdx, [rel old]
                  mov eax, SYS_sigprocmask
                  syscall
                  cmp dword [rel old], 1 << 13
                  jne bad4
                  print `handler ran, eintr, mask back\\n`
                  exit 0
                handler:
                  mov dword [rel ran], 1
                  ret
                bad2:
                  exit 2
                bad3:
                  exit 3
                bad4:
                  exit 4
                section .bss
                act: resb 32
                set: resb 16
                none: resb 16
                old: resb 16
                itv: resb 32
                ran: resd 1
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("handler ran, eintr, mask back\n", r.out());
    }

    @Test
    void aPendingSignalIsDiscardedWhenItsDispositionBecomesIgnore() throws Exception {
        // FreeBSD's numbers: SIGUSR1 30 (bit 29 of the first sigset word), SIG_BLOCK 1, SIG_UNBLOCK 2, SIG_IGN 1
        Path exe = build("discard", PRELUDE + """
                  mov qword [rel act], handler   ; sigaction(SIGUSR1, {handler, 0, {}}, NULL)
                  mov edi, 30
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  mov dword [rel set], 1 << 29   ; sigprocmask(SIG_BLOCK, {SIGUSR1}, NULL)
                  mov edi, 1
                  lea rsi, [rel set]
                  xor edx, edx
                  mov eax, SYS_sigprocmask
                  syscall
                  mov eax, SYS_getpid       ; kill(getpid(), SIGUSR1): pending, blocked
                  syscall
                  mov rdi, rax
                  mov esi, 30
                  mov eax, SYS_kill
                  syscall
                  lea rdi, [rel pend]       ; sigpending(&pend): SIGUSR1
                  mov eax, 343
                  syscall
                  cmp dword [rel pend], 1 << 29
                  jne bad2
                  mov qword [rel act], 1    ; sigaction(SIGUSR1, {SIG_IGN}, NULL): discards it
                  mov edi, 30
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  lea rdi, [rel pend]       ; sigpending(&pend): nothing
                  mov eax, 343
                  syscall
                  cmp dword [rel pend], 0
                  jne bad3
                  mov qword [rel act], handler   ; the handler again, then unblock: nothing arrives
                  mov edi, 30
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  mov edi, 2
                  lea rsi, [rel set]
                  xor edx, edx
                  mov eax, SYS_sigprocmask
                  syscall
                  cmp dword [rel ran], 0
                  jne bad4
                  print `discarded\\n`
                  exit 0
                handler:
                  mov dword [rel ran], 1
                  ret
                bad2:
                  exit 2
                bad3:
                  exit 3
                bad4:
                  exit 4
                section .bss
                act: resb 32
                set: resb 16
                pend: resb 16
                ran: resd 1
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
        assertEquals("discarded\n", r.out());
    }

    @Test
    void aBlockingReadInterruptedByAHandlerWithSaRestartIsMadeAgain() throws Exception {
        Path exe = build("restart", PRELUDE + """
                  lea rdi, [rel fds]
                  xor esi, esi
                  mov eax, SYS_pipe2
                  syscall
                  mov qword [rel act], handler   ; sigaction(SIGALRM, {handler, SA_RESTART, {}}, NULL)
                  mov dword [rel act + 8], 2
                  mov edi, 14
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  mov qword [rel itv + 24], 50000   ; setitimer(ITIMER_REAL, 50 ms)
                  xor edi, edi
                  lea rsi, [rel itv]
                  xor edx, edx
                  mov eax, 83
                  syscall
                  mov edi, [rel fds]        ; read blocks until the handler closes the write end
                  lea rsi, [rel buf]
                  mov edx, 16
                  mov eax, SYS_read
                  syscall
                  jc interrupted
                  test rax, rax
                  jnz bad
                  print `eof\\n`
                  exit 0
                interrupted:
                  print `eintr\\n`
                  exit 2
                handler:
                  print `alarm\\n`
                  mov edi, [rel fds + 4]
                  mov eax, SYS_close
                  syscall
                  ret
                bad:
                  exit 1
                section .bss
                fds: resd 2
                act: resb 32
                itv: resb 32
                buf: resb 16
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(new Run(ExitStatus.exited(0), "alarm\neof\n", r.trace()), r);
        assertTrue(r.trace().contains("(read restarted after the signal handler)"), r::trace);
    }

    @Test
    void aThreadMadeByThrNewRunsAndItsThrExitWakesTheUmtxWaiter() throws Exception {
        Path exe = build("threads", PRELUDE + """
                  lea rax, [rel tfunc]      ; struct thr_param
                  mov [rel param], rax
                  lea rax, [rel stack]
                  mov [rel param + 16], rax
                  mov qword [rel param + 24], 65536
                  lea rax, [rel ctid]
                  mov [rel param + 48], rax
                  lea rax, [rel ptid]
                  mov [rel param + 56], rax
                  lea rdi, [rel param]
                  mov esi, 104
                  mov eax, 455              ; thr_new
                  syscall
                  jc bad
                again:
                  mov rax, [rel state]
                  test rax, rax
                  jnz joined
                  lea rdi, [rel state]      ; _umtx_op(&state, UMTX_OP_WAIT, 0, NULL, NULL)
                  mov esi, 2
                  xor edx, edx
                  xor r10, r10
                  xor r8, r8
                  mov eax, 454
                  syscall
                  jmp again
                joined:
                  mov rax, [rel ptid]
                  test rax, rax
                  jz bad
                  cmp rax, [rel ctid]
                  jne bad
                  print `joined\\n`
                  exit 0
                tfunc:
                  print `thread\\n`
                  lea rdi, [rel state]
                  mov eax, 431              ; thr_exit(&state): *state = 1, waiters woken
                  syscall
                bad:
                  exit 1
                section .bss
                param: resb 104
                ctid: resq 1
                ptid: resq 1
                state: resq 1
                stack: resb 65536
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(new Run(ExitStatus.exited(0), "thread\njoined\n", r.trace()), r);
    }

    @Test
    void aFaultRunsTheSegvHandlerWithTheFaultAddressInItsSiginfo() throws Exception {
        Path exe = build("segv", PRELUDE + """
                  mov qword [rel act], handler   ; sigaction(SIGSEGV, {handler, SA_SIGINFO, {}}, NULL)
                  mov dword [rel act + 8], 0x40
                  mov edi, 11
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  mov rax, [0x10]           ; unmapped
                  exit 1
                handler:
                  cmp edi, 11
                  jne bad
                  cmp qword [rsi + 24], 0x10    ; si_addr
                  jne bad
                  print `caught\\n`
                  exit 3
                bad:
                  exit 4
                section .bss
                act: resb 32
                """);
        Run r = run(Path.of("/"), exe.toString());
        assertEquals(new Run(ExitStatus.exited(3), "caught\n", r.trace()), r);
    }

    /** Reads exactly {@code n} bytes from a kernel pipe, with a time limit. */
    private static String readSome(IoObject pipe, int n) throws Exception {
        return FreeBsdKit.readSome(pipe, n);
    }
}
