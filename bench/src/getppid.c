/* System-call workload: COUNT getppid calls (the raw system call: no libc caching). usage: getppid COUNT */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 10000000L;
    long sum = 0;
    for (long i = 0; i < count; i++)
        sum += syscall(SYS_getppid);
    printf("%ld calls, same parent: %s\n", count, sum == count * (long) syscall(SYS_getppid) ? "yes" : "no");
    return 0;
}
