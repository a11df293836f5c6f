/*
 * A guest that tries to leave its --root by every route it knows, for LinuxConfinementTest. The root holds
 * "inside.txt"; the host directory around the root holds "secret.txt" (its path is argv[1]). Every attempt
 * prints one line: what it tried and what it got. A line saying LEAKED means the guest read the secret.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *secret_host_path;

static void show_fd(const char *what, int fd) {
    if (fd < 0) {
        printf("%s: %s\n", what, strerror(errno));
        return;
    }
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    printf("%s: %s\n", what, strstr(buf, "SECRET") ? "LEAKED" : n >= 0 ? "inside" : strerror(errno));
}

static void try_open(const char *what, const char *path) {
    show_fd(what, open(path, O_RDONLY));
}

static void try_at(const char *what, int dirfd, const char *path) {
    show_fd(what, openat(dirfd, path, O_RDONLY));
}

static void show_cwd(const char *what) {
    char buf[4096];
    printf("%s: cwd=%s\n", what, getcwd(buf, sizeof buf) ? buf : strerror(errno));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    secret_host_path = argc > 1 ? argv[1] : "/nonexistent";
    char up[4096];

    try_open("inside file", "/inside.txt");
    try_open("dot-dot from the root", "/../secret.txt");
    try_open("many dot-dots", "/../../../../../../../../secret.txt");
    try_open("relative dot-dots", "../../../../secret.txt");
    try_open("the host's absolute path", secret_host_path);
    snprintf(up, sizeof up, "/../../../../../..%s", secret_host_path);
    try_open("dot-dots then the host path", up);

    chdir("/");
    for (int i = 0; i < 10; i++) chdir("..");
    show_cwd("after chdir(..) x10");
    try_open("secret after chdir(..)", "secret.txt");

    symlink("/..", "/up-abs");
    symlink("../../../..", "/up-rel");
    symlink(secret_host_path, "/host-link");
    try_open("through an absolute symlink to /..", "/up-abs/secret.txt");
    try_open("through a relative symlink up", "/up-rel/secret.txt");
    try_open("through a symlink to the host path", "/host-link");
    char target[4096];
    ssize_t n = readlink("/host-link", target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("readlink keeps the text: %d\n", strcmp(target, secret_host_path) == 0);

    mkdir("/d", 0755);
    symlink("../../..", "/d/l");
    try_open("through a symlink inside a directory", "/d/l/secret.txt");

    int root = open("/", O_RDONLY | O_DIRECTORY);
    try_at("openat(root fd, ..)", root, "../secret.txt");
    int dotdot = openat(root, "..", O_RDONLY | O_DIRECTORY);
    try_at("openat(fd of /.., secret)", dotdot, "secret.txt");
    fchdir(dotdot);
    show_cwd("after fchdir(fd of /..)");
    try_open("secret after fchdir", "secret.txt");

    try_open("/proc/self/root/..", "/proc/self/root/../secret.txt");
    n = readlink("/proc/self/root", target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("readlink /proc/self/root: %s\n", target);
    n = readlink("/proc/self/cwd", target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    printf("readlink /proc/self/cwd: %s\n", target);
    try_open("/proc/self/cwd/..", "/proc/self/cwd/../secret.txt");
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d/../secret.txt", root);
    try_open("/proc/self/fd/N/..", fdpath);

    struct stat a, b;
    stat("/", &a);
    stat("/..", &b);
    printf("/.. is /: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);

    printf("rename out of the root: %d\n", rename("/inside.txt", "/../moved.txt") == 0);
    try_open("the renamed file, inside", "/moved.txt");
    printf("link out of the root: %d\n", link("/moved.txt", "/../../linked.txt") == 0);
    printf("chroot: %s\n", chroot("/tmp") < 0 ? strerror(errno) : "allowed");
    show_fd("openat2 beneath", (int) syscall(437, AT_FDCWD, "../secret.txt", &(struct { long long f, m, r; }){0, 0, 0},
            24));

    DIR *d = opendir("/..");
    int entries = 0, saw_secret = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        entries++;
        if (strcmp(e->d_name, "secret.txt") == 0) saw_secret = 1;
    }
    printf("listing /.. shows the secret: %d\n", saw_secret);

    char *args[] = {"/../../../bin/sh", "-c", "echo escaped", NULL};
    execv(args[0], args);
    printf("execv outside the root: %s\n", strerror(errno));
    return 0;
}
