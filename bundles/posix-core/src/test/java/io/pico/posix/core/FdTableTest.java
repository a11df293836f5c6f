package io.pico.posix.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The descriptor table: lowest free numbers, limits, close-on-exec, dup sharing a description. */
class FdTableTest {

    private static OpenFile file(String name) {
        return OpenFile.pathOnly(null, name, null, false, OpenFile.READ);
    }

    @Test
    void descriptorsTakeTheLowestFreeNumberAndShareDescriptionsWhenDuplicated() {
        FdTable t = new FdTable(4);
        OpenFile a = file("/a");
        assertEquals(0, t.install(a, false, 0));
        assertEquals(1, t.install(file("/b"), true, 0));
        assertEquals(3, t.install(a, false, 3));
        assertSame(t.get(0), t.get(3));
        t.close(1);
        assertEquals(1, t.install(file("/c"), false, 0));
        assertEquals(2, t.install(file("/d"), false, 0));
        assertEquals(Errno.EMFILE, assertThrows(SysError.class, () -> t.install(file("/e"), false, 0)).errno());
        assertEquals(Errno.EBADF, assertThrows(SysError.class, () -> t.get(7)).errno());
        assertEquals(Errno.EBADF, assertThrows(SysError.class, () -> t.installAt(4, a, false)).errno());
    }

    @Test
    void closeOnExecClosesOnlyTheMarkedOnes() {
        FdTable t = new FdTable(16);
        t.install(file("/a"), false, 0);
        t.install(file("/b"), true, 0);
        t.install(file("/c"), false, 0);
        t.cloexec(2, true);
        t.closeOnExec();
        assertEquals(java.util.Set.of(0), t.all().keySet());
    }

    @Test
    void aLoweredLimitRefusesNewNumbersAboveItButKeepsOpenOnesAndARaiseIsCapped() {
        FdTable t = new FdTable(8);
        assertEquals(5, t.install(file("/a"), false, 5));
        t.limit(3);
        assertEquals(3, t.max());
        assertEquals("/a", t.get(5).guestPath(), "a descriptor above the new limit stays open");
        assertEquals(Errno.EMFILE, assertThrows(SysError.class, () -> t.install(file("/b"), false, 3)).errno());
        assertEquals(Errno.EBADF, assertThrows(SysError.class, () -> t.installAt(3, file("/c"), false)).errno());
        t.limit(Integer.MAX_VALUE);
        assertEquals(FdTable.MAX_FDS, t.max());
        assertEquals(6, t.install(file("/d"), false, 5));
    }
}
