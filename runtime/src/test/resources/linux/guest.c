/*
 * One guest program for LinuxProgramsTest, built at test time with musl-gcc -static and gcc -static:
 * `guest MODE` runs one case and prints what it saw. Every line must come out the same natively and
 * under pico, so nothing printed depends on pids, addresses or timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* prints "what: result error" with errno read after the call (argument order is unspecified in C) */
#define SHOW(what, call) do { errno = 0; long r_ = (long) (call); int e_ = errno; \
        printf("%s: %ld %s\n", what, r_, r_ < 0 ? strerror(e_) : "ok"); } while (0)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static volatile sig_atomic_t got;
static sigjmp_buf jump;

static void *worker(void *arg) {
    for (int i = 0; i < 50000; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return arg;
}

/* 4 threads incrementing a counter under a mutex */
static int threads(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    printf("counter=%ld\n", counter);
    return 0;
}

/* fork + pipe + waitpid */
static int forkpipe(void) {
    int fd[2];
    if (pipe(fd) != 0) return 1;
    pid_t parent = getpid();
    pid_t p = fork();
    if (p == 0) {
        close(fd[0]);
        dprintf(fd[1], "child: ppid ok=%d\n", getppid() == parent);
        _exit(3);
    }
    close(fd[1]);
    char buf[128];
    ssize_t n, total = 0;
    while ((n = read(fd[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
    buf[total] = 0;
    int st;
    pid_t w = waitpid(p, &st, 0);
    printf("parent got: %s", buf);
    printf("waitpid ok=%d exited=%d status=%d\n", w == p, WIFEXITED(st), WEXITSTATUS(st));
    SHOW("no more children", waitpid(-1, &st, WNOHANG));
    return 0;
}

static void on_usr1(int sig) { got = sig; }

/* a SIGUSR1 handler: raised by the process itself and sent by a child */
static int usr1(void) {
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    printf("raised: got=%d\n", got);
    got = 0;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t parent = getpid();
    pid_t p = fork();
    if (p == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    sigsuspend(&old);
    printf("from child: got=%d\n", got);
    waitpid(p, NULL, 0);
    return 0;
}

static void on_segv(int sig, siginfo_t *info, void *uc) {
    (void) uc;
    printf("handler: sig=%d code=%s addr=%s\n", sig, info->si_code == SEGV_MAPERR ? "SEGV_MAPERR"
            : info->si_code == SEGV_ACCERR ? "SEGV_ACCERR" : "?", info->si_addr == (void *) 0x18 ? "0x18" : "other");
    siglongjmp(jump, 1);
}

/* SIGSEGV caught by a handler, twice (unmapped, then write-protected memory) */
static int segv(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jump, 1) == 0) *(volatile int *) 0x18 = 1;
    printf("survived the unmapped write\n");
    volatile int *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jump, 1) == 0) *ro = 1;
    printf("survived the protected write\n");
    return 0;
}

/* code bytes of `mov eax, IMM; ret` at p */
static void put_code(volatile unsigned char *p, int imm) {
    p[0] = 0xb8;
    memcpy((void *) (p + 1), &imm, 4);
    p[5] = 0xc3;
}

static int call_code(void *p) {
    return ((int (*)(void)) p)();
}

/* one guarded write: prints whether it faulted and how */
static void try_write(const char *what, volatile int *where) {
    if (sigsetjmp(jump, 1) == 0) {
        *where = 7;
        printf("%s: written\n", what);
    } else {
        printf("%s: refused\n", what);
    }
}

/*
 * Stores after the memory changed under them: a page written many times (so a translated store to it is hot)
 * and then made read-only or unmapped must refuse the next write; code written into pages and run, then
 * changed by a store and run again, must run as changed (an executable writable page, a page made executable
 * after it was written, and a page made writable and then executable again).
 */
static int stores(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    long page = sysconf(_SC_PAGESIZE);

    volatile int *rw = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 100000; i++) rw[i % 64] += i;
    mprotect((void *) rw, page, PROT_READ);
    try_write("after mprotect PROT_READ", rw);
    printf("kept: %d\n", rw[5]);
    mprotect((void *) rw, page, PROT_READ | PROT_WRITE);
    try_write("after mprotect PROT_READ|PROT_WRITE", rw);
    munmap((void *) rw, page);
    try_write("after munmap", rw);

    unsigned char *rwx = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    put_code(rwx, 1);
    printf("rwx: %d\n", call_code(rwx));
    put_code(rwx, 2);
    printf("rwx rewritten: %d\n", call_code(rwx));

    unsigned char *later = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 1000; i++) put_code(later, i);
    mprotect(later, page, PROT_READ | PROT_WRITE | PROT_EXEC);
    printf("made executable: %d\n", call_code(later));
    put_code(later, 3);
    printf("made executable, rewritten: %d\n", call_code(later));

    mprotect(later, page, PROT_READ | PROT_EXEC);
    printf("read-only code: %d\n", call_code(later));
    mprotect(later, page, PROT_READ | PROT_WRITE);
    put_code(later, 4);
    mprotect(later, page, PROT_READ | PROT_EXEC);
    printf("patched while writable: %d\n", call_code(later));

    /* locked read-modify-write instructions where they cannot be done atomically */
    volatile int *locked = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jump, 1) == 0) {
        __atomic_fetch_add(locked, 1, __ATOMIC_SEQ_CST);
        printf("locked add on a read-only page: done\n");
    } else {
        printf("locked add on a read-only page: refused\n");
    }
    munmap((void *) locked, page);
    if (sigsetjmp(jump, 1) == 0) {
        __atomic_fetch_add(locked, 1, __ATOMIC_SEQ_CST);
        printf("locked add on an unmapped page: done\n");
    } else {
        printf("locked add on an unmapped page: refused\n");
    }
    static _Alignas(64) unsigned char line[64];
    volatile int *odd = (volatile int *) (line + 1); /* misaligned, inside one cache line */
    for (int i = 0; i < 1000; i++) __atomic_fetch_add(odd, 3, __ATOMIC_SEQ_CST);
    int expected = 2000, swapped = __atomic_compare_exchange_n(odd, &expected, 7, 0, __ATOMIC_SEQ_CST,
                                                                 __ATOMIC_SEQ_CST);
    printf("misaligned locked adds: %d, compare-exchange %d -> %d\n", expected, swapped, *odd);
    return 0;
}

/* mmap of a file */
static int mmapfile(void) {
    const char *text = "a file mapped into memory\n";
    int fd = open("guest-mmap.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    char *p = mmap(NULL, strlen(text), PROT_READ, MAP_PRIVATE, fd, 0);
    printf("mapped: %s", p == MAP_FAILED ? "failed\n" : p);
    munmap(p, strlen(text));
    close(fd);
    unlink("guest-mmap.tmp");
    return 0;
}

/* select on a pipe: empty (times out), then readable */
static int selectpipe(void) {
    int fd[2];
    pipe(fd);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd[0], &r);
    struct timeval tv = {0, 50000};
    printf("empty: %d\n", select(fd[0] + 1, &r, NULL, NULL, &tv));
    write(fd[1], "x", 1);
    FD_ZERO(&r);
    FD_SET(fd[0], &r);
    tv.tv_sec = 5;
    int n = select(fd[0] + 1, &r, NULL, NULL, &tv);
    printf("ready: %d readable=%d\n", n, FD_ISSET(fd[0], &r) != 0);
    return 0;
}

/* execve of another program (this one, in another mode) */
static int execprog(const char *self) {
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        char *argv[] = {(char *) self, "echoargs", "one", "two words", NULL};
        char *envp[] = {"GUEST_VAR=from-execve", NULL};
        execve(self, argv, envp);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    printf("exec'd child status=%d\n", WEXITSTATUS(st));
    return 0;
}

static int echoargs(int argc, char **argv) {
    for (int i = 2; i < argc; i++) printf("arg: %s\n", argv[i]);
    printf("env: %s\n", getenv("GUEST_VAR") ? getenv("GUEST_VAR") : "(none)");
    return 9;
}

static void on_alarm(int sig) { got = sig; }
static double fpu_in_handler;
static void on_usr2(int sig) { fpu_in_handler = sig * 1.5; }
static char altstack[65536];
static void on_alt(int sig) {
    int here;
    stack_t ss;
    sigaltstack(NULL, &ss);
    printf("on alternate stack: flag=%d inside=%d sig=%d\n", (ss.ss_flags & SS_ONSTACK) != 0,
            (char *) &here >= altstack && (char *) &here < altstack + sizeof altstack, sig);
}

/* signal semantics: EINTR and SA_RESTART, alarm, masks, sigtimedwait, wait statuses, stop/continue, SIGPIPE */
static int signals(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    int fd[2];
    pipe(fd);
    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
    char c;
    ssize_t n = read(fd[0], &c, 1);
    printf("read without SA_RESTART: %zd %s got=%d\n", n, strerror(errno), got);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    pid_t p = fork();
    if (p == 0) {
        usleep(300000);
        write(fd[1], "r", 1);
        _exit(0);
    }
    setitimer(ITIMER_REAL, &it, NULL);
    n = read(fd[0], &c, 1);
    printf("read with SA_RESTART: %zd %c\n", n, c);
    waitpid(p, NULL, 0);
    got = 0;
    alarm(1);
    pause();
    printf("pause ended by SIGALRM: %d\n", got == SIGALRM);

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    sigset_t pending;
    sigpending(&pending);
    printf("blocked USR1 pending: %d\n", sigismember(&pending, SIGUSR1));
    siginfo_t si;
    printf("sigtimedwait: %d\n", sigtimedwait(&set, &si, NULL));
    struct timespec ts = {0, 50000000};
    SHOW("sigtimedwait timeout", sigtimedwait(&set, &si, &ts));
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* ppoll and pselect with a mask that lets a blocked signal in for the call */
    signal(SIGUSR1, on_alarm);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    p = fork();
    if (p == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    waitpid(p, NULL, 0);
    sigset_t none;
    sigemptyset(&none);
    struct pollfd never = {fd[0], POLLIN, 0};
    SHOW("ppoll with USR1 pending and let in", ppoll(&never, 1, NULL, &none));
    printf("handler ran: %d, still blocked after: %d\n", got == SIGUSR1,
            (sigprocmask(SIG_BLOCK, NULL, &pending), sigismember(&pending, SIGUSR1)));
    raise(SIGUSR1);
    got = 0;
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(fd[0], &rs);
    SHOW("pselect with USR1 pending and let in", pselect(fd[0] + 1, &rs, NULL, NULL, NULL, &none));
    printf("handler ran: %d\n", got == SIGUSR1);
    sigprocmask(SIG_SETMASK, &old, NULL);

    int st;
    p = fork();
    if (p == 0) _exit(42);
    waitpid(p, &st, 0);
    printf("exit status: %d\n", WEXITSTATUS(st));
    p = fork();
    if (p == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    waitpid(p, &st, 0);
    printf("killed by signal: %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    p = fork();
    if (p == 0) {
        for (;;) pause();
    }
    kill(p, SIGSTOP);
    waitpid(p, &st, WUNTRACED);
    printf("stopped by: %d\n", WIFSTOPPED(st) ? WSTOPSIG(st) : 0);
    kill(p, SIGCONT);
    waitpid(p, &st, WCONTINUED);
    printf("continued: %d\n", WIFCONTINUED(st));
    kill(p, SIGKILL);
    waitpid(p, &st, 0);
    printf("then killed by: %d\n", WTERMSIG(st));

    signal(SIGPIPE, SIG_IGN);
    int q[2];
    pipe(q);
    close(q[0]);
    SHOW("write to a closed pipe", write(q[1], "x", 1));
    signal(SIGPIPE, SIG_DFL);
    p = fork();
    if (p == 0) {
        write(q[1], "x", 1);
        _exit(0);
    }
    waitpid(p, &st, 0);
    printf("SIGPIPE by default: %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);

    signal(SIGUSR2, on_usr2);
    volatile double d = 2.0;
    raise(SIGUSR2);
    d *= 1.25;
    printf("floating point around a handler: %.3f %.1f\n", d, fpu_in_handler);
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    sa.sa_handler = on_alt;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    printf("reset to default: %d\n", now.sa_handler == SIG_DFL);
    fflush(stdout);
    abort();
}

/* process groups and sessions */
static int groups(void) {
    pid_t me = getpid();
    printf("own group at start: %d\n", getpgid(0) == getpgrp());
    int fd[2];
    pipe(fd);
    pid_t p = fork();
    if (p == 0) {
        char c;
        read(fd[0], &c, 1);
        printf("child: in own group %d, setsid %d, sid ok %d\n", getpgrp() == getpid(), setsid() < 0 && errno == EPERM,
                getsid(0) != getpid());
        fflush(stdout);
        pause();
        _exit(0);
    }
    SHOW("setpgid child", setpgid(p, p));
    printf("getpgid child ok: %d\n", getpgid(p) == p);
    write(fd[1], "g", 1);
    usleep(200000);
    SHOW("kill group", kill(-p, SIGTERM));
    int st;
    waitpid(p, &st, 0);
    printf("group member killed by: %d\n", WTERMSIG(st));
    SHOW("kill unknown group", kill(-999999, SIGTERM));
    p = fork();
    if (p == 0) {
        pid_t s = setsid();
        printf("new session leader: %d, group: %d\n", s == getpid(), getpgrp() == getpid());
        SHOW("setpgid of a session leader", setpgid(0, me));
        _exit(0);
    }
    waitpid(p, NULL, 0);
    return 0;
}

/* resource limits: RLIMIT_AS gives ENOMEM, RLIMIT_NOFILE gives EMFILE */
static int limits(void) {
    struct rlimit r = {64 << 20, 64 << 20};
    SHOW("setrlimit AS", setrlimit(RLIMIT_AS, &r));
    void *big = mmap(NULL, 128 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap beyond RLIMIT_AS: %s %s\n", big == MAP_FAILED ? "failed" : "mapped", big == MAP_FAILED ? strerror(errno) : "");
    void *m = malloc(100 << 20);
    printf("malloc beyond RLIMIT_AS: %s\n", m == NULL ? "NULL" : "memory");
    void *small = malloc(1 << 20);
    printf("malloc within: %s\n", small == NULL ? "NULL" : "memory");
    getrlimit(RLIMIT_AS, &r);
    printf("getrlimit AS: %ld\n", (long) r.rlim_cur);
    r.rlim_cur = 8;
    r.rlim_max = 8;
    SHOW("setrlimit NOFILE", setrlimit(RLIMIT_NOFILE, &r));
    int opened = 0, fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0) opened++;
    printf("opened %d more, then: %s\n", opened, strerror(errno));
    SHOW("dup2 to 8", dup2(0, 8));
    r.rlim_max = 100000;
    SHOW("raise the hard limit", setrlimit(RLIMIT_NOFILE, &r));
    return 0;
}

static volatile int usr1_count;
static void count_usr1(int sig) { (void) sig; usr1_count++; }

/*
 * a process that lives through a hot-swap of its provider: it reads commands from standard input (blocked
 * in read while the provider is replaced), keeps its handler, its pipe and its child, and its blocked mask
 */
static int swap(void) {
    struct sigaction sa = {0};
    sa.sa_handler = count_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR2);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    int fd[2];
    pipe(fd);
    pid_t child = fork();
    if (child == 0) {
        char c;
        close(fd[1]);
        ssize_t n = read(fd[0], &c, 1);
        _exit(n == 1 ? c - '0' : 99);
    }
    close(fd[0]);
    printf("ready\n");
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "usr1", 4)) {
            printf("usr1 count=%d\n", usr1_count);
        } else if (!strncmp(line, "child", 5)) {
            write(fd[1], "5", 1);
            int st;
            pid_t w = waitpid(child, &st, 0);
            printf("child waited=%d status=%d\n", w == child, WEXITSTATUS(st));
        } else if (!strncmp(line, "mask", 4)) {
            sigset_t now, pending;
            sigprocmask(SIG_BLOCK, NULL, &now);
            sigpending(&pending);
            printf("usr2 blocked=%d pending=%d\n", sigismember(&now, SIGUSR2), sigismember(&pending, SIGUSR2));
        } else if (!strncmp(line, "quit", 4)) {
            return 0;
        }
    }
    return 3;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "threads")) return threads();
    if (!strcmp(mode, "forkpipe")) return forkpipe();
    if (!strcmp(mode, "usr1")) return usr1();
    if (!strcmp(mode, "segv")) return segv();
    if (!strcmp(mode, "mmap")) return mmapfile();
    if (!strcmp(mode, "select")) return selectpipe();
    if (!strcmp(mode, "exec")) return execprog(argv[0]);
    if (!strcmp(mode, "echoargs")) return echoargs(argc, argv);
    if (!strcmp(mode, "signals")) return signals();
    if (!strcmp(mode, "groups")) return groups();
    if (!strcmp(mode, "limits")) return limits();
    if (!strcmp(mode, "swap")) return swap();
    if (!strcmp(mode, "stores")) return stores();
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}
