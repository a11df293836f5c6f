package io.pico.os2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small LX programs the runtime's tests run (runtime/src/test/resources/os2/*.exe) are what nasm and
 * {@link LxBuilder} make of the sources in src/test/resources/asm: this test builds each one again and compares
 * (skipped without nasm). {@code -Dpico.os2.regenerate=true} writes them instead, after a source changed.
 */
class BuiltProgramsTest {

    /** A program: its source, and the imports of its slots at offsets 8, 12, ... ("NLS.7"; DOSCALLS by default). */
    record Program(String exe, String asm, String imports) {
    }

    /** The slots of head.inc. */
    private static final String HEAD = "354,355,282,234,273,281,257,256,223,271,259,283,264,263";

    static final List<Program> PROGRAMS = List.of(
            new Program("xcpt.exe", "xcpt.asm", HEAD),
            new Program("fault.exe", "fault.asm", HEAD),
            new Program("faults.exe", "faults.asm", "354,355,282,234"),
            new Program("allocmem.exe", "allocmem.asm", "299,304,282,234"),
            new Program("apis.exe", "apis.asm", "234,282,270,255,274,275,273,257,258,279,259,226,311,111,349,229,324,"
                    + "328,329,327,299,306,305,304,NLS.7,NLS.5"),
            new Program("openloop.exe", "openloop.asm", "273,281,282,257,234"),
            new Program("semname.exe", "semname.asm", "331,334,234"));

    private static Path asmDir() {
        return Path.of("src/test/resources/asm").toAbsolutePath();
    }

    private static Path runtimeDir() {
        return Path.of("../../runtime/src/test/resources/os2").toAbsolutePath().normalize();
    }

    static byte[] build(Program p, Path work) throws Exception {
        Path out = work.resolve(p.asm() + ".bin");
        Process nasm;
        try {
            nasm = new ProcessBuilder("nasm", "-f", "bin", "-I", asmDir() + "/", "-o", out.toString(),
                    asmDir().resolve(p.asm()).toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no nasm here");
            return null;
        }
        String log = new String(nasm.getInputStream().readAllBytes());
        assertTrue(nasm.waitFor(30, TimeUnit.SECONDS) && nasm.exitValue() == 0, p.asm() + ": " + log);
        LxBuilder b = new LxBuilder(Files.readAllBytes(out));
        String[] imports = p.imports().split(",");
        for (int i = 0; i < imports.length; i++) {
            int dot = imports[i].indexOf('.');
            b.importAt(8 + 4 * i, dot < 0 ? "DOSCALLS" : imports[i].substring(0, dot),
                    Integer.parseInt(imports[i].substring(dot + 1)));
        }
        return b.build();
    }

    @Test
    void theRuntimesTestProgramsAreBuiltFromTheirSources(@TempDir Path work) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(runtimeDir()), "no runtime module beside this one");
        boolean regenerate = Boolean.getBoolean("pico.os2.regenerate");
        for (Program p : PROGRAMS) {
            byte[] built = build(p, work);
            Path exe = runtimeDir().resolve(p.exe());
            if (regenerate) {
                Files.write(exe, built);
            } else {
                assertArrayEquals(Files.readAllBytes(exe), built, p.exe() + " differs from " + p.asm()
                        + " (mvn -pl providers/os2 test -Dtest=BuiltProgramsTest -Dpico.os2.regenerate=true)");
            }
        }
    }
}
