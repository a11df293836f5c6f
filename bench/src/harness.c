/* The bare engine on a real program: loads a static x86-64 Linux ELF into unicorn with the engine settings
 * pico's kernel uses (bundles/kernel engine/UnicornEngine*.java) and answers the few Linux calls a static glibc
 * or musl program makes, with no JVM and no pico. It gives each CPU workload's "bare unicorn" column: what the
 * engine alone costs on the same program, the floor pico's own layers add to.
 *
 * Same settings as pico: pico's store patch applied to the loaded library when PICO_ENGINE_PATCH names its file
 * (bench/run passes it unless --unicorn stock), uc_open(UC_ARCH_X86, UC_MODE_64), no uc_ctl (default TLB mode, default translation
 * buffer, default CPU model), transparent huge pages off for the process (prctl PR_SET_THP_DISABLE, as the
 * kernel's engine factory does), the CPU put in user mode (CPL 3, one iretq through a scratch descriptor table),
 * guest memory as host memory mapped with uc_mem_map_ptr (one region per ELF segment, per brk growth, per mmap),
 * and the same hooks: UC_HOOK_INSN syscall, UC_HOOK_INTR, UC_HOOK_MEM_INVALID, UC_HOOK_INSN_INVALID and
 * UC_HOOK_INSN in/out. One uc_emu_start(entry, -1, 0, 0) for the whole run; the syscall hook answers each call
 * and the run ends with uc_emu_stop at exit_group.
 *
 * Guest addresses are host addresses (each guest range is host memory mmap-ed at the same address), so calls
 * with pointers (read, write, openat, fstat ...) go to the host kernel as they are. Calls not answered fail
 * with ENOSYS and a line on stderr.
 *
 * usage: harness PROGRAM [ARGS...]      (stdin, stdout, stderr and the working directory are the harness's) */
#define _GNU_SOURCE
#include <unicorn/unicorn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dlfcn.h>

#define PAGE 4096UL
#define UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define DOWN(x) ((x) & ~(PAGE - 1))
#define STACK_SIZE (8UL << 20)

static uc_engine *uc;
static unsigned long brk_start, brk_cur, brk_mapped;
static int exit_code;
static long calls;

static void die(const char *what, uc_err e) {
    fprintf(stderr, "harness: %s: %s\n", what, uc_strerror(e));
    exit(125);
}

/* host memory at exactly [addr, addr+len), mapped into the engine at the same address */
static void map_fixed(unsigned long addr, unsigned long len, uint32_t prot) {
    void *p = mmap((void *) addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                   -1, 0);
    if (p != (void *) addr) {
        fprintf(stderr, "harness: cannot map 0x%lx+0x%lx at the same host address\n", addr, len);
        exit(125);
    }
    uc_err e = uc_mem_map_ptr(uc, addr, len, prot, p);
    if (e) die("uc_mem_map_ptr", e);
}

static uint32_t seg_prot(uint32_t pf) {
    return ((pf & PF_R) ? UC_PROT_READ : 0) | ((pf & PF_W) ? UC_PROT_WRITE : 0) | ((pf & PF_X) ? UC_PROT_EXEC : 0);
}

static uint64_t reg(int id) {
    uint64_t v;
    uc_reg_read(uc, id, &v);
    return v;
}

static void set_reg(int id, uint64_t v) {
    uc_reg_write(uc, id, &v);
}

static long do_brk(unsigned long want) {
    if (want < brk_start) return brk_cur;
    unsigned long need = UP(want);
    if (need > brk_mapped) {
        void *p = mmap((void *) brk_mapped, need - brk_mapped, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != (void *) brk_mapped) return brk_cur;
        if (uc_mem_map_ptr(uc, brk_mapped, need - brk_mapped, UC_PROT_READ | UC_PROT_WRITE, p)) return brk_cur;
        brk_mapped = need;
    }
    brk_cur = want;
    return brk_cur;
}

static long do_mmap(unsigned long addr, unsigned long len, int prot, int flags, int fd, long off) {
    (void) addr;
    if (!(flags & MAP_ANONYMOUS) || (flags & MAP_FIXED)) return -ENOSYS;
    len = UP(len);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, fd, off);
    if (p == MAP_FAILED) return -errno;
    uint32_t up = ((prot & PROT_READ) ? UC_PROT_READ : 0) | ((prot & PROT_WRITE) ? UC_PROT_WRITE : 0)
                  | ((prot & PROT_EXEC) ? UC_PROT_EXEC : 0);
    if (uc_mem_map_ptr(uc, (uint64_t) p, len, up, p)) {
        munmap(p, len);
        return -ENOMEM;
    }
    return (long) p;
}

/* pico's store patch (bundles/unicorn/.../fast-stores.patch, what the binding applies when it loads unicorn):
 * the same change to the loaded library's code when PICO_ENGINE_PATCH names that file. Returns 1 when applied. */
static int fast_stores;

static int hexbytes(const char *hex, unsigned char *out, int max) {
    int n = 0;
    while (hex[0] && hex[1] && hex[0] != '\n' && n < max) {
        unsigned v;
        if (sscanf(hex, "%2x", &v) != 1) return -1;
        out[n++] = (unsigned char) v;
        hex += 2;
    }
    return n;
}

struct hunk { char symbol[256]; int window, n; unsigned char find[256], repl[256]; unsigned char *at; };

/* every hunk of the file, or none (as the binding does) */
static int apply_patch(const char *file) {
    FILE *f = file ? fopen(file, "r") : NULL;
    if (!f) return 0;
    static struct hunk h[8];
    int nh = -1, ok = 1;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "symbol ", 7) && nh < 7) sscanf(line + 7, "%255s", h[++nh].symbol);
        else if (nh < 0) continue;
        else if (!strncmp(line, "window ", 7)) h[nh].window = atoi(line + 7);
        else if (!strncmp(line, "find ", 5)) h[nh].n = hexbytes(line + 5, h[nh].find, sizeof h[nh].find);
        else if (!strncmp(line, "replace ", 8) && hexbytes(line + 8, h[nh].repl, sizeof h[nh].repl) != h[nh].n) ok = 0;
    }
    fclose(f);
    for (int k = 0; k <= nh && ok; k++) {
        unsigned char *base = dlsym(RTLD_DEFAULT, h[k].symbol);
        h[k].at = NULL;
        if (!base || h[k].n <= 0 || h[k].window < h[k].n) return 0;
        for (int i = 0; i + h[k].n <= h[k].window; i++) {
            if (!memcmp(base + i, h[k].find, h[k].n)) {
                if (h[k].at) return 0; /* twice: not the build it is for */
                h[k].at = base + i;
            }
        }
        if (!h[k].at) return 0;
    }
    for (int k = 0; k <= nh && ok; k++) {
        unsigned long page = (unsigned long) h[k].at & ~(PAGE - 1), len = UP((unsigned long) h[k].at + h[k].n) - page;
        if (mprotect((void *) page, len, PROT_READ | PROT_WRITE | PROT_EXEC)) return 0;
        memcpy(h[k].at, h[k].repl, h[k].n);
        mprotect((void *) page, len, PROT_READ | PROT_EXEC);
    }
    return ok && nh >= 0;
}

static void on_syscall(uc_engine *u, void *user) {
    (void) u; (void) user;
    calls++;
    long nr = (long) reg(UC_X86_REG_RAX);
    long a0 = reg(UC_X86_REG_RDI), a1 = reg(UC_X86_REG_RSI), a2 = reg(UC_X86_REG_RDX), a3 = reg(UC_X86_REG_R10);
    long a4 = reg(UC_X86_REG_R8), a5 = reg(UC_X86_REG_R9);
    long r;
    switch (nr) {
    /* host calls with identical arguments: guest pointers are host pointers */
    case SYS_read: case SYS_write: case SYS_readv: case SYS_writev: case SYS_close: case SYS_lseek:
    case SYS_fstat: case SYS_newfstatat: case SYS_openat: case SYS_open: case SYS_ioctl: case SYS_getrandom:
    case SYS_readlink: case SYS_uname: case SYS_getuid: case SYS_geteuid: case SYS_getgid: case SYS_getegid:
    case SYS_getpid: case SYS_getppid: case SYS_clock_gettime: case SYS_dup2: case SYS_fcntl: case SYS_prlimit64:
    case SYS_sendfile: case SYS_pread64: case SYS_getdents64:
        r = syscall(nr, a0, a1, a2, a3, a4, a5);
        if (r == -1) r = -errno;
        break;
    case SYS_brk: r = do_brk(a0); break;
    case SYS_mmap: r = do_mmap(a0, a1, a2, a3, a4, a5); break;
    case SYS_munmap:
        r = uc_mem_unmap(uc, a0, UP(a1)) ? -EINVAL : (munmap((void *) a0, UP(a1)), 0);
        break;
    case SYS_mprotect:
        r = uc_mem_protect(uc, a0, UP(a1), ((a2 & PROT_READ) ? UC_PROT_READ : 0)
                           | ((a2 & PROT_WRITE) ? UC_PROT_WRITE : 0) | ((a2 & PROT_EXEC) ? UC_PROT_EXEC : 0))
            ? -EINVAL : 0;
        if (fast_stores) uc_ctl(uc, UC_CTL_WRITE(11 /* UC_CTL_TLB_FLUSH */, 0)); /* as the binding does */
        break;
    case SYS_arch_prctl:
        if (a0 == 0x1002) { set_reg(UC_X86_REG_FS_BASE, a1); r = 0; } /* ARCH_SET_FS */
        else r = -EINVAL;
        break;
    case SYS_set_tid_address: r = getpid(); break;
    case SYS_set_robust_list: case SYS_prctl: case SYS_rt_sigaction: case SYS_rt_sigprocmask: case SYS_madvise:
        r = 0;
        break;
    case SYS_rseq: r = -ENOSYS; break;
    case SYS_exit: case SYS_exit_group:
        exit_code = (int) a0;
        uc_emu_stop(uc);
        return;
    default:
        fprintf(stderr, "harness: system call %ld not answered (ENOSYS)\n", nr);
        r = -ENOSYS;
    }
    set_reg(UC_X86_REG_RAX, (uint64_t) r);
}

static void on_interrupt(uc_engine *u, uint32_t intno, void *user) {
    (void) user;
    fprintf(stderr, "harness: CPU exception %u at 0x%lx\n", intno, (unsigned long) reg(UC_X86_REG_RIP));
    exit_code = 128 + 11;
    uc_emu_stop(u);
}

static bool on_invalid(uc_engine *u, uc_mem_type t, uint64_t a, int s, int64_t v, void *user) {
    (void) u; (void) s; (void) v; (void) user;
    fprintf(stderr, "harness: invalid memory access (type %d) at 0x%lx\n", t, (unsigned long) a);
    return false;
}

static bool on_insn_invalid(uc_engine *u, void *user) {
    (void) u; (void) user;
    return false;
}

static uint32_t on_in(uc_engine *u, uint32_t port, int size, void *user) {
    (void) u; (void) port; (void) size; (void) user;
    return 0;
}

static void on_out(uc_engine *u, uint32_t port, int size, uint32_t value, void *user) {
    (void) u; (void) port; (void) size; (void) value; (void) user;
}

/* as UnicornEngine.enterUserMode: iretq to CPL 3 through a scratch GDT on page 1 */
static void enter_user_mode(void) {
    unsigned char page[4096] = {0};
    uint64_t flags = reg(UC_X86_REG_EFLAGS), s = 0x1000;
    uint64_t ds = 0x00CFF3000000FFFFULL, cs = 0x00AFFB000000FFFFULL;
    memcpy(page + 0x28, &ds, 8);
    memcpy(page + 0x30, &cs, 8);
    page[0x100] = 0x48; page[0x101] = 0xcf; /* iretq */
    uint64_t frame[5] = {s + 0x102, 0x33, flags | 2, s + 0xff0, 0x2b};
    memcpy(page + 0xf00, frame, sizeof frame);
    uc_mem_map(uc, s, 0x1000, UC_PROT_ALL);
    uc_mem_write(uc, s, page, sizeof page);
    uc_x86_mmr gdtr = {0, s, 0x37, 0};
    uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr);
    set_reg(UC_X86_REG_RSP, s + 0xf00);
    uc_err e = uc_emu_start(uc, s + 0x100, s + 0x102, 0, 0);
    if (e) die("entering user mode", e);
    uc_mem_unmap(uc, s, 0x1000);
    if (reg(UC_X86_REG_CS) != 0x33) {
        fprintf(stderr, "harness: not in user mode\n");
        exit(125);
    }
    uc_x86_mmr none = {0, 0, 0, 0};
    uc_reg_write(uc, UC_X86_REG_GDTR, &none);
    set_reg(UC_X86_REG_EFLAGS, flags);
}

int main(int argc, char **argv, char **envp) {
    if (argc < 2) {
        fprintf(stderr, "usage: harness PROGRAM [ARGS...]\n");
        return 125;
    }
    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) { perror(argv[1]); return 125; }
    unsigned char *img = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    Elf64_Ehdr *eh = (Elf64_Ehdr *) img;
    if (img == MAP_FAILED || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_machine != EM_X86_64
        || eh->e_type != ET_EXEC) {
        fprintf(stderr, "harness: %s is not a static (ET_EXEC) x86-64 ELF\n", argv[1]);
        return 125;
    }
    fast_stores = apply_patch(getenv("PICO_ENGINE_PATCH"));
    if (getenv("PICO_ENGINE_PATCH") && !fast_stores)
        fprintf(stderr, "harness: the store patch %s does not fit this libunicorn\n", getenv("PICO_ENGINE_PATCH"));
    uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
    if (e) die("uc_open", e);
    /* experiments (not pico's settings): HARNESS_TLB=virtual (uc_ctl UC_CTL_TLB_TYPE, unicorn 2.1),
     * HARNESS_HOOKS=syscall (only the syscall hook), HARNESS_RING0=1 (stay in ring 0) */
    const char *tlb = getenv("HARNESS_TLB"), *hooks = getenv("HARNESS_HOOKS");
    if (tlb && !strcmp(tlb, "virtual")) {
        e = uc_ctl(uc, UC_CTL_WRITE(12 /* UC_CTL_TLB_TYPE */, 1), 1 /* UC_TLB_VIRTUAL */);
        if (e) die("uc_ctl(UC_CTL_TLB_TYPE)", e);
    }
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_INSN, on_syscall, NULL, 1, 0, UC_X86_INS_SYSCALL);
    if (!hooks || strcmp(hooks, "syscall")) {
        uc_hook_add(uc, &h, UC_HOOK_INTR, on_interrupt, NULL, 1, 0);
        uc_hook_add(uc, &h, UC_HOOK_MEM_INVALID, on_invalid, NULL, 1, 0);
        uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, on_insn_invalid, NULL, 1, 0);
        uc_hook_add(uc, &h, UC_HOOK_INSN, on_in, NULL, 1, 0, UC_X86_INS_IN);
        uc_hook_add(uc, &h, UC_HOOK_INSN, on_out, NULL, 1, 0, UC_X86_INS_OUT);
    }
    if (!getenv("HARNESS_RING0"))
        enter_user_mode();

    Elf64_Phdr *ph = (Elf64_Phdr *) (img + eh->e_phoff);
    unsigned long phdr_addr = 0, end = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD) continue;
        unsigned long start = DOWN(ph[i].p_vaddr), stop = UP(ph[i].p_vaddr + ph[i].p_memsz);
        map_fixed(start, stop - start, seg_prot(ph[i].p_flags));
        memcpy((void *) ph[i].p_vaddr, img + ph[i].p_offset, ph[i].p_filesz);
        if (eh->e_phoff >= ph[i].p_offset && eh->e_phoff < ph[i].p_offset + ph[i].p_filesz)
            phdr_addr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
        if (stop > end) end = stop;
    }
    brk_start = brk_cur = brk_mapped = end;

    /* the stack: strings, auxv, envp, argv, argc, as the Linux kernel lays them out */
    unsigned long stack = (unsigned long) mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (uc_mem_map_ptr(uc, stack, STACK_SIZE, UC_PROT_READ | UC_PROT_WRITE, (void *) stack)) return 125;
    char *sp = (char *) (stack + STACK_SIZE);
    int nargs = argc - 1, nenv = 0;
    while (envp[nenv]) nenv++;
    char **gargv = calloc(nargs + 1, sizeof(char *)), **genv = calloc(nenv + 1, sizeof(char *));
    for (int i = 0; i < nargs; i++) { sp -= strlen(argv[i + 1]) + 1; strcpy(sp, argv[i + 1]); gargv[i] = sp; }
    for (int i = 0; i < nenv; i++) { sp -= strlen(envp[i]) + 1; strcpy(sp, envp[i]); genv[i] = sp; }
    sp = (char *) ((unsigned long) (sp - 16) & ~15UL);
    char *random = sp;
    for (int i = 0; i < 16; i++) random[i] = (char) (i * 37 + 11);
    uint64_t auxv[] = {AT_PHDR, phdr_addr, AT_PHENT, sizeof(Elf64_Phdr), AT_PHNUM, eh->e_phnum, AT_PAGESZ, PAGE,
                       AT_ENTRY, eh->e_entry, AT_UID, getuid(), AT_EUID, geteuid(), AT_GID, getgid(),
                       AT_EGID, getegid(), AT_SECURE, 0, AT_RANDOM, (uint64_t) random, AT_HWCAP, 0x178bfbff,
                       AT_NULL, 0};
    unsigned long words = 1 + nargs + 1 + nenv + 1 + sizeof auxv / 8;
    uint64_t *w = (uint64_t *) (((unsigned long) sp - words * 8) & ~15UL);
    unsigned long rsp = (unsigned long) w;
    *w++ = nargs;
    for (int i = 0; i < nargs; i++) *w++ = (uint64_t) gargv[i];
    *w++ = 0;
    for (int i = 0; i < nenv; i++) *w++ = (uint64_t) genv[i];
    *w++ = 0;
    memcpy(w, auxv, sizeof auxv);

    set_reg(UC_X86_REG_RSP, rsp);
    set_reg(UC_X86_REG_RDX, 0);
    e = uc_emu_start(uc, eh->e_entry, (uint64_t) -1, 0, 0);
    if (e) {
        fprintf(stderr, "harness: uc_emu_start: %s at 0x%lx\n", uc_strerror(e), (unsigned long) reg(UC_X86_REG_RIP));
        return 126;
    }
    if (getenv("HARNESS_CALLS")) fprintf(stderr, "harness: %ld system calls\n", calls);
    uc_close(uc);
    return exit_code;
}
