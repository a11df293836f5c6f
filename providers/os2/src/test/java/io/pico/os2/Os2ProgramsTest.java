package io.pico.os2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.ExitStatus;
import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.kernel.Os2TestKernel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OS/2 programs of the corpus, run by the provider through the real kernel and unicorn engine (no
 * framework): their output, exit status and API trace.
 */
class Os2ProgramsTest {

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static Kernel kernel;

    @BeforeAll
    static void kernel() {
        kernel = Os2TestKernel.create(new PrintStream(LOG, true, StandardCharsets.UTF_8), Os2Provider::new);
    }

    /** What a run gave. */
    record Run(ExitStatus status, String out, String err, String trace) {
        /** Standard output with OS/2's CR LF line ends as LF. */
        String text() {
            return out.replace("\r\n", "\n");
        }
    }

    static Run run(Path root, String cwd, Map<String, String> env, String program, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        IoObject[] stdio = {kernel.hostStream(new java.io.ByteArrayInputStream(new byte[0]), null, false),
            kernel.hostStream(null, out, false), kernel.hostStream(null, err, false)};
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(List.of(args));
        PicoProcess p = kernel.spawn(new Launch(program, argv, env, cwd, root, stdio,
                new PrintStream(trace, true, StandardCharsets.UTF_8), 0));
        for (IoObject io : stdio) {
            io.release();
        }
        boolean ended = kernel.awaitProcesses(() -> p.exitStatus().isPresent(), TimeUnit.SECONDS.toNanos(60));
        if (!ended) {
            kernel.signal(p.pid(), "KILL");
        }
        ExitStatus status = p.waitFor();
        kernel.reap(p.pid());
        assertTrue(ended, "timed out: " + trace);
        return new Run(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1),
                trace.toString(StandardCharsets.UTF_8));
    }

    static Run corpus(String name, String... args) throws Exception {
        Path file = Corpus.file(name);
        return run(Path.of("/"), file.getParent().toString(), Map.of("PATH", "C:\\OS2"), file.toString(), args);
    }

    @Test
    void helloPrintsItsGreeting() throws Exception {
        Run r = corpus("2ine/hello.exe");
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.out().startsWith("Hello world! I'm a 32-bit OS/2 binary!\n"), r.out());
        assertTrue(r.trace().contains("MSG.5 DosPutMessage(1, 40, 0x10000)"), r.trace());
    }

    @Test
    void testbeepExitsZeroWithItsBeepsTracedNotSounded() throws Exception {
        Run r = corpus("2ine/testbeep.exe");
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals("", r.out());
        assertEquals(9, r.trace().lines().filter(l -> l.contains("DOSCALLS.286 DosBeep(")).count(), r.trace());
        assertTrue(r.trace().contains("DOSCALLS.286 DosBeep(250, 100) = 0 NO_ERROR"), r.trace());
        assertTrue(r.trace().contains("DOSCALLS.348 DosQuerySysInfo(11, 12, "), r.trace());
        assertTrue(r.trace().contains("DOSCALLS.234 DosExit(1, 0)"), r.trace());
    }

    @Test
    void hellocPrintsThroughEmxDll() throws Exception {
        Run r = corpus("2ine/helloc.exe");
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals("hello world\n", r.text());
        assertTrue(r.trace().contains("init EMX"), r.trace());
        // emx's 16-bit signal set-up went through a 16-bit thunk and the LDT
        assertTrue(r.trace().contains("DOSCALLS.14 DosSetSigHandler("), r.trace());
    }

    @Test
    void testargvSeesItsArgumentsAndEnvironment() throws Exception {
        Path file = Corpus.file("2ine/testargv.exe");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GREETING", "hello there");
        env.put("PATH", "C:\\OS2;C:\\EMX\\BIN");
        Run r = run(Path.of("/"), "/", env, file.toString(), "a", "b c");
        assertEquals(ExitStatus.exited(0), r.status());
        String text = r.text();
        assertTrue(text.startsWith("Command line: (argc == 3)\n"), text);
        assertTrue(text.contains("argv[0] = 'C:" + file.toString().replace('/', '\\') + "'\n"), text);
        assertTrue(text.contains("argv[1] = 'a'\nargv[2] = 'b c'\nargv[3] = '(null)'\n"), text);
        assertTrue(text.contains("envp[0] = 'GREETING=hello there'\nenvp[1] = 'PATH=C:\\OS2;C:\\EMX\\BIN'\n"), text);
    }

    @Test
    void testtlsRunsBothThreadsWithThreadLocalMemory() throws Exception {
        Run r = corpus("2ine/testtls.exe");
        assertEquals(ExitStatus.exited(0), r.status());
        assertTrue(r.text().contains("Main thread set TLS value to 10\n"), r.text());
        assertTrue(r.text().endsWith("Main thread sees TLS value of 10\n"), r.text());
        assertTrue(r.trace().contains("DosAllocThreadLocalMemory(1, "), r.trace());
        for (int tid : new int[] {2, 3}) {
            assertTrue(r.trace().contains("[tid " + tid + "] thread-local write at 0x1ff30000"), r.trace());
            assertTrue(r.trace().contains("[tid " + tid + "] thread-local read at 0x1ff30000"), r.trace());
            assertTrue(r.trace().contains("thread " + tid + " returned"), r.trace());
        }
    }

    @Test
    void cmpComparesFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "hello\nworld\n");
        Files.writeString(dir.resolve("same.txt"), "hello\nworld\n");
        Files.writeString(dir.resolve("other.txt"), "hello\nwurld\n");
        String cmp = Corpus.file("os2tools/cmp.exe").toString();
        Run same = run(Path.of("/"), dir.toString(), Map.of(), cmp, "a.txt", "SAME.TXT");
        assertEquals(ExitStatus.exited(0), same.status());
        assertEquals("Successfull. 'a.txt' matches 'SAME.TXT'.\n", same.text());
        Run differ = run(Path.of("/"), dir.toString(), Map.of(), cmp, "a.txt", "other.txt");
        assertEquals(1, differ.status().code());
        assertTrue(differ.text().contains("Mismatch comparing 'a.txt' and 'other.txt'.\n"), differ.text());
        assertTrue(differ.text().contains("at 0x00000007 0x6f (o)"), differ.text());
        assertTrue(differ.text().contains("1 differences"), differ.text());
        Run missing = run(Path.of("/"), dir.toString(), Map.of(), cmp, "a.txt", "nope.txt");
        assertFalse(missing.status().code() == 0, missing.text());
    }

    @Test
    void fastDepListsTheIncludesOfEachSource(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("main.c"), "#include \"a.h\"\n#include \"sub.h\"\nint main(void) { return 0; }\n");
        Files.writeString(dir.resolve("util.c"), "#include \"b.h\"\nint x;\n");
        Files.writeString(dir.resolve("a.h"), "/* a */\n");
        Files.writeString(dir.resolve("b.h"), "/* b */\n");
        Files.writeString(dir.resolve("SUB.H"), "/* upper-case name on disk */\n");
        Run r = run(Path.of("/"), dir.toString(), Map.of(), Corpus.file("os2tools/FastDep.exe").toString(), "-f",
                "*.c");
        assertEquals(ExitStatus.exited(0), r.status(), r.err());
        String depend = Files.readString(dir.resolve(".depend")).replace("\r\n", "\n").toLowerCase();
        String d = "c:" + dir.toString().replace('/', '\\').toLowerCase() + "\\";
        assertTrue(depend.contains(d + "main.obj: \\\n    " + d + "main.c \\\n    " + d + "a.h \\\n    " + d + "sub.h\n"),
                depend);
        assertTrue(depend.contains(d + "util.obj: \\\n    " + d + "util.c \\\n    " + d + "b.h\n"), depend);
    }

    @Test
    void brokenImagesAreOneLineErrors(@TempDir Path dir) throws Exception {
        byte[] hello = Files.readAllBytes(Corpus.file("2ine/hello.exe"));
        Files.write(dir.resolve("cut.exe"), java.util.Arrays.copyOf(hello, 200));
        ImageException cut = assertThrows(ImageException.class,
                () -> run(dir, "/", Map.of(), "/cut.exe"));
        assertEquals(126, cut.status());
        assertTrue(cut.getMessage().startsWith("/cut.exe: truncated or corrupt: "), cut.getMessage());
        Files.copy(Corpus.file("2ine/helloc.exe"), dir.resolve("helloc.exe"));
        ImageException noDll = assertThrows(ImageException.class, () -> run(dir, "/", Map.of(), "/helloc.exe"));
        assertEquals(126, noDll.status());
        assertTrue(noDll.getMessage().contains("cannot find module EMX"), noDll.getMessage());
    }

    @Test
    void dllsComeFromLibpath(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("emx/dll"));
        Files.copy(Corpus.file("2ine/helloc.exe"), dir.resolve("bin/helloc.exe"));
        Files.copy(Corpus.file("2ine/emx.dll"), dir.resolve("emx/dll/EMX.DLL"));
        Run r = run(dir, "/", Map.of("LIBPATH", "C:\\EMX\\DLL;."), "/bin/helloc.exe");
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals("hello world\n", r.text());
    }

    @Test
    void unknownOrdinalsFailWithInvalidFunctionAndALogLine(@TempDir Path dir) throws Exception {
        byte[] hello = Files.readAllBytes(Corpus.file("2ine/hello.exe"));
        hello[0x80 + 0x11a + 5] = 99; // the import of MSG.5 becomes MSG.99
        Files.write(dir.resolve("h.exe"), hello);
        Run r = run(dir, "/", Map.of(), "/h.exe");
        assertEquals(ExitStatus.exited(1), r.status(), "main returns DosPutMessage's result");
        assertEquals("", r.out());
        assertTrue(r.trace().contains("MSG.99 ordinal 99() = 1 ERROR_INVALID_FUNCTION"), r.trace());
        assertTrue(LOG.toString(StandardCharsets.UTF_8).contains("OS/2 API MSG.99 ordinal 99 is not implemented"),
                LOG.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hello16IsA16BitOs2Program() throws Exception {
        Run r = corpus("2ine/hello16.exe");
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals("Hello from a 16-bit OS/2 .exe!\n", r.text());
        assertTrue(r.trace().contains("MSG.1 DosPutMessage16(1, 32, "), r.trace());
        assertTrue(r.trace().contains("DOSCALLS.5 Dos16Exit(1, 0)"), r.trace());
    }

    @Test
    void testargv16SeesItsArgumentsAndEnvironment() throws Exception {
        Path file = Corpus.file("2ine/testargv16.exe");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        env.put("B", "two words");
        Run r = run(Path.of("/"), "/", env, file.toString(), "a", "b c");
        assertEquals(ExitStatus.exited(0), r.status());
        assertEquals("Command line: (argc == 3)\nargv[0] = 'C:" + file.toString().replace('/', '\\') + "'\n"
                + "argv[1] = 'a'\nargv[2] = 'b c'\nargv[3] = '(null)'\n\nEnvironment:\nenvp[0] = 'A=1'\n"
                + "envp[1] = 'B=two words'\n", r.text());
    }

    /**
     * Test programs assembled with nasm from the sources in the comments (bits 32, org 0x10000); the double
     * words at offsets 8, 12, ... are import slots the {@link LxBuilder} fixes up, in this order.
     */
    private static final int[] SLOT_ORDINALS = {354, 355, 282, 234, 273, 281, 257, 256, 223, 271, 259, 283, 264, 263};

    private static byte[] program(String hex) {
        byte[] code = java.util.HexFormat.of().parseHex(hex);
        LxBuilder b = new LxBuilder(code);
        for (int i = 0; i < SLOT_ORDINALS.length; i++) {
            b.importAt(8 + 4 * i, "DOSCALLS", SLOT_ORDINALS[i]);
        }
        return b.build();
    }

    /**
     * Installs a handler with DosSetExceptionHandler, reads address 0; the handler checks the report
     * (XCPT_ACCESS_VIOLATION), records the address, moves ctx_RegEip past the faulting instruction and returns
     * XCPT_CONTINUE_EXECUTION; the program prints "recovered" and exits with 42 + the recorded address.
     */
    private static final String XCPT = ""
            + "e93b00000090909000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000688d0001006aff89e353ff150800010083c40431c08b005368b60001006a0b68"
            + "be0001006a01ff151000010083c4105b53ff150c00010083c404ff35ba0001005883c02a506a01ff15140001008b4424"
            + "048138050000c0751a8b50188915ba0001008b4c240c83819c00000002b8ffffffffc331c0c300000000550000007265"
            + "636f76657265640d0a";

    /**
     * DosOpen(sub\test.txt, create/replace), DosWrite, DosSetFilePtr, DosRead, DosClose, DosQueryPathInfo of
     * SUB\TEST.TXT, writes what it read to standard output, DosMove to sub\moved.txt, DosDelete it, checks that a
     * second DosDelete says ERROR_FILE_NOT_FOUND, exits with the size from the path information.
     */
    private static final String FILES = ""
            + "e93b00000090909000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000006a006a426a126a006a0068540101006850010100687c010100ff151800010083"
            + "c42085c00f85dd00000068580101006a1568a4010100ff3550010100ff151000010083c41068600101006a006a00ff35"
            + "50010100ff152400010083c410685c0101006a6468b9010100ff3550010100ff151c00010083c410ff3550010100ff15"
            + "2000010083c4046a1868640101006a016889010100ff152800010083c41085c075656858010100ff355c01010068b901"
            + "01006a01ff151000010083c41068960101006889010100ff152c00010083c40885c075336896010100ff153000010083"
            + "c40485c075216896010100ff153000010083c40483f802750eff35700101006a01ff1514000100506a01ff1514000100"
            + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000007375625c"
            + "746573742e747874005355425c544553542e545854007375625c6d6f7665642e747874007772697474656e2062792044"
            + "6f7357726974650d0a000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000000";

    /** DosExecPgm(EXEC_SYNC) of HELLO.EXE, exits with 100 + the child's exit code. */
    private static final String EXEC = ""
            + "e93b00000090909000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000068c900010068810001006a0068d30001006a006a406889000100ff1534000100"
            + "83c41c85c07511a18500010083c064506a01ff1514000100506a01ff1514000100000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000048454c4c4f2e4558450068656c6c6f000000";

    @Test
    void guestFaultsGoToOs2ExceptionHandlers(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("xcpt.exe"), program(XCPT));
        Run r = run(dir, "/", Map.of(), "/xcpt.exe");
        assertEquals(ExitStatus.exited(42), r.status(), r.trace());
        assertEquals("recovered\r\n", r.out());
        assertTrue(r.trace().contains("exception 0xc0000005"), r.trace());
    }

    @Test
    void fileApis(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("Sub"));
        Files.write(dir.resolve("files.exe"), program(FILES));
        Run r = run(dir, "/", Map.of(), "/files.exe");
        assertEquals(ExitStatus.exited(21), r.status(), r.trace());
        assertEquals("written by DosWrite\r\n", r.out());
        try (var list = Files.list(dir.resolve("Sub"))) {
            assertEquals(0, list.count(), "moved and deleted");
        }
        assertTrue(r.trace().contains("DOSCALLS.259 DosDelete(0x") && r.trace().contains("= 2 ERROR_FILE_NOT_FOUND"),
                r.trace());
    }

    @Test
    void execPgmRunsAChildProgram(@TempDir Path dir) throws Exception {
        Files.copy(Corpus.file("2ine/hello.exe"), dir.resolve("hello.exe"));
        Files.write(dir.resolve("exec.exe"), program(EXEC));
        Run r = run(dir, "/", Map.of(), "/exec.exe");
        assertEquals(ExitStatus.exited(100), r.status(), r.trace());
        assertTrue(r.out().startsWith("Hello world! I'm a 32-bit OS/2 binary!"), r.out());
        assertTrue(r.trace().contains("DOSCALLS.283 DosExecPgm("), r.trace());
    }

    /**
     * (head2.inc slots: DosWrite, DosExit, DosLoadModule, DosQueryProcAddr, DosQueryModuleName.) Loads EMX (its
     * initialisation routine runs inside DosLoadModule) and DOSCALLS, finds DosWrite with DosQueryProcAddr and
     * writes EMX's DosQueryModuleName through it; exits with DosLoadModule's error for a missing module.
     */
    private static final String LOADMOD = ""
            + "e93b00000090909000000000000000000000000000000000000000009090909090909090909090909090909090909090"
            + "90909090909090909090909090909090684201010068560101006a40686c010100ff151000010083c410b90100000085"
            + "c00f85d20000006846010100685a0101006a40686c010100ff151000010083c410b90200000085c00f85ab000000684e"
            + "0101006a00681a010000ff3546010100ff151400010083c410b90300000085c00f858300000068ac0101006804010000"
            + "ff3542010100ff151800010083c40cb90400000085c07561bfac01010031c0b9fffffffff2aef7d14968520101005168"
            + "ac0101006a01ff154e01010083c41068520101006a02686a0101006a01ff154e01010083c410684a0101006863010100"
            + "6a40686c010100ff151000010083c410506a01ff150c000100516a01ff150c0001000000000000000000000000000000"
            + "000000000000656d7800444f5343414c4c53004e4f53554348000d0a0000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000";

    @Test
    void dynamicLinking(@TempDir Path dir) throws Exception {
        Files.copy(Corpus.file("2ine/emx.dll"), dir.resolve("emx.dll"));
        LxBuilder b = new LxBuilder(java.util.HexFormat.of().parseHex(LOADMOD));
        int[] ordinals = {282, 234, 318, 321, 320};
        for (int i = 0; i < ordinals.length; i++) {
            b.importAt(8 + 4 * i, "DOSCALLS", ordinals[i]);
        }
        Files.write(dir.resolve("loadmod.exe"), b.build());
        Run r = run(dir, "/", Map.of(), "/loadmod.exe");
        assertEquals(ExitStatus.exited(Err.MOD_NOT_FOUND), r.status(), r.trace());
        assertEquals("C:\\emx.dll\r\n", r.out());
        assertTrue(r.trace().contains("init EMX"), r.trace());
        assertTrue(r.trace().contains("DOSCALLS.321 DosQueryProcAddr("), r.trace());
    }
}
