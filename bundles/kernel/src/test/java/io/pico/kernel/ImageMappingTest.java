package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File mappings from the kernel's image copies ({@link KAddressSpace#mapFile}, {@link Images}): the file's bytes,
 * private writes in each direction across fork, one copy for every process mapping the same unchanged file, a new
 * one after a change, splitting by munmap and mprotect, and no dependence on the host file after mapping.
 */
class ImageMappingTest {

    private static final long PAGE = 4096;
    private static final long BASE = 0x40_0000;
    private static final int PAGES = 40;

    @TempDir
    Path dir;

    private long settled;

    /** The files here are written just before they are mapped: cache them at once (one test checks the rule). */
    @org.junit.jupiter.api.BeforeEach
    void cacheAtOnce() {
        settled = Images.settledNanos;
        Images.settledNanos = 0;
    }

    @org.junit.jupiter.api.AfterEach
    void restore() {
        Images.settledNanos = settled;
    }

    @Test
    void aFileChangedMomentsAgoIsCopiedForEachMapSoThatAChangeInTheSameClockTickIsSeen() throws IOException {
        Images.settledNanos = 2_000_000_000L;
        Path f = image("r", 4);
        KAddressSpace one = new KAddressSpace();
        KAddressSpace two = new KAddressSpace();
        try {
            long before = Images.COPIES.get();
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                assertTrue(one.mapFile(BASE, PAGE, 1, ch, 0));
            }
            byte[] changed = Files.readAllBytes(f);
            changed[0] = 99; // same size, at once: the file system may keep its times as they were
            Files.write(f, changed);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                assertTrue(two.mapFile(BASE, PAGE, 1, ch, 0));
            }
            assertEquals(before + 2, Images.COPIES.get(), "each map made its own copy");
            assertEquals((byte) 4, one.getByte(BASE));
            assertEquals(99, two.getByte(BASE), "the second map shows the changed file");
        } finally {
            one.release();
            two.release();
        }
    }

    /** A file of PAGES pages and a half whose byte i is (i * 31 + page) & 0xff. */
    private Path image(String name, int salt) throws IOException {
        byte[] b = new byte[(int) (PAGES * PAGE + PAGE / 2)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + i / PAGE + salt);
        }
        return Files.write(dir.resolve(name), b);
    }

    private static byte[] bytes(KAddressSpace s, long address, int n) {
        byte[] b = new byte[n];
        s.read(address, b, 0, n);
        return b;
    }

    private static byte[] fileBytes(Path f, long offset, int n) throws IOException {
        byte[] all = Files.readAllBytes(f);
        byte[] b = new byte[n];
        System.arraycopy(all, (int) offset, b, 0, (int) Math.min(n, Math.max(0, all.length - offset)));
        return b;
    }

    @Test
    void aMappingShowsTheFileAndZerosAfterItsEndAndCannotReachPastItsLastPage() throws IOException {
        Path f = image("a", 1);
        KAddressSpace s = new KAddressSpace();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            assertTrue(s.mapFile(BASE, (PAGES + 1) * PAGE, 5, ch, 0));
            assertThrows(IllegalArgumentException.class, () -> s.mapFile(BASE, (PAGES + 2) * PAGE, 5, ch, 0));
            assertThrows(IllegalArgumentException.class, () -> s.mapFile(BASE, PAGE, 5, ch, PAGES * PAGE + PAGE));
        }
        try { // the channel is closed: the mapping stays
            assertArrayEquals(fileBytes(f, 0, (int) ((PAGES + 1) * PAGE)), bytes(s, BASE, (int) ((PAGES + 1) * PAGE)));
            assertEquals(0, s.getLong(BASE + PAGES * PAGE + PAGE / 2), "zero after the file's end");
            // the host file may change or shrink now: the mapping shows what was mapped, and the JVM does not fault
            Files.write(f, new byte[10]);
            byte[] again = bytes(s, BASE + 30 * PAGE, (int) PAGE);
            assertEquals((byte) (30 * PAGE * 31 + 30 + 1), again[0]);
        } finally {
            s.release();
        }
    }

    @Test
    void processesMappingTheSameUnchangedFileShareOneCopyAndSeeNoneOfEachOthersWrites() throws Exception {
        Path f = image("b", 2);
        KAddressSpace one = new KAddressSpace();
        KAddressSpace two = new KAddressSpace();
        KAddressSpace three = new KAddressSpace();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long before = Images.COPIES.get();
            assertTrue(one.mapFile(BASE, 8 * PAGE, 5, ch, 4 * PAGE));
            assertTrue(two.mapFile(BASE, 8 * PAGE, 5, ch, 4 * PAGE));
            assertEquals(before + 1, Images.COPIES.get(), "the second map re-uses the first copy");
            one.putLong(BASE + 8, 0x1234);
            assertEquals(0x1234, one.getLong(BASE + 8));
            assertArrayEquals(fileBytes(f, 4 * PAGE, (int) (8 * PAGE)), bytes(two, BASE, (int) (8 * PAGE)));

            Thread.sleep(20); // a change time the file system can tell from the first one
            byte[] changed = Files.readAllBytes(f);
            changed[(int) (4 * PAGE)] = 42;
            Files.write(f, changed);
            try (FileChannel ch2 = FileChannel.open(f, StandardOpenOption.READ)) {
                assertTrue(three.mapFile(BASE, 8 * PAGE, 5, ch2, 4 * PAGE));
            }
            assertEquals(before + 2, Images.COPIES.get(), "a changed file is copied again");
            assertEquals(42, three.getByte(BASE));
            assertEquals((byte) (4 * PAGE * 31 + 4 + 2), two.getByte(BASE), "the older mapping keeps its copy");
        } finally {
            one.release();
            two.release();
            three.release();
        }
    }

    @Test
    void forkSharesUnwrittenPagesCopiesWrittenOnesAndWritesStayOnTheirSide() throws IOException {
        Path f = image("c", 3);
        KAddressSpace parent = new KAddressSpace();
        KAddressSpace child = new KAddressSpace();
        try {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                assertTrue(parent.mapFile(BASE, PAGES * PAGE, 3, ch, 0));
            }
            parent.putLong(BASE + 5 * PAGE, 0x5555);       // written before the fork
            parent.getLong(BASE + 6 * PAGE);                // only read
            parent.copyInto(child);

            assertEquals(0x5555, child.getLong(BASE + 5 * PAGE), "the parent's write is in the child");
            assertArrayEquals(fileBytes(f, 0, (int) (5 * PAGE)), bytes(child, BASE, (int) (5 * PAGE)));
            assertArrayEquals(fileBytes(f, 6 * PAGE, (int) (34 * PAGE)), bytes(child, BASE + 6 * PAGE,
                    (int) (34 * PAGE)));
            long[] e = Pagemap.entries(child.host(BASE, PAGES * PAGE), PAGES);
            assertNotNull(e, "/proc/self/pagemap is readable on Linux");
            assertTrue(Pagemap.written(e[5]), "a page the parent wrote is the child's own copy");
            assertFalse(Pagemap.written(e[6]), "a page only read is still the file's (shared)");
            assertFalse(Pagemap.written(e[20]), "a page only read is still the file's (shared)");

            parent.putLong(BASE + 7 * PAGE, 0x7777);       // after the fork, each way
            child.putLong(BASE + 8 * PAGE, 0x8888);
            child.putLong(BASE + 5 * PAGE, 0x5556);
            assertEquals(0x7777, parent.getLong(BASE + 7 * PAGE));
            assertEquals(fileLong(f, 7 * PAGE), child.getLong(BASE + 7 * PAGE), "the parent's later write is not in the child");
            assertEquals(fileLong(f, 8 * PAGE), parent.getLong(BASE + 8 * PAGE), "the child's write is not in the parent");
            assertEquals(0x5555, parent.getLong(BASE + 5 * PAGE));
            assertEquals(0x5556, child.getLong(BASE + 5 * PAGE));

            // unmap and protect split the mapping after the fork; each side keeps the rest
            child.unmap(BASE + 10 * PAGE, 4 * PAGE);
            parent.protect(BASE + 2 * PAGE, 3 * PAGE, 1);
            assertFalse(child.isMapped(BASE + 11 * PAGE, PAGE));
            assertTrue(parent.isMapped(BASE + 11 * PAGE, PAGE));
            assertEquals(fileLong(f, 11 * PAGE), parent.getLong(BASE + 11 * PAGE));
            assertEquals(fileLong(f, 15 * PAGE), child.getLong(BASE + 15 * PAGE));
            assertEquals(fileLong(f, 3 * PAGE), parent.getLong(BASE + 3 * PAGE));

            // a fork of a split mapping maps each piece from its own offset
            KAddressSpace grandchild = new KAddressSpace();
            try {
                child.copyInto(grandchild);
                assertEquals(fileLong(f, 16 * PAGE), grandchild.getLong(BASE + 16 * PAGE));
                assertEquals(0x5556, grandchild.getLong(BASE + 5 * PAGE));
                assertEquals(0x8888, grandchild.getLong(BASE + 8 * PAGE));
                assertFalse(grandchild.isMapped(BASE + 12 * PAGE, PAGE));
            } finally {
                grandchild.release();
            }
        } finally {
            parent.release();
            child.release();
        }
        assertEquals(0, parent.hostBytesHeld());
        assertEquals(0, child.hostBytesHeld());
    }

    private static long fileLong(Path f, long offset) throws IOException {
        return java.nio.ByteBuffer.wrap(fileBytes(f, offset, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void whatIsNoPlainFileIsNotMapped() throws IOException {
        KAddressSpace s = new KAddressSpace();
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        try (FileChannel ch = FileChannel.open(empty, StandardOpenOption.READ)) {
            assertFalse(s.mapFile(BASE, PAGE, 5, ch, 0), "an empty file: the caller copies (nothing)");
            assertFalse(s.isMapped(BASE, PAGE));
        } finally {
            s.release();
        }
    }
}
