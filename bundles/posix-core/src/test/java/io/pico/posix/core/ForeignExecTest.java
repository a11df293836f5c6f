package io.pico.posix.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pico.api.ExitStatus;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a foreign exec translates: the environment for the child, the child's status back; the stand-in's code. */
class ForeignExecTest {

    private static final SignalTable LINUX = new SignalTable(List.of(
            SignalTable.signal(7, "BUS", "Bus error", SignalTable.Action.CORE),
            SignalTable.signal(9, "KILL", "Killed", SignalTable.Action.TERMINATE),
            SignalTable.signal(10, "USR1", "User defined signal 1", SignalTable.Action.TERMINATE),
            SignalTable.signal(11, "SEGV", "Segmentation fault", SignalTable.Action.CORE)), 34, 64, Map.of());
    private static final SignalTable FREEBSD = new SignalTable(List.of(
            SignalTable.signal(7, "EMT", "EMT trap", SignalTable.Action.CORE),
            SignalTable.signal(9, "KILL", "Killed", SignalTable.Action.TERMINATE),
            SignalTable.signal(10, "BUS", "Bus error", SignalTable.Action.CORE),
            SignalTable.signal(11, "SEGV", "Segmentation fault", SignalTable.Action.CORE),
            SignalTable.signal(30, "USR1", "User defined signal 1", SignalTable.Action.TERMINATE)), 65, 126,
            Map.of());

    @Test
    void pathBecomesOs2TermsForAnOs2ChildOnly() {
        List<String> env = List.of("HOME=/root", "PATH=/bin:/usr/bin:relative", "EMPTY=", "HOME=/second");
        assertEquals(Map.of("HOME", "/root", "PATH", "C:\\bin;C:\\usr\\bin", "EMPTY", ""),
                ForeignExec.environment(env, "os2"));
        assertEquals("/bin:/usr/bin:relative", ForeignExec.environment(env, "posix").get("PATH"));
        assertEquals(List.of("HOME", "PATH", "EMPTY"), List.copyOf(ForeignExec.environment(env, "os2").keySet()));
    }

    @Test
    void aChildsStatusInLinuxTerms() {
        assertEquals(ExitStatus.exited(3), ForeignExec.status(ExitStatus.exited(3), LINUX));
        assertEquals(ExitStatus.signalled(9, "x"), ForeignExec.status(ExitStatus.signalled(9, "x"), LINUX));
        assertEquals(ExitStatus.signalled(11, "trap"), ForeignExec.status(ExitStatus.signalled(11, "trap"), LINUX));
        assertEquals(ExitStatus.signalled(7, ""), ForeignExec.status(ExitStatus.signalled(7, ""), LINUX));
        // FreeBSD's SIGUSR1 is 30, Linux's 10: not passed on as a Linux signal, but as a shell shows it
        assertEquals(ExitStatus.exited(158), ForeignExec.status(ExitStatus.signalled(30, ""), LINUX));
    }

    @Test
    void aChildsStatusInFreeBsdTermsByTheSignalsName() {
        assertEquals(ExitStatus.exited(0), ForeignExec.status(ExitStatus.exited(0), FREEBSD));
        assertEquals(ExitStatus.signalled(9, ""), ForeignExec.status(ExitStatus.signalled(9, ""), FREEBSD));
        // a child's SIGBUS (7 as Linux numbers it) is FreeBSD's 10, its SIGUSR1 (10) FreeBSD's 30
        assertEquals(ExitStatus.signalled(10, "b"), ForeignExec.status(ExitStatus.signalled(7, "b"), FREEBSD));
        assertEquals(ExitStatus.signalled(30, ""), ForeignExec.status(ExitStatus.signalled(10, ""), FREEBSD));
        // a name the table lacks: as a shell shows it
        assertEquals(ExitStatus.exited(141), ForeignExec.status(ExitStatus.signalled(13, ""), FREEBSD));
    }

    @Test
    void theStandInsCodeCarriesTheAbisNumbers() {
        // nasm's bytes of the program in StandIn's documentation with FreeBSD's read 3, getpid 20, kill 37, exit 1
        assertEquals("b803000000bf0a000000be00100100ba080000000f054883f80875e48b34250410010085f67410b8140000000f0589c7"
                + "b8250000000f058b3c2500100100b8010000000f05ebb9",
                HexFormat.of().formatHex(StandIn.code(10, new ForeignExec.StandInCalls(3, 20, 37, 1))));
    }
}
