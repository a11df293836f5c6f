/*
 * Reads into guest memory that another thread unmaps meanwhile (pico lends guest memory to a read in place:
 * the host memory must outlive the call). argv[1]: "race" ROUNDS, "rofault" or "exit".
 * race: per round the unmapper maps a 64 KiB buffer at a fixed address, the reader reads a pipe into it, the
 * unmapper unmaps it (while the read waits, or before it starts) and then writes to the pipe; the read gets the
 * data or EFAULT, never anything else, and the process lives on. rofault: a read into read-only memory is EFAULT.
 * exit: the process ends while a thread waits in a read into its memory.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BUF ((char *) 0x600000000UL)
#define SIZE 65536

static int p[2];
static volatile int mapped, readdone, rounds;
static long data, faults, others;

static void *reader(void *arg) {
    (void) arg;
    for (int i = 0; i < rounds; i++) {
        while (mapped <= i) sched_yield();
        ssize_t n = read(p[0], BUF, SIZE);
        if (n > 0) data++;
        else if (n < 0 && errno == EFAULT) faults++;
        else others++;
        readdone = i + 1;
    }
    return 0;
}

static void *unmapper(void *arg) {
    (void) arg;
    char block[64];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < rounds; i++) {
        if (mmap(BUF, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != BUF) {
            perror("mmap");
            exit(3);
        }
        mapped = i + 1;
        for (volatile int spin = 0; spin < (i % 7) * 2000; spin++) {
        }
        if (i % 3) sched_yield();
        munmap(BUF, SIZE);
        if (write(p[1], block, sizeof block) != sizeof block) {
            perror("write");
            exit(4);
        }
        while (readdone <= i) sched_yield();
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "race";
    setvbuf(stdout, NULL, _IONBF, 0);
    if (pipe(p)) return 2;
    if (!strcmp(m, "rofault")) {
        char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        write(p[1], "abc", 3);
        ssize_t n = read(p[0], ro, 3);
        printf("read-only: %zd %s\n", n, n < 0 && errno == EFAULT ? "EFAULT" : "?");
        n = read(p[0], (char *) 16, 3);
        printf("unmapped: %zd %s\n", n, n < 0 && errno == EFAULT ? "EFAULT" : "?");
        n = write(p[1], (char *) 16, 3);
        printf("write unmapped: %zd %s\n", n, n < 0 && errno == EFAULT ? "EFAULT" : "?");
        n = read(p[0], ro + 4096 - 2, 3); /* crosses into unmapped memory */
        printf("crossing: %zd %s\n", n, n < 0 && errno == EFAULT ? "EFAULT" : "?");
        char ok[4] = {0};
        n = read(p[0], ok, 3);
        printf("then: %zd %s\n", n, ok);
        return 0;
    }
    if (!strcmp(m, "exit")) {
        pthread_t t;
        rounds = 1;
        mmap(BUF, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        mapped = 1;
        pthread_create(&t, 0, reader, 0);
        usleep(20000);
        munmap(BUF, SIZE);
        printf("exiting\n");
        _exit(0);
    }
    rounds = argc > 2 ? atoi(argv[2]) : 1000;
    pthread_t r, u;
    pthread_create(&r, 0, reader, 0);
    pthread_create(&u, 0, unmapper, 0);
    pthread_join(r, 0);
    pthread_join(u, 0);
    if (data + faults == rounds && others == 0) {
        printf("ok %d\n", rounds);
        fprintf(stderr, "data %ld faults %ld\n", data, faults);
    } else {
        printf("data %ld faults %ld others %ld\n", data, faults, others);
    }
    return 0;
}
