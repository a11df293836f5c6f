package io.pico.linux.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pico.api.ExitStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the Linux side of a foreign exec translates: the environment for the child, the child's status back. */
class ForeignExecTest {

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
        assertEquals(ExitStatus.exited(3), ForeignExec.linuxStatus(ExitStatus.exited(3)));
        assertEquals(ExitStatus.signalled(9, "x"), ForeignExec.linuxStatus(ExitStatus.signalled(9, "x")));
        assertEquals(ExitStatus.signalled(11, "trap"), ForeignExec.linuxStatus(ExitStatus.signalled(11, "trap")));
        // FreeBSD's SIGUSR1 is 30, Linux's 10: not passed on as a Linux signal, but as a shell shows it
        assertEquals(ExitStatus.exited(158), ForeignExec.linuxStatus(ExitStatus.signalled(30, "")));
    }
}
