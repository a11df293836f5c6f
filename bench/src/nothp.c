/* runs a command with transparent huge pages disabled for it and its children (prctl PR_SET_THP_DISABLE) */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) perror("prctl");
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
