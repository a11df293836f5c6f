package io.pico.posix.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.CallInfo;
import io.pico.api.Support;
import io.pico.posix.core.sys.Syscall;
import io.pico.posix.core.sys.SyscallTable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The FreeBSD system call table as data: numbers, names, support levels and notes. */
class TableTest {

    private final SyscallTable<io.pico.posix.core.Call> table = Table.create();

    @Test
    void theCallsLibcStartUpAndStdioNeedAreImplementedUnderTheirFreeBsdNumbers() {
        String[][] expected = {{"1", "exit"}, {"2", "fork"}, {"3", "read"}, {"4", "write"}, {"6", "close"},
            {"7", "wait4"}, {"59", "execve"}, {"165", "sysarch"}, {"202", "__sysctl"}, {"253", "issetugid"},
            {"340", "sigprocmask"}, {"416", "sigaction"}, {"417", "sigreturn"}, {"432", "thr_self"},
            {"454", "_umtx_op"}, {"455", "thr_new"}, {"477", "mmap"}, {"499", "openat"}, {"542", "pipe2"},
            {"551", "fstat"}, {"552", "fstatat"}, {"554", "getdirentries"}, {"570", "__sysctlbyname"}};
        for (String[] e : expected) {
            Syscall s = table.get(Integer.parseInt(e[0]));
            assertNotNull(s, e[1]);
            assertEquals(e[1], s.name());
            assertNotNull(s.handler(), e[1] + " has a handler");
        }
    }

    @Test
    void everyRowIsConsistent() {
        List<CallInfo> calls = table.calls();
        Set<String> names = new HashSet<>();
        for (CallInfo c : calls) {
            assertEquals("syscall", c.table());
            assertFalse(c.name().isEmpty());
            Syscall s = table.get(c.number());
            assertEquals(c.support() == Support.MISSING, s.handler() == null, c::toString);
            if (c.support() == Support.PARTIAL) {
                assertFalse(c.note().isEmpty(), () -> c.name() + " says what it covers");
            }
            if (!c.name().startsWith("lkm")) {
                assertTrue(names.add(c.name()), () -> "one row per name: " + c.name());
            }
        }
        long implemented = calls.stream().filter(c -> c.support() != Support.MISSING).count();
        assertTrue(implemented >= 180, "implemented: " + implemented);
        assertEquals(null, table.get(11), "obsolete numbers have no row");
    }

    @Test
    void namesAndNumbersMatchFreeBsd() {
        assertEquals(78, io.pico.posix.FreeBsdAbi.INSTANCE.errno(io.pico.posix.core.Errno.ENOSYS));
        assertEquals(35, io.pico.posix.FreeBsdAbi.INSTANCE.errno(io.pico.posix.core.Errno.EAGAIN));
        assertEquals(551, SyscallNames.number("fstat"));
        assertEquals("freebsd11_fstat", SyscallNames.name(189));
        assertEquals(30, io.pico.posix.FreeBsdAbi.INSTANCE.signals().parse("USR1"));
        assertEquals(20, io.pico.posix.FreeBsdAbi.INSTANCE.signals().parse("SIGCHLD"));
    }

    @Test
    void tracesInTheCoresFormatWithFreeBsdLetters() {
        assertEquals("openat(AT_FDCWD,NULL,O_WRONLY|O_CREAT|O_CLOEXEC,0644)",
                table.strace().call(table.get(499), new long[] {-100, 0, 0x1 | 0x200 | 0x100000, 0644, 0, 0}, null));
        assertEquals(" = -1 errno=2 (No such file or directory)", table.strace().result(table.get(499), 0, 2));
        assertEquals('X', table.get(1).result(), "exit ends the process: traced before it runs");
        assertEquals('!', table.get(431).result(), "thr_exit ends a thread only");
    }
}
