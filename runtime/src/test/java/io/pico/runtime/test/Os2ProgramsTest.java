package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallInfo;
import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.ProviderInfo;
import io.pico.api.Support;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.test.common.annotation.InjectService;

/**
 * The OS/2 personality in the framework: the provider bundle io.pico.provider.os2 registers with the kernel,
 * claims LX images and runs the real OS/2 programs of the shared corpus (../shared/corpus/os2).
 */
class Os2ProgramsTest {

    private static final long TIMEOUT_SECONDS = 60;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @TempDir
    Path dir;

    /** The corpus: the property pico.corpus, or shared/corpus found from the working directory upwards. */
    private static Path corpus() {
        String prop = System.getProperty("pico.corpus");
        if (prop != null) {
            return Path.of(prop).resolve("os2");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path c : new Path[] {p.resolve("shared/corpus/os2"), p.resolveSibling("shared").resolve("corpus/os2")}) {
                if (Files.isDirectory(c)) {
                    return c;
                }
            }
        }
        Path fallback = Path.of("/work/shared/corpus/os2");
        Assumptions.assumeTrue(Files.isDirectory(fallback), "the OS/2 corpus is not on this machine");
        return fallback;
    }

    record Run(ExitStatus status, String out, String trace) {
        String text() {
            return out.replace("\r\n", "\n");
        }
    }

    private Run run(String cwd, Path program, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(java.io.InputStream.nullInputStream(), null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, out, false)};
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(List.of(args));
        PicoProcess p = kernel.spawn(new Launch(program.toString(), argv, Map.of("OS2TEST", "yes"), cwd, Path.of("/"),
                stdio, new PrintStream(trace, true, StandardCharsets.UTF_8), 0));
        for (IoObject io : stdio) {
            io.release();
        }
        boolean ended = kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
        if (!ended) {
            kernel.signal(p.pid(), "KILL");
        }
        ExitStatus status = p.waitFor();
        kernel.reap(p.pid());
        assertTrue(ended, "timed out");
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), trace.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theProviderRegistersWithItsApiTable() {
        ProviderInfo os2 = kernel.providers().stream().filter(i -> i.personality().equals("os2")).findFirst()
                .orElseThrow();
        assertEquals("io.pico.provider.os2", os2.bundle());
        List<CallInfo> calls = kernel.calls("os2");
        assertTrue(calls.size() >= 150, "APIs listed: " + calls.size());
        assertTrue(calls.contains(new CallInfo("DOSCALLS", 282, "DosWrite", Support.FULL, "")));
        assertTrue(calls.stream().anyMatch(c -> c.table().equals("MSG") && c.number() == 5));
    }

    @Test
    void hello() throws Exception {
        Path hello = corpus().resolve("2ine/hello.exe");
        assertEquals(java.util.Optional.of("os2"), kernel.personalityOf(kernel.image(hello, hello.toString())));
        Run r = run("/", hello);
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.out().startsWith("Hello world! I'm a 32-bit OS/2 binary!"), r.out());
        assertTrue(r.trace().contains("MSG.5 DosPutMessage("), r.trace());
    }

    @Test
    void testbeep() throws Exception {
        Run r = run("/", corpus().resolve("2ine/testbeep.exe"));
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals(9, r.trace().lines().filter(l -> l.contains("DosBeep(")).count(), r.trace());
    }

    @Test
    void hellocThroughEmxDll() throws Exception {
        Run r = run("/", corpus().resolve("2ine/helloc.exe"));
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals("hello world\n", r.text());
    }

    @Test
    void testargv() throws Exception {
        Run r = run("/", corpus().resolve("2ine/testargv.exe"), "a", "b c");
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.text().startsWith("Command line: (argc == 3)\n"), r.text());
        assertTrue(r.text().contains("argv[1] = 'a'\nargv[2] = 'b c'\n"), r.text());
        assertTrue(r.text().contains("envp[0] = 'OS2TEST=yes'\n"), r.text());
    }

    @Test
    void testtls() throws Exception {
        Run r = run("/", corpus().resolve("2ine/testtls.exe"));
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.text().endsWith("Main thread sees TLS value of 10\n"), r.text());
        assertTrue(r.trace().contains("thread 2 returned") && r.trace().contains("thread 3 returned"), r.trace());
    }

    @Test
    void cmp() throws Exception {
        Files.writeString(dir.resolve("one"), "abcdef");
        Files.writeString(dir.resolve("two"), "abcxef");
        Path cmp = corpus().resolve("os2tools/cmp.exe");
        Run same = run(dir.toString(), cmp, "one", "one");
        assertEquals(ExitStatus.exited(0), same.status());
        Run differ = run(dir.toString(), cmp, "one", "two");
        assertEquals(1, differ.status().code());
        assertTrue(differ.text().contains("at 0x00000003 0x64 (d)"), differ.text());
    }

    @Test
    void fastDep() throws Exception {
        Files.writeString(dir.resolve("x.c"), "#include \"x.h\"\n");
        Files.writeString(dir.resolve("x.h"), "\n");
        Run r = run(dir.toString(), corpus().resolve("os2tools/FastDep.exe"), "-f", "*.c");
        assertEquals(ExitStatus.exited(0), r.status());
        String depend = Files.readString(dir.resolve(".depend")).toLowerCase();
        assertTrue(depend.contains("x.obj:") && depend.contains("x.h"), depend);
    }

    @Test
    void aTruncatedProgramIsRefused() throws Exception {
        Path cut = dir.resolve("cut.exe");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(corpus().resolve("2ine/hello.exe")), 300));
        ImageException e = assertThrows(ImageException.class, () -> run("/", cut));
        assertEquals(ImageException.NOT_EXECUTABLE, e.status());
    }

    @Test
    void sixteenBitPrograms() throws Exception {
        Run hello = run("/", corpus().resolve("2ine/hello16.exe"));
        assertEquals(ExitStatus.exited(0), hello.status());
        assertEquals("Hello from a 16-bit OS/2 .exe!\n", hello.text());
        Run argv = run("/", corpus().resolve("2ine/testargv16.exe"), "a", "b c");
        assertEquals(ExitStatus.exited(0), argv.status());
        assertTrue(argv.text().contains("argv[1] = 'a'\nargv[2] = 'b c'\n"), argv.text());
    }
}
