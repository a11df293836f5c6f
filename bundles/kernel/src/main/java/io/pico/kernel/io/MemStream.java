package io.pico.kernel.io;

import io.pico.api.PassedObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * One direction of a local stream connection between pico processes: bytes in chunks, each chunk as one
 * write left it, so that kernel objects passed along stay with the first byte they were sent with and a
 * read never runs from one such message into the next.
 */
final class MemStream {

    /** Bytes in flight before a writer waits, as Linux's default local socket buffer. */
    static final int CAPACITY = 212992;

    private static final class Chunk {
        final byte[] data;
        int offset;
        List<PassedObject> objects;

        Chunk(byte[] data, List<PassedObject> objects) {
            this.data = data;
            this.objects = objects;
        }
    }

    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private int count;
    private boolean writerOpen = true;
    private boolean readerOpen = true;

    /** Appends what fits: the bytes written, 0 when full; EPIPE when either end is shut. */
    int write(ByteBuffer src, List<PassedObject> objects) throws IOException {
        int n;
        synchronized (this) {
            if (!readerOpen || !writerOpen) {
                throw Net.error("EPIPE");
            }
            n = Math.min(CAPACITY - count, src.remaining());
            if (n <= 0) {
                return 0;
            }
            byte[] data = new byte[n];
            src.get(data);
            chunks.add(new Chunk(data, objects));
            count += n;
        }
        IoEvents.changed();
        return n;
    }

    /** Reads what is there: bytes read, 0 when nothing is there yet, -1 at the end. */
    int read(ByteBuffer dst, boolean peek, List<PassedObject> objects) {
        int total = 0;
        boolean changed = false;
        synchronized (this) {
            if (!readerOpen) {
                return -1;
            }
            if (chunks.isEmpty()) {
                return writerOpen ? 0 : -1;
            }
            boolean first = true;
            for (Iterator<Chunk> it = chunks.iterator(); it.hasNext() && dst.hasRemaining();) {
                Chunk c = it.next();
                if (c.objects != null) {
                    if (!first) {
                        break; // passed objects start a message of their own
                    }
                    if (!peek) {
                        if (objects != null) {
                            objects.addAll(c.objects);
                        } else {
                            KSocket.release(c.objects);
                        }
                        c.objects = null;
                    }
                }
                first = false;
                int n = Math.min(c.data.length - c.offset, dst.remaining());
                dst.put(c.data, c.offset, n);
                total += n;
                if (!peek) {
                    c.offset += n;
                    count -= n;
                    changed = true;
                    if (c.offset == c.data.length) {
                        it.remove();
                    }
                }
            }
        }
        if (changed) {
            IoEvents.changed();
        }
        return total;
    }

    synchronized boolean readReady() {
        return count > 0 || !writerOpen || !readerOpen;
    }

    synchronized boolean writeReady() {
        return count < CAPACITY || !readerOpen || !writerOpen;
    }

    synchronized int available() {
        return count;
    }

    /** The reader is gone: writes fail with EPIPE, objects in flight are released. */
    void closeReader() {
        synchronized (this) {
            readerOpen = false;
            for (Chunk c : chunks) {
                KSocket.release(c.objects);
            }
            chunks.clear();
            count = 0;
        }
        IoEvents.changed();
    }

    /** The writer is done: the reader reads the end after what is left. */
    void closeWriter() {
        synchronized (this) {
            writerOpen = false;
        }
        IoEvents.changed();
    }
}
