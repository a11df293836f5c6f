package io.pico.linux.sys;

import io.pico.posix.core.Io;
import io.pico.linux.Errno;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;

/** Vectored and positioned transfers and file positions: readv, writev, preadv, pwritev, lseek, sendfile. */
final class VectorCalls {

    private VectorCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(19, "dpd", c -> readv(c, -1));
        t.full(20, "dpd", c -> writev(c, -1));
        t.full(295, "dpdl", c -> readv(c, IoCalls.position(c.arg(3))));
        t.full(296, "dpdl", c -> writev(c, IoCalls.position(c.arg(3))));
        t.partial(327, "dpdlx", c -> readv(c, c.arg(3) == -1 ? -1 : IoCalls.position(c.arg(3))), "flags ignored");
        t.partial(328, "dpdlx", c -> writev(c, c.arg(3) == -1 ? -1 : IoCalls.position(c.arg(3))), "flags ignored");
        t.full(326, "dpdpux", VectorCalls::copyFileRange);
        t.full(8, "dld", VectorCalls::lseek);
        t.full(40, "ddpu", VectorCalls::sendfile);
    }

    /** Implements Linux readv(2) and preadv(2): Linux's job control, then the core's Io.readv (one read, scattered). */
    private static long readv(Call c, long pos) throws IOException, InterruptedException {
        IoCalls.readable(c, c.intArg(0));
        return Io.readv(c.core(), c.intArg(0), c.arg(1), c.intArg(2), pos);
    }

    /** Implements Linux writev(2) and pwritev(2) with the core's Io.writev (the buffers gathered into one write). */
    private static long writev(Call c, long pos) throws IOException, InterruptedException {
        return Io.writev(c.core(), c.intArg(0), c.arg(1), c.intArg(2), pos);
    }

    /** Implements Linux lseek(2) with the core's Io.lseek (SEEK_* values are the same). */
    private static long lseek(Call c) throws IOException {
        return Io.lseek(c.core(), c.intArg(0), c.arg(1), c.intArg(2));
    }

    /** Implements Linux sendfile(2) by reading and writing through the provider. */
    private static long sendfile(Call c) throws IOException, InterruptedException {
        OpenFile out = IoCalls.writable(c, c.intArg(0));
        OpenFile in = IoCalls.readable(c, c.intArg(1));
        long offsetPtr = c.arg(2);
        long count = Math.min(c.arg(3), IoCalls.MAX_RW);
        long pos = offsetPtr == 0 ? -1 : c.mem().getLong(offsetPtr);
        long done = 0;
        byte[] buf = new byte[(int) Math.min(IoCalls.CHUNK, Math.max(count, 1))];
        while (done < count) {
            int n = IoCalls.readInto(in, buf, (int) Math.min(buf.length, count - done), pos < 0 ? -1 : pos + done);
            if (n <= 0) {
                break;
            }
            long w = IoCalls.writeFrom(c, out, buf, n, -1);
            if (w < 0) {
                return done > 0 ? done : w;
            }
            done += w;
            if (w < n || !IoCalls.seekable(in)) {
                break;
            }
        }
        if (offsetPtr != 0) {
            c.mem().putLong(offsetPtr, pos + done);
        }
        return done;
    }

    /** Implements Linux copy_file_range(2) by reading and writing through the provider. */
    private static long copyFileRange(Call c) throws IOException, InterruptedException {
        if (c.intArg(5) != 0) {
            return -Errno.EINVAL;
        }
        OpenFile in = IoCalls.readable(c, c.intArg(0));
        OpenFile out = IoCalls.writable(c, c.intArg(2));
        if (!IoCalls.seekable(in) || out.io() == null || !out.io().kind().equals("file")) {
            return -Errno.EINVAL;
        }
        long inPtr = c.arg(1);
        long outPtr = c.arg(3);
        long inPos = inPtr == 0 ? -1 : c.mem().getLong(inPtr);
        long outPos = outPtr == 0 ? -1 : c.mem().getLong(outPtr);
        if ((inPtr != 0 && inPos < 0) || (outPtr != 0 && outPos < 0)) {
            return -Errno.EINVAL;
        }
        long count = Math.min(c.arg(4), IoCalls.MAX_RW);
        byte[] buf = new byte[(int) Math.min(IoCalls.CHUNK, Math.max(1, count))];
        long done = 0;
        while (done < count) {
            int n = IoCalls.readInto(in, buf, (int) Math.min(buf.length, count - done), inPos < 0 ? -1 : inPos + done);
            if (n <= 0) {
                break;
            }
            long w = IoCalls.writeFrom(c, out, buf, n, outPos < 0 ? -1 : outPos + done);
            if (w < 0) {
                return done > 0 ? done : w;
            }
            done += w;
            if (w < n) {
                break;
            }
        }
        if (inPtr != 0) {
            c.mem().putLong(inPtr, inPos + done);
        }
        if (outPtr != 0) {
            c.mem().putLong(outPtr, outPos + done);
        }
        return done;
    }
}
