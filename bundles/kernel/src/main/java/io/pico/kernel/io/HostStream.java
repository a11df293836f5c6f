package io.pico.kernel.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A host byte stream as a kernel object: the runtime's own standard input, output or error, or a
 * shell session's streams. Closing the kernel object never closes the host stream. Reading goes through
 * a pump thread into a kernel pipe, started on the first read, so that a guest blocked reading its input
 * can be interrupted by a signal.
 */
public final class HostStream extends RefCounted {

    private final InputStream in;
    private final OutputStream out;
    private final boolean terminal;
    private Pipe pump;
    /** The descriptor of a host file stream ({@code FileOutputStream}): direct buffers are written with one host write. */
    private final java.io.FileDescriptor outFd;

    /** A stream reading from {@code in} and/or writing to {@code out} (either may be null). */
    public HostStream(InputStream in, OutputStream out, boolean terminal) {
        this.in = in;
        this.out = out;
        this.terminal = terminal;
        java.io.FileDescriptor fd = null;
        if (HostFile.DIRECT && out instanceof java.io.FileOutputStream f) {
            try {
                fd = f.getFD();
            } catch (IOException e) {
                fd = null;
            }
        }
        this.outFd = fd;
    }

    @Override
    public String kind() {
        return terminal ? "tty" : "stream";
    }

    @Override
    public int read(ByteBuffer dst) throws IOException, InterruptedException {
        if (in == null) {
            throw new IOException("EBADF");
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        Pipe p = pump();
        int n = p.reader().read(dst);
        if (n < 0 && terminal) {
            // end of input on a terminal (^D) ends this read only, as a terminal does: the next read starts a
            // new pump and waits for more
            synchronized (this) {
                if (pump == p) {
                    pump = null;
                    p.reader().release();
                }
            }
        }
        return n;
    }

    private synchronized Pipe pump() {
        if (pump == null) {
            Pipe pipe = new Pipe();
            pump = pipe;
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        pipe.writer().write(java.nio.ByteBuffer.wrap(buf, 0, n));
                    }
                } catch (IOException | InterruptedException e) {
                    // the host stream or the guest side is gone: end of input
                } finally {
                    pipe.writer().release();
                }
            }, "pico-stdin-pump");
            t.setDaemon(true);
            t.start();
        }
        return pump;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (out == null) {
            throw new IOException("EBADF");
        }
        if (outFd != null && src.isDirect()) {
            // read per write: -1 once the stream is closed (then the copying path reports it as before)
            int fd = io.pico.unicorn.HostMemory.descriptor(outFd);
            if (fd >= 0) {
                return io.pico.unicorn.HostMemory.write(fd, src, -1);
            }
        }
        int n = src.remaining();
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), n);
            src.position(src.limit());
        } else {
            byte[] buf = new byte[n];
            src.get(buf);
            out.write(buf);
        }
        out.flush();
        return n;
    }

    @Override
    public int available() throws IOException {
        return in == null ? 0 : pump().reader().available();
    }

    @Override
    public boolean readable() {
        return in == null || pump().reader().readable();
    }

    @Override
    public boolean isTerminal() {
        return terminal;
    }

    @Override
    protected void closed() {
        synchronized (this) {
            if (pump != null) {
                pump.reader().release();
            }
        }
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                // the host stream is gone; nothing left to flush to
            }
        }
    }
}
