package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.AddressSpace;
import io.pico.kernel.io.HostFile;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MAP_SHARED memory: one host object mapped by several address spaces, kept by fork, written back to files. */
class SharedMappingTest {

    private static final long PAGE = 4096;
    private static final long BASE = 0x40_0000;

    @Test
    void anonymousSharedMemoryStaysSharedAcrossForkAndPrivateMemoryDoesNot() {
        KAddressSpace parent = new KAddressSpace();
        KAddressSpace child = new KAddressSpace();
        try {
            assertTrue(parent.mapShared(BASE, 2 * PAGE, AddressSpace.READ | AddressSpace.WRITE, null, 0));
            parent.map(BASE + 2 * PAGE, PAGE, AddressSpace.READ | AddressSpace.WRITE);
            parent.putLong(BASE + PAGE, 11);
            parent.putLong(BASE + 2 * PAGE, 12);
            parent.copyInto(child);
            assertEquals(11, child.getLong(BASE + PAGE));
            assertEquals(12, child.getLong(BASE + 2 * PAGE));

            child.putLong(BASE + PAGE, 21);
            child.putLong(BASE + 2 * PAGE, 22);
            parent.putLong(BASE + 8, 31);
            assertEquals(21, parent.getLong(BASE + PAGE), "the child's write to shared memory");
            assertEquals(12, parent.getLong(BASE + 2 * PAGE), "private memory stays the parent's");
            assertEquals(31, child.getLong(BASE + 8), "the parent's write after fork");

            AddressSpace.SharedPlace p = parent.sharedAt(BASE + PAGE + 4);
            AddressSpace.SharedPlace c = child.sharedAt(BASE + PAGE + 4);
            assertNotNull(p);
            assertSame(p.memory(), c.memory(), "one object: a futex word's key in both processes");
            assertEquals(PAGE + 4, p.offset());
            assertEquals(p, c);
            assertNull(parent.sharedAt(BASE + 2 * PAGE), "private memory has no shared place");

            // a split (mprotect) keeps the pieces on the same object; an unmap in the child leaves the parent's
            child.protect(BASE + PAGE, PAGE, AddressSpace.READ);
            assertSame(p.memory(), child.sharedAt(BASE + PAGE).memory());
            assertEquals(PAGE, child.sharedAt(BASE + PAGE).offset());
            child.unmap(BASE, PAGE);
            parent.putLong(BASE + PAGE, 41);
            assertEquals(41, child.getLong(BASE + PAGE));
            assertEquals(31, parent.getLong(BASE + 8));

            // a move (mremap) keeps the memory: still shared, private bytes kept, the source unmapped
            parent.map(BASE + 16 * PAGE, PAGE, AddressSpace.READ);
            assertTrue(parent.move(BASE, 3 * PAGE, BASE + 20 * PAGE));
            assertTrue(!parent.isMapped(BASE, PAGE));
            assertEquals(31, parent.getLong(BASE + 20 * PAGE + 8));
            assertEquals(12, parent.getLong(BASE + 22 * PAGE), "private bytes moved");
            child.putLong(BASE + PAGE, 51);
            assertEquals(51, parent.getLong(BASE + 21 * PAGE), "moved shared memory is still shared");
            assertEquals(p.memory(), parent.sharedAt(BASE + 21 * PAGE).memory());
            assertTrue(!parent.move(BASE + 16 * PAGE, 2 * PAGE, BASE + 30 * PAGE), "a hole: nothing moved");
            assertTrue(parent.isMapped(BASE + 16 * PAGE, PAGE));

            // a second, independent shared mapping is another object
            assertTrue(parent.mapShared(BASE + 8 * PAGE, PAGE, AddressSpace.READ | AddressSpace.WRITE, null, 0));
            assertNotSame(p.memory(), parent.sharedAt(BASE + 8 * PAGE).memory());
        } finally {
            parent.release();
            child.release();
        }
    }

    /**
     * A write() of the file and another process's write-back of the mapping at the same time (its msync, munmap or
     * exit): the write's bytes must end in the file and in the mapping, never be put back over by the copy's older
     * bytes (seen as a flaky SharedMemoryTest: a child's exit wrote back while its parent's pwrite was under way).
     */
    @Test
    void aWriteOfTheFileIsNeverUndoneByAConcurrentWriteBack(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("data");
        byte[] bytes = new byte[(int) PAGE];
        java.util.Arrays.fill(bytes, (byte) '.');
        Files.write(path, bytes);
        HostFile file = new HostFile(new RandomAccessFile(path.toFile(), "rw"), path, false);
        KAddressSpace writer = new KAddressSpace();
        KAddressSpace other = new KAddressSpace();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread syncing = new Thread(() -> {
            while (!done.get()) {
                other.sync(BASE, PAGE);
            }
        });
        try {
            assertTrue(writer.mapShared(BASE, PAGE, AddressSpace.READ | AddressSpace.WRITE, file, 0));
            assertTrue(other.mapShared(BASE, PAGE, AddressSpace.READ | AddressSpace.WRITE, file, 0));
            syncing.start();
            for (int i = 0; i < 20_000; i++) {
                byte b = (byte) ('A' + i % 26);
                file.write(java.nio.ByteBuffer.wrap(new byte[] {b}), 401);
                int round = i;
                assertEquals(b, writer.getByte(BASE + 401), () -> "round " + round + ": the mapping sees write()");
            }
            done.set(true);
            syncing.join();
            assertEquals('A' + 19_999 % 26, Files.readAllBytes(path)[401], "the file keeps the last write");
        } finally {
            done.set(true);
            syncing.join();
            writer.release();
            other.release();
            file.release();
        }
    }

    @Test
    void aSharedFileMappingIsOneObjectPerFileAndIsWrittenBackAtSyncUnmapAndRelease(@TempDir Path dir)
            throws Exception {
        Path path = dir.resolve("data");
        byte[] bytes = new byte[5000];
        java.util.Arrays.fill(bytes, (byte) '.');
        Files.write(path, bytes);
        HostFile one = new HostFile(new RandomAccessFile(path.toFile(), "rw"), path, false);
        HostFile two = new HostFile(new RandomAccessFile(path.toFile(), "rw"), path, false);
        KAddressSpace a = new KAddressSpace();
        KAddressSpace b = new KAddressSpace();
        int files = SharedMemory.files();
        try {
            // only the pages mapped are read, and only those are written back
            assertTrue(b.mapShared(BASE + PAGE, PAGE, AddressSpace.READ | AddressSpace.WRITE, two, PAGE));
            assertEquals('.', b.getByte(BASE + PAGE + 900), "the second page was read for a mapping of it alone");
            b.putByte(BASE + PAGE + 5, (byte) 'x');
            b.sync(BASE + PAGE, PAGE);
            assertEquals('.', Files.readAllBytes(path)[0], "an unread page is not written back");
            assertEquals('x', Files.readAllBytes(path)[(int) PAGE + 5]);
            b.putByte(BASE + PAGE + 6, (byte) 'y');
            assertTrue(a.mapShared(BASE, 2 * PAGE, AddressSpace.READ | AddressSpace.WRITE, one, 0));
            assertEquals('y', a.getByte(BASE + PAGE + 6), "a page mapped already is not read again");
            assertEquals(files + 1, SharedMemory.files(), "one object for the file, whichever descriptor maps it");
            assertEquals('.', a.getByte(BASE + 100));
            assertEquals(0, a.getByte(BASE + 6000), "past the file's end: zero");

            b.write(BASE + PAGE + 10, "hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
            byte[] seen = new byte[5];
            a.read(BASE + PAGE + 10, seen, 0, 5);
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), seen, "seen at once by the other");
            assertEquals('.', Files.readAllBytes(path)[(int) PAGE + 10], "not written back before msync");

            a.putByte(BASE + 6000, (byte) 'z'); // past the file's end: never written back
            a.sync(BASE, 2 * PAGE);
            byte[] file = Files.readAllBytes(path);
            assertEquals(5000, file.length, "a mapping never extends its file");
            assertEquals("hello", new String(file, (int) PAGE + 10, 5, StandardCharsets.US_ASCII));

            // reads and writes of the file see the mappings without msync, as through one page cache
            a.putByte(BASE + 50, (byte) 'm');
            java.nio.ByteBuffer r = java.nio.ByteBuffer.allocate(1);
            one.read(r, 50);
            assertEquals('m', r.get(0), "read() sees the mapping's byte");
            two.write(java.nio.ByteBuffer.wrap(new byte[] {'w'}), 51);
            assertEquals('w', a.getByte(BASE + 51), "the mapping sees write()");
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(1);
            a.putByte(BASE + 52, (byte) 'd');
            one.read(direct, 52);
            assertEquals('d', direct.get(0), "a direct read too");

            // a truncation and a growth of the file: the mapping shows zeros there, never writes old bytes back
            a.putByte(BASE + 4000, (byte) 'o');
            one.truncate(3000);
            one.truncate(5000);
            assertEquals(0, a.getByte(BASE + 4000), "the truncated part reads as zero");
            a.sync(BASE, 2 * PAGE);
            assertEquals(0, Files.readAllBytes(path)[4000], "no old byte written back");

            a.putByte(BASE + 1, (byte) 'u');
            a.unmap(BASE, PAGE);
            assertEquals('u', Files.readAllBytes(path)[1], "munmap writes back");

            b.putByte(BASE + PAGE + 2, (byte) 'r');
            b.release();
            assertEquals('r', Files.readAllBytes(path)[(int) PAGE + 2], "the end of an address space writes back");
            a.release();
            assertEquals(files, SharedMemory.files(), "the last mapping gone, the object is gone");
            if (files == 0) {
                assertNull(HostFile.sharedPages, "no file mapped shared: reads and writes pay nothing");
            }
        } finally {
            a.release();
            b.release();
            one.release();
            two.release();
        }
    }
}
