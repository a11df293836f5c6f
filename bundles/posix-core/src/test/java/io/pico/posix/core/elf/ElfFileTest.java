package io.pico.posix.core.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ELF parser and validator on the real static busybox and on broken variants made from it. */
class ElfFileTest {

    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static byte[] busybox;

    @BeforeAll
    static void read() throws IOException {
        assumeTrue(Files.isRegularFile(BUSYBOX), "needs busybox-static at /bin/busybox");
        busybox = Files.readAllBytes(BUSYBOX);
        assumeTrue(busybox.length > 4096 && busybox[4] == 2 && busybox[16] == ElfFile.ET_EXEC,
                "needs the static (ET_EXEC) x86-64 busybox");
    }

    private static ElfFile parse(byte[] bytes) throws Exception {
        return ElfFile.parse(ByteSource.of(bytes));
    }

    /** The error message parsing a mutated copy of busybox gives. */
    private static String error(Consumer<ByteBuffer> mutation) {
        byte[] copy = busybox.clone();
        mutation.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return errorOf(copy);
    }

    private static String errorOf(byte[] bytes) {
        ElfException e = assertThrows(ElfException.class, () -> parse(bytes));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static long phoff() {
        return ByteBuffer.wrap(busybox).order(ByteOrder.LITTLE_ENDIAN).getLong(32);
    }

    /** The offset of field {@code at} of program header {@code i}. */
    private static int ph(int i, int at) {
        return (int) phoff() + i * ElfFile.PHENT_SIZE + at;
    }

    private static int firstLoad(int nth) throws Exception {
        ElfFile elf = parse(busybox);
        return elf.loads().get(nth).index();
    }

    @Test
    void busyboxParses() throws Exception {
        ElfFile elf = parse(busybox);
        ByteBuffer h = ByteBuffer.wrap(busybox).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(ElfFile.ET_EXEC, elf.type());
        assertEquals(h.getLong(24), elf.entry());
        assertEquals(h.getShort(56), elf.phnum());
        assertNotNull(elf.tls(), "glibc static busybox has a PT_TLS segment");
        assertTrue(elf.tls().memsz() >= elf.tls().filesz());
        assertNull(elf.interpreter(), "static: no PT_INTERP");
        assertFalse(elf.executableStack(), "PT_GNU_STACK without PF_X");
        assertTrue(elf.loads().size() >= 2);
        assertEquals(0x400000, elf.minVaddr());
        assertEquals(0x400000 + phoff(), elf.phdrVaddr(), "the headers are loaded with the first segment");
        assertTrue(ElfFile.claims(Arrays.copyOf(busybox, 64)));
    }

    @Test
    void fileSourceReadsTheSame() throws Exception {
        try (ByteSource src = ByteSource.open(BUSYBOX)) {
            ElfFile elf = ElfFile.parse(src);
            assertEquals(parse(busybox).segments(), elf.segments());
        }
    }

    @Test
    void notElf() {
        assertEquals("empty file", errorOf(new byte[0]));
        assertEquals("not an ELF file", errorOf("#!/bin/sh\necho hi\n".getBytes()));
    }

    @Test
    void truncatedHeader() {
        assertEquals("truncated ELF header (40 of 64 bytes)", errorOf(Arrays.copyOf(busybox, 40)));
    }

    @Test
    void truncatedProgramHeaderTable() {
        assertEquals("truncated ELF program header table", errorOf(Arrays.copyOf(busybox, 200)));
        assertEquals("truncated ELF program header table", error(b -> b.putLong(32, 0x7fff_ffff_ffff_fff0L)));
        assertEquals("truncated ELF program header table", error(b -> b.putLong(32, -64)));
    }

    @Test
    void wrongClass() {
        assertEquals("32-bit ELF (ELFCLASS32) is not supported, only ELF64", error(b -> b.put(4, (byte) 1)));
        assertEquals("invalid ELF class 7", error(b -> b.put(4, (byte) 7)));
    }

    @Test
    void wrongEncodingVersionAbi() {
        assertEquals("big-endian ELF is not supported", error(b -> b.put(5, (byte) 2)));
        assertEquals("invalid ELF version 0", error(b -> b.put(6, (byte) 0)));
        assertEquals("ELF OS/ABI 9 (FreeBSD) is not Linux", error(b -> b.put(7, (byte) 9)));
    }

    @Test
    void wrongMachine() {
        assertEquals("ELF machine 3 (i386) is not x86-64", error(b -> b.putShort(18, (short) 3)));
        assertEquals("ELF machine 183 (AArch64) is not x86-64", error(b -> b.putShort(18, (short) 183)));
    }

    @Test
    void wrongType() {
        assertEquals("ELF type 1 (relocatable) is not an executable", error(b -> b.putShort(16, (short) 1)));
        assertEquals("ELF type 4 (core) is not an executable", error(b -> b.putShort(16, (short) 4)));
    }

    @Test
    void badProgramHeaderCounts() {
        assertEquals("bad ELF program header size 32 (expected 56)", error(b -> b.putShort(54, (short) 32)));
        assertEquals("no ELF program headers", error(b -> b.putShort(56, (short) 0)));
        assertEquals("too many ELF program headers (60000, at most 1170)",
                error(b -> b.putShort(56, (short) 60000)));
    }

    @Test
    void segmentBeyondTheFile() throws Exception {
        int s = firstLoad(1);
        String m = error(b -> b.putLong(ph(s, 32), 1L << 40).putLong(ph(s, 40), 1L << 40));
        assertTrue(m.startsWith("segment " + s + ": file data at 0x1000+0x10000000000 lies beyond the end of the file"),
                m);
        String m2 = error(b -> b.putLong(ph(s, 8), busybox.length));
        assertTrue(m2.startsWith("segment " + s + ": file data at"), m2);
    }

    @Test
    void fileSizeLargerThanMemorySize() throws Exception {
        int s = firstLoad(1);
        String m = error(b -> b.putLong(ph(s, 40), 16));
        assertTrue(m.startsWith("segment " + s + ": file size 0x") && m.endsWith("larger than memory size 0x10"), m);
    }

    @Test
    void absurdAddresses() throws Exception {
        int s = firstLoad(1);
        String outside = error(b -> b.putLong(ph(s, 16), 0xffff_8000_0000_1000L));
        assertTrue(outside.contains("is outside the user address space"), outside);
        String huge = error(b -> b.putLong(ph(s, 40), 0x7000_0000_0000L));
        assertTrue(huge.contains("more than the 4 GiB limit"), huge);
        int last = firstLoad(parseUnchecked().loads().size() - 1);
        String span = error(b -> b.putLong(ph(last, 16), 0x1_4000_0000L + (b.getLong(ph(last, 16)) & 0xfff)));
        assertTrue(span.contains("more than the 4 GiB limit"), span);
    }

    private static ElfFile parseUnchecked() {
        try {
            return parse(busybox);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void overlappingSegments() throws Exception {
        int a = firstLoad(1);
        int b = firstLoad(2);
        long aVaddr = parse(busybox).segments().get(a).vaddr();
        long bOffset = parse(busybox).segments().get(b).offset();
        // move b's address into a's range, keeping it congruent with its file offset
        long into = ((aVaddr + 0x2000) & -4096L) + (bOffset & 0xfff);
        assertEquals("segments " + a + " and " + b + " overlap", error(x -> x.putLong(ph(b, 16), into)));
    }

    @Test
    void incongruentSegment() throws Exception {
        int s = firstLoad(1);
        String m = error(b -> b.putLong(ph(s, 16), b.getLong(ph(s, 16)) + 0x800));
        assertTrue(m.contains("differ modulo the page size"), m);
    }

    @Test
    void entryOutsideTheImage() {
        assertEquals("entry point 0x10 is outside the loadable segments", error(b -> b.putLong(24, 0x10)));
    }

    @Test
    void noLoadableSegments() throws Exception {
        ElfFile elf = parse(busybox);
        String m = error(b -> {
            for (ElfFile.Segment s : elf.loads()) {
                b.putInt(ph(s.index(), 0), 0); // PT_NULL (a PT_NOTE would be parsed as notes)
            }
        });
        assertEquals("no loadable segments", m);
    }

    @Test
    void badInterpreter() throws Exception {
        // turn the first PT_NOTE into a PT_INTERP whose string is not NUL-terminated
        ElfFile elf = parse(busybox);
        ElfFile.Segment note = elf.segments().stream().filter(s -> s.type() == 4).findFirst().orElseThrow();
        assertEquals("PT_INTERP is not NUL-terminated", error(b -> {
            b.putInt(ph(note.index(), 0), ElfFile.PT_INTERP);
            b.put((int) (note.offset() + note.filesz() - 1), (byte) 'x');
        }));
        assertEquals("bad PT_INTERP size 100000", error(b -> {
            b.putInt(ph(note.index(), 0), ElfFile.PT_INTERP);
            b.putLong(ph(note.index(), 32), 100000);
        }));
    }

    @Test
    void claimsOnlyLinuxAndSysvX8664() {
        byte[] h = Arrays.copyOf(busybox, 64);
        assertTrue(ElfFile.claims(h));
        h[7] = 0;
        assertTrue(ElfFile.claims(h));
        h[7] = 9;
        assertFalse(ElfFile.claims(h), "FreeBSD images belong to another personality");
        h[7] = 3;
        h[18] = 3;
        assertFalse(ElfFile.claims(h));
    }
}
