package io.pico.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README-level contract of the {@code ./pico} script, run as a process the way a user runs it (each test
 * costs a JVM start): stdout passes through, exit statuses 0, 1, 126 and 139, and {@code shell -c}.
 * Runs after packaging (failsafe, integration-test phase) against runtime/target/pico, with PICO_NO_BUILD=1.
 */
class PicoScriptIT {

    private static final Path REPO = Path.of(System.getProperty("pico.repo", "..")).toAbsolutePath().normalize();
    private static final Path PICO = REPO.resolve("pico");
    private static final String BUSYBOX = "/bin/busybox";

    @TempDir
    Path dir;

    /** The outcome of one ./pico process. */
    record Result(int status, String out, String err) {
    }

    private Result pico(Path cwd, String... args) throws Exception {
        return pico(cwd, java.util.Map.of(), args);
    }

    /** Runs ./pico with extra environment variables (e.g. PICO_CONFIG). */
    private Result pico(Path cwd, java.util.Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(PICO.toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().put("PICO_NO_BUILD", "1");
        pb.environment().put("PICO_LOG", dir.resolve("pico.log").toString());
        pb.environment().put("PICO_CONFIG", dir.resolve("no-config").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./pico " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Test
    void runPassesStdoutThroughAndExitsZeroFromAnyDirectory() throws Exception {
        Result r = pico(dir, "run", BUSYBOX, "echo", "hello");
        assertEquals(new Result(0, "hello\n", ""), r);
    }

    @Test
    void runExitsWithTheGuestsStatus() throws Exception {
        Result r = pico(dir, "run", BUSYBOX, "false");
        assertEquals(1, r.status(), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void aTruncatedElfIsNotExecutable126() throws Exception {
        byte[] busybox = Files.readAllBytes(Path.of(BUSYBOX));
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.write(root.resolve("busybox"), Arrays.copyOf(busybox, 2000));
        Result r = pico(dir, "run", "--root", root.toString(), "/busybox", "true");
        assertEquals(126, r.status(), r::toString);
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), () -> "one line on stderr: " + r.err());
    }

    @Test
    void aGuestKilledBySigsegvExits139() throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.write(root.resolve("segv"), segfaultingElf());
        Result r = pico(dir, "run", "--root", root.toString(), "/segv");
        assertEquals(128 + 11, r.status(), r::toString);
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), "one clear line on stderr: " + r);
        assertTrue(r.err().contains("Segmentation fault"), r::toString);
    }

    @Test
    void shellDashCRunsACommandLine() throws Exception {
        Result r = pico(dir, "shell", "-c", "pico:providers; pico:ps");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("PID ")), "each statement's result is printed: " + r);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("linux ") && l.contains("io.pico.provider.linux")),
                r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void runTakesConfigurationFilesAndItsFlagsGoOnTop() throws Exception {
        Path config = Files.createDirectory(dir.resolve("config"));
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.writeString(data.resolve("f.txt"), "mounted\n");
        Path root = Files.createDirectories(dir.resolve("root/bin"));
        Files.copy(Path.of(BUSYBOX), root.resolve("busybox"));
        Files.writeString(config.resolve("io.pico.linux.cfg"), "env.1=FROM_FILE=file\nenv.2=BOTH=file\n"
                + "mounts.1=" + data + ":/data:ro\n");
        Files.writeString(config.resolve("io.pico.shell.cfg"), "root=" + root.getParent() + "\n");
        Result r = pico(dir, java.util.Map.of("PICO_CONFIG", config.toString()), "run", "--env", "BOTH=flag",
                "--env=ONLY_FLAG=1", "/bin/busybox", "sh", "-c",
                "echo $FROM_FILE $BOTH $ONLY_FLAG; cat /data/f.txt; ls /; touch /data/x");
        assertEquals(1, r.status(), r::toString);
        assertEquals("file flag 1\nmounted\nbin\n", r.out(), r::toString);
        assertTrue(r.err().contains("Read-only file system"), r::toString);

        Result bad = pico(dir, "run", "--mount", "/no/such/dir:/x", BUSYBOX, "true");
        assertEquals(2, bad.status(), bad::toString);
        assertTrue(bad.err().contains("--mount /no/such/dir:/x: /no/such/dir is not a directory"), bad::toString);
    }

    @Test
    void shellDashCChangesAConfigurationForTheNextProcess() throws Exception {
        // Felix's gogo bundles pico ships have no cm commands: pico:config is the shell's Configuration Admin
        Result r = pico(dir, "shell", "-c", "pico:run /bin/busybox sh -c 'echo cm=$PICO_CM'; "
                + "pico:config io.pico.linux env=PICO_CM=set; pico:run /bin/busybox sh -c 'echo cm=$PICO_CM'; "
                + "pico:config");
        assertEquals(0, r.status(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals("cm=", lines.get(0), r::toString);
        assertTrue(lines.indexOf("cm=set") > 0, r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("io\\.pico\\.linux +env +PICO_CM=set *")), r::toString);
    }

    @Test
    void installShowsItsStepsOnStderr() throws Exception {
        Path jar = REPO.resolve("runtime/target/pico/web/encoder-1.2.3.jar");
        Result r = pico(dir, "shell", "-c", "pico:install " + jar);
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("installed org.owasp.encoder 1.2.3") && r.out().contains("no pico provider"),
                r::toString);
        assertTrue(r.err().contains("pico: installing " + jar.toUri() + " ...\n"), r::toString);
        assertTrue(r.err().contains("pico: starting org.owasp.encoder 1.2.3 ...\n"), r::toString);
    }

    @Test
    void helpDescribesEveryOptionOfPicoRun() throws Exception {
        Result r = pico(dir, "shell", "-c", "help pico:run");
        assertEquals(0, r.status(), r::toString);
        for (String option : List.of("--background", "--out", "--root", "--strace", "run a guest program",
                "the program (a guest path) and its arguments")) {
            assertTrue(r.out().contains(option), () -> option + " in " + r);
        }
    }

    /**
     * A minimal static x86-64 Linux ELF executable: one PT_LOAD segment (the whole file at 0x400000, R+X)
     * whose code loads from address 0.
     * <pre>
     *   48 8b 04 25 00 00 00 00   mov rax, [0]      ; SIGSEGV
     *   0f 0b                     ud2               ; not reached
     * </pre>
     */
    static byte[] segfaultingElf() {
        byte[] code = {0x48, (byte) 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x0b};
        long base = 0x400000;
        int headers = 64 + 56;
        ByteBuffer b = ByteBuffer.allocate(headers + code.length).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // 64-bit, LE, SysV
        b.putShort((short) 2); // ET_EXEC
        b.putShort((short) 62); // EM_X86_64
        b.putInt(1); // EV_CURRENT
        b.putLong(base + headers); // e_entry
        b.putLong(64); // e_phoff
        b.putLong(0); // e_shoff
        b.putInt(0); // e_flags
        b.putShort((short) 64); // e_ehsize
        b.putShort((short) 56); // e_phentsize
        b.putShort((short) 1); // e_phnum
        b.putShort((short) 64); // e_shentsize
        b.putShort((short) 0); // e_shnum
        b.putShort((short) 0); // e_shstrndx
        // program header: PT_LOAD of the whole file, R+X
        b.putInt(1); // p_type
        b.putInt(5); // p_flags
        b.putLong(0); // p_offset
        b.putLong(base); // p_vaddr
        b.putLong(base); // p_paddr
        b.putLong(headers + code.length); // p_filesz
        b.putLong(headers + code.length); // p_memsz
        b.putLong(0x1000); // p_align
        b.put(code);
        return b.array();
    }
}
