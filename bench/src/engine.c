/* The bare engine, from C, no pico: what unicorn itself costs on this machine. Four guest loops of N
 * iterations: register-only, one 8-byte load, one 8-byte store, one `syscall` whose hook (a C function)
 * writes RAX. Guest memory is host memory mapped with uc_mem_map_ptr and an invalid-memory hook is
 * installed, as pico's kernel does. Prints iterations per second and ns per iteration.
 * usage: engine [N]   (link against the libunicorn to measure; pico's is .pico/unicorn/.../libunicorn.so.2) */
#include <unicorn/unicorn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static bool on_invalid(uc_engine *uc, uc_mem_type t, uint64_t a, int s, int64_t v, void *u) {
    (void) uc; (void) t; (void) a; (void) s; (void) v; (void) u;
    return false;
}

static void on_syscall(uc_engine *uc, void *user) {
    uint64_t rax = 110; /* what getppid would return */
    (*(long *) user)++;
    uc_reg_write(uc, UC_X86_REG_RAX, &rax);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void run(const char *name, const unsigned char *body, int len, long n) {
    unsigned char code[64];
    int p = 0;
    code[p++] = 0x48; code[p++] = 0xbb; memcpy(code + p, &n, 8); p += 8;   /* mov rbx, n */
    int loop = p;
    memcpy(code + p, body, len); p += len;
    code[p++] = 0x48; code[p++] = 0x83; code[p++] = 0xeb; code[p++] = 0x01; /* sub rbx, 1 */
    code[p++] = 0x75; code[p] = (unsigned char) (loop - (p + 1)); p++;      /* jnz loop */
    uc_engine *uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
        printf("uc_open failed\n");
        exit(1);
    }
    void *mem = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uc_mem_map_ptr(uc, 0x100000, 4 << 20, UC_PROT_ALL, mem);
    uc_mem_write(uc, 0x100000, code, p);
    uc_hook h1, h2;
    long calls = 0;
    uc_hook_add(uc, &h1, UC_HOOK_MEM_INVALID, on_invalid, NULL, 1, 0);
    uc_hook_add(uc, &h2, UC_HOOK_INSN, on_syscall, &calls, 1, 0, UC_X86_INS_SYSCALL);
    uint64_t rdi = 0x300000;
    uc_reg_write(uc, UC_X86_REG_RDI, &rdi);
    double t = now();
    uc_err e = uc_emu_start(uc, 0x100000, 0x100000 + p, 0, 0);
    t = now() - t;
    printf("  %-28s %8.1f M/s  %7.1f ns each%s\n", name, n / t / 1e6, t / n * 1e9,
           e == UC_ERR_OK ? "" : uc_strerror(e));
    uc_close(uc);
    munmap(mem, 4 << 20);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000000L;
    unsigned int major, minor;
    uc_version(&major, &minor);
    printf("bare unicorn %u.%u from C, %ld iterations per loop:\n", major, minor, n);
    static const unsigned char reg[] = {0x48, 0x89, 0xd8};          /* mov rax, rbx */
    static const unsigned char load[] = {0x48, 0x8b, 0x07};         /* mov rax, [rdi] */
    static const unsigned char store[] = {0x48, 0x89, 0x1f};        /* mov [rdi], rbx */
    static const unsigned char sys[] = {0x0f, 0x05};                /* syscall (rcx, r11 clobbered) */
    run("register-only loop", reg, sizeof reg, n);
    run("loop with one 8-byte load", load, sizeof load, n);
    run("loop with one 8-byte store", store, sizeof store, n / 4);
    run("loop with one syscall (hook)", sys, sizeof sys, n / 4);
    return 0;
}
