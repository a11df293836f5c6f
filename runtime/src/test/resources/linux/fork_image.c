/*
 * Fork and exec over image pages (pico maps a program's segments from the kernel's shared copy of the file,
 * copy-on-write, and fork copies only the pages written): writes after fork in both directions, munmap and
 * mprotect of image pages after fork, a fresh exec of the same file after its pages were written, and an
 * anonymous MAP_SHARED page, and a private file mapping (mmap of a file is mapped from the kernel's copy too)
 * written before and after a fork. Prints one line per check; the test compares the output with a native run.
 * argv[1] == "fresh": print what a freshly loaded image holds and exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
/* initialised: in .data, file pages of the image */
static char data[4 * PAGE] __attribute__((aligned(PAGE))) = {1, 2, 3, 4};
static const char text[] = "read-only image bytes";

static void sync_read(int fd) { char c; if (read(fd, &c, 1) != 1) exit(9); }
static void sync_write(int fd) { if (write(fd, "x", 1) != 1) exit(9); }

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "fresh") == 0) {
        printf("fresh: %d %d %d %d %s\n", data[0], data[1], data[PAGE], data[3 * PAGE], text);
        return 0;
    }
    data[PAGE] = 10;                       /* written before the fork: the child gets it */
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent)) return 8;
    pid_t pid = fork();
    if (pid == 0) {
        printf("child sees: %d %d %d %s\n", data[0], data[1], data[PAGE], text);
        fflush(stdout);
        data[0] = 20;                      /* the parent must not see it */
        sync_write(to_parent[1]);
        sync_read(to_child[0]);            /* the parent has written data[1] */
        printf("child after the parent's write: %d %d\n", data[0], data[1]);
        /* munmap and mprotect of image pages in the child only */
        munmap(data + 2 * PAGE, PAGE);
        mprotect(data, PAGE, PROT_READ);
        printf("child after munmap/mprotect: %d %d\n", data[0], data[3 * PAGE]);
        fflush(stdout);
        _exit(0);
    }
    sync_read(to_parent[0]);
    printf("parent after the child's write: %d\n", data[0]);
    data[1] = 30;
    sync_write(to_child[1]);
    int st;
    waitpid(pid, &st, 0);
    data[2 * PAGE] = 40;                   /* still mapped and writable in the parent */
    printf("parent after the child's munmap/mprotect: %d %d %d\n", data[1], data[2 * PAGE], st);
    fflush(stdout);

    /* the image's pages were written by this process and its child: a new exec shows the file again */
    data[3 * PAGE] = 50;
    pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "fresh", (char *) 0);
        _exit(7);
    }
    waitpid(pid, &st, 0);

    /* anonymous MAP_SHARED memory (the parent's own view; shared_memory.c checks the sharing) */
    int *shared = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *shared = 5;
    printf("done: %d %d %d %d\n", WEXITSTATUS(st), data[0], data[3 * PAGE], *shared);
    fflush(stdout);

    /* a private mapping of a file (this program's own file): writes stay in the process, on each side of a fork */
    int fd = open("/proc/self/exe", O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb)) return 6;
    char *f = mmap(0, sb.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (f == MAP_FAILED) return 5;
    char last = f[sb.st_size - 1];
    f[1] = 'X';                             /* "\177ELF" -> "\177XLF" here only */
    pid = fork();
    if (pid == 0) {
        f[2] = 'Y';
        printf("file child: %.3s %d\n", f + 1, f[sb.st_size - 1] == last);
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("file parent: %.3s\n", f + 1);
    char *g = mmap(0, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("file again: %.3s %d\n", g + 1, memcmp(f + 4, g + 4, sb.st_size - 4) == 0);
    return 0;
}
