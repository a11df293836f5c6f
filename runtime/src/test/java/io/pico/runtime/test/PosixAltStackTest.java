package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.runtime.test.FreeBsdKit.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.test.common.annotation.InjectService;

/**
 * FreeBSD's alternate signal stack around sigreturn and fork, on the POSIX core's {@code PosixThread} (issue 7),
 * exercised by FreeBSD-branded programs assembled here. FreeBSD numbers: sigaltstack 53, SIGUSR1 30, SS_DISABLE 4;
 * stack_t is ss_sp, ss_size, ss_flags; the handler's ucontext has uc_stack after the 16-byte mask and the 800-byte
 * mcontext and uc_link.
 */
class PosixAltStackTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    /** Sets an alternate stack of 64 KiB at {@code altstack} (sigaltstack 53); exits 1 on failure. */
    private static final String SET_STACK = """
              lea rax, [rel altstack]   ; sigaltstack({altstack, 65536, 0}, NULL)
              mov [rel stk], rax
              lea rdi, [rel stk]
              xor esi, esi
              mov eax, 53
              syscall
              jc bad
            """;

    /** Reads the stack into {@code old} and exits 2 unless it is the one {@link #SET_STACK} set, enabled. */
    private static final String CHECK_STACK = """
              xor edi, edi              ; sigaltstack(NULL, &old)
              lea rsi, [rel old]
              mov eax, 53
              syscall
              jc bad
              lea rax, [rel altstack]
              cmp [rel old], rax
              jne changed
              cmp qword [rel old + 8], 65536
              jne changed
              cmp dword [rel old + 16], 0
              jne changed
            """;

    private static final String DATA = """
            section .data
            stk: dq 0, 65536
                dd 0, 0
            section .bss
            act: resb 32
            old: resb 24
            status: resd 1
            altstack: resb 65536
            """;

    /**
     * A handler that disables the alternate stack in its ucontext's uc_stack does not change it: FreeBSD's sigreturn
     * restores registers and mask, not uc_stack (Linux's rt_sigreturn does, through the core's
     * {@code Signals.restoreAltStack}).
     */
    @Test
    void sigreturnKeepsTheAlternateStackWhateverUcStackSays() throws Exception {
        Path exe = FreeBsdKit.build(dir, "ucstack", FreeBsdKit.PRELUDE + SET_STACK + """
                  mov qword [rel act], handler   ; sigaction(SIGUSR1, {handler, 0, {}}, NULL)
                  mov edi, 30
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  jc bad
                  mov eax, SYS_getpid            ; kill(getpid(), SIGUSR1)
                  syscall
                  mov rdi, rax
                  mov esi, 30
                  mov eax, SYS_kill
                  syscall
                """ + CHECK_STACK + """
                  print `kept\\n`
                  exit 0
                handler:
                  mov dword [rdx + 16 + 800 + 8 + 16], 4   ; uc_stack.ss_flags = SS_DISABLE
                  ret
                changed:
                  exit 2
                bad:
                  exit 1
                """ + DATA);
        Run r = FreeBsdKit.run(kernel, Path.of("/"), exe.toString());
        assertEquals("kept\n", r.out(), r::trace);
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
    }

    /** A forked child has its parent's alternate stack (POSIX: the child inherits it), enabled, same address. */
    @Test
    void aForkedChildKeepsTheAlternateStack() throws Exception {
        Path exe = FreeBsdKit.build(dir, "forkstack", FreeBsdKit.PRELUDE + SET_STACK + """
                  mov eax, SYS_fork
                  syscall
                  jc bad
                  test rax, rax
                  jz child
                  mov edi, eax              ; wait4(pid, &status, 0, NULL)
                  lea rsi, [rel status]
                  xor edx, edx
                  xor r10d, r10d
                  mov eax, SYS_wait4
                  syscall
                  jc bad
                  cmp dword [rel status], 0
                  jne bad
                  print `parent\\n`
                  exit 0
                child:
                """ + CHECK_STACK + """
                  print `child kept it\\n`
                  exit 0
                changed:
                  exit 2
                bad:
                  exit 1
                """ + DATA);
        Run r = FreeBsdKit.run(kernel, Path.of("/"), exe.toString());
        assertEquals("child kept it\nparent\n", r.out(), r::trace);
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
    }
}
