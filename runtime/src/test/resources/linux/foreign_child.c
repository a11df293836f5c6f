/* A Linux program an OS/2 program starts with DosExecPgm: shows what it was given and exits with 7. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char cwd[4096];
    const char *path = getenv("PATH");
    printf("linux child: argc=%d argv0=%s cwd=%s PATH=%s\n", argc, argv[0], getcwd(cwd, sizeof cwd) ? cwd : "?",
           path ? path : "(none)");
    return 7;
}
