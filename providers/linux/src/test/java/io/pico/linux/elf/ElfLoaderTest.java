package io.pico.linux.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pico.api.AddressSpace;
import io.pico.linux.FakeMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading busybox into memory, and the initial stack. */
class ElfLoaderTest {

    @Test
    void loadsBusyboxSegments() throws Exception {
        Path bb = Path.of("/bin/busybox");
        assumeTrue(Files.isRegularFile(bb));
        byte[] file = Files.readAllBytes(bb);
        ElfFile elf = ElfFile.parse(ByteSource.of(file));
        FakeMemory mem = new FakeMemory();
        ElfLoader.Loaded loaded = ElfLoader.load(elf, ByteSource.of(file), mem, 0);
        assertEquals(elf.entry(), loaded.entry());
        assertEquals(elf.phdrVaddr(), loaded.phdr());
        assertEquals(elf.maxVaddr(), loaded.end());
        for (ElfFile.Segment s : elf.loads()) {
            byte[] expected = Arrays.copyOfRange(file, (int) s.offset(), (int) (s.offset() + s.filesz()));
            byte[] actual = new byte[expected.length];
            mem.read(s.vaddr(), actual, 0, actual.length);
            assertArrayEquals(expected, actual, "segment " + s.index() + " contents");
            for (long a = s.vaddr() + s.filesz(); a < s.vaddr() + s.memsz(); a += 97) {
                assertEquals(0, mem.getByte(a), "bss is zero at 0x" + Long.toHexString(a));
            }
            boolean w = (s.flags() & ElfFile.PF_W) != 0;
            boolean x = (s.flags() & ElfFile.PF_X) != 0;
            int prot = mem.protection(s.vaddr() + s.memsz() / 2);
            assertEquals(w, (prot & AddressSpace.WRITE) != 0, "write permission of segment " + s.index());
            assertEquals(x, (prot & AddressSpace.EXEC) != 0, "exec permission of segment " + s.index());
        }
        assertFalse(mem.isMapped(elf.minVaddr() - 4096, 1), "nothing below the image");
        assertFalse(mem.isMapped(elf.maxVaddr(), 1), "nothing above the image");
    }

    @Test
    void stackLayout() {
        FakeMemory mem = new FakeMemory();
        byte[] random = new byte[16];
        Arrays.fill(random, (byte) 0x5a);
        long sp = new StackBuilder().argv(List.of("prog", "a b")).envp(List.of("X=1")).execfn("/bin/prog")
                .random(random).aux(StackBuilder.AT_PAGESZ, 4096).build(mem, false);
        assertEquals(0, sp % 16, "the ABI wants rsp 16-byte aligned at the entry");
        assertEquals(2, mem.getLong(sp));
        assertEquals("prog", mem.getString(mem.getLong(sp + 8), 100));
        assertEquals("a b", mem.getString(mem.getLong(sp + 16), 100));
        assertEquals(0, mem.getLong(sp + 24));
        assertEquals("X=1", mem.getString(mem.getLong(sp + 32), 100));
        assertEquals(0, mem.getLong(sp + 40));
        long aux = sp + 48;
        boolean sawRandom = false;
        boolean sawExecfn = false;
        boolean sawPlatform = false;
        for (int i = 0; i < 20; i++, aux += 16) {
            long type = mem.getLong(aux);
            long value = mem.getLong(aux + 8);
            if (type == StackBuilder.AT_NULL) {
                break;
            }
            if (type == StackBuilder.AT_RANDOM) {
                byte[] r = new byte[16];
                mem.read(value, r, 0, 16);
                assertArrayEquals(random, r);
                sawRandom = true;
            } else if (type == StackBuilder.AT_EXECFN) {
                assertEquals("/bin/prog", mem.getString(value, 100));
                sawExecfn = true;
            } else if (type == StackBuilder.AT_PLATFORM) {
                assertEquals("x86_64", mem.getString(value, 100));
                sawPlatform = true;
            } else if (type == StackBuilder.AT_PAGESZ) {
                assertEquals(4096, value);
            }
        }
        assertTrue(sawRandom && sawExecfn && sawPlatform);
        int prot = mem.protection(sp);
        assertEquals(AddressSpace.READ | AddressSpace.WRITE, prot, "a non-executable stack as PT_GNU_STACK asked");
        assertTrue(mem.isMapped(StackBuilder.STACK_TOP - StackBuilder.STACK_SIZE, StackBuilder.STACK_SIZE));
    }
}
