/*
 * A guest that waits in long system calls, for the kernel's engine release (EngineReleaseTest):
 *   idle regs MS    sets every register a system call preserves (and XMM0-15, MXCSR, the x87 control word, a
 *                   thread-local variable through FS) to known values, sleeps MS ms with a raw nanosleep, and
 *                   checks them all afterwards: prints "regs ok" or each register that changed
 *   idle signal MS  a SIGUSR1 handler (says "handler installed"), then a nanosleep of MS ms: prints what the
 *                   handler and the sleep saw
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct regs {
    unsigned long gpr[13];        /* rbx rbp rdx rsi rdi r8 r9 r10 r12 r13 r14 r15 rax */
    unsigned char xmm[16][16];
    unsigned int mxcsr;
    unsigned short fpcw;
};

__attribute__((used)) struct regs *out;
__attribute__((used)) unsigned char pattern[16][16];
__attribute__((used)) const unsigned long GPR[12] = {0x1111111111111111UL, 0x2222222222222222UL, 0x3333333333333333UL, 0,
    0, 0x8888888888888888UL, 0x9999999999999999UL, 0xaaaaaaaaaaaaaaaaUL, 0xc0c0c0c0c0c0c0c0UL,
    0xd0d0d0d0d0d0d0d0UL, 0xe0e0e0e0e0e0e0e0UL, 0xf0f0f0f0f0f0f0f0UL};
__attribute__((used)) const unsigned int MXCSR = 0x7f80;   /* all exceptions masked, round toward zero */
__attribute__((used)) const unsigned short FPCW = 0x0f7f;  /* extended precision, round toward zero */
static __thread volatile long tls = 4242;

long sleep_checked(const struct timespec *ts);
__asm__(
    ".text\n.globl sleep_checked\nsleep_checked:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  sub $8, %rsp\n"
    "  ldmxcsr MXCSR(%rip)\n  fldcw FPCW(%rip)\n"
    "  lea pattern(%rip), %rax\n"
    "  movdqu 0(%rax), %xmm0\n  movdqu 16(%rax), %xmm1\n  movdqu 32(%rax), %xmm2\n  movdqu 48(%rax), %xmm3\n"
    "  movdqu 64(%rax), %xmm4\n  movdqu 80(%rax), %xmm5\n  movdqu 96(%rax), %xmm6\n  movdqu 112(%rax), %xmm7\n"
    "  movdqu 128(%rax), %xmm8\n  movdqu 144(%rax), %xmm9\n  movdqu 160(%rax), %xmm10\n  movdqu 176(%rax), %xmm11\n"
    "  movdqu 192(%rax), %xmm12\n  movdqu 208(%rax), %xmm13\n  movdqu 224(%rax), %xmm14\n  movdqu 240(%rax), %xmm15\n"
    "  lea GPR(%rip), %rax\n"
    "  mov 0(%rax), %rbx\n  mov 8(%rax), %rbp\n  mov 16(%rax), %rdx\n"
    "  mov 40(%rax), %r8\n  mov 48(%rax), %r9\n  mov 56(%rax), %r10\n  mov 64(%rax), %r12\n  mov 72(%rax), %r13\n"
    "  mov 80(%rax), %r14\n  mov 88(%rax), %r15\n"
    "  xor %esi, %esi\n"              /* rem = NULL; rdi = ts */
    "  mov $35, %eax\n  syscall\n"    /* nanosleep */
    "  push %rax\n  mov out(%rip), %rax\n"
    "  mov %rbx, 0(%rax)\n  mov %rbp, 8(%rax)\n  mov %rdx, 16(%rax)\n  mov %rsi, 24(%rax)\n  mov %rdi, 32(%rax)\n"
    "  mov %r8, 40(%rax)\n  mov %r9, 48(%rax)\n  mov %r10, 56(%rax)\n  mov %r12, 64(%rax)\n  mov %r13, 72(%rax)\n"
    "  mov %r14, 80(%rax)\n  mov %r15, 88(%rax)\n  pop %rcx\n  mov %rcx, 96(%rax)\n"
    "  movdqu %xmm0, 104(%rax)\n  movdqu %xmm1, 120(%rax)\n  movdqu %xmm2, 136(%rax)\n  movdqu %xmm3, 152(%rax)\n"
    "  movdqu %xmm4, 168(%rax)\n  movdqu %xmm5, 184(%rax)\n  movdqu %xmm6, 200(%rax)\n  movdqu %xmm7, 216(%rax)\n"
    "  movdqu %xmm8, 232(%rax)\n  movdqu %xmm9, 248(%rax)\n  movdqu %xmm10, 264(%rax)\n  movdqu %xmm11, 280(%rax)\n"
    "  movdqu %xmm12, 296(%rax)\n  movdqu %xmm13, 312(%rax)\n  movdqu %xmm14, 328(%rax)\n  movdqu %xmm15, 344(%rax)\n"
    "  stmxcsr 360(%rax)\n  fnstcw 364(%rax)\n"
    "  mov 96(%rax), %rax\n"
    "  add $8, %rsp\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n  ret\n");

static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
    handled = sig;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: idle regs|signal MS\n");
        return 2;
    }
    long ms = atol(argv[2]);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    if (strcmp(argv[1], "regs") == 0) {
        static struct regs r;
        out = &r;
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                pattern[i][j] = (unsigned char) (i * 16 + j + 1);
            }
        }
        tls = 4343;
        long result = sleep_checked(&ts);
        /* the x87 and SSE state back to the ABI's defaults before any library code runs */
        unsigned int dflt = 0x1f80;
        unsigned short dcw = 0x037f;
        __asm__ volatile("ldmxcsr %0\n fldcw %1" : : "m"(dflt), "m"(dcw));
        static const char *names[13] = {"rbx", "rbp", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r12", "r13", "r14",
            "r15", "rax"};
        int bad = 0;
        for (int i = 0; i < 12; i++) {
            unsigned long want = i == 3 ? 0 : i == 4 ? (unsigned long) &ts : GPR[i];
            if (r.gpr[i] != want) {
                printf("%s is %#lx, not %#lx\n", names[i], r.gpr[i], want);
                bad = 1;
            }
        }
        if (result != 0) {
            printf("nanosleep returned %ld\n", result);
            bad = 1;
        }
        for (int i = 0; i < 16; i++) {
            if (memcmp(r.xmm[i], pattern[i], 16) != 0) {
                printf("xmm%d changed\n", i);
                bad = 1;
            }
        }
        if (r.mxcsr != MXCSR) {
            printf("mxcsr is %#x, not %#x\n", r.mxcsr, MXCSR);
            bad = 1;
        }
        if (r.fpcw != FPCW) {
            printf("x87 control word is %#x, not %#x\n", r.fpcw, FPCW);
            bad = 1;
        }
        if (tls != 4343) {
            printf("thread-local variable is %ld\n", (long) tls);
            bad = 1;
        }
        if (!bad) {
            printf("regs ok\n");
        }
        return bad;
    }
    if (strcmp(argv[1], "signal") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sigaction(SIGUSR1, &sa, NULL);
        /* the test signals only after this line: a signal before the handler would end the process */
        printf("handler installed\n");
        fflush(stdout);
        struct timespec rem = {0, 0};
        int rc = nanosleep(&ts, &rem);
        int e = errno;
        printf("handler saw signal %d\n", (int) handled);
        printf("nanosleep: %s, remaining more than 1 s: %s\n", rc == 0 ? "slept" : e == EINTR ? "EINTR" : strerror(e),
                rem.tv_sec >= 1 ? "yes" : "no");
        return 0;
    }
    return 2;
}
