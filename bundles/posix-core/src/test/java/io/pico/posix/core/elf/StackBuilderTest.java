package io.pico.posix.core.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pico.posix.core.FakeMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The initial stack: argc, argv, envp and a personality's auxiliary vector with values and pointed-to data. */
class StackBuilderTest {

    @Test
    void theStackHoldsArgumentsEnvironmentAndTheAuxiliaryVectorInOrder() {
        FakeMemory mem = new FakeMemory();
        long top = 0x7fff_ffff_f000L;
        long sp = new StackBuilder().argv(List.of("prog", "arg")).envp(List.of("A=1"))
                .aux(6, 4096).auxString(15, "/bin/prog").auxBytes(20, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 8)
                .build(mem, top, 1 << 20, false);
        assertEquals(0, sp % 16);
        assertEquals(2, mem.getLong(sp));
        assertEquals("prog", mem.getString(mem.getLong(sp + 8), 100));
        assertEquals("arg", mem.getString(mem.getLong(sp + 16), 100));
        assertEquals(0, mem.getLong(sp + 24));
        assertEquals("A=1", mem.getString(mem.getLong(sp + 32), 100));
        assertEquals(0, mem.getLong(sp + 40));
        long aux = sp + 48;
        assertEquals(6, mem.getLong(aux));
        assertEquals(4096, mem.getLong(aux + 8));
        assertEquals(15, mem.getLong(aux + 16));
        assertEquals("/bin/prog", mem.getString(mem.getLong(aux + 24), 100));
        assertEquals(20, mem.getLong(aux + 32));
        long blob = mem.getLong(aux + 40);
        assertEquals(0, blob % 8);
        assertEquals(0x0807060504030201L, mem.getLong(blob));
        assertEquals(0, mem.getLong(aux + 48));
        assertEquals(0, mem.getLong(aux + 56));
    }
}
