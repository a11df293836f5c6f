package io.pico.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.posix.core.OpenFile;
import org.junit.jupiter.api.Test;

/** Linux's numbers for the POSIX core: every core error has its Linux errno, open flags translate both ways. */
class LinuxAbiTest {

    @Test
    void everyCoreErrorHasItsLinuxNumber() {
        for (io.pico.posix.core.Errno e : io.pico.posix.core.Errno.values()) {
            int n = LinuxAbi.INSTANCE.errno(e);
            assertEquals(e.name(), Errno.name(n), "the Linux number of " + e);
        }
        assertEquals(Errno.EBADF, LinuxAbi.errno(io.pico.posix.core.Errno.EBADF.error()));
        assertEquals(Errno.EAGAIN, LinuxAbi.errno(io.pico.posix.core.Errno.EAGAIN.error()));
        assertEquals(Errno.EMFILE, LinuxAbi.errno(io.pico.posix.core.Errno.EMFILE.error()));
    }

    @Test
    void openFlagsTranslateToTheCoreAndBack() {
        int core = LinuxAbi.core(LinuxAbi.O_RDWR | LinuxAbi.O_APPEND | LinuxAbi.O_NONBLOCK | LinuxAbi.O_CLOEXEC);
        assertEquals(OpenFile.READ | OpenFile.WRITE | OpenFile.APPEND | OpenFile.NONBLOCK | OpenFile.CLOEXEC, core);
        OpenFile f = OpenFile.pathOnly(null, "/x", null, false, core);
        assertTrue(f.readable() && f.writable() && f.nonblocking());
        assertEquals(LinuxAbi.O_RDWR | LinuxAbi.O_APPEND | LinuxAbi.O_NONBLOCK, LinuxAbi.guest(f.flags()),
                "F_GETFL: the open-only O_CLOEXEC is gone");
        assertEquals(LinuxAbi.O_RDONLY, LinuxAbi.guest(LinuxAbi.core(LinuxAbi.O_RDONLY)) & LinuxAbi.O_ACCMODE);
        assertEquals(LinuxAbi.O_WRONLY, LinuxAbi.guest(LinuxAbi.core(LinuxAbi.O_WRONLY)));
        OpenFile path = OpenFile.pathOnly(null, "/x", null, false, LinuxAbi.core(LinuxAbi.O_PATH));
        assertFalse(path.readable() || path.writable(), "an O_PATH descriptor transfers nothing");
        assertEquals(LinuxAbi.O_PATH, LinuxAbi.guest(path.flags()));
    }

    @Test
    void signalsAreLinuxs() {
        assertEquals(9, LinuxAbi.INSTANCE.signals().number("KILL"));
        assertEquals(17, LinuxAbi.INSTANCE.signals().number("CHLD"));
        assertEquals(Signals.SIGRTMIN, LinuxAbi.INSTANCE.signals().rtMin());
    }
}
