package io.pico.posix.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The personality parameters: signal sets and tables, open flag translation, error names. */
class SignalsAndFlagsTest {

    static final SignalTable TABLE = new SignalTable(List.of(
            SignalTable.signal(2, "INT", "Interrupt", SignalTable.Action.TERMINATE),
            SignalTable.signal(9, "KILL", "Killed", SignalTable.Action.TERMINATE),
            SignalTable.signal(17, "STOP", "Stopped", SignalTable.Action.STOP),
            SignalTable.signal(20, "CHLD", "Child exited", SignalTable.Action.IGNORE)), 65, 126,
            Map.of("CLD", "CHLD"));

    @Test
    void sigSetsHold128Signals() {
        SigSet s = SigSet.EMPTY.with(1).with(64).with(65).with(128);
        assertTrue(s.contains(1) && s.contains(64) && s.contains(65) && s.contains(128));
        assertFalse(s.contains(2) || s.contains(0) || s.contains(129));
        assertEquals(1, s.first());
        assertEquals(65, s.without(1).without(64).first());
        assertEquals(s, SigSet.ofWords(s.word(0), s.word(1), s.word(2), s.word(3)));
        assertEquals(0x8000_0000, s.word(1));
        assertTrue(s.andNot(s).isEmpty());
    }

    @Test
    void signalNamesParseInEveryUsualSpelling() {
        assertEquals(2, TABLE.parse("INT"));
        assertEquals(2, TABLE.parse("sigint"));
        assertEquals(2, TABLE.parse("2"));
        assertEquals(20, TABLE.parse("CLD"));
        assertEquals(65, TABLE.parse("RTMIN"));
        assertEquals(68, TABLE.parse("SIGRTMIN+3"));
        assertEquals(124, TABLE.parse("RTMAX-2"));
        assertThrows(IllegalArgumentException.class, () -> TABLE.parse("3"));
        assertThrows(IllegalArgumentException.class, () -> TABLE.parse("NOPE"));
        assertEquals("RTMIN+1", TABLE.name(66));
        assertEquals(SignalTable.Action.IGNORE, TABLE.defaultAction(20));
        assertEquals(SignalTable.Action.TERMINATE, TABLE.defaultAction(70));
        assertEquals(126, TABLE.max());
    }

    @Test
    void openFlagsTranslateBothWays() {
        int freebsd = 0x2 | 0x200 | 0x400 | 0x8 | 0x100000; // O_RDWR|O_CREAT|O_TRUNC|O_APPEND|O_CLOEXEC
        int core = OpenFlags.FREEBSD.toCore(freebsd);
        assertEquals(OpenFile.READ | OpenFile.WRITE | OpenFile.CREAT | OpenFile.TRUNC | OpenFile.APPEND
                | OpenFile.CLOEXEC, core);
        assertEquals(freebsd, OpenFlags.FREEBSD.toGuest(core));
        assertEquals(02 | 0100 | 01000 | 02000 | 02000000, OpenFlags.LINUX.toGuest(core));
        assertEquals(OpenFile.WRITE, OpenFlags.LINUX.toCore(1));
        assertEquals(OpenFile.READ, OpenFlags.FREEBSD.toCore(0));
        assertEquals(OpenFile.READ | OpenFile.NONBLOCK, OpenFlags.FREEBSD.toCore(0x4));
    }

    @Test
    void errorsNameThemselvesAndComeFromHostExceptions() {
        assertEquals("No such file or directory", Errno.ENOENT.text());
        assertEquals(Errno.ENOENT, Errno.of(new java.nio.file.NoSuchFileException("x")));
        assertEquals(Errno.EPIPE, Errno.of(new java.io.IOException("EPIPE")));
        assertEquals(Errno.EIO, Errno.of(new java.io.IOException("something else")));
        Abi abi = new Abi() {
            @Override
            public String personality() {
                return "test";
            }

            @Override
            public int errno(Errno e) {
                return e.ordinal() + 1000;
            }

            @Override
            public SignalTable signals() {
                return TABLE;
            }

            @Override
            public OpenFlags openFlags() {
                return OpenFlags.LINUX;
            }
        };
        assertEquals(Errno.ENOENT.ordinal() + 1000, new SysError(Errno.ENOENT).number(abi));
        assertEquals(77, SysError.raw(77).number(abi));
        assertEquals("EBADF", abi.errnoName(Errno.EBADF.ordinal() + 1000));
    }
}
