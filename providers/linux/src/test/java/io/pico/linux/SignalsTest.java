package io.pico.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Signal names as pico:kill accepts them. */
class SignalsTest {

    @Test
    void namesNumbersAndPrefixes() {
        assertEquals(2, Signals.parse("INT"));
        assertEquals(2, Signals.parse("SIGINT"));
        assertEquals(2, Signals.parse("int"));
        assertEquals(2, Signals.parse("2"));
        assertEquals(15, Signals.parse("sigterm"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(6, Signals.parse("IOT"));
        assertEquals(34, Signals.parse("RTMIN"));
        assertEquals(36, Signals.parse("SIGRTMIN+2"));
        assertEquals(64, Signals.parse("RTMAX"));
        assertEquals(60, Signals.parse("RTMAX-4"));
        assertEquals(64, Signals.parse("64"));
        assertEquals(17, Signals.parse("CLD"));
        assertEquals(29, Signals.parse("POLL"));
        assertEquals(31, Signals.parse("UNUSED"));
    }

    @Test
    void unknownSignals() {
        for (String bad : new String[] {"FOO", "0", "65", "32", "", "SIG", "RTMIN+99", "-1", "99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse(bad), bad);
            assertEquals("unknown signal " + bad, e.getMessage());
        }
    }

    @Test
    void textsAndDefaults() {
        assertEquals("Segmentation fault", Signals.text(11));
        assertEquals("Killed", Signals.text(9));
        assertEquals("SEGV", Signals.name(11));
        assertEquals(Signals.Action.IGNORE, Signals.defaultAction(Signals.SIGCHLD));
        assertEquals(Signals.Action.IGNORE, Signals.defaultAction(28));
        assertEquals(Signals.Action.STOP, Signals.defaultAction(Signals.SIGSTOP));
        assertEquals(Signals.Action.CORE, Signals.defaultAction(Signals.SIGSEGV));
        assertEquals(Signals.Action.TERMINATE, Signals.defaultAction(Signals.SIGTERM));
        assertEquals(Signals.Action.TERMINATE, Signals.defaultAction(40));
    }
}
