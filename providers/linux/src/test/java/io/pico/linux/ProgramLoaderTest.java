package io.pico.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.AddressSpace;
import io.pico.posix.core.FakeMemory;
import io.pico.posix.core.elf.ElfLoader;
import io.pico.posix.core.elf.StackBuilder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Linux's initial stack on the core's StackBuilder: arguments, environment and Linux's auxiliary vector. */
class ProgramLoaderTest {

    @Test
    void stackLayout() {
        FakeMemory mem = new FakeMemory();
        byte[] random = new byte[16];
        Arrays.fill(random, (byte) 0x5a);
        ElfLoader.Loaded main = new ElfLoader.Loaded(0, 0x401000, 0x400040, 9, 0x400000, 0x500000);
        ElfLoader.Loaded interp = new ElfLoader.Loaded(0x7f00_0000_0000L, 0x7f00_0000_1000L, 0, 0, 0, 0);
        StackBuilder stack = ProgramLoader.stack("/bin/prog", List.of("prog", "a b"), List.of("X=1"));
        long sp = ProgramLoader.auxv(stack, main, interp, random).build(mem, false);
        assertEquals(0, sp % 16, "the ABI wants rsp 16-byte aligned at the entry");
        assertEquals(2, mem.getLong(sp));
        assertEquals("prog", mem.getString(mem.getLong(sp + 8), 100));
        assertEquals("a b", mem.getString(mem.getLong(sp + 16), 100));
        assertEquals(0, mem.getLong(sp + 24));
        assertEquals("X=1", mem.getString(mem.getLong(sp + 32), 100));
        assertEquals(0, mem.getLong(sp + 40));
        Map<Long, Long> auxv = new HashMap<>();
        long aux = sp + 48;
        for (int i = 0; i < 40; i++, aux += 16) {
            long type = mem.getLong(aux);
            if (type == StackBuilder.AT_NULL) {
                break;
            }
            auxv.put(type, mem.getLong(aux + 8));
        }
        assertEquals(4096, auxv.get((long) StackBuilder.AT_PAGESZ));
        assertEquals(0x400040, auxv.get((long) StackBuilder.AT_PHDR));
        assertEquals(9, auxv.get((long) StackBuilder.AT_PHNUM));
        assertEquals(0x401000, auxv.get((long) StackBuilder.AT_ENTRY));
        assertEquals(0x7f00_0000_0000L, auxv.get((long) StackBuilder.AT_BASE), "AT_BASE is the interpreter's bias");
        assertEquals(100, auxv.get((long) ProgramLoader.AT_CLKTCK));
        byte[] r = new byte[16];
        long randomAt = auxv.get((long) ProgramLoader.AT_RANDOM);
        assertEquals(0, randomAt % 16, "AT_RANDOM's bytes are aligned");
        mem.read(randomAt, r, 0, 16);
        assertArrayEquals(random, r);
        assertEquals("/bin/prog", mem.getString(auxv.get((long) ProgramLoader.AT_EXECFN), 100));
        assertEquals("x86_64", mem.getString(auxv.get((long) ProgramLoader.AT_PLATFORM), 100));
        int prot = mem.protection(sp);
        assertEquals(AddressSpace.READ | AddressSpace.WRITE, prot, "a non-executable stack as PT_GNU_STACK asked");
        assertTrue(mem.isMapped(StackBuilder.STACK_TOP - StackBuilder.STACK_SIZE, StackBuilder.STACK_SIZE));
    }
}
