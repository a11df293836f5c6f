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
 * Signal semantics the FreeBSD personality shares with Linux through the POSIX core (issue 7), exercised by
 * FreeBSD-branded programs assembled here: the alternate signal stack, queued signals with their siginfo, and
 * waiting for and queueing signals.
 */
class PosixSignalsTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    private Run run(Path exe) throws Exception {
        return FreeBsdKit.run(kernel, Path.of("/"), exe.toString());
    }

    /**
     * A handler with SA_ONSTACK runs on the alternate stack, where sigaltstack reports SS_ONSTACK and refuses a
     * change with EPERM (the core's rule, as for Linux); back on the main stack the stack is enabled and not in use.
     */
    @Test
    void aHandlerOnTheAlternateStackSeesSsOnstackAndCannotChangeIt() throws Exception {
        // FreeBSD's numbers: sigaltstack 53, SIGUSR1 30, SA_ONSTACK 1, SS_ONSTACK 1, SS_DISABLE 4, EPERM 1
        Path exe = FreeBsdKit.build(dir, "onstack", FreeBsdKit.PRELUDE + """
                  lea rax, [rel altstack]   ; sigaltstack({altstack, 65536, 0}, NULL)
                  mov [rel stk], rax
                  lea rdi, [rel stk]
                  xor esi, esi
                  mov eax, 53
                  syscall
                  jc bad
                  mov qword [rel act], handler   ; sigaction(SIGUSR1, {handler, SA_ONSTACK, {}}, NULL)
                  mov dword [rel act + 8], 1
                  mov edi, 30
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  jc bad
                  mov eax, SYS_getpid       ; kill(getpid(), SIGUSR1)
                  syscall
                  mov rdi, rax
                  mov esi, 30
                  mov eax, SYS_kill
                  syscall
                  cmp dword [rel ran], 1
                  jne notrun
                  xor edi, edi              ; sigaltstack(NULL, &old): enabled, not on it
                  lea rsi, [rel old]
                  mov eax, 53
                  syscall
                  cmp dword [rel old + 16], 0
                  jne bad
                  print `off after the handler\\n`
                  exit 0
                handler:
                  mov dword [rel ran], 1
                  lea rax, [rel altstack]   ; rsp inside the alternate stack
                  cmp rsp, rax
                  jb offstack
                  add rax, 65536
                  cmp rsp, rax
                  ja offstack
                  xor edi, edi              ; sigaltstack(NULL, &old): SS_ONSTACK
                  lea rsi, [rel old]
                  mov eax, 53
                  syscall
                  cmp dword [rel old + 16], 1
                  jne notflagged
                  print `on the alternate stack\\n`
                  lea rdi, [rel stk]        ; sigaltstack(&stk, NULL) on it: EPERM
                  xor esi, esi
                  mov eax, 53
                  syscall
                  jnc changed
                  cmp rax, 1
                  jne changed
                  print `eperm\\n`
                  ret
                offstack:
                  exit 2
                notflagged:
                  exit 3
                changed:
                  exit 4
                notrun:
                  exit 5
                bad:
                  exit 1
                section .data
                stk: dq 0, 65536
                    dd 0, 0
                section .bss
                act: resb 32
                old: resb 24
                ran: resd 1
                altstack: resb 65536
                """);
        Run r = run(exe);
        assertEquals("on the alternate stack\neperm\noff after the handler\n", r.out(), r::trace);
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
    }
}
