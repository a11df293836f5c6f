package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ImageException;
import io.pico.api.Kernel;
import io.pico.runtime.test.ReliabilityKit.Guest;
import io.pico.runtime.test.ReliabilityKit.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 10, point 3: confinement. A temporary directory holds the guest's root and, beside it, {@code outside/}
 * with a secret file (its content carries a random token), a file whose name carries another token (only a
 * listing can reveal it), a program that prints a third token, and a directory. The root holds
 * busybox, a probe program built here (musl-gcc -static, one system call route per run), absolute and relative
 * symbolic links leading outside, a link to the host's {@code /}, and a directory for a rename race. Every
 * route — {@code ..}, absolute and relative links (pre-made and made by the guest), hard links,
 * {@code /proc/self/root}, {@code /proc/self/cwd}, openat and fchdir with a directory descriptor, rename,
 * O_NOFOLLOW and O_PATH, metadata calls that must not follow a link (utimensat, lchown, lsetxattr), execve —
 * is tried by a real program: no output may carry a token, no route may run the outside program, and
 * {@code outside/} (names, contents, times, owners, modes, extended attributes) and the temporary directory must
 * be exactly as before. OS/2 programs (cmp.exe, helloc.exe with its DLL) try drive letters, UNC names and
 * links through the OS/2 provider.
 *
 * <p>A route found to escape would be a separate test enabled with {@code PICO_KNOWN_BUGS=1} until fixed, its
 * reason naming the bug; none is left (the POSIX personality's rename race was the last).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfinementTest {

    static final String PROBE_C = """
            #define _GNU_SOURCE
            #include <dirent.h>
            #include <errno.h>
            #include <fcntl.h>
            #include <pthread.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/stat.h>
            #include <sys/time.h>
            #include <sys/xattr.h>
            #include <time.h>
            #include <unistd.h>

            static void dump(const char *what, int fd) {
                char buf[4096];
                if (fd < 0) { printf("%s: denied errno %d\\n", what, errno); return; }
                ssize_t n = read(fd, buf, sizeof buf - 1);
                if (n < 0) { printf("%s: opened, read errno %d\\n", what, errno); close(fd); return; }
                buf[n] = 0;
                printf("%s: READ [%s]\\n", what, buf);
                close(fd);
            }
            static void result(const char *what, int r) {
                if (r < 0) printf("%s: denied errno %d\\n", what, errno); else printf("%s: ok %d\\n", what, r);
            }
            static volatile int stop;
            static const char *race_dir, *race_name;
            static long escapes, tries;
            static void *swapper(void *arg) {
                char sub[256], tmp[256], evil[256];
                snprintf(sub, sizeof sub, "%s/sub", race_dir);
                snprintf(tmp, sizeof tmp, "%s/tmp", race_dir);
                snprintf(evil, sizeof evil, "%s/evil", race_dir);
                while (!stop) {
                    rename(sub, tmp); rename(evil, sub);   /* sub is now the symlink */
                    rename(sub, evil); rename(tmp, sub);   /* sub is the directory again */
                }
                return NULL;
            }
            static void *opener(void *arg) {
                char path[512];
                snprintf(path, sizeof path, "%s/sub/%s", race_dir, race_name);
                while (!stop) {
                    int fd = open(path, O_RDONLY);
                    tries++;
                    if (fd >= 0) { char b[256]; ssize_t n = read(fd, b, sizeof b - 1); if (n > 0) { b[n] = 0; printf("race: READ [%s]\\n", b); escapes++; } close(fd); }
                }
                return NULL;
            }
            static void *operator(void *arg) {
                char f[512], made[512], planted[512], moved[512], sub[256];
                snprintf(sub, sizeof sub, "%s/sub", race_dir);
                snprintf(f, sizeof f, "%s/sub/%s", race_dir, race_name);
                snprintf(made, sizeof made, "%s/sub/made", race_dir);
                snprintf(planted, sizeof planted, "%s/sub/planted", race_dir);
                snprintf(moved, sizeof moved, "%s/moved", race_dir);
                struct timespec ts[2] = {{1000000, 0}, {1000000, 0}};
                struct stat st;
                while (!stop) {
                    tries++;
                    if (stat(f, &st) == 0) { printf("race-ops: stat LEAK size=%ld\\n", (long) st.st_size); escapes++; }
                    if (chmod(f, 0777) == 0) { printf("race-ops: chmod LEAK\\n"); escapes++; }
                    if (utimensat(AT_FDCWD, f, ts, 0) == 0) { printf("race-ops: utimensat LEAK\\n"); escapes++; }
                    if (truncate(f, 0) == 0) { printf("race-ops: truncate LEAK\\n"); escapes++; }
                    if (rename(f, moved) == 0) { printf("race-ops: rename LEAK\\n"); escapes++; }
                    if (mkdir(made, 0777) == 0) rmdir(made);
                    int fd = open(planted, O_CREAT | O_EXCL | O_WRONLY, 0666);
                    if (fd >= 0) { close(fd); unlink(planted); }
                    DIR *d = opendir(sub);
                    if (d) { struct dirent *e; while ((e = readdir(d))) if (e->d_name[0] != '.' && strcmp(e->d_name, "made") && strcmp(e->d_name, "planted")) { printf("race-ops: list LEAK %s\\n", e->d_name); escapes++; } closedir(d); }
                }
                return NULL;
            }
            static void *chdirer(void *arg) {
                char sub[256];
                snprintf(sub, sizeof sub, "%s/sub", race_dir);
                while (!stop) {
                    if (chdir(sub) == 0) {
                        int fd = open(race_name, O_RDONLY);
                        tries++;
                        if (fd >= 0) { char b[256]; ssize_t n = read(fd, b, sizeof b - 1); if (n > 0) { b[n] = 0; printf("chdir-race: READ [%s]\\n", b); escapes++; } close(fd); }
                        chdir("/");
                    }
                }
                return NULL;
            }

            int main(int argc, char **argv) {
                setvbuf(stdout, NULL, _IOLBF, 0);
                const char *m = argv[1];
                const char *a = argc > 2 ? argv[2] : "", *b = argc > 3 ? argv[3] : "";
                if (!strcmp(m, "read")) dump(a, open(a, O_RDONLY));
                else if (!strcmp(m, "nofollow")) dump(a, open(a, O_RDONLY | O_NOFOLLOW));
                else if (!strcmp(m, "readat")) {
                    int d = open(a, O_RDONLY | O_DIRECTORY);
                    if (d < 0) { printf("readat %s: dir errno %d\\n", a, errno); return 0; }
                    dump(b, openat(d, b, O_RDONLY));
                } else if (!strcmp(m, "fchdir")) {
                    int d = open(a, O_RDONLY | O_DIRECTORY);
                    if (d < 0 || fchdir(d) < 0) { printf("fchdir %s: errno %d\\n", a, errno); return 0; }
                    dump(b, open(b, O_RDONLY));
                } else if (!strcmp(m, "opath")) {
                    int fd = open(a, O_PATH | O_NOFOLLOW);
                    if (fd < 0) { printf("opath %s: denied errno %d\\n", a, errno); return 0; }
                    char p[64]; snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
                    dump("reopen via /proc/self/fd", open(p, O_RDONLY));
                    struct stat st; if (fstat(fd, &st) == 0) printf("fstat: size=%ld mode=%o\\n", (long) st.st_size, st.st_mode);
                    result("linkat AT_EMPTY_PATH", linkat(fd, "", AT_FDCWD, "/stolen", AT_EMPTY_PATH));
                    dump("read /stolen", open("/stolen", O_RDONLY));
                } else if (!strcmp(m, "opath-write")) {
                    int fd = open(a, O_PATH | O_NOFOLLOW);
                    if (fd < 0) { printf("opath %s: denied errno %d\\n", a, errno); return 0; }
                    char p[64]; snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
                    int w = open(p, O_WRONLY | O_APPEND);
                    if (w < 0) printf("reopen for writing: denied errno %d\\n", errno); else { write(w, "pwned", 5); close(w); printf("reopen for writing: WROTE\\n"); }
                } else if (!strcmp(m, "opath-exec")) {
                    int fd = open(a, O_PATH | O_NOFOLLOW);
                    if (fd < 0) { printf("opath %s: denied errno %d\\n", a, errno); return 0; }
                    char p[64]; snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
                    char *args[] = {p, NULL}; execv(p, args); printf("exec %s: denied errno %d\\n", p, errno);
                } else if (!strcmp(m, "symlink")) {
                    result("symlink", symlink(a, b));
                    dump("read the new link", open(b, O_RDONLY));
                } else if (!strcmp(m, "stat")) {
                    struct stat st;
                    if (stat(a, &st) < 0) printf("stat %s: denied errno %d\\n", a, errno); else printf("stat %s: size=%ld\\n", a, (long) st.st_size);
                    if (lstat(a, &st) < 0) printf("lstat %s: denied errno %d\\n", a, errno); else printf("lstat %s: size=%ld mode=%o\\n", a, (long) st.st_size, st.st_mode);
                } else if (!strcmp(m, "utimes-nofollow")) {
                    struct timespec ts[2] = {{1000000, 0}, {1000000, 0}};
                    result("utimensat AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, a, ts, AT_SYMLINK_NOFOLLOW));
                } else if (!strcmp(m, "utimes")) {
                    struct timespec ts[2] = {{1000000, 0}, {1000000, 0}};
                    result("utimensat", utimensat(AT_FDCWD, a, ts, 0));
                } else if (!strcmp(m, "lchown")) result("lchown", lchown(a, 4321, 4321));
                else if (!strcmp(m, "chown")) result("chown", chown(a, 4321, 4321));
                else if (!strcmp(m, "chmod")) result("chmod", chmod(a, 0777));
                else if (!strcmp(m, "fchmodat-nofollow")) result("fchmodat AT_SYMLINK_NOFOLLOW", fchmodat(AT_FDCWD, a, 0777, AT_SYMLINK_NOFOLLOW));
                else if (!strcmp(m, "truncate")) result("truncate", truncate(a, 0));
                else if (!strcmp(m, "lsetxattr")) result("lsetxattr", lsetxattr(a, "user.pico", "pwned", 5, 0));
                else if (!strcmp(m, "setxattr")) result("setxattr", setxattr(a, "user.pico", "pwned", 5, 0));
                else if (!strcmp(m, "lgetxattr")) { char v[64] = {0}; ssize_t n = lgetxattr(a, "user.secret", v, sizeof v - 1); if (n < 0) printf("lgetxattr: denied errno %d\\n", errno); else printf("lgetxattr: READ [%s]\\n", v); }
                else if (!strcmp(m, "link")) { result("link", link(a, b)); dump("read the link", open(b, O_RDONLY)); }
                else if (!strcmp(m, "link-follow")) { result("linkat AT_SYMLINK_FOLLOW", linkat(AT_FDCWD, a, AT_FDCWD, b, AT_SYMLINK_FOLLOW)); dump("read the link", open(b, O_RDONLY)); }
                else if (!strcmp(m, "rename")) result("rename", rename(a, b));
                else if (!strcmp(m, "mkdir")) result("mkdir", mkdir(a, 0777));
                else if (!strcmp(m, "creat")) { int fd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0666); if (fd < 0) printf("creat: denied errno %d\\n", errno); else { write(fd, "pwned", 5); close(fd); printf("creat: ok\\n"); } }
                else if (!strcmp(m, "append")) { int fd = open(a, O_WRONLY | O_APPEND); if (fd < 0) printf("append: denied errno %d\\n", errno); else { write(fd, "pwned", 5); close(fd); printf("append: ok\\n"); } }
                else if (!strcmp(m, "unlink")) result("unlink", unlink(a));
                else if (!strcmp(m, "rmdir")) result("rmdir", rmdir(a));
                else if (!strcmp(m, "exec")) { char *args[] = {(char *) a, NULL}; execv(a, args); printf("exec %s: denied errno %d\\n", a, errno); }
                else if (!strcmp(m, "list")) {
                    DIR *d = opendir(a);
                    if (!d) { printf("list %s: denied errno %d\\n", a, errno); return 0; }
                    struct dirent *e; printf("list %s:", a);
                    while ((e = readdir(d))) printf(" %s", e->d_name);
                    printf("\\n"); closedir(d);
                } else if (!strcmp(m, "readlink")) { char v[512] = {0}; ssize_t n = readlink(a, v, sizeof v - 1); if (n < 0) printf("readlink: denied errno %d\\n", errno); else printf("readlink %s: %s\\n", a, v); }
                else if (!strcmp(m, "race")) {
                    race_dir = a; race_name = b;
                    int secs = argc > 4 ? atoi(argv[4]) : 2;
                    pthread_t t1, t2, t3;
                    pthread_create(&t1, NULL, swapper, NULL);
                    pthread_create(&t2, NULL, opener, NULL);
                    pthread_create(&t3, NULL, chdirer, NULL);
                    sleep(secs); stop = 1;
                    pthread_join(t1, NULL); pthread_join(t2, NULL); pthread_join(t3, NULL);
                    printf("race: %ld tries, %ld escapes\\n", tries, escapes);
                } else if (!strcmp(m, "race-ops")) {
                    race_dir = a; race_name = b;
                    int secs = argc > 4 ? atoi(argv[4]) : 2;
                    pthread_t t1, t2;
                    pthread_create(&t1, NULL, swapper, NULL);
                    pthread_create(&t2, NULL, operator, NULL);
                    sleep(secs); stop = 1;
                    pthread_join(t1, NULL); pthread_join(t2, NULL);
                    printf("race-ops: %ld tries, %ld escapes\\n", tries, escapes);
                } else if (!strcmp(m, "swap")) { race_dir = a; int secs = argc > 3 ? atoi(b) : 2; pthread_t t; pthread_create(&t, NULL, swapper, NULL); sleep(secs); stop = 1; pthread_join(t, NULL); printf("swapped\\n"); }
                else if (!strcmp(m, "open-loop")) { race_dir = a; race_name = b; int secs = argc > 4 ? atoi(argv[4]) : 2; pthread_t t; pthread_create(&t, NULL, opener, NULL); sleep(secs); stop = 1; pthread_join(t, NULL); printf("open-loop: %ld tries, %ld escapes\\n", tries, escapes); }
                else printf("unknown mode %s\\n", m);
                return 0;
            }
            """;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    private Path t;
    private Path root;
    private Path outside;
    private String nameToken;
    private String contentToken;
    private String execToken;
    private String secretName;
    private Map<String, String> before;
    private List<String> topBefore;

    @BeforeAll
    void setUp() throws Exception {
        Path probe = ReliabilityKit.cc("probe", PROBE_C, "-lpthread");
        t = Files.createTempDirectory("pico-confinement-").toRealPath();
        root = Files.createDirectories(t.resolve("root"));
        outside = Files.createDirectories(t.resolve("outside"));
        nameToken = "N" + UUID.randomUUID().toString().replace("-", "");
        contentToken = "C" + UUID.randomUUID().toString().replace("-", "");
        execToken = "E" + UUID.randomUUID().toString().replace("-", "");
        secretName = "secret";
        Files.writeString(outside.resolve(secretName), "TOP " + contentToken + " SECRET");
        // names only a listing can reveal
        Files.writeString(outside.resolve("hidden-" + nameToken), contentToken);
        Files.createDirectories(outside.resolve("dir"));
        // the outside program prints the exec token: a static program of its own
        Path prog = ReliabilityKit.cc("outsideprog", "#include <stdio.h>\nint main(){puts(\"" + execToken
                + "\");return 42;}\n");
        Files.copy(prog, outside.resolve("prog"));
        Files.writeString(t.resolve("beside-" + nameToken), contentToken);

        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of(ReliabilityKit.BUSYBOX), root.resolve("bin/busybox"));
        Files.copy(probe, root.resolve("bin/probe"));
        Files.createDirectories(root.resolve("deep/a/b"));
        Files.createDirectories(root.resolve("race/sub"));
        Files.writeString(root.resolve("inside"), "inside\n");
        Files.writeString(root.resolve("victim"), "victim\n");
        Files.createSymbolicLink(root.resolve("abs"), outside.resolve(secretName));
        Files.createSymbolicLink(root.resolve("absdir"), outside);
        Files.createSymbolicLink(root.resolve("absprog"), outside.resolve("prog"));
        Files.createSymbolicLink(root.resolve("rel"), Path.of("../outside/" + secretName));
        Files.createSymbolicLink(root.resolve("reldir"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("deep/a/b/up"), Path.of("../../../../outside"));
        Files.createSymbolicLink(root.resolve("movable"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("hostroot"), Path.of("/"));
        Files.createSymbolicLink(root.resolve("race/evil"), outside);
        before = snapshot(outside);
        topBefore = top();
    }

    @AfterAll
    void tearDown() {
        if (t != null) {
            ReliabilityKit.deleteTree(t);
        }
    }

    /** Every file under a directory, not following links: type, size, content hash, time, owner, mode, xattrs. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                String content = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? ReliabilityKit.hash(Files.readAllBytes(p)) : "";
                StringBuilder xattrs = new StringBuilder();
                try {
                    UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (v != null) {
                        xattrs.append(v.list());
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    xattrs.append("-");
                }
                m.put(dir.relativize(p).toString(), a.get("mode") + " " + a.get("uid") + ":" + a.get("gid") + " "
                        + a.get("size") + " " + a.get("lastModifiedTime") + " " + content + " " + xattrs);
            }
        }
        return m;
    }

    /** The entries of the temporary directory: root, outside and the file beside them. */
    private List<String> top() throws IOException {
        try (var s = Files.list(t)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String host(String guestTemplate) {
        return guestTemplate.replace("@T", t.toString()).replace("@S", secretName);
    }

    /** One route: a guest command line (@T is the host path of the temporary directory, @S the secret's name). */
    private Run route(String cwd, String... argv) throws Exception {
        String[] a = new String[argv.length];
        for (int i = 0; i < argv.length; i++) {
            a[i] = host(argv[i]);
        }
        return ReliabilityKit.run(kernel, Guest.of(root, a).cwd(cwd).stdin("pwned\n"),
                ReliabilityKit.CASE_LIMIT_SECONDS);
    }

    /** Fails when a route's output shows anything from outside or the outside directory changed. */
    private void assertConfined(String what, Run r) throws IOException {
        String all = r.out() + r.err();
        assertFalse(all.contains(contentToken), () -> what + " READ THE SECRET OUTSIDE THE ROOT: " + r);
        assertFalse(all.contains(nameToken), () -> what + " LISTED THE DIRECTORY OUTSIDE THE ROOT: " + r);
        assertFalse(all.contains(execToken) || r.shell() == 42, () -> what + " RAN THE PROGRAM OUTSIDE THE ROOT: " + r);
        Map<String, String> now = snapshot(outside);
        assertEquals(before, now, () -> what + " CHANGED THE DIRECTORY OUTSIDE THE ROOT: " + r);
        assertEquals(topBefore, top(), () -> what + " CREATED SOMETHING BESIDE THE ROOT: " + r);
    }

    private static final String[][] PROBE_ROUTES = {
        // ..
        {"/", "read", "/../outside/@S"},
        {"/", "read", "/../../../../../../../@T/outside/@S"},
        {"/deep/a/b", "read", "../../../../outside/@S"},
        {"/", "read", "@T/outside/@S"},
        // absolute and relative links made by the host
        {"/", "read", "/abs"},
        {"/", "read", "/rel"},
        {"/", "read", "/absdir/@S"},
        {"/", "read", "/reldir/@S"},
        {"/", "read", "/deep/a/b/up/@S"},
        {"/", "read", "/hostroot/@T/outside/@S"},
        {"/", "nofollow", "/abs"},
        {"/", "stat", "/abs"},
        {"/", "list", "/absdir"},
        {"/", "list", "/reldir/"},
        {"/", "list", "/.."},
        {"/", "list", "/hostroot/@T"},
        {"/", "readlink", "/proc/self/root"},
        // /proc/self/root and /proc/self/cwd
        {"/", "read", "/proc/self/root/../outside/@S"},
        {"/", "read", "/proc/self/root/@T/outside/@S"},
        {"/", "list", "/proc/self/root/.."},
        {"/deep", "read", "/proc/self/cwd/../../outside/@S"},
        {"/deep", "list", "/proc/self/cwd/../.."},
        {"/", "read", "/proc/1/root/../outside/@S"},
        // openat and fchdir with a directory descriptor
        {"/", "readat", "/deep", "../../outside/@S"},
        {"/", "readat", "/deep/a", "b/up/@S"},
        {"/", "readat", "/", "../outside/@S"},
        {"/", "readat", "/proc/self/root", "../outside/@S"},
        {"/", "fchdir", "/deep/a/b", "../../../../outside/@S"},
        // links made by the guest
        {"/", "symlink", "@T/outside/@S", "/guest-abs"},
        {"/", "symlink", "../../../../../../outside/@S", "/guest-rel"},
        {"/", "symlink", "/proc/self/root/../outside/@S", "/guest-proc"},
        // hard links
        {"/", "link", "/abs", "/hard-abs"},
        {"/", "link-follow", "/abs", "/hard-follow"},
        {"/", "link", "/../outside/@S", "/hard-dotdot"},
        {"/", "link", "/absdir/@S", "/hard-dir"},
        // writes and metadata
        {"/", "creat", "/abs"},
        {"/", "creat", "/absdir/new"},
        {"/", "creat", "/reldir/new"},
        {"/", "creat", "/../outside/new"},
        {"/", "creat", "/hostroot/@T/outside/new"},
        {"/", "creat", "/hostroot/@T/new-beside"},
        {"/", "append", "/abs"},
        {"/", "mkdir", "/absdir/newdir"},
        {"/", "truncate", "/abs"},
        {"/", "chmod", "/abs"},
        {"/", "chown", "/abs"},
        {"/", "lchown", "/abs"},
        {"/", "utimes", "/abs"},
        {"/", "utimes-nofollow", "/abs"},
        {"/", "fchmodat-nofollow", "/abs"},
        {"/", "setxattr", "/abs"},
        {"/", "lsetxattr", "/abs"},
        {"/", "unlink", "/absdir/@S"},
        {"/", "unlink", "/../outside/@S"},
        {"/", "rmdir", "/absdir/dir"},
        // rename
        {"/", "rename", "/victim", "/absdir/moved"},
        {"/", "rename", "/victim", "/../outside/moved"},
        {"/", "rename", "/absdir/@S", "/stolen"},
        {"/", "rename", "/../outside/@S", "/stolen"},
        {"/", "rename", "/movable", "/deep/moved-link"},
        // execute
        {"/", "exec", "/absprog"},
        {"/", "exec", "/absdir/prog"},
        {"/", "exec", "/../outside/prog"},
        {"/", "exec", "/proc/self/root/../outside/prog"},
        {"/", "exec", "/hostroot/@T/outside/prog"},
    };

    /** The routes with the probe, one system call path per run. */
    @Test
    void noSystemCallRouteLeavesTheRoot() throws Exception {
        List<String> results = new ArrayList<>();
        for (String[] r : PROBE_ROUTES) {
            String[] argv = new String[r.length];
            argv[0] = "/bin/probe";
            for (int i = 1; i < r.length; i++) {
                argv[i] = r[i];
            }
            Run run = route(r[0], argv);
            results.add(String.join(" ", r) + " -> " + run.out().trim());
            assertConfined("probe " + String.join(" ", r), run);
        }
        System.out.println("ConfinementTest routes:\n  " + String.join("\n  ", results));
    }

    private static final String[][] BUSYBOX_ROUTES = {
        {"/", "cat", "/../outside/@S"},
        {"/deep/a", "cat", "../../../outside/@S"},
        {"/", "cat", "/abs"},
        {"/", "cat", "/rel"},
        {"/", "cat", "/proc/self/root/../outside/@S"},
        {"/", "ls", "-laR", "/absdir/", "/reldir/", "/deep/a/b/up/", "/.."},
        {"/", "ls", "-la", "/proc/self/root/..", "/proc/self/cwd/.."},
        {"/", "find", "/", "-name", "hidden-*"},
        {"/", "find", "/", "-follow", "-maxdepth", "3", "-name", "secret*"},
        {"/", "head", "-c", "100", "/reldir/@S"},
        {"/", "tee", "/abs", "/absdir/tee-new", "/reldir/tee-new2", "/../outside/tee-new3"},
        {"/", "cp", "/inside", "/absdir/"},
        {"/", "cp", "/absdir/@S", "/copied"},
        {"/", "cp", "-a", "/abs", "/copied-link"},
        {"/", "ln", "/abs", "/bb-hard"},
        {"/", "ln", "-s", "@T/outside/@S", "/bb-sym"},
        {"/", "mv", "/inside", "/absdir/"},
        {"/", "touch", "/abs", "/absdir/touched"},
        {"/", "touch", "-h", "/abs"},
        {"/", "chmod", "777", "/abs", "/absdir"},
        {"/", "rm", "-rf", "/absdir/", "/reldir/", "/../outside"},
        {"/", "mkdir", "-p", "/absdir/x/y"},
        {"/", "stat", "-L", "/abs"},
        {"/", "realpath", "/abs", "/absdir"},
        {"/", "readlink", "-f", "/reldir/@S"},
        {"/", "dd", "if=/abs", "of=/dd-out"},
        {"/", "dd", "if=/inside", "of=/abs", "conv=notrunc"},
        {"/", "wc", "-c", "/hostroot/@T/outside/@S"},
        {"/", "ls", "-la", "/hostroot/@T", "/hostroot/@T/outside"},
        {"/", "tar", "-cf", "/t.tar", "/absdir/", "/reldir/", "/hostroot/@T/outside"},
        {"/", "cat", "/t.tar"},
    };

    /** The same routes with busybox applets (cat, ls, find, tee, cp, ln, mv, touch, chmod, rm, tar ...). */
    @Test
    void noBusyboxAppletLeavesTheRoot() throws Exception {
        for (String[] r : BUSYBOX_ROUTES) {
            String[] argv = new String[r.length];
            argv[0] = "/bin/busybox";
            for (int i = 1; i < r.length; i++) {
                argv[i] = r[i];
            }
            Run run = route(r[0], argv);
            assertConfined("busybox " + String.join(" ", r), run);
        }
    }

    /** The runtime refuses to start a program outside the root, by .., link or host path. */
    @Test
    void theKernelStartsNoProgramOutsideTheRoot() throws Exception {
        for (String p : new String[] {"/../outside/prog", "/absprog", "/absdir/prog", "/reldir/prog",
            "/deep/a/b/up/prog", host("@T/outside/prog"), "../outside/prog"}) {
            ImageException e = assertThrows(ImageException.class,
                    () -> ReliabilityKit.start(kernel, Guest.of(root, p)), p);
            assertEquals(ImageException.NOT_FOUND, e.status(), p + ": " + e.getMessage());
        }
        assertEquals(before, snapshot(outside));
    }

    /**
     * O_PATH|O_NOFOLLOW opens a symbolic link itself; reopening it through /proc/self/fd/N must not open the link's
     * HOST target (the guest can make the link itself): the provider reopens the descriptor by its guest path,
     * and the host open never follows a link (ELOOP, as on Linux).
     */
    @Test
    void oPathDescriptorsReopenedThroughProcSelfFdStayInside() throws Exception {
        for (String[] r : new String[][] {{"/", "opath", "/abs"}, {"/", "opath-write", "/abs"},
            {"/", "opath-exec", "/absprog"}, {"/", "symlink", "@T/outside/@S", "/guest-opath"},
            {"/", "opath", "/guest-opath"}}) {
            String[] argv = new String[r.length];
            argv[0] = "/bin/probe";
            System.arraycopy(r, 1, argv, 1, r.length - 1);
            assertConfined("probe " + String.join(" ", r), route(r[0], argv));
        }
    }

    /**
     * Path resolution and the host's open are two steps: between them another thread (or process) renames a
     * checked directory into a link to the outside; the host must not follow it (the provider opens each directory
     * relative to the one before with O_NOFOLLOW and the file in it with O_NOFOLLOW). A swapper thread renames
     * /race/sub to a link and back while two threads open /race/sub/SECRET and chdir into /race/sub then open
     * SECRET, for two seconds.
     */
    @Test
    void aRenameRaceBetweenResolutionAndOpenStaysInside() throws Exception {
        Run r = route("/", "/bin/probe", "race", "/race", "@S", "2");
        assertTrue(r.out().contains("tries"), r::toString);
        assertConfined("the rename race", r);
    }

    /**
     * The rename race against the other calls that take a path: stat, chmod, utimensat, truncate, rename, mkdir,
     * creat and unlink, opendir and getdents in /race/sub while it turns into a link to the outside and back.
     */
    @Test
    void aRenameRaceCannotRedirectOtherPathCalls() throws Exception {
        Run r = route("/", "/bin/probe", "race-ops", "/race", "@S", "2");
        assertTrue(r.out().contains("tries"), r::toString);
        assertFalse(r.out().contains("LEAK"), () -> "a path call reached the outside: " + r);
        assertConfined("the rename race against path calls", r);
    }

    /** The rename race with two processes instead of threads: one renames, the other opens. */
    @Test
    void aRenameRaceAcrossProcessesStaysInside() throws Exception {
        var swapper = ReliabilityKit.start(kernel, Guest.of(root, "/bin/probe", "swap", "/race", "2"));
        Run opener = route("/", "/bin/probe", "open-loop", "/race", "@S", "2");
        Run swapped = ReliabilityKit.finish(kernel, swapper, 10_000);
        assertTrue(opener.out().contains("tries"), opener::toString);
        assertConfined("the rename race across processes", opener);
        assertConfined("the swapper", swapped);
    }

    // -----------------------------------------------------------------------------------------------------------
    // OS/2

    private Path os2(String file) {
        Path c = ReliabilityKit.corpus();
        org.junit.jupiter.api.Assumptions.assumeTrue(c != null && Files.isRegularFile(c.resolve("os2").resolve(file)),
                "the OS/2 corpus is not here");
        return c.resolve("os2").resolve(file);
    }

    /**
     * OS/2 names: drive letters (D:, C: with ..), UNC names (\\server\share, \\?\, \\.\), forward slashes, host
     * paths after C:, /proc through C:, links inside the root leading outside. cmp.exe compares each name with a
     * copy of the secret inside the root: "matches" or any of its bytes in the output is an escape.
     */
    @Test
    void os2NamesStayInsideTheRoot() throws Exception {
        Path bin = Files.createDirectories(root.resolve("os2"));
        Files.copy(os2("os2tools/cmp.exe"), bin.resolve("CMP.EXE"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(outside.resolve(secretName), bin.resolve("same"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Run sane = route("/", "/os2/CMP.EXE", "C:\\os2\\same", "C:\\os2\\same");
        assertTrue(sane.out().contains("matches"), () -> "cmp.exe does not run: " + sane);
        Files.delete(bin.resolve("same"));
        Files.writeString(bin.resolve("zero"), "\0".repeat(64));
        String[] names = {"C:\\abs", "C:\\rel", "C:\\absdir\\@S", "C:\\reldir\\@S", "C:\\deep\\a\\b\\up\\@S",
            "..\\outside\\@S", "C:\\..\\outside\\@S", "C:\\os2\\..\\..\\outside\\@S", "C:/../outside/@S",
            "C:..\\outside\\@S", "D:\\@S", "Z:\\outside\\@S", "\\\\server\\share\\@S", "\\\\?\\C:\\abs",
            "\\\\.\\C:\\abs", "\\\\localhost\\C$\\@T\\outside\\@S", "C:@T\\outside\\@S", "C:\\hostroot\\@T\\outside\\@S",
            "C:\\proc\\self\\root\\..\\outside\\@S", "\\..\\..\\outside\\@S", "C:\\\\..\\\\outside\\\\@S"};
        for (String n : names) {
            Run r = route("/os2", "/os2/CMP.EXE", "C:\\os2\\zero", n);
            assertFalse(r.out().contains("matches"), () -> n + ": " + r);
            assertConfined("cmp.exe " + n, r);
        }
    }

    /**
     * A DLL the OS/2 loader finds by module name in the program's directory is a link to a DLL outside the root:
     * the loader refuses it (the program fails to load with one line naming the DLL), as DosOpen refuses such
     * links. A LIBPATH entry that is a link to a directory outside is not searched either. The same program
     * with the DLL copied inside runs, so the test can tell a refusal from a broken program.
     */
    @Test
    void os2DllsAreNotLoadedThroughLinksLeavingTheRoot() throws Exception {
        Path bin = Files.createDirectories(root.resolve("os2dll"));
        Files.copy(os2("2ine/helloc.exe"), bin.resolve("HELLOC.EXE"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path libs = Files.createDirectories(outside.resolve("libs"));
        Files.copy(os2("2ine/emx.dll"), outside.resolve("emx.dll"));
        Files.copy(os2("2ine/emx.dll"), libs.resolve("EMX.DLL"));
        Files.createSymbolicLink(root.resolve("liblink"), libs);
        before = snapshot(outside);
        try {
            // a link to a LIBPATH directory outside: EMX is not found
            ImageException viaLibpath = assertThrows(ImageException.class, () -> ReliabilityKit.start(kernel,
                    Guest.of(root, "/os2dll/HELLOC.EXE").cwd("/os2dll").env(Map.of("LIBPATH", "C:\\liblink"))));
            assertEquals(126, viaLibpath.status(), viaLibpath::getMessage);
            assertTrue(viaLibpath.getMessage().contains("cannot find module EMX"), viaLibpath::getMessage);
            // a link to a DLL outside, in the program's directory: refused
            Files.createSymbolicLink(bin.resolve("EMX.DLL"), outside.resolve("emx.dll"));
            ImageException viaLink = assertThrows(ImageException.class, () -> ReliabilityKit.start(kernel,
                    Guest.of(root, "/os2dll/HELLOC.EXE").cwd("/os2dll")));
            assertEquals(126, viaLink.status(), viaLink::getMessage);
            assertEquals("/os2dll/HELLOC.EXE: EMX.DLL: refused: the file leads outside the root", viaLink.getMessage());
            assertEquals(before, snapshot(outside));
            // the control: the DLL inside the root
            Files.delete(bin.resolve("EMX.DLL"));
            Files.copy(os2("2ine/emx.dll"), bin.resolve("EMX.DLL"));
            Run r = route("/os2dll", "/os2dll/HELLOC.EXE");
            assertEquals("hello world\n", r.out().replace("\r\n", "\n"), r::toString);
        } finally {
            Files.deleteIfExists(bin.resolve("EMX.DLL"));
            Files.delete(root.resolve("liblink"));
            Files.delete(outside.resolve("emx.dll"));
            Files.delete(libs.resolve("EMX.DLL"));
            Files.delete(libs);
            before = snapshot(outside);
        }
    }

    /**
     * The rename race through OS/2 names: a Linux process (the probe's swap mode) renames /race/sub to a link to
     * the outside and back while an OS/2 program opens C:\\race\\sub\\secret 20,000 times and prints whatever
     * it reads (openloop.exe, built from providers/os2/src/test/resources/asm/openloop.asm). The OS/2 twin of
     * aRenameRaceAcrossProcessesStaysInside: Drives.resolve walks the name with each directory opened relative to
     * the one before with O_NOFOLLOW (posix-core's HostDirs), and DosOpen opens the file in the opened parent with
     * O_NOFOLLOW; OS/2 programs cannot make links, but any other guest sharing the root can.
     */
    @Test
    void os2OpensRacingALinkSwapStayInside() throws Exception {
        Path bin = Files.createDirectories(root.resolve("os2race"));
        try (java.io.InputStream in = ConfinementTest.class.getResourceAsStream("/os2/openloop.exe")) {
            Files.write(bin.resolve("OPENLOOP.EXE"), in.readAllBytes());
        }
        var swapper = ReliabilityKit.start(kernel, Guest.of(root, "/bin/probe", "swap", "/race", "3"));
        Run opener = route("/", "/os2race/OPENLOOP.EXE");
        Run swapped = ReliabilityKit.finish(kernel, swapper, 10_000);
        assertEquals(0, opener.shell(), opener::toString);
        assertTrue(swapped.out().contains("swapped"), swapped::toString);
        System.out.println("ConfinementTest os2 race: " + (opener.out().split(contentToken, -1).length - 1)
                + " reads of the secret in 20000 opens");
        assertConfined("OS/2 opens racing the rename of a directory into a link", opener);
    }

    // -----------------------------------------------------------------------------------------------------------
    // POSIX (FreeBSD)

    /** A FreeBSD program: opens /race/sub/secret 20,000 times and writes whatever it reads to stdout. */
    static final String FREEBSD_OPENLOOP = """
            bits 64
            global _start
            section .text
            _start:
                    mov r12, 20000
            .loop:  mov eax, 5                  ; open(name, O_RDONLY)
                    lea rdi, [rel name]
                    xor esi, esi
                    xor edx, edx
                    syscall
                    jc .next                    ; FreeBSD: carry set on error
                    mov r13, rax
                    mov eax, 3                  ; read(fd, buf, 200)
                    mov rdi, r13
                    lea rsi, [rel buf]
                    mov edx, 200
                    syscall
                    jc .close
                    mov rdx, rax
                    mov eax, 4                  ; write(1, buf, n)
                    mov edi, 1
                    lea rsi, [rel buf]
                    syscall
            .close: mov eax, 6                  ; close(fd)
                    mov rdi, r13
                    syscall
            .next:  dec r12
                    jnz .loop
                    mov eax, 1                  ; exit(0)
                    xor edi, edi
                    syscall
            section .data
            name:   db "/race/sub/secret", 0
            section .bss
            buf:    resb 256
            """;

    /**
     * The rename race through the POSIX personality: a Linux process (the probe's swap mode) renames /race/sub to
     * a link to the outside and back while a FreeBSD program (assembled here, branded FreeBSD) opens
     * /race/sub/secret 20,000 times and prints whatever it reads. The POSIX twin of
     * aRenameRaceAcrossProcessesStaysInside and os2OpensRacingALinkSwapStayInside.
     */
    @Test
    void posixOpensRacingALinkSwapStayInside() throws Exception {
        Path exe = ReliabilityKit.asm("openloop-freebsd", FREEBSD_OPENLOOP);
        byte[] b = Files.readAllBytes(exe);
        b[7] = 9; // ELFOSABI_FREEBSD: the POSIX personality claims it
        Path bin = Files.createDirectories(root.resolve("bsdrace"));
        Files.write(bin.resolve("openloop"), b);
        bin.resolve("openloop").toFile().setExecutable(true);
        var swapper = ReliabilityKit.start(kernel, Guest.of(root, "/bin/probe", "swap", "/race", "3"));
        Run opener = route("/", "/bsdrace/openloop");
        Run swapped = ReliabilityKit.finish(kernel, swapper, 10_000);
        assertEquals(0, opener.shell(), opener::toString);
        assertTrue(swapped.out().contains("swapped"), swapped::toString);
        System.out.println("ConfinementTest posix race: " + (opener.out().split(contentToken, -1).length - 1)
                + " reads of the secret in 20000 opens");
        assertConfined("POSIX opens racing the rename of a directory into a link", opener);
    }
}
