package io.pico.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.AddressSpace;
import io.pico.api.MemoryFault;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Guest memory lent to a call in place ({@link KAddressSpace#pin}): checks, pieces, and frees held off. */
class PinTest {

    private static final long PAGE = AddressSpace.PAGE_SIZE;

    @Test
    void aLentRangeIsTheGuestsOwnMemory() {
        KAddressSpace s = new KAddressSpace();
        try {
            s.map(0x10000, 4 * PAGE, AddressSpace.READ | AddressSpace.WRITE);
            s.putByte(0x10000 + 100, (byte) 7);
            try (AddressSpace.Pinned p = s.pin(0x10000 + 100, 50, AddressSpace.WRITE)) {
                assertEquals(1, p.buffers().length);
                ByteBuffer b = p.buffers()[0];
                assertTrue(b.isDirect());
                assertEquals(50, b.remaining());
                assertEquals(7, b.get(0));
                b.put(1, (byte) 9);
            }
            assertEquals(9, s.getByte(0x10000 + 101));
            assertEquals(0, s.pins());
        } finally {
            s.release();
        }
    }

    @Test
    void aRangeOverTwoMappingsIsTwoBuffersInOrder() {
        KAddressSpace s = new KAddressSpace();
        try {
            s.map(0x10000, PAGE, AddressSpace.READ | AddressSpace.WRITE);
            s.map(0x10000 + PAGE, PAGE, AddressSpace.READ | AddressSpace.WRITE);
            try (AddressSpace.Pinned p = s.pin(0x10000 + PAGE - 10, 30, AddressSpace.WRITE)) {
                assertEquals(2, p.buffers().length);
                assertEquals(10, p.buffers()[0].remaining());
                assertEquals(20, p.buffers()[1].remaining());
                p.buffers()[1].put(0, (byte) 5);
            }
            assertEquals(5, s.getByte(0x10000 + PAGE));
        } finally {
            s.release();
        }
    }

    @Test
    void theGuestsAccessRulesHold() {
        KAddressSpace s = new KAddressSpace();
        try {
            s.map(0x10000, PAGE, AddressSpace.READ);
            s.map(0x20000, PAGE, AddressSpace.WRITE);
            s.map(0x30000, PAGE, 0);
            MemoryFault f = assertThrows(MemoryFault.class, () -> s.pin(0x10000, 10, AddressSpace.WRITE));
            try (AddressSpace.Pinned p = s.pin(0x10000, 10, AddressSpace.READ)) {
                assertEquals(10, p.buffers()[0].remaining());
            }
            // x86-64: a writable page is readable too; a page without access is neither
            s.pin(0x20000, 10, AddressSpace.READ).close();
            assertThrows(MemoryFault.class, () -> s.pin(0x30000, 10, AddressSpace.READ));
            assertThrows(MemoryFault.class, () -> s.pin(0x50000, 10, AddressSpace.READ));
            // a range running past the end of a mapping
            assertThrows(MemoryFault.class, () -> s.pin(0x20000 + PAGE - 5, 10, AddressSpace.READ));
            assertEquals(0, s.pins(), "a failed pin holds nothing");
            assertTrue(f.getMessage() == null || !f.getMessage().isEmpty());
        } finally {
            s.release();
        }
    }

    @Test
    void unmappedMemoryIsFreedOnlyWhenTheLastLoanEnds() {
        KAddressSpace s = new KAddressSpace();
        try {
            s.map(0x10000, 16 * PAGE, AddressSpace.READ | AddressSpace.WRITE);
            long before = s.hostBytesHeld();
            AddressSpace.Pinned a = s.pin(0x10000, 100, AddressSpace.WRITE);
            AddressSpace.Pinned b = s.pin(0x10000 + PAGE, 100, AddressSpace.READ);
            s.unmap(0x10000, 16 * PAGE);
            assertEquals(before, s.hostBytesHeld(), "freed while lent");
            a.buffers()[0].put(0, (byte) 1); // still host memory of ours
            a.close();
            a.close(); // twice: nothing
            assertEquals(1, s.pins());
            assertEquals(before, s.hostBytesHeld(), "freed while still lent once");
            b.close();
            assertEquals(before - 16 * PAGE, s.hostBytesHeld());
        } finally {
            s.release();
        }
    }

    @Test
    void anEndedProcessesMemoryWaitsForTheLastLoan() {
        KAddressSpace s = new KAddressSpace();
        s.map(0x10000, 8 * PAGE, AddressSpace.READ | AddressSpace.WRITE);
        long before = s.hostBytesHeld();
        AddressSpace.Pinned p = s.pin(0x10000, 100, AddressSpace.WRITE);
        s.release();
        assertEquals(before, s.hostBytesHeld());
        p.buffers()[0].put(0, (byte) 1);
        p.close();
        assertEquals(before - 8 * PAGE, s.hostBytesHeld());
        assertThrows(MemoryFault.class, () -> s.pin(0x10000, 1, AddressSpace.READ));
    }
}
