package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Kernel;
import io.pico.runtime.test.ReliabilityKit.Guest;
import io.pico.runtime.test.ReliabilityKit.Run;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * A read-only mount ({@code HOST:GUEST:ro} in a personality's {@code mounts}) refuses metadata changes and
 * truncation with EROFS, as it refuses writes and new names: chmod, utimes and truncate of a file in it leave the
 * host file's mode, time and size as they were. The same calls on a read-write mount succeed (the control).
 */
class ReadOnlyMountTest {

    @InjectService(timeout = 10_000)
    Kernel kernel;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path tmp;

    private TestConfigs configs;

    /**
     * A FreeBSD program: chmod(argv[1], 0600), utimes(argv[1], NULL), truncate(argv[1], 0); exits with
     * 10 x (the calls failing with EROFS) + (the calls succeeding).
     */
    static final String FREEBSD_METADATA = """
            bits 64
            global _start
            section .text
            _start:
                    xor r12d, r12d
                    xor r13d, r13d
                    mov r14, [rdi + 16]         ; argv[1] (FreeBSD: rdi points at argc)
                    mov eax, 15                 ; chmod(path, 0600)
                    mov rdi, r14
                    mov esi, 600o
                    syscall
                    call count
                    mov eax, 138                ; utimes(path, NULL)
                    mov rdi, r14
                    xor esi, esi
                    syscall
                    call count
                    mov eax, 479                ; truncate(path, 0)
                    mov rdi, r14
                    xor esi, esi
                    syscall
                    call count
                    imul edi, r12d, 10
                    add edi, r13d
                    mov eax, 1                  ; exit
                    syscall
            count:  jc .failed                  ; FreeBSD: carry set on error, rax the errno
                    inc r13d
                    ret
            .failed:
                    cmp eax, 30                 ; EROFS
                    jne .other
                    inc r12d
            .other: ret
            """;

    private void configure(String pid, Map<String, Object> values) throws Exception {
        if (configs == null) {
            configs = new TestConfigs(configAdmin, context);
        }
        configs.set(pid, values);
    }

    @AfterEach
    void deleteConfigurations() throws Exception {
        if (configs != null) {
            configs.deleteAll();
        }
    }

    /** A root with busybox, the FreeBSD program and /mnt; the host directory to mount with one file. */
    private Path root() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("mnt/data"));
        Files.copy(Path.of(ReliabilityKit.BUSYBOX), root.resolve("bin/busybox"));
        byte[] b = Files.readAllBytes(ReliabilityKit.asm("rometadata-freebsd", FREEBSD_METADATA));
        b[7] = 9; // ELFOSABI_FREEBSD: the POSIX personality claims it
        Files.write(root.resolve("bin/metadata"), b);
        root.resolve("bin/metadata").toFile().setExecutable(true);
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "kept\n");
        Files.setPosixFilePermissions(data.resolve("f"), java.nio.file.attribute.PosixFilePermissions.fromString(
                "rw-r--r--"));
        Files.setLastModifiedTime(data.resolve("f"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000L));
        return root;
    }

    /** The host file's mode, time and size. */
    private String state() throws Exception {
        Map<String, Object> a = Files.readAttributes(tmp.resolve("data/f"), "unix:mode,lastModifiedTime,size",
                LinkOption.NOFOLLOW_LINKS);
        return a.get("mode") + " " + a.get("lastModifiedTime") + " " + a.get("size");
    }

    @Test
    void thePosixPersonalityRefusesMetadataChangesInAReadOnlyMount() throws Exception {
        Path root = root();
        String before = state();
        configure("io.pico.posix", Map.of("mounts", new String[] {tmp.resolve("data") + ":/mnt/data:ro"}));
        Run ro = ReliabilityKit.run(kernel, Guest.of(root, "/bin/metadata", "/mnt/data/f"),
                ReliabilityKit.CASE_LIMIT_SECONDS);
        assertEquals(30, ro.shell(), () -> "chmod, utimes and truncate must fail with EROFS: " + ro);
        assertEquals(before, state(), "the host file is unchanged");

        configure("io.pico.posix", Map.of("mounts", new String[] {tmp.resolve("data") + ":/mnt/data"}));
        Run rw = ReliabilityKit.run(kernel, Guest.of(root, "/bin/metadata", "/mnt/data/f"),
                ReliabilityKit.CASE_LIMIT_SECONDS);
        assertEquals(3, rw.shell(), () -> "the control: the calls succeed on a read-write mount: " + rw);
        assertTrue(state().endsWith(" 0"), "truncated on the read-write mount: " + state());
    }

    @Test
    void theLinuxPersonalityRefusesMetadataChangesInAReadOnlyMount() throws Exception {
        Path root = root();
        String before = state();
        configure("io.pico.linux", Map.of("mounts", new String[] {tmp.resolve("data") + ":/mnt/data:ro"}));
        Run ro = ReliabilityKit.run(kernel, Guest.of(root, "/bin/busybox", "sh", "-c",
                "busybox chmod 600 /mnt/data/f; busybox touch /mnt/data/f; busybox truncate -s 0 /mnt/data/f; exit 0"),
                ReliabilityKit.CASE_LIMIT_SECONDS);
        assertEquals(3, ro.err().split("Read-only file system", -1).length - 1, () -> "three EROFS: " + ro);
        assertEquals(before, state(), "the host file is unchanged");

        configure("io.pico.linux", Map.of("mounts", new String[] {tmp.resolve("data") + ":/mnt/data"}));
        Run rw = ReliabilityKit.run(kernel, Guest.of(root, "/bin/busybox", "sh", "-c",
                "busybox chmod 600 /mnt/data/f && busybox touch /mnt/data/f && busybox truncate -s 0 /mnt/data/f"),
                ReliabilityKit.CASE_LIMIT_SECONDS);
        assertEquals(0, rw.shell(), rw::toString);
        assertTrue(state().endsWith(" 0"), "truncated on the read-write mount: " + state());
    }
}
