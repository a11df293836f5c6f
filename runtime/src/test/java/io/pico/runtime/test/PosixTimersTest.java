package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.runtime.test.FreeBsdKit.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.test.common.annotation.InjectService;

/**
 * The interval timers FreeBSD shares with Linux through the POSIX core (issue 7: {@code IntervalTimers}), exercised
 * by a FreeBSD-branded program assembled here.
 */
class PosixTimersTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    /**
     * setitimer(ITIMER_REAL) with an interval sends SIGALRM again and again, each as the kernel sends it (FreeBSD's
     * SI_KERNEL 0x10006), getitimer reports the interval and a time left within the value, setting it to zero returns
     * the old interval and stops it; ITIMER_PROF sends SIGPROF after the process used its CPU time; an unknown timer
     * is EINVAL (22).
     */
    @Test
    void setitimerSendsSigalrmPeriodicallyAndItimerProfSendsSigprof() throws Exception {
        // FreeBSD's numbers: setitimer 83, getitimer 86, sigsuspend 341, SIGALRM 14, SIGPROF 27, SA_SIGINFO 0x40
        Path exe = FreeBsdKit.build(dir, "itimer", FreeBsdKit.PRELUDE + """
                  mov qword [rel act], alrm      ; sigaction(SIGALRM, {alrm, SA_SIGINFO, {}}, NULL)
                  mov dword [rel act + 8], 0x40
                  mov edi, 14
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  jc bad
                  mov qword [rel act], prof      ; sigaction(SIGPROF, {prof, 0, {}}, NULL)
                  mov dword [rel act + 8], 0
                  mov edi, 27
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  jc bad
                  mov edi, 0                     ; getitimer(ITIMER_REAL, &cur): off
                  lea rsi, [rel cur]
                  mov eax, 86
                  syscall
                  jc bad
                  cmp qword [rel cur + 16], 0
                  jne bad
                  cmp qword [rel cur + 24], 0
                  jne bad
                  mov edi, 0                     ; setitimer(ITIMER_REAL, {20 ms, 50 ms}, &old)
                  lea rsi, [rel itv]
                  lea rdx, [rel old]
                  mov eax, 83
                  syscall
                  jc bad
                  cmp qword [rel old + 24], 0
                  jne bad
                  mov edi, 0                     ; getitimer(ITIMER_REAL, &cur): the interval, at most 50 ms left
                  lea rsi, [rel cur]
                  mov eax, 86
                  syscall
                  jc bad
                  cmp qword [rel cur], 0
                  jne bad
                  cmp qword [rel cur + 8], 20000
                  jne bad
                  cmp qword [rel cur + 16], 0
                  jne bad
                  mov rax, [rel cur + 24]
                  cmp rax, 0
                  je bad
                  cmp rax, 50000
                  ja bad
                  print `real running\\n`
                again:
                  lea rdi, [rel empty]           ; sigsuspend(empty) until three SIGALRMs
                  mov eax, 341
                  syscall
                  cmp dword [rel alarms], 3
                  jb again
                  cmp dword [rel code], 0x10006
                  jne wrongcode
                  print `three alarms from the kernel\\n`
                  mov edi, 0                     ; setitimer(ITIMER_REAL, {0, 0}, &old): the old interval
                  lea rsi, [rel zero]
                  lea rdx, [rel old]
                  mov eax, 83
                  syscall
                  jc bad
                  cmp qword [rel old + 8], 20000
                  jne bad
                  mov edi, 0                     ; getitimer: off
                  lea rsi, [rel cur]
                  mov eax, 86
                  syscall
                  cmp qword [rel cur + 24], 0
                  jne bad
                  cmp qword [rel cur + 16], 0
                  jne bad
                  print `real off\\n`
                  mov edi, 2                     ; setitimer(ITIMER_PROF, {0, 10 ms}, NULL)
                  lea rsi, [rel cputime]
                  xor edx, edx
                  mov eax, 83
                  syscall
                  jc bad
                spin:
                  mov eax, SYS_getpid            ; handlers run at call boundaries
                  syscall
                  mov ecx, 100000
                burn:
                  dec ecx
                  jnz burn
                  cmp dword [rel profs], 0
                  je spin
                  print `sigprof\\n`
                  mov edi, 3                     ; getitimer(3): EINVAL
                  lea rsi, [rel cur]
                  mov eax, 86
                  syscall
                  jnc bad
                  cmp rax, 22
                  jne bad
                  print `einval\\n`
                  exit 0
                wrongcode:
                  exit 3
                bad:
                  exit 1
                alrm:
                  add dword [rel alarms], 1
                  mov eax, [rsi + 8]             ; si_code
                  mov [rel code], eax
                  ret
                prof:
                  add dword [rel profs], 1
                  ret
                section .data
                itv: dq 0, 20000, 0, 50000
                zero: dq 0, 0, 0, 0
                cputime: dq 0, 0, 0, 10000
                empty: dq 0, 0
                section .bss
                act: resb 32
                cur: resb 32
                old: resb 32
                alarms: resd 1
                profs: resd 1
                code: resd 1
                """);
        Run r = FreeBsdKit.run(kernel, Path.of("/"), exe.toString());
        assertEquals("real running\nthree alarms from the kernel\nreal off\nsigprof\neinval\n", r.out(), r::trace);
        assertEquals(ExitStatus.exited(0), r.status(), r::trace);
    }

    /**
     * ITIMER_REAL survives execve (POSIX): the program starts a 300 ms timer and runs itself again; the new image
     * finds the timer running and, waiting in sigsuspend with SIGALRM's default action, is ended by it. Without the
     * timer the new image's getitimer reads 0 (exit 2).
     */
    @Test
    void theRealTimerSurvivesExecve() throws Exception {
        Path exe = dir.resolve("itexec");
        FreeBsdKit.build(dir, "itexec", FreeBsdKit.PRELUDE + """
                  cmp qword [rdi], 1        ; argc, FreeBSD's start gets its address in rdi
                  jne again
                  mov edi, 0                ; setitimer(ITIMER_REAL, {0, 300 ms}, NULL)
                  lea rsi, [rel itv]
                  xor edx, edx
                  mov eax, 83
                  syscall
                  jc bad
                  lea rdi, [rel path]       ; execve(path, {path, "again", NULL}, {NULL})
                  lea rsi, [rel argv]
                  lea rdx, [rel envp]
                  mov eax, 59
                  syscall
                  exit 3                    ; not reached
                again:
                  mov edi, 0                ; getitimer(ITIMER_REAL, &cur) in the new image
                  lea rsi, [rel cur]
                  mov eax, 86
                  syscall
                  jc bad
                  cmp qword [rel cur + 16], 0
                  jne running
                  cmp qword [rel cur + 24], 0
                  je lost
                running:
                  print `running after execve\\n`
                suspend:
                  lea rdi, [rel empty]      ; sigsuspend(empty): SIGALRM ends the process
                  mov eax, 341
                  syscall
                  jmp suspend
                lost:
                  exit 2
                bad:
                  exit 1
                section .data
                path: db "%s", 0
                arg1: db "again", 0
                argv: dq path, arg1, 0
                envp: dq 0
                itv: dq 0, 0, 0, 300000
                empty: dq 0, 0
                section .bss
                cur: resb 32
                """.formatted(exe));
        Run r = FreeBsdKit.run(kernel, Path.of("/"), exe.toString());
        assertEquals("running after execve\n", r.out(), r::trace);
        assertEquals(14, r.status().signal(), r::trace);
    }

    /**
     * A periodic ITIMER_REAL survives a restart of the provider bundle (the core's snapshot carries the time left and
     * the interval, IntervalTimers.export): after the swap getitimer still reports the 50 ms interval and SIGALRMs go
     * on arriving. Before 2.4 FreeBSD's snapshot carried no interval and the timer fired once at most.
     */
    @Test
    void aPeriodicTimerSurvivesARestartOfTheProvider() throws Exception {
        Path exe = FreeBsdKit.build(dir, "itswap", FreeBsdKit.PRELUDE + """
                  mov qword [rel act], alrm ; sigaction(SIGALRM, {alrm, 0, {}}, NULL)
                  mov edi, 14
                  lea rsi, [rel act]
                  xor edx, edx
                  mov eax, SYS_sigaction
                  syscall
                  jc bad
                  mov edi, 0                ; setitimer(ITIMER_REAL, {50 ms, 50 ms}, NULL)
                  lea rsi, [rel itv]
                  xor edx, edx
                  mov eax, 83
                  syscall
                  jc bad
                  print `t`
                readagain:
                  xor edi, edi              ; read(0, buf, 8): the provider restarts meanwhile
                  lea rsi, [rel buf]
                  mov edx, 8
                  mov eax, SYS_read
                  syscall
                  jc readagain              ; EINTR by a SIGALRM
                  mov dword [rel alarms], 0
                  mov edi, 0                ; getitimer(ITIMER_REAL, &cur): the interval is kept
                  lea rsi, [rel cur]
                  mov eax, 86
                  syscall
                  cmp qword [rel cur + 8], 50000
                  jne lost
                count:
                  lea rdi, [rel empty]      ; sigsuspend(empty) until two more SIGALRMs
                  mov eax, 341
                  syscall
                  cmp dword [rel alarms], 2
                  jb count
                  print `kept`
                  exit 0
                alrm:
                  add dword [rel alarms], 1
                  ret
                lost:
                  exit 2
                bad:
                  exit 1
                section .data
                itv: dq 0, 50000, 0, 50000
                empty: dq 0, 0
                section .bss
                act: resb 32
                cur: resb 32
                buf: resb 8
                alarms: resd 1
                """);
        FreeBsdKit.keepsItsStateAcrossAProviderRestart(kernel, getClass(), exe, "t");
    }
}
