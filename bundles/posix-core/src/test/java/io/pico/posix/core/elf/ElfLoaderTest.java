package io.pico.posix.core.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pico.api.AddressSpace;
import io.pico.posix.core.FakeMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Loading busybox into memory. */
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
}
