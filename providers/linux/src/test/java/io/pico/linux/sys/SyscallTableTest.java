package io.pico.linux.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallInfo;
import io.pico.api.Support;
import io.pico.posix.core.sys.Strace;
import io.pico.posix.core.sys.Syscall;
import io.pico.posix.core.sys.SyscallTable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Linux's system call table as data, on the POSIX core's table. */
class SyscallTableTest {

    private final SyscallTable<Call> table = Table.create();
    private final Strace strace = table.strace();

    @Test
    void everyNumberIsNamedOnce() {
        List<CallInfo> calls = table.calls();
        Set<String> names = new HashSet<>();
        for (CallInfo c : calls) {
            assertEquals("syscall", c.table());
            assertTrue(names.add(c.name()), "duplicate name " + c.name());
            assertEquals(c.number(), table.get(c.number()).number());
        }
        for (int nr = 0; nr <= 334; nr++) {
            assertNotNull(table.get(nr), "x86-64 numbers 0..334 are all assigned: " + nr);
        }
        for (int nr = 424; nr <= 450; nr++) {
            assertNotNull(table.get(nr), "number " + nr);
        }
        assertNull(table.get(335), "335..423 are unassigned on x86-64");
        assertNull(table.get(100_000));
        assertEquals("write", table.get(1).name());
        assertEquals("exit_group", table.get(231).name());
        assertEquals("rseq", table.get(334).name());
        assertEquals("clone3", table.get(435).name());
    }

    @Test
    void supportLevelsAreConsistent() {
        for (CallInfo c : table.calls()) {
            Syscall s = table.get(c.number());
            assertEquals(s.support() == Support.MISSING, s.handler() == null, c.name());
            if (c.support() == Support.PARTIAL) {
                assertFalse(c.note().isBlank(), "a partial call says what it covers: " + c.name());
            }
        }
        Map<Support, Long> counts = table.calls().stream()
                .collect(Collectors.groupingBy(CallInfo::support, Collectors.counting()));
        assertTrue(counts.get(Support.FULL) > 80, "foundation calls are implemented: " + counts);
        for (int nr : new int[] {0, 1, 3, 9, 10, 11, 12, 16, 20, 39, 60, 63, 89, 158, 218, 231, 257, 262, 302, 318}) {
            assertFalse(table.get(nr).support() == Support.MISSING, table.get(nr).name());
        }
        for (int nr : new int[] {13, 14, 15, 57, 61, 109, 112, 121, 124, 127, 128, 130, 131, 200, 234, 247}) {
            assertEquals(Support.FULL, table.get(nr).support(), table.get(nr).name());
        }
    }

    @Test
    void traceFormats() {
        Syscall write = table.get(1);
        assertEquals(3, write.arity());
        assertEquals("write(1,0x5ed210,6)", strace.call(write, new long[] {1, 0x5ed210, 6, 0, 0, 0}, null));
        assertEquals(" = 6", strace.result(write, 6, 0));
        assertEquals(" = -1 errno=2 (No such file or directory)", strace.result(write, -2, 2));
        Syscall mmap = table.get(9);
        assertEquals("mmap(NULL,8192,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0x0)",
                strace.call(mmap, new long[] {0, 8192, 3, 0x22, -1, 0}, null));
        assertEquals(" = 0x00007f0000000000", strace.result(mmap, 0x7f00_0000_0000L, 0));
        assertEquals('X', table.get(231).result(), "exit_group ends the process: traced before it runs");
        assertEquals('!', table.get(60).result());
        assertEquals("openat(AT_FDCWD,NULL,O_WRONLY|O_CREAT|O_CLOEXEC,0644)",
                strace.call(table.get(257), new long[] {-100, 0, 01 | 0100 | 02000000, 0644, 0, 0}, null));
    }
}
