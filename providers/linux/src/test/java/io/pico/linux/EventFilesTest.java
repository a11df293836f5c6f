package io.pico.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pico.posix.core.SysError;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** eventfd counters and epoll interest lists, and their hot-swap round trip. */
class EventFilesTest {

    private static byte[] value(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static long value(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The Linux errno a special file's call fails with (the core's errors, numbered by Linux's ABI). */
    private static int failure(org.junit.jupiter.api.function.Executable call) {
        return LinuxAbi.errno(assertThrows(SysError.class, call));
    }

    @Test
    void eventfdCountsAndDrains() throws Exception {
        EventFd e = new EventFd(0, false);
        byte[] buf = new byte[8];
        assertEquals(Errno.EAGAIN, failure(() -> e.read(buf, 8, true)));
        assertEquals(4, e.poll(), "writable, not readable");
        assertEquals(8, e.write(value(2), 8, true));
        assertEquals(8, e.write(value(3), 8, true));
        assertEquals(5, e.poll(), "readable and writable");
        assertEquals(8, e.read(buf, 8, true));
        assertEquals(5, value(buf));
        assertEquals(Errno.EAGAIN, failure(() -> e.read(buf, 8, true)));
        assertEquals(Errno.EINVAL, failure(() -> e.read(buf, 4, true)), "reads need 8 bytes");
        assertEquals(Errno.EINVAL, failure(() -> e.write(value(-1), 8, true)));
    }

    @Test
    void eventfdSemaphoreAndOverflow() throws Exception {
        EventFd e = new EventFd(2, true);
        byte[] buf = new byte[8];
        assertEquals(8, e.read(buf, 8, true));
        assertEquals(1, value(buf));
        assertEquals(8, e.read(buf, 8, true));
        assertEquals(Errno.EAGAIN, failure(() -> e.read(buf, 8, true)));
        EventFd full = new EventFd(0xffff_ffff_ffff_fffeL, false);
        assertEquals(Errno.EAGAIN, failure(() -> full.write(value(1), 8, true)), "the counter stops below 2^64-1");
        EventFd copy = EventFd.restore(new EventFd(7, true).export());
        assertEquals(8, copy.read(buf, 8, true));
        assertEquals(1, value(buf), "semaphore mode survives the round trip");
    }

    @Test
    void epollInterestList() {
        Epoll ep = new Epoll();
        assertEquals(0, ep.control(1, 5, 1, 42));
        assertEquals(-Errno.EEXIST, ep.control(1, 5, 1, 42));
        assertEquals(-Errno.ENOENT, ep.control(3, 6, 1, 0));
        assertEquals(0, ep.control(3, 5, 4 | Epoll.ONESHOT, 43));
        ep.disarm(5);
        assertEquals(List.of(new Epoll.Interest(5, 0, 43)), ep.interests(), "one-shot disarmed, data kept");
        assertEquals(0, ep.control(1, 9, 1, 99));
        Epoll copy = Epoll.restore(ep.export());
        assertEquals(ep.interests(), copy.interests());
        assertEquals(0, copy.control(2, 9, 0, 0));
        assertEquals(-Errno.ENOENT, copy.control(2, 9, 0, 0));
        assertEquals(-Errno.EINVAL, copy.control(7, 1, 0, 0));
    }
}
