package io.pico.examples.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.examples.dos.PicoFramework.Result;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DOS programs, assembled with nasm, on the real pico kernel and unicorn engine: the provider bundle is
 * started in a framework with the pico assembly's bundles and programs run as {@code ./pico run} runs
 * them, each confined to a fresh root directory.
 */
class DosProviderIT {

    static PicoFramework pico;
    static Path programs;

    @TempDir
    Path root;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        programs = dir;
        Nasm.assembleAll(programs);
        pico = PicoFramework.start(PicoFramework.DOS_BUNDLE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pico != null) {
            pico.close();
        }
    }

    /** Copies a program into the root and runs it there as /NAME.COM. */
    private Result run(String name, String stdin, String... args) throws Exception {
        String file = name.toUpperCase() + ".COM";
        Files.copy(programs.resolve(file), root.resolve(file));
        String[] argv = new String[args.length + 1];
        argv[0] = "/" + file;
        System.arraycopy(args, 0, argv, 1, args.length);
        return pico.run(root, stdin, argv);
    }

    @Test
    void helloThroughInt21Function09() throws Exception {
        Result r = run("hi", "");
        assertEquals(0, r.status(), r::toString);
        assertEquals("Hello from DOS!\r\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void charactersThroughDosBiosAndInt29AndARetToThePsp() throws Exception {
        Result r = run("chars", "");
        assertEquals(0, r.status(), r::toString);
        assertEquals("DOS!\r\n", r.out());
    }

    @Test
    void function4CsAlIsTheExitStatus() throws Exception {
        assertEquals(42, run("exitcode", "").status());
    }

    @Test
    void theCommandTailComesFromArgv() throws Exception {
        Result r = run("tail", "", "hello", "world");
        assertEquals(" hello world\r\n", r.out(), r::toString);
    }

    @Test
    void standardInputThroughFunction3F() throws Exception {
        Result r = run("upcase", "Hello, pico!\nline two\n");
        assertEquals(0, r.status(), r::toString);
        assertEquals("HELLO, PICO!\nLINE TWO\n", r.out());
    }

    @Test
    void bufferedInputThroughFunction0A() throws Exception {
        Result r = run("greet", "Ada\n");
        assertEquals("Name? \r\nHello, Ada!\r\n", r.out(), r::toString);
    }

    @Test
    void fileCallsWorkInsideTheRoot() throws Exception {
        Result r = run("files", "");
        assertEquals(0, r.status(), r::toString);
        assertEquals("ok ok ok ok ok 04ok ok ok pico! ok ok ok ok ok ok ok SUB ok ok \r\n", r.out());
        assertEquals("pico!", Files.readString(root.resolve("RENAMED.TXT")));
        assertFalse(Files.exists(root.resolve("OUT.TXT")));
        assertTrue(Files.isDirectory(root.resolve("SUB")));
        assertFalse(Files.exists(root.resolve("SUB/in.txt")), "deleted");
    }

    @Test
    void failingCallsSetCarryAndAnErrorCodeAndNothingOutsideTheRootIsReachable() throws Exception {
        Files.createSymbolicLink(root.resolve("LINK"), Path.of("/etc"));
        Result r = run("errors", "");
        assertEquals(0, r.status(), r::toString);
        assertEquals("E02 E03 E06 E01 E0F E03 E05 E03 \r\n", r.out());
    }

    @Test
    void memoryBlocks() throws Exception {
        Result r = run("memory", "");
        assertEquals("E08 ok ok ok E08 8000\r\n", r.out(), r::toString);
    }

    @Test
    void aDivideErrorEndsTheProgramAsDosDoes() throws Exception {
        Result r = run("divide", "");
        assertEquals(128 + 8, r.status(), r::toString);
        assertTrue(r.err().startsWith("Divide overflow\r\n"), r::toString);
        assertTrue(r.err().contains("divide overflow at 1000:0105"), r::toString);
    }

    @Test
    void versionAndDrive() throws Exception {
        assertEquals("DOS 5.0 on drive C:\r\n", run("version", "").out());
    }

    @Test
    void straceShowsTheDosCalls() throws Exception {
        Files.copy(programs.resolve("HI.COM"), root.resolve("HI.COM"));
        Result r = pico.run(root, InputStream.nullInputStream(), true, "/HI.COM");
        assertTrue(r.err().contains("int21 09 write_string(\"Hello from DOS!\\r\\n\") = 0x0924"), r::toString);
        assertTrue(r.err().contains("int21 4C exit(0x00) = ?"), r::toString);
    }

    @Test
    void onlyComFilesAreClaimed() throws Exception {
        Files.copy(programs.resolve("HI.COM"), root.resolve("HI.BIN"));
        Result r = pico.run(root, "", "/HI.BIN");
        assertEquals(126, r.status(), r::toString);
        assertTrue(r.err().contains("not an image any provider claims"), r::toString);
    }

    @Test
    void anExeNamedComIsNotClaimed() throws Exception {
        Files.write(root.resolve("FAKE.COM"), "MZ\u0090\u0000".getBytes(StandardCharsets.ISO_8859_1));
        Result r = pico.run(root, "", "/FAKE.COM");
        assertEquals(126, r.status(), r::toString);
    }

    @Test
    void tooLargeAndEmptyProgramsAreRefused() throws Exception {
        Files.write(root.resolve("BIG.COM"), new byte[70_000]);
        Result big = pico.run(root, "", "/BIG.COM");
        assertEquals(126, big.status(), big::toString);
        assertTrue(big.err().contains("too large for a .COM program"), big::toString);
        Files.write(root.resolve("EMPTY.COM"), new byte[0]);
        Result empty = pico.run(root, "", "/EMPTY.COM");
        assertEquals(126, empty.status(), empty::toString);
        assertTrue(empty.err().contains("empty .COM"), empty::toString);
    }

    @Test
    void theShellListsTheProviderAndItsTable() throws Exception {
        String providers = pico.command("pico:providers");
        assertTrue(providers.lines().anyMatch(l -> l.startsWith("dos ") && l.contains("io.pico.examples.dos")
                && l.contains("in use") && l.contains("MS-DOS .COM")), providers);
        String calls = pico.command("pico:syscalls dos");
        assertTrue(calls.contains("int21h") && calls.contains("write_string"), calls);
    }
}
