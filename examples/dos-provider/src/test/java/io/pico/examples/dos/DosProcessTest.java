package io.pico.examples.dos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-process DOS state: handles, memory blocks, and the snapshot a hot-swap hands over. */
class DosProcessTest {

    @Test
    void theFirstFileGetsHandle5AndClosedHandlesAreReused() throws Exception {
        DosProcess p = new DosProcess("/", 0x1000);
        assertEquals(5, p.addHandle(7));
        assertEquals(6, p.addHandle(8));
        p.handles.remove(1);
        assertEquals(1, p.addHandle(9), "close 1, open: the file becomes standard output, as in DOS");
        assertEquals(DosError.INVALID_HANDLE, assertThrows(DosError.class, () -> p.kernelHandle(12)).code);
    }

    @Test
    void twentyHandlesAtMost() throws Exception {
        DosProcess p = new DosProcess("/", 0x1000);
        for (int i = 5; i < DosProcess.MAX_HANDLES; i++) {
            p.addHandle(100 + i);
        }
        assertEquals(DosError.TOO_MANY_OPEN_FILES, assertThrows(DosError.class, () -> p.addHandle(1)).code);
    }

    @Test
    void theProgramOwnsAllMemoryUntilItShrinks() throws Exception {
        DosProcess p = new DosProcess("/", 0x1000);
        assertEquals(DosError.INSUFFICIENT_MEMORY, assertThrows(DosError.class, () -> p.allocate(1)).code);
        p.resize(0x1000, 0x1000);
        assertEquals(0x2000, p.allocate(0x100));
        assertEquals(0x2100, p.allocate(0x100));
        p.free(0x2000);
        assertEquals(0x2000, p.allocate(0x80), "first fit");
        assertEquals(0xA000 - 0x2200, p.largestFree());
        assertEquals(0x1000, p.maxSize(0x1000));
        assertEquals(DosError.INVALID_BLOCK, assertThrows(DosError.class, () -> p.free(0x3000)).code);
    }

    @Test
    void theSnapshotRoundTrips() throws Exception {
        DosProcess p = new DosProcess("/games", 0x1000);
        p.addHandle(42);
        p.resize(0x1000, 0x800);
        p.allocate(0x10);
        p.dta = 0x12345;
        p.pendingKey = 'x';
        Map<String, Object> snapshot = p.export();
        DosProcess q = DosProcess.fromState(DosProcess.STATE_VERSION, snapshot);
        assertEquals(p.export(), q.export());
        assertEquals(42, q.kernelHandle(5));
        assertThrows(IllegalArgumentException.class, () -> DosProcess.fromState(99, snapshot));
    }
}
