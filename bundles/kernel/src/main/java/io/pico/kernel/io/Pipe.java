package io.pico.kernel.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A kernel pipe: a bounded buffer with a reading and a writing end. Reads block while it is empty and a
 * writer is left; writes block while it is full and fail with {@code EPIPE} once no reader is left.
 */
public final class Pipe {

    /** Capacity, as Linux's default pipe buffer. */
    public static final int CAPACITY = 65536;

    private final byte[] buffer = new byte[CAPACITY];
    private int head;
    private int count;
    private boolean readerOpen = true;
    private boolean writerOpen = true;

    private final End reader = new End(true);
    private final End writer = new End(false);

    /** The reading end. */
    public End reader() {
        return reader;
    }

    /** The writing end. */
    public End writer() {
        return writer;
    }

    private synchronized int read(ByteBuffer dst) throws InterruptedException {
        while (count == 0 && writerOpen) {
            wait();
        }
        if (count == 0) {
            return -1;
        }
        int n = Math.min(count, dst.remaining());
        int first = Math.min(n, CAPACITY - head);
        dst.put(buffer, head, first);
        dst.put(buffer, 0, n - first);
        head = (head + n) % CAPACITY;
        count -= n;
        notifyAll();
        IoEvents.changed();
        return n;
    }

    private synchronized int write(ByteBuffer src) throws IOException, InterruptedException {
        int written = 0;
        while (src.hasRemaining()) {
            while (count == CAPACITY && readerOpen) {
                wait();
            }
            if (!readerOpen) {
                if (written > 0) {
                    return written;
                }
                throw new IOException("EPIPE");
            }
            int tail = (head + count) % CAPACITY;
            int n = Math.min(src.remaining(), CAPACITY - count);
            int first = Math.min(n, CAPACITY - tail);
            src.get(buffer, tail, first);
            src.get(buffer, 0, n - first);
            count += n;
            written += n;
            notifyAll();
            IoEvents.changed();
        }
        return written;
    }

    private synchronized void close(boolean readEnd) {
        if (readEnd) {
            readerOpen = false;
        } else {
            writerOpen = false;
        }
        notifyAll();
        IoEvents.changed();
    }

    /** One end of the pipe. */
    public final class End extends RefCounted {
        private final boolean readEnd;

        End(boolean readEnd) {
            this.readEnd = readEnd;
        }

        @Override
        public String kind() {
            return "pipe";
        }

        @Override
        public int read(ByteBuffer dst) throws IOException, InterruptedException {
            if (!readEnd) {
                throw new IOException("EBADF");
            }
            return dst.hasRemaining() ? Pipe.this.read(dst) : 0;
        }

        @Override
        public int write(ByteBuffer src) throws IOException, InterruptedException {
            if (readEnd) {
                throw new IOException("EBADF");
            }
            return Pipe.this.write(src);
        }

        @Override
        public int available() {
            synchronized (Pipe.this) {
                return count;
            }
        }

        @Override
        public boolean readable() {
            synchronized (Pipe.this) {
                return count > 0 || !writerOpen;
            }
        }

        @Override
        public boolean writable() {
            synchronized (Pipe.this) {
                return count < CAPACITY || !readerOpen;
            }
        }

        @Override
        protected void closed() {
            close(readEnd);
        }
    }
}
