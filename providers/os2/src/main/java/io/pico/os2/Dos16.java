package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.api.IoObject;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The 16-bit (OS/2 1.x) DOSCALLS functions that 16-bit programs use: Pascal convention, far pointers, USHORT
 * results. Segments are 64 KiB tiles, so a selector is a tile and huge shift is 3.
 */
final class Dos16 {

    private Dos16() {
    }

    static long getVersion(Call c) throws Os2Exception {
        c.put16(Call.need(c.ptr(0)), 20 << 8 | 45);
        return Err.NO_ERROR;
    }

    static long getMachineMode(Call c) throws Os2Exception {
        c.put8(Call.need(c.ptr(0)), 1); // protected mode
        return Err.NO_ERROR;
    }

    static long getHugeShift(Call c) throws Os2Exception {
        c.put16(Call.need(c.ptr(0)), 3); // the next tile is 8 selectors on
        return Err.NO_ERROR;
    }

    static long getPid(Call c) throws Os2Exception {
        long p = Call.need(c.ptr(0));
        c.put16(p, c.p.process.pid());
        c.put16(p + 2, c.t.tid);
        c.put16(p + 4, c.p.process.parentPid());
        return Err.NO_ERROR;
    }

    static long getEnv(Call c) throws Os2Exception {
        c.put16(Call.need(c.ptr(0)), Layout.tileSelector(c.p.env));
        c.put16(Call.need(c.ptr(1)), c.p.cmd - c.p.env);
        return Err.NO_ERROR;
    }

    /** DosAllocSeg: a 64 KiB tile. */
    static long allocSeg(Call c) throws Os2Exception {
        long psel = Call.need(c.ptr(1));
        long base = c.p.allocate(Layout.HEAP_HINT, Layout.GRANULE, AddressSpace.READ | AddressSpace.WRITE
                | AddressSpace.EXEC);
        synchronized (c.p.allocations) {
            c.p.allocations.put(base, Layout.GRANULE);
            c.p.allocationFlags.put(base, Memory.PAG_READ | Memory.PAG_WRITE);
        }
        c.put16(psel, Layout.tileSelector(base));
        return Err.NO_ERROR;
    }

    /** DosReAllocSeg: every segment already has its 64 KiB. */
    static long reallocSeg(Call c) throws Os2Exception {
        long base = Layout.segmentBase(c.iarg(1));
        if (!c.m.isMapped(base, 1)) {
            throw new Os2Exception(Err.INVALID_ACCESS);
        }
        return Err.NO_ERROR;
    }

    static long freeSeg(Call c) throws Os2Exception {
        long base = Layout.segmentBase(c.iarg(0));
        Long size;
        synchronized (c.p.allocations) {
            size = c.p.allocations.remove(base);
            c.p.allocationFlags.remove(base);
        }
        if (size == null) {
            throw new Os2Exception(Err.INVALID_ACCESS);
        }
        c.m.unmap(base, size);
        return Err.NO_ERROR;
    }

    static long write(Call c) throws Os2Exception {
        IoObject io = c.p.files.io(c.arg(0));
        byte[] data = c.bytes(c.ptr(1), (int) c.arg(2));
        if (c.p.trace() != null) {
            c.detail = "\"" + Call.escape(new String(data, 0, Math.min(data.length, 64),
                    java.nio.charset.StandardCharsets.ISO_8859_1)) + (data.length > 64 ? "\"..." : "\"");
        }
        c.put16(Call.need(c.ptr(3)), Files.writeAll(io, data));
        return Err.NO_ERROR;
    }

    static long read(Call c) throws Os2Exception {
        IoObject io = c.p.files.io(c.arg(0));
        int n = (int) c.arg(2);
        ByteBuffer b = ByteBuffer.allocate(n);
        int got = 0;
        try {
            if (n > 0) {
                got = Math.max(0, io.read(b));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        c.write(c.ptr(1), b.array(), 0, got);
        c.put16(Call.need(c.ptr(3)), got);
        return Err.NO_ERROR;
    }

    static long chgFilePtr(Call c) throws Os2Exception {
        IoObject io = c.p.files.io(c.arg(0));
        long distance = (int) c.arg(1);
        int method = c.iarg(2);
        if (!"file".equals(io.kind())) {
            throw new Os2Exception(Err.SEEK_ON_DEVICE);
        }
        try {
            long from = switch (method) {
                case 0 -> 0;
                case 1 -> io.position();
                case 2 -> io.size();
                default -> throw new Os2Exception(Err.INVALID_FUNCTION);
            };
            if (from + distance < 0) {
                throw new Os2Exception(Err.NEGATIVE_SEEK);
            }
            io.position(from + distance);
            c.put32(c.ptr(3), from + distance);
        } catch (IOException e) {
            throw new Os2Exception(Err.SEEK_ON_DEVICE);
        }
        return Err.NO_ERROR;
    }

    static long close(Call c) throws Os2Exception {
        c.p.files.close(c.arg(0));
        return Err.NO_ERROR;
    }

    static long handType(Call c) throws Os2Exception {
        Files.Handle h = c.p.files.handle(c.arg(0));
        IoObject io = c.p.files.io(c.arg(0));
        int type = io.isTerminal() || h.device ? 1 : "file".equals(io.kind()) ? 0 : 2;
        c.put16(Call.need(c.ptr(1)), type);
        c.put16(Call.need(c.ptr(2)), type == 1 ? 0x8083 : 0);
        return Err.NO_ERROR;
    }

    static long getCp(Call c) throws Os2Exception {
        int cb = c.iarg(0);
        long buf = c.ptr(1);
        int n = Math.min(3, cb / 2);
        int[] cps = {850, 850, 437};
        for (int i = 0; i < n; i++) {
            c.put16(buf + 2L * i, cps[i]);
        }
        c.put16(Call.need(c.ptr(2)), 2 * n);
        return n == 0 ? Err.BUFFER_OVERFLOW : Err.NO_ERROR;
    }

    static long sleep(Call c) throws Os2Exception {
        try {
            Thread.sleep(Math.max(0, Math.min(c.arg(0), Integer.MAX_VALUE)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        }
        return Err.NO_ERROR;
    }

    static long putMessage(Call c) throws Os2Exception {
        IoObject io = c.p.files.io(c.arg(0));
        byte[] data = c.bytes(c.ptr(2), (int) c.arg(1));
        if (c.p.trace() != null) {
            c.detail = "\"" + Call.escape(new String(data, 0, Math.min(data.length, 64),
                    java.nio.charset.StandardCharsets.ISO_8859_1)) + "\"";
        }
        Files.writeAll(io, data);
        return Err.NO_ERROR;
    }

    static long dbcsEnv(Call c) throws Os2Exception {
        if (c.arg(0) < 2) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        c.write(Call.need(c.ptr(2)), new byte[2]);
        return Err.NO_ERROR;
    }
}
