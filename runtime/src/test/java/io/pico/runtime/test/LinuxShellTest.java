package io.pico.runtime.test;

import static io.pico.runtime.test.LinuxTestSupport.BASH;
import static io.pico.runtime.test.LinuxTestSupport.BUSYBOX;
import static io.pico.runtime.test.LinuxTestSupport.SASH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.test.common.annotation.InjectService;

/**
 * Shell scripts of busybox sh, bash-static and sash run under pico and natively, from the same directory with
 * the same environment: standard output and exit status must be identical. They exercise fork, execve, pipes,
 * wait4, signals and process groups the way shells use them.
 */
class LinuxShellTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        Files.createDirectories(dir.resolve("d/sub"));
        Files.writeString(dir.resolve("d/a.txt"), "hello\nworld\n");
        StringBuilder numbers = new StringBuilder();
        for (int i = 1; i <= 500; i++) {
            numbers.append(i % 37).append('\n');
        }
        Files.writeString(dir.resolve("d/sub/n.txt"), numbers);
    }

    static Stream<Arguments> busyboxScripts() {
        return Stream.of(
                Arguments.of("pipes", "echo a | cat; for i in 3 1 2; do echo $i; done | sort | tr '\\n' ,; echo"),
                Arguments.of("long pipeline", "cat d/sub/n.txt | sort -n | uniq -c | sort -rn | head -3 | wc -l"),
                Arguments.of("subshells", "(echo sub; exit 3); echo \"status $?\"; (cd d && pwd | sed 's,.*/,,'); "
                        + "x=1; (x=2); echo $x"),
                Arguments.of("command substitution", "x=$(echo hi | tr a-z A-Z); echo \"$x $(echo $(echo nested))\"; "
                        + "echo $(( $(echo 6) * $(echo 7) ))"),
                Arguments.of("here-documents", "cat <<EOF\nline $((1 + 2))\nEOF\ncat <<'EOF'\nraw $x\nEOF\n"
                        + "while read a b; do echo \"$b $a\"; done <<EOF\n1 one\n2 two\nEOF"),
                Arguments.of("functions", "f() { echo \"f:$1\"; return 4; }; f x; echo $?; "
                        + "g() { local v=$1; [ $v -gt 0 ] && { echo $v; g $((v - 1)); }; }; g 3"),
                Arguments.of("trap", "trap 'echo trapped USR1' USR1; kill -USR1 $$; echo after; "
                        + "trap 'echo on exit' EXIT; echo body"),
                Arguments.of("background and wait", "sleep 0.2 & p=$!; echo started; wait $p; echo \"waited $?\"; "
                        + "(exit 5) & wait $!; echo \"bg status $?\"; sleep 5 & kill $!; wait $!; echo \"killed $?\""),
                Arguments.of("many jobs", "for i in 1 2 3 4; do (echo job$i > /dev/null; exit $i) & done; wait; "
                        + "echo all done"),
                Arguments.of("redirections", "exec 3>&1; echo to3 >&3; { echo out; echo err >&2; } 2>&1 | sort; "
                        + "echo x > /dev/null; cat < d/a.txt | wc -l"),
                Arguments.of("signal status", "sh -c 'kill -TERM $$'; echo \"status $?\"; "
                        + "sh -c 'exit 7'; echo \"status $?\""),
                Arguments.of("tar pipe", "tar cf - d | tar tf - | sort"),
                Arguments.of("gzip pipe", "gzip -c d/sub/n.txt | gunzip | md5sum; echo hello | gzip | gunzip"),
                Arguments.of("yes and head", "yes | head -3; echo $?"),
                Arguments.of("set -e", "set -e; false || echo recovered; ( false ); echo not reached"),
                Arguments.of("loops", "i=0; while [ $i -lt 50 ]; do i=$((i + 1)); done; echo $i; "
                        + "for f in d/*; do echo \"<$f>\"; done"));
    }

    @ParameterizedTest(name = "busybox sh: {0}")
    @MethodSource("busyboxScripts")
    void busyboxShellScriptsBehaveAsNatively(String name, String script) throws Exception {
        LinuxTestSupport.require(BUSYBOX);
        assertSameAsNative(BUSYBOX, "sh", "-c", script);
    }

    static Stream<Arguments> bashScripts() {
        return Stream.of(
                Arguments.of("arrays and arithmetic", "a=(x y z); echo ${a[1]} ${#a[@]} $((2**10))"),
                Arguments.of("functions and substitution", "f() { local x=$1; echo ${x^^}; }; f abc; echo $(f def)"),
                Arguments.of("trap and subshell status", "trap 'echo got USR1' USR1; kill -USR1 $$; echo after; "
                        + "(exit 7); echo $?"),
                Arguments.of("jobs and here-strings", "sleep 0.1 & wait $!; echo $?; cat <<< herestring; "
                        + "read x <<< 'word'; echo $x"),
                Arguments.of("pipes into groups", "echo a b | { read x y; echo \"got $y $x\"; }; "
                        + "seq 5 2>/dev/null | while read n; do echo -n $n; done; echo"),
                Arguments.of("process substitution", "cat <(echo from) <(echo substitution)"),
                Arguments.of("pipefail", "set -o pipefail; false | true; echo $?"));
    }

    @ParameterizedTest(name = "bash-static: {0}")
    @MethodSource("bashScripts")
    void bashScriptsBehaveAsNatively(String name, String script) throws Exception {
        LinuxTestSupport.require(BASH);
        assertSameAsNative(BASH, "-c", script);
    }

    @Test
    void sashScriptsBehaveAsNatively() throws Exception {
        LinuxTestSupport.require(SASH);
        assertSameAsNative(SASH, "-c", "echo hello from sash");
        assertSameAsNative(SASH, "-c", "-ls d");
        assertSameAsNative(SASH, "-c", BUSYBOX + " echo a program sash runs");
    }

    /**
     * Ctrl-C: the launcher forwards INT to the process it started, which reaches the foreground process group
     * (here the shell and the sleep it waits for): the shell ends by SIGINT unless it traps it.
     */
    @Test
    void anInterruptReachesTheForegroundProcessGroup() throws Exception {
        LinuxTestSupport.require(BUSYBOX);
        LinkedBlockingQueue<String> signals = new LinkedBlockingQueue<>();
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(1500);
                signals.add("INT");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sender.start();
        long start = System.nanoTime();
        Result r = LinuxTestSupport.pico(launcher, Path.of("/"), dir.toString(), null, signals,
                List.of(BUSYBOX, "sh", "-c", "sleep 20; echo not interrupted"));
        assertEquals(130, r.status(), r::toString);
        assertFalse(r.out().contains("not interrupted"), r::toString);
        assertTrue(System.nanoTime() - start < 15_000_000_000L, "the sleep was interrupted too");

        signals.clear();
        sender = new Thread(() -> {
            try {
                Thread.sleep(1500);
                signals.add("INT");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sender.start();
        r = LinuxTestSupport.pico(launcher, Path.of("/"), dir.toString(), null, signals,
                List.of(BUSYBOX, "sh", "-c", "trap 'echo caught INT' INT; sleep 20; echo after; exit 3"));
        assertEquals(new Result(3, "caught INT\nafter\n", ""), r);
    }

    private void assertSameAsNative(String... argv) throws Exception {
        Result expected = LinuxTestSupport.host(dir, argv);
        Result actual = LinuxTestSupport.pico(launcher, Path.of("/"), dir.toString(), null, null, List.of(argv));
        assertEquals(expected.out(), actual.out(), () -> "stdout of " + List.of(argv) + "; pico: " + actual);
        assertEquals(expected.status(), actual.status(), () -> "status of " + List.of(argv) + "; pico: " + actual
                + "; native: " + expected);
    }
}
