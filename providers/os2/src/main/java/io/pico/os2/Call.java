package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.api.MemoryFault;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import java.nio.charset.StandardCharsets;

/**
 * One API call in progress: the calling thread, its arguments (read from the guest stack by the function's
 * convention) and helpers to read and write guest memory. Strings are bytes (code page 850 in OS/2, kept as
 * Latin-1 here so every byte survives).
 */
final class Call {

    /** A handler's result meaning: the registers are set, leave EAX alone. */
    static final long NO_RESULT = Long.MIN_VALUE;

    final Os2Process p;
    final Os2Thread t;
    final PicoThread thread;
    final AddressSpace m;
    final Fn fn;
    /** The stack pointer at the call (linear): the return address is there. */
    final long sp;
    private final long[] args;
    /** Extra text for the trace line (the text written, the name opened ...). */
    String detail;

    Call(Os2Process p, Os2Thread t, PicoThread thread, Fn fn) {
        this.p = p;
        this.t = t;
        this.thread = thread;
        this.m = p.mem;
        this.fn = fn;
        if (fn.far16()) {
            int ss = (int) thread.get(Register.SS) & 0xffff;
            long base = Layout.segmentBase(ss);
            long esp = thread.get(Register.RSP);
            this.sp = base + ((ss & 4) != 0 ? esp & 0xffff : esp);
            args = new long[fn.params().length];
            long at = sp + 4;
            for (int i = fn.params().length - 1; i >= 0; i--) {
                int size = Fn.size16(fn.params()[i]);
                args[i] = size == 4 ? m.getInt(at) & 0xffff_ffffL : m.getInt(at) & 0xffff;
                at += size;
            }
        } else {
            this.sp = thread.get(Register.RSP);
            args = new long[fn.params().length];
            for (int i = 0; i < args.length; i++) {
                args[i] = m.getInt(sp + 4 + 4L * i) & 0xffff_ffffL;
            }
        }
    }

    /** Argument i (0-based), unsigned 32-bit (or 16-bit). */
    long arg(int i) {
        return i < args.length ? args[i] : m.getInt(sp + 4 + 4L * i) & 0xffff_ffffL;
    }

    /** Argument i as an int. */
    int iarg(int i) {
        return (int) arg(i);
    }

    /** A pointer argument as a linear address: 16:16 far pointers of 16-bit functions are converted. */
    long ptr(int i) {
        return fn.far16() ? Layout.linear(arg(i)) : arg(i);
    }

    /** A NUL-terminated string at a guest address (at most 64 KiB). */
    String str(long address) throws Os2Exception {
        if (address == 0) {
            return null;
        }
        try {
            byte[] b = m.getCString(address, 65536);
            return new String(b, StandardCharsets.ISO_8859_1);
        } catch (MemoryFault e) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
    }

    byte[] bytes(long address, int length) throws Os2Exception {
        byte[] b = new byte[length];
        try {
            m.read(address, b, 0, length);
        } catch (MemoryFault e) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
        return b;
    }

    void write(long address, byte[] data) throws Os2Exception {
        write(address, data, 0, data.length);
    }

    void write(long address, byte[] data, int off, int len) throws Os2Exception {
        try {
            m.write(address, data, off, len);
        } catch (MemoryFault e) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
    }

    int u32(long address) throws Os2Exception {
        try {
            return m.getInt(address);
        } catch (MemoryFault e) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
    }

    int u16(long address) throws Os2Exception {
        try {
            return (m.getByte(address) & 0xff) | (m.getByte(address + 1) & 0xff) << 8;
        } catch (MemoryFault e) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
    }

    /** Writes a 32-bit value; a null pointer is skipped. */
    void put32(long address, long value) throws Os2Exception {
        if (address == 0) {
            return;
        }
        try {
            m.putInt(address, (int) value);
        } catch (MemoryFault e) {
            throw new Os2Exception(Err.INVALID_ADDRESS);
        }
    }

    /** Writes a 16-bit value; a null pointer is skipped. */
    void put16(long address, long value) throws Os2Exception {
        if (address == 0) {
            return;
        }
        write(address, new byte[] {(byte) value, (byte) (value >> 8)});
    }

    void put8(long address, int value) throws Os2Exception {
        write(address, new byte[] {(byte) value});
    }

    /** Writes a NUL-terminated string. */
    void putString(long address, String s) throws Os2Exception {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        write(address, z);
    }

    /** Requires a non-null pointer. */
    static long need(long address) throws Os2Exception {
        if (address == 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        return address;
    }

    /** The call as a trace line: {@code DOSCALLS.282 DosWrite(1, 0x20010, 39, 0x2ffe8)}. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(fn.module()).append('.').append(fn.ordinal()).append(' ').append(fn.name()).append('(');
        String[] params = fn.params();
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String name = Fn.bare(params[i]);
            long v = args[i];
            boolean pointer = name.startsWith("p") || name.startsWith("ps");
            if (fn.far16() && pointer) {
                sb.append(String.format("%04x:%04x", v >>> 16, v & 0xffff));
            } else if (pointer || v > 0xffff) {
                sb.append(String.format("0x%x", v));
            } else {
                sb.append(v);
            }
            if (name.startsWith("psz") && v != 0) {
                try {
                    String s = str(ptr(i));
                    if (s.length() > 64) {
                        s = s.substring(0, 64) + "...";
                    }
                    sb.append(" \"").append(escape(s)).append('"');
                } catch (Os2Exception | RuntimeException e) {
                    // unreadable: the address alone
                }
            }
        }
        return sb.append(')').toString();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
