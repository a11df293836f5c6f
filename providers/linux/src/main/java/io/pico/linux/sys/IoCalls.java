package io.pico.linux.sys;

import io.pico.linux.LinuxAbi;
import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.posix.core.OpenFile;
import io.pico.linux.SignalDelivery;
import io.pico.linux.Signals;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Data transfer on descriptors: read, write, pread64, pwrite64, and the helpers the other transfers share. */
final class IoCalls {

    /** Linux's largest single transfer. */
    static final int MAX_RW = 0x7fff_f000;
    /** The most bytes moved per host call. */
    static final int CHUNK = 1 << 20;

    private IoCalls() {
    }

    static void register(SyscallTable t) {
        t.full(0, "dpu", c -> read(c, c.intArg(0), c.arg(1), c.sizeArg(2, MAX_RW), -1));
        t.full(1, "dpu", c -> write(c, c.intArg(0), c.arg(1), c.sizeArg(2, MAX_RW), -1));
        t.full(17, "dpul", c -> read(c, c.intArg(0), c.arg(1), c.sizeArg(2, MAX_RW), position(c.arg(3))));
        t.full(18, "dpul", c -> write(c, c.intArg(0), c.arg(1), c.sizeArg(2, MAX_RW), position(c.arg(3))));
    }

    static long position(long p) {
        if (p < 0) {
            throw Errno.error(Errno.EINVAL);
        }
        return p;
    }

    /** Whether a description has a position: a host file or a synthetic file. */
    static boolean seekable(OpenFile f) {
        return f.content() != null || (f.io() != null && f.io().kind().equals("file"));
    }

    static OpenFile readable(Call c, int fd) {
        OpenFile f = c.state().fds().get(fd);
        if (!f.readable()) {
            throw Errno.error(Errno.EBADF);
        }
        if (f.directory()) {
            throw Errno.error(Errno.EISDIR);
        }
        if (f.io() != null && f.io().isTerminal()) {
            backgroundRead(c, f.io());
        }
        return f;
    }

    /**
     * Job control: a process of a background group reading its controlling terminal stops its group with
     * SIGTTIN (the read runs again once it is continued); with SIGTTIN ignored or blocked the read fails EIO.
     */
    private static void backgroundRead(Call c, io.pico.api.IoObject terminal) {
        io.pico.linux.LinuxProcess lp = c.state();
        if (lp.ctty() == null) {
            return;
        }
        io.pico.linux.Tty tty = io.pico.linux.Tty.of(terminal);
        if (io.pico.linux.Tty.of(lp.ctty()) != tty || tty.foreground() == 0 || tty.foreground() == lp.pgid()) {
            return;
        }
        int ttin = 21;
        io.pico.linux.LinuxProcess.SigAction a = lp.sigaction(ttin);
        if (a.handler() == io.pico.linux.LinuxProcess.SigAction.SIG_IGN
                || (c.threadState().sigmask() & io.pico.linux.SignalQueue.bit(ttin)) != 0) {
            throw Errno.error(Errno.EIO);
        }
        for (io.pico.api.PicoProcess p : SignalCalls.group(c, lp.pgid())) {
            SignalDelivery.send(c.kernel(), p, io.pico.linux.SigInfo.kernel(ttin), null);
        }
        throw Errno.error(Errno.EINTR);
    }

    static OpenFile writable(Call c, int fd) {
        OpenFile f = c.state().fds().get(fd);
        if (!f.writable()) {
            throw Errno.error(Errno.EBADF);
        }
        return f;
    }

    /** Reads up to {@code count} bytes into a host array: from a file until full, from a stream once. */
    static int readInto(OpenFile f, byte[] buf, int count, long pos) throws IOException, InterruptedException {
        if (f.special() != null) {
            int n = f.special().read(buf, count, f.nonblocking());
            if (n < 0) {
                throw Errno.error(-n);
            }
            return n;
        }
        byte[] content = f.content();
        if (content != null) {
            synchronized (f) {
                long at = pos < 0 ? f.position() : pos;
                int n = (int) Math.max(0, Math.min(count, content.length - at));
                if (n > 0) {
                    System.arraycopy(content, (int) at, buf, 0, n);
                }
                if (pos < 0) {
                    f.position(at + n);
                }
                return n;
            }
        }
        IoObject io = f.io();
        if (f.nonblocking() && !io.readable()) {
            throw Errno.error(Errno.EAGAIN);
        }
        boolean file = io.kind().equals("file");
        int total = 0;
        while (total < count) {
            ByteBuffer bb = ByteBuffer.wrap(buf, total, count - total);
            int n = pos < 0 ? io.read(bb) : io.read(bb, pos + total);
            if (n <= 0) {
                break;
            }
            total += n;
            if (!file) {
                break;
            }
        }
        return total;
    }

    /** Implements Linux read(2) and pread64(2). */
    static long read(Call c, int fd, long address, int count, long pos) throws IOException, InterruptedException {
        OpenFile f = readable(c, fd);
        if (count == 0) {
            return 0;
        }
        if (pos >= 0 && !seekable(f)) {
            return -Errno.ESPIPE;
        }
        if (!c.mem().isMapped(address, count)) {
            return -Errno.EFAULT;
        }
        // files are read until the buffer is full; streams give what they have, at most a pipe's worth
        byte[] buf = new byte[Math.min(count, seekable(f) ? CHUNK * 16 : 65536)];
        int n = readInto(f, buf, buf.length, pos);
        c.mem().write(address, buf, 0, n);
        return n;
    }

    /** Writes host bytes to a description; EPIPE also raises SIGPIPE, as on Linux. */
    static long writeFrom(Call c, OpenFile f, byte[] buf, int length, long pos) throws IOException,
            InterruptedException {
        if (f.special() != null) {
            return f.special().write(buf, length, f.nonblocking());
        }
        if (f.content() != null) {
            return -Errno.EBADF;
        }
        IoObject io = f.io();
        if (f.nonblocking() && !io.writable()) {
            return -Errno.EAGAIN;
        }
        try {
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, length);
            if (pos >= 0) {
                int total = 0;
                while (bb.hasRemaining()) {
                    total += io.write(bb, pos + total);
                }
                return total;
            }
            return io.write(bb);
        } catch (IOException e) {
            if (Errno.of(e) == Errno.EPIPE) {
                // as on Linux the writer gets SIGPIPE; like shells, its end is not announced
                SignalDelivery.raise(c.kernel(), c.process(), Signals.SIGPIPE, "");
                return -Errno.EPIPE;
            }
            throw e;
        }
    }

    /** Implements Linux write(2) and pwrite64(2). */
    static long write(Call c, int fd, long address, int count, long pos) throws IOException, InterruptedException {
        OpenFile f = writable(c, fd);
        if (pos >= 0 && !seekable(f)) {
            return -Errno.ESPIPE;
        }
        if (count == 0) {
            return 0;
        }
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(CHUNK, count - done);
            byte[] buf = c.read(address + done, n);
            long w = writeFrom(c, f, buf, n, pos < 0 ? -1 : pos + done);
            if (w < 0) {
                return done > 0 ? done : w;
            }
            done += w;
            if (w < n) {
                break;
            }
        }
        return done;
    }
}
