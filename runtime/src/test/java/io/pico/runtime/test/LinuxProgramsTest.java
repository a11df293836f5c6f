package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.test.common.annotation.InjectService;

/**
 * C programs built during the test with {@code musl-gcc -static} and {@code gcc -static} (one source,
 * {@code linux/guest.c}, one mode per case), run under pico and natively: the same output and status.
 * Threads under a mutex, fork + pipe + waitpid, a SIGUSR1 handler, SIGSEGV caught by a handler, mmap of a
 * file, select on a pipe, execve, signal semantics (EINTR and SA_RESTART, alarm and setitimer, masks,
 * sigtimedwait, stop and continue, SIGPIPE, the FPU around handlers, sigaltstack, abort), process groups and
 * sessions, RLIMIT_AS / RLIMIT_NOFILE, and stores into memory whose protection changed under them (read-only,
 * unmapped, code written over and run again).
 */
class LinuxProgramsTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    static Stream<Arguments> cases() {
        List<String> modes = List.of("threads", "forkpipe", "usr1", "segv", "mmap", "select", "exec", "signals",
                "groups", "limits", "stores");
        return Stream.of("/usr/bin/musl-gcc", "/usr/bin/gcc")
                .flatMap(cc -> modes.stream().map(m -> Arguments.of(cc, m)));
    }

    @ParameterizedTest(name = "{1} ({0} -static)")
    @MethodSource("cases")
    void aStaticProgramBehavesAsNatively(String compiler, String mode) throws Exception {
        Path exe = LinuxTestSupport.cc(compiler, "guest.c", "guest");
        Path dir = exe.getParent();
        Result expected = LinuxTestSupport.host(dir, exe.toString(), mode);
        Result actual = LinuxTestSupport.pico(launcher, dir, exe.toString(), mode);
        assertFalse(expected.out().isBlank(), () -> "native run printed nothing: " + expected);
        assertEquals(expected.out(), actual.out(), () -> mode + ": pico " + actual + "; native " + expected);
        assertEquals(expected.status(), actual.status(), () -> mode + ": pico " + actual + "; native " + expected);
    }
}
