package io.pico.runtime.test;

import static io.pico.runtime.test.FreeBsdKit.PRELUDE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.runtime.test.FreeBsdKit.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.test.common.annotation.InjectService;

/**
 * A FreeBSD program's execve of an image another personality claims (issue 13, the POSIX core's ForeignExec):
 * a Linux busybox and an OS/2 program run as child processes the FreeBSD process stands in for, their output
 * reaches its descriptors and their statuses arrive in FreeBSD's terms (wait4 of a forked child, or the status
 * of the process that exec'd itself).
 */
class PosixForeignExecTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    /**
     * fork, the child execs argv[1] with argv[1..] and the environment, the parent waits: it prints "parent: "
     * and ends with the child's exit code, 100 + the signal that ended it, or 200 + execve's error.
     */
    private Path forkExec() throws Exception {
        return FreeBsdKit.build(dir, "forkexec", PRELUDE + """
                  mov rbx, rdi              ; &argc: FreeBSD's start gets it in rdi
                  mov r12, [rbx]
                  lea r13, [rbx + 16]       ; &argv[1]
                  lea r14, [rbx + 8 * r12 + 16] ; envp
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
                  print `parent: `
                  mov eax, [rel status]
                  test eax, 0x7f
                  jnz signalled
                  shr eax, 8
                  movzx edi, al
                  mov eax, SYS_exit
                  syscall
                signalled:
                  and eax, 0x7f
                  lea edi, [rax + 100]
                  mov eax, SYS_exit
                  syscall
                child:
                  mov rdi, [r13]            ; execve(argv[1], &argv[1], envp)
                  mov rsi, r13
                  mov rdx, r14
                  mov eax, 59
                  syscall
                  lea edi, [rax + 200]
                  mov eax, SYS_exit
                  syscall
                bad:
                  exit 1
                section .bss
                status: resd 1
                """);
    }

    @Test
    void aForkedChildExecsLinuxBusyboxAndTheParentGetsItsOutputAndStatus() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        Path exe = forkExec();
        Run echo = FreeBsdKit.run(kernel, Path.of("/"), exe.toString(), "/bin/busybox", "echo", "hello from linux");
        assertEquals(ExitStatus.exited(0), echo.status(), echo::trace);
        assertEquals("hello from linux\nparent: ", echo.out());
        assertTrue(echo.trace().contains("execve(\"/bin/busybox\""), echo::trace);
        Run exit = FreeBsdKit.run(kernel, Path.of("/"), exe.toString(), "/bin/busybox", "sh", "-c",
                "echo $0 $HOME; exit 7");
        assertEquals("sh /\nparent: ", exit.out());
        assertEquals(ExitStatus.exited(7), exit.status(), exit::trace);
    }

    @Test
    void aLinuxChildsSignalArrivesAsFreeBsdsSignalOfTheSameName() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        // Linux's SIGUSR1 is 10 (FreeBSD's SIGBUS), FreeBSD's is 30: the stand-in ends by 30
        Run usr1 = FreeBsdKit.run(kernel, Path.of("/"), forkExec().toString(), "/bin/busybox", "sh", "-c",
                "kill -USR1 $$");
        assertEquals(ExitStatus.exited(130), usr1.status(), usr1::trace);
        Run term = FreeBsdKit.run(kernel, Path.of("/"), dir.resolve("forkexec").toString(), "/bin/busybox", "sh",
                "-c", "kill -TERM $$");
        assertEquals(ExitStatus.exited(115), term.status(), term::trace);
    }

    /** execve(argv[1], &argv[1], envp) at once; 200 + its error when it returns. */
    private Path direct() throws Exception {
        return FreeBsdKit.build(dir, "direct", PRELUDE + """
                  lea rsi, [rdi + 16]       ; execve(argv[1], &argv[1], envp)
                  mov r12, [rdi]
                  lea rdx, [rdi + 8 * r12 + 16]
                  mov rdi, [rsi]
                  mov eax, 59
                  syscall
                  lea edi, [rax + 200]
                  mov eax, SYS_exit
                  syscall
                """);
    }

    @Test
    void aFreeBsdProcessThatExecsLinuxBusyboxEndsWithItsStatus() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        Run r = FreeBsdKit.run(kernel, Path.of("/"), direct().toString(), "/bin/busybox", "sh", "-c",
                "echo direct; exit 5");
        assertEquals(ExitStatus.exited(5), r.status(), r::trace);
        assertEquals("direct\n", r.out());
    }

    /**
     * The FreeBSD stand-in of a Linux child survives a restart of the FreeBSD provider (its snapshot keeps the
     * status pipe's descriptor; the stand-in's read is run again) and still ends with the child's status.
     */
    @Test
    void aFreeBsdStandInSurvivesARestartOfItsProvider() throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        String exe = direct().toString();
        try (FreeBsdKit.Piped p = FreeBsdKit.Piped.spawn(kernel, exe,
                List.of(exe, "/bin/busybox", "sh", "-c", "read x; echo got $x; exit 4"), Map.of("PATH", "/bin"))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(FreeBsdKit.TIMEOUT_SECONDS);
            while (kernel.processes().stream().noneMatch(q -> q.parentPid() == p.process().pid()
                    && q.personality().equals("linux"))) {
                assertTrue(System.nanoTime() < end && p.process().exitStatus().isEmpty(), "the Linux child started");
                Thread.sleep(10);
            }
            Bundle provider = FreeBsdKit.provider(getClass());
            provider.stop();
            try {
                assertTrue(p.process().exitStatus().isEmpty(), "the stand-in waits for a provider");
            } finally {
                provider.start();
            }
            FreeBsdKit.awaitProvider(kernel);
            p.send("after");
            assertEquals("got after\n", FreeBsdKit.readSome(p.out(), 10));
            assertEquals(ExitStatus.exited(4), p.ended(), "the stand-in ended");
        }
    }

    @Test
    void aForkedChildExecsAnOs2ProgramWithItsArgumentsAndEnvironment() throws Exception {
        Path os2 = CrossPersonalityTest.corpus("os2");
        for (String f : new String[] {"testargv.exe", "emx.dll"}) {
            Files.copy(os2.resolve("2ine").resolve(f), dir.resolve(f));
            dir.resolve(f).toFile().setExecutable(true);
        }
        String program = dir.resolve("testargv.exe").toString();
        CrossPersonalityTest.Run expected = CrossPersonalityTest.direct(kernel, Path.of("/"),
                Map.of("HOME", "/", "PATH", "C:\\bin"), program, "x");
        Run r = FreeBsdKit.run(kernel, Path.of("/"), forkExec().toString(), program, "x");
        // the environment arrives in OS/2's terms (FreeBsdKit's PATH=/bin)
        assertTrue(r.out().contains("argv[1] = 'x'") && r.out().contains("PATH=C:\\bin"), r::out);
        assertEquals(expected.text() + "parent: ", r.out());
        assertEquals(ExitStatus.exited(expected.status().code()), r.status(), r::trace);
    }

    @Test
    void anImageNoPersonalityClaimsIsEnoexec() throws Exception {
        Path text = dir.resolve("text");
        Files.writeString(text, "not a program\n");
        text.toFile().setExecutable(true);
        Run r = FreeBsdKit.run(kernel, Path.of("/"), forkExec().toString(), text.toString());
        assertEquals(ExitStatus.exited(208), r.status(), "200 + FreeBSD's ENOEXEC (8): " + r.trace());
    }
}
