/* The bench's stopwatch: runs a command (stdio inherited) in its own process group and prints one line
 *   <status> <wall seconds> <user seconds> <system seconds> <max RSS KiB>
 * to the file RESULT. status is the exit status, 128+N for a signal, or "timeout" when the command ran
 * longer than TIMEOUT seconds (it then gets TERM, and KILL 5 s later).
 * usage: brun RESULT TIMEOUT COMMAND [ARGS...] */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig) {
    (void) sig;
    alarmed = 1;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: brun RESULT TIMEOUT COMMAND [ARGS...]\n");
        return 2;
    }
    double timeout = atof(argv[2]);
    double start = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        setpgid(0, 0);
        execvp(argv[3], argv + 3);
        fprintf(stderr, "brun: %s: %s\n", argv[3], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    if (timeout > 0)
        alarm((unsigned) (timeout + 0.999));
    int status = 0, timed_out = 0;
    struct rusage ru;
    for (;;) {
        pid_t r = wait4(pid, &status, 0, &ru);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            perror("wait4");
            return 2;
        }
        if (alarmed) {
            alarmed = 0;
            kill(-pid, timed_out ? SIGKILL : SIGTERM);
            timed_out = 1;
            alarm(5);
        }
    }
    double wall = now() - start;
    kill(-pid, SIGKILL); /* whatever the command left behind in its group */
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 2;
    }
    if (timed_out)
        fprintf(out, "timeout");
    else if (WIFSIGNALED(status))
        fprintf(out, "%d", 128 + WTERMSIG(status));
    else
        fprintf(out, "%d", WEXITSTATUS(status));
    fprintf(out, " %.6f %.6f %.6f %ld\n", wall, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
    fclose(out);
    return 0;
}
