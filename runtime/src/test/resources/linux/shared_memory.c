/*
 * MAP_SHARED as Linux has it (pico: the kernel's shared memory objects): an anonymous shared counter across fork
 * and a second fork (grandchild) with a non-private futex that the parent wakes in the child; a file mapped
 * MAP_SHARED whose writes reach the file at msync (read() and the file's size after), at munmap and at exit; two
 * processes that map one file each on their own and see each other's writes at once; a memfd mapped in a parent
 * and, after fork, mapped again in the child. Prints one line per check; the test compares the output with a
 * native run. mremap moves shared memory without copying it. read(), write() and a private mapping of the file see the shared mapping's bytes without msync.
 * argv[1]: a directory to create the data file in.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

struct counter {
    volatile int count;
    volatile int ready;
    volatile int gate;   /* the futex word (FUTEX_WAIT without FUTEX_PRIVATE_FLAG) */
    volatile int child_saw;
};

static long futex(volatile int *word, int op, int val, const struct timespec *timeout) {
    return syscall(SYS_futex, word, op, val, timeout, 0, 0);
}

static void add(struct counter *c, int n) {
    for (int i = 0; i < n; i++) {
        __atomic_fetch_add(&c->count, 1, __ATOMIC_SEQ_CST);
    }
}

static int shared_counter(void) {
    struct counter *c = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        pid_t grandchild = fork();
        add(c, 1000);
        if (grandchild == 0) _exit(0);
        waitpid(grandchild, 0, 0);
        __atomic_store_n(&c->ready, 1, __ATOMIC_SEQ_CST);
        struct timespec ten = {10, 0};
        int timedout = 0;
        while (c->gate == 0 && !timedout) {
            /* a wake that does not reach this process ends the wait after 10 s */
            if (futex(&c->gate, FUTEX_WAIT, 0, &ten) != 0 && errno == ETIMEDOUT) timedout = 1;
        }
        c->child_saw = c->count;
        printf("child: %s, counter %d\n", timedout ? "timed out" : "woken", c->count);
        fflush(stdout);
        _exit(0);
    }
    add(c, 1000);
    while (!__atomic_load_n(&c->ready, __ATOMIC_SEQ_CST)) {
        usleep(1000);
    }
    usleep(100000); /* the child is (almost certainly) in FUTEX_WAIT now */
    c->count += 7;
    __atomic_store_n(&c->gate, 1, __ATOMIC_SEQ_CST);
    futex(&c->gate, FUTEX_WAKE, 1, 0);
    int st;
    waitpid(pid, &st, 0);
    printf("shared counter: %d, the child saw %d, status %d\n", c->count, c->child_saw, st);
    return 0;
}

static void show_file(const char *what, int fd) {
    char buf[64] = {0};
    if (pread(fd, buf, 5, 0) != 5 || pread(fd, buf + 5, 5, 4106) != 5) {
        printf("%s: short read\n", what);
        return;
    }
    printf("%s: %.10s size %ld\n", what, buf, (long) lseek(fd, 0, SEEK_END));
}

static int shared_file(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/shared.dat", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 2;
    char fill[5000];
    memset(fill, '.', sizeof fill);
    if (write(fd, fill, sizeof fill) != sizeof fill) return 3;
    char *m = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) return 4;
    memcpy(m, "hello", 5);
    memcpy(m + 4106, "world", 5);
    m[6000] = 'z';                 /* past the file's end in its last page: never reaches the file */
    msync(m, 2 * PAGE, MS_SYNC);
    show_file("after msync", fd);

    /* a second process maps the file on its own: each sees the other's writes at once */
    pid_t pid = fork();
    if (pid == 0) {
        int own = open(path, O_RDWR);
        char *n = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, own, 0);
        if (own < 0 || n == MAP_FAILED) _exit(5);
        printf("child's own mapping: %.5s\n", n);
        memcpy(n + 1, "ELL", 3);
        while (n[100] != '!') {
            usleep(1000);
        }
        printf("child sees the parent's write: %c\n", n[100]);
        fflush(stdout);
        memcpy(n + 200, "bye", 3); /* not synced: exit writes it back */
        _exit(0);
    }
    while (m[1] != 'E') {
        usleep(1000);
    }
    printf("parent sees the child's write: %.5s\n", m);
    fflush(stdout);
    m[100] = '!';
    int st;
    waitpid(pid, &st, 0);
    char bye[4] = {0};
    pread(fd, bye, 3, 200);
    printf("after the child's exit: %s %.3s status %d\n", bye, m + 200, st);

    /* read() and write() of the file and the mapping see each other without msync (one page cache) */
    m[400] = 'M';
    char r = 0;
    pread(fd, &r, 1, 400);
    pwrite(fd, "W", 1, 401);
    printf("read() sees the mapping: %c, the mapping sees write(): %c\n", r, m[401]);
    char *p = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("a private mapping sees the shared one: %.2s\n", p == MAP_FAILED ? "--" : p + 400);

    /* munmap writes back */
    memcpy(m + 300, "unmapped", 8);
    munmap(m, 2 * PAGE);
    char back[9] = {0};
    pread(fd, back, 8, 300);
    printf("after munmap: %s\n", back);
    close(fd);
    unlink(path);
    return 0;
}

static int shared_memfd(void) {
    int fd = memfd_create("pico-test", 0);
    if (fd < 0 || ftruncate(fd, PAGE)) return 6;
    char *m = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) return 7;
    strcpy(m, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        char *again = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (again == MAP_FAILED) _exit(8);
        printf("memfd child: %s %s\n", m, again);
        strcpy(again + 16, "child");
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    char buf[6] = {0};
    msync(m, PAGE, MS_SYNC);
    pread(fd, buf, 5, 16);
    printf("memfd parent: %s, read() %s\n", m + 16, buf);
    return 0;
}

/* mremap moves shared memory without making it private: a child forked afterwards still shares it */
static int moved_shared(void) {
    int *a = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    void *spot = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED || spot == MAP_FAILED) return 9;
    *a = 1;
    int *b = mremap(a, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, spot);
    if (b != spot) return 10;
    pid_t pid = fork();
    if (pid == 0) {
        *b += 2;
        _exit(0);
    }
    waitpid(pid, 0, 0);
    printf("moved shared memory: %d\n", *b);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, 0, _IONBF, 0);
    int r = shared_counter();
    if (r == 0) r = shared_file(argc > 1 ? argv[1] : ".");
    if (r == 0) r = shared_memfd();
    if (r == 0) r = moved_shared();
    printf("done %d\n", r);
    return r;
}
