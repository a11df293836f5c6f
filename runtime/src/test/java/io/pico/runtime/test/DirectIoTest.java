package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * Reads and writes go straight between kernel objects and guest memory lent by the address space
 * ({@code AddressSpace.pin}), without a Java array. The lent host memory must outlive the call when another
 * thread unmaps it or the process ends meanwhile: otherwise the read's copy into freed memory ends the JVM
 * (which this test, run without the pin, did within a few thousand rounds). A C program built here
 * ({@code linux/unmap_race.c}, musl-gcc -static) races a pipe read against munmap of its buffer; the guest must
 * get the data or EFAULT every time. {@code -Dpico.test.unmap.rounds} sets the rounds (2,000 by default).
 */
class DirectIoTest {

    private static final int ROUNDS = Integer.getInteger("pico.test.unmap.rounds", 2000);

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    private Path exe() throws Exception {
        return LinuxTestSupport.cc("/usr/bin/musl-gcc", "unmap_race.c", "unmap_race");
    }

    @Test
    void aReadRacingAnUnmapGetsTheDataOrEfaultAndTheJvmLives() throws Exception {
        Path exe = exe();
        for (int round = 0; round < 3; round++) {
            Result r = LinuxTestSupport.pico(launcher, exe.getParent(), exe.toString(), "race",
                    Integer.toString(ROUNDS));
            assertEquals("ok " + ROUNDS + "\n", r.out(), r::toString);
            assertEquals(0, r.status(), r::toString);
        }
    }

    @Test
    void aProcessEndingWhileAThreadReadsIntoItsMemoryEnds() throws Exception {
        Path exe = exe();
        for (int round = 0; round < 5; round++) {
            Result r = LinuxTestSupport.pico(launcher, exe.getParent(), exe.toString(), "exit");
            assertEquals("exiting\n", r.out(), r::toString);
            assertEquals(0, r.status(), r::toString);
        }
        // the memory held by the ended reads was freed with the last of them: the runtime still runs guests
        Result r = LinuxTestSupport.pico(launcher, exe.getParent(), exe.toString(), "race", "10");
        assertEquals("ok 10\n", r.out(), r::toString);
    }

    @Test
    void readsIntoMemoryTheGuestCannotWriteFailWithEfaultAsNatively() throws Exception {
        Path exe = exe();
        Result expected = LinuxTestSupport.host(exe.getParent(), exe.toString(), "rofault");
        Result actual = LinuxTestSupport.pico(launcher, exe.getParent(), exe.toString(), "rofault");
        assertEquals(expected.out(), actual.out(), () -> "pico " + actual + "; native " + expected);
        assertEquals("then: 3 abc\n", expected.out().lines().reduce((a, b) -> b).orElse("") + "\n");
    }

    @Test
    void smallReadsAndWritesOfAFileCopyItExactly(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        LinuxTestSupport.require(LinuxTestSupport.BUSYBOX);
        byte[] data = new byte[300_001];
        new java.util.Random(8).nextBytes(data);
        Path in = dir.resolve("in");
        Files.write(in, data);
        // dd: 64-byte reads and writes; then pread/pwrite through a seek (skip/seek) and a read of the middle
        Result r = LinuxTestSupport.pico(launcher, Path.of("/"), dir.toString(), null, null, List.of(
                LinuxTestSupport.BUSYBOX, "sh", "-c",
                "busybox dd if=in of=out bs=64 status=none && busybox dd if=in of=part bs=1000 skip=7 seek=3 count=11 "
                        + "status=none && busybox cat in | busybox dd of=piped bs=4096 status=none"));
        assertEquals(0, r.status(), r::toString);
        assertEquals(java.util.Arrays.toString(java.security.MessageDigest.getInstance("SHA-256").digest(data)),
                java.util.Arrays.toString(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(dir.resolve("out")))));
        assertEquals(java.nio.ByteBuffer.wrap(data, 7000, 11_000),
                java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("part")), 3000, 11_000));
        assertEquals(java.nio.ByteBuffer.wrap(data), java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("piped"))));
    }
}
