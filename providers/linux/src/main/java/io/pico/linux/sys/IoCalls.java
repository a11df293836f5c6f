package io.pico.linux.sys;

import io.pico.posix.core.Disposition;
import io.pico.posix.core.Io;
import io.pico.linux.LinuxAbi;
import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.posix.core.OpenFile;
import io.pico.linux.SignalDelivery;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;

/** Data transfer on descriptors: read, write, pread64, pwrite64, and the helpers the other transfers share. */
final class IoCalls {

    /** Linux's largest single transfer. */
    static final int MAX_RW = 0x7fff_f000;
    /** The most bytes moved per host call. */
    static final int CHUNK = 1 << 20;

    private IoCalls() {
    }

    static void register(SyscallTable<Call> t) {
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
        Disposition a = lp.action(ttin);
        if (a.handler() == Disposition.SIG_IGN
                || c.threadState().sigmask().contains(ttin)) {
            throw Errno.error(Errno.EIO);
        }
        for (io.pico.api.PicoProcess p : SignalCalls.group(c, lp.pgid())) {
            SignalDelivery.send(c.kernel(), p, io.pico.posix.core.SigInfo.kernel(ttin), null);
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

    /** Reads up to {@code count} bytes into a host array with the core's Io.readInto. */
    static int readInto(OpenFile f, byte[] buf, int count, long pos) throws IOException, InterruptedException {
        return Io.readInto(f, buf, count, pos);
    }

    /** Implements Linux read(2) and pread64(2): Linux's job control, then the core's Io.read. */
    static long read(Call c, int fd, long address, int count, long pos) throws IOException, InterruptedException {
        readable(c, fd);
        return Io.read(c.core(), fd, address, count, pos);
    }

    /**
     * Writes host bytes to a description with the core's Io.writeFrom (EPIPE also raises SIGPIPE); failures as a
     * negative errno, for callers that report a partial transfer.
     */
    static long writeFrom(Call c, OpenFile f, byte[] buf, int length, long pos) throws IOException,
            InterruptedException {
        try {
            return Io.writeFrom(c.core(), f, buf, length, pos);
        } catch (io.pico.posix.core.SysError e) {
            return -LinuxAbi.errno(e);
        }
    }

    /** Implements Linux write(2) and pwrite64(2) with the core's Io.write. */
    static long write(Call c, int fd, long address, int count, long pos) throws IOException, InterruptedException {
        return Io.write(c.core(), fd, address, count, pos);
    }
}
