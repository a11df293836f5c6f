package io.pico.linux;

import io.pico.posix.core.SpecialFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/** An eventfd: a 64-bit counter that write adds to and read takes (all of it, or one in semaphore mode). */
public final class EventFd implements SpecialFile {

    private static final long MAX = 0xffff_ffff_ffff_fffeL;
    private final boolean semaphore;
    private long counter;

    /** A counter with the initial value. */
    public EventFd(long initial, boolean semaphore) {
        this.counter = initial;
        this.semaphore = semaphore;
    }

    /** An eventfd from its exported state. */
    public static EventFd restore(Map<String, Object> m) {
        return new EventFd(((Number) m.get("counter")).longValue(), Boolean.TRUE.equals(m.get("semaphore")));
    }

    @Override
    public String kind() {
        return "eventfd";
    }

    @Override
    public synchronized int read(byte[] buf, int count, boolean nonblock) throws InterruptedException {
        if (count < 8) {
            throw io.pico.posix.core.Errno.EINVAL.error();
        }
        while (counter == 0) {
            if (nonblock) {
                throw io.pico.posix.core.Errno.EAGAIN.error();
            }
            wait();
        }
        long value = semaphore ? 1 : counter;
        counter -= value;
        ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        notifyAll();
        return 8;
    }

    @Override
    public synchronized int write(byte[] buf, int count, boolean nonblock) throws InterruptedException {
        if (count < 8) {
            throw io.pico.posix.core.Errno.EINVAL.error();
        }
        long value = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (value == -1L) {
            throw io.pico.posix.core.Errno.EINVAL.error();
        }
        while (Long.compareUnsigned(value, MAX - counter) > 0) {
            if (nonblock) {
                throw io.pico.posix.core.Errno.EAGAIN.error();
            }
            wait();
        }
        counter += value;
        notifyAll();
        return 8;
    }

    @Override
    public synchronized int poll() {
        return (counter != 0 ? 1 : 0) | (Long.compareUnsigned(counter, MAX) < 0 ? 4 : 0);
    }

    @Override
    public synchronized Map<String, Object> export() {
        return Map.of("kind", kind(), "counter", counter, "semaphore", semaphore);
    }
}
