package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.api.CpuException;
import io.pico.api.PicoThread;
import io.pico.api.Register;

/**
 * Thread-local memory (DosAllocThreadLocalMemory). OS/2 gives every thread the same linear addresses for
 * its 32 words; here the page behind them is never accessible, and each access faults and is carried out
 * by this emulator on the faulting thread's own copy: the common moves (register, immediate, byte, word and
 * double word, zero-extending loads) and the arithmetic that code does on such variables (add, sub, and, or,
 * xor, cmp, test, inc, dec), with the flags the CPU would set.
 */
final class Tls {

    private static final Register[] REGS = {Register.RAX, Register.RCX, Register.RDX, Register.RBX, Register.RSP,
        Register.RBP, Register.RSI, Register.RDI};
    private static final int CF = 0x1;
    private static final int PF = 0x4;
    private static final int AF = 0x10;
    private static final int ZF = 0x40;
    private static final int SF = 0x80;
    private static final int OF = 0x800;

    private Tls() {
    }

    /** Whether a fault is an access to the thread-local words. */
    static boolean covers(CpuException ex) {
        return (ex.kind() == CpuException.Kind.UNMAPPED || ex.kind() == CpuException.Kind.PROTECTION)
                && ex.address() >= Layout.TLS && ex.address() < Layout.TLS + 4L * Layout.TLS_WORDS
                && ex.access() != CpuException.Access.EXECUTE;
    }

    /** Carries out the faulting instruction on the thread's words; false when it is not one this emulates. */
    static boolean emulate(Os2Thread t, PicoThread thread, CpuException ex) {
        AddressSpace m = t.p.mem;
        long pc = ex.pc();
        byte[] code = new byte[16];
        try {
            m.read(pc, code, 0, code.length);
        } catch (RuntimeException e) {
            try {
                m.read(pc, code, 0, 8);
            } catch (RuntimeException e2) {
                return false;
            }
        }
        int i = 0;
        boolean op16 = false;
        while (true) {
            int b = code[i] & 0xff;
            if (b == 0x66) {
                op16 = true;
            } else if (b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65 || b == 0xf0) {
                // segment overrides (flat) and lock
            } else if (b == 0x67) {
                return false;
            } else {
                break;
            }
            if (++i >= 4) {
                return false;
            }
        }
        int op = code[i++] & 0xff;
        boolean twoByte = false;
        if (op == 0x0f) {
            twoByte = true;
            op = code[i++] & 0xff;
        }
        int offset = (int) (ex.address() - Layout.TLS);
        int size = op16 ? 2 : 4;
        long value;
        Decoded d;
        if (!twoByte && (op == 0xa1 || op == 0xa3 || op == 0xa0 || op == 0xa2)) {
            int s = op == 0xa0 || op == 0xa2 ? 1 : size;
            if (op == 0xa1 || op == 0xa0) {
                setReg(thread, 0, s, read(t, offset, s));
            } else {
                write(t, offset, s, thread.get(Register.RAX));
            }
            thread.set(Register.RIP, pc + i + 4);
            return true;
        }
        d = modrm(code, i);
        if (d == null) {
            return false;
        }
        int next = d.end;
        if (twoByte) {
            if (op == 0xb6 || op == 0xb7 || op == 0xbe || op == 0xbf) {
                int s = op == 0xb6 || op == 0xbe ? 1 : 2;
                long v = read(t, offset, s);
                if (op == 0xbe || op == 0xbf) {
                    v = s == 1 ? (byte) v : (short) v;
                }
                setReg(thread, d.reg, size, v);
                thread.set(Register.RIP, pc + next);
                return true;
            }
            return false;
        }
        switch (op) {
            case 0x89, 0x88 -> {
                int s = op == 0x88 ? 1 : size;
                write(t, offset, s, getReg(thread, d.reg, s));
            }
            case 0x8b, 0x8a -> {
                int s = op == 0x8a ? 1 : size;
                setReg(thread, d.reg, s, read(t, offset, s));
            }
            case 0xc7, 0xc6 -> {
                int s = op == 0xc6 ? 1 : size;
                if (d.reg != 0) {
                    return false;
                }
                value = imm(code, next, s);
                next += s;
                write(t, offset, s, value);
            }
            case 0x01, 0x09, 0x21, 0x29, 0x31, 0x39, 0x85, 0x00, 0x08, 0x20, 0x28, 0x30, 0x38, 0x84 -> {
                int s = (op & 1) == 0 ? 1 : size;
                int kind = op == 0x85 || op == 0x84 ? 4 : (op >> 3) & 7;
                long a = read(t, offset, s);
                long r = alu(thread, kind, a, getReg(thread, d.reg, s), s);
                if (kind != 7 && op != 0x85 && op != 0x84) {
                    write(t, offset, s, r);
                }
            }
            case 0x03, 0x0b, 0x23, 0x2b, 0x33, 0x3b, 0x02, 0x0a, 0x22, 0x2a, 0x32, 0x3a -> {
                int s = (op & 1) == 0 ? 1 : size;
                int kind = (op >> 3) & 7;
                long r = alu(thread, kind, getReg(thread, d.reg, s), read(t, offset, s), s);
                if (kind != 7) {
                    setReg(thread, d.reg, s, r);
                }
            }
            case 0x81, 0x83, 0x80 -> {
                int s = op == 0x80 ? 1 : size;
                int is = op == 0x81 ? s : 1;
                value = imm(code, next, is);
                if (is == 1) {
                    value = (byte) value;
                }
                next += is;
                long a = read(t, offset, s);
                long r = alu(thread, d.reg, a, value, s);
                if (d.reg != 7) {
                    write(t, offset, s, r);
                }
            }
            case 0xff, 0xfe -> {
                int s = op == 0xfe ? 1 : size;
                if (d.reg > 1) {
                    if (op == 0xff && d.reg == 6) { // push dword [tls]
                        long sp = thread.get(Register.RSP) - 4;
                        m.putInt(sp, (int) read(t, offset, 4));
                        thread.set(Register.RSP, sp);
                        break;
                    }
                    return false;
                }
                long a = read(t, offset, s);
                long cf = thread.get(Register.RFLAGS) & CF;
                long r = alu(thread, d.reg == 0 ? 0 : 5, a, 1, s);
                thread.set(Register.RFLAGS, (thread.get(Register.RFLAGS) & ~CF) | cf);
                write(t, offset, s, r);
            }
            case 0xf7, 0xf6 -> {
                int s = op == 0xf6 ? 1 : size;
                if (d.reg != 0) {
                    return false;
                }
                value = imm(code, next, s);
                next += s;
                alu(thread, 4, read(t, offset, s), value, s);
            }
            default -> {
                return false;
            }
        }
        thread.set(Register.RIP, pc + next);
        return true;
    }

    private record Decoded(int reg, int end) {
    }

    /** Decodes a ModRM (32-bit addressing) whose memory operand is the faulting access. */
    private static Decoded modrm(byte[] code, int i) {
        int modrm = code[i] & 0xff;
        int mod = modrm >> 6;
        int reg = (modrm >> 3) & 7;
        int rm = modrm & 7;
        int end = i + 1;
        if (mod == 3) {
            return null;
        }
        if (rm == 4) {
            int sib = code[end++] & 0xff;
            if (mod == 0 && (sib & 7) == 5) {
                end += 4;
            }
        } else if (mod == 0 && rm == 5) {
            end += 4;
        }
        if (mod == 1) {
            end += 1;
        } else if (mod == 2) {
            end += 4;
        }
        return new Decoded(reg, end);
    }

    private static long imm(byte[] code, int at, int size) {
        long v = 0;
        for (int k = 0; k < size; k++) {
            v |= (long) (code[at + k] & 0xff) << (8 * k);
        }
        return v;
    }

    private static long read(Os2Thread t, int offset, int size) {
        long v = 0;
        synchronized (t.tls) {
            for (int k = 0; k < size; k++) {
                int at = offset + k;
                if (at >= 4 * Layout.TLS_WORDS) {
                    break;
                }
                v |= (long) ((t.tls[at >> 2] >>> (8 * (at & 3))) & 0xff) << (8 * k);
            }
        }
        return v;
    }

    private static void write(Os2Thread t, int offset, int size, long value) {
        synchronized (t.tls) {
            for (int k = 0; k < size; k++) {
                int at = offset + k;
                if (at >= 4 * Layout.TLS_WORDS) {
                    break;
                }
                int shift = 8 * (at & 3);
                t.tls[at >> 2] = (t.tls[at >> 2] & ~(0xff << shift)) | (int) (((value >>> (8 * k)) & 0xff) << shift);
            }
        }
    }

    private static long getReg(PicoThread thread, int reg, int size) {
        if (size == 1) {
            long v = thread.get(REGS[reg & 3]);
            return reg >= 4 ? (v >>> 8) & 0xff : v & 0xff;
        }
        long v = thread.get(REGS[reg]);
        return size == 2 ? v & 0xffff : v & 0xffff_ffffL;
    }

    private static void setReg(PicoThread thread, int reg, int size, long value) {
        if (size == 4) {
            thread.set(REGS[reg], value & 0xffff_ffffL);
            return;
        }
        if (size == 2) {
            long v = thread.get(REGS[reg]);
            thread.set(REGS[reg], (v & ~0xffffL) | (value & 0xffff));
            return;
        }
        Register r = REGS[reg & 3];
        long v = thread.get(r);
        if (reg >= 4) {
            thread.set(r, (v & ~0xff00L) | (value & 0xff) << 8);
        } else {
            thread.set(r, (v & ~0xffL) | (value & 0xff));
        }
    }

    /** An ALU operation (0 add, 1 or, 4 and, 5 sub, 6 xor, 7 cmp; 2/3 adc/sbb unsupported as add/sub) with flags. */
    private static long alu(PicoThread thread, int kind, long a, long b, int size) {
        long mask = size == 4 ? 0xffff_ffffL : size == 2 ? 0xffff : 0xff;
        long sign = (mask + 1) >>> 1;
        a &= mask;
        b &= mask;
        long r;
        int flags = 0;
        switch (kind) {
            case 0, 2 -> {
                r = (a + b) & mask;
                if (a + b > mask) {
                    flags |= CF;
                }
                if (((a ^ r) & (b ^ r) & sign) != 0) {
                    flags |= OF;
                }
                if (((a ^ b ^ r) & 0x10) != 0) {
                    flags |= AF;
                }
            }
            case 5, 3, 7 -> {
                r = (a - b) & mask;
                if (a < b) {
                    flags |= CF;
                }
                if (((a ^ b) & (a ^ r) & sign) != 0) {
                    flags |= OF;
                }
                if (((a ^ b ^ r) & 0x10) != 0) {
                    flags |= AF;
                }
            }
            case 1 -> r = a | b;
            case 6 -> r = a ^ b;
            default -> r = a & b;
        }
        if (r == 0) {
            flags |= ZF;
        }
        if ((r & sign) != 0) {
            flags |= SF;
        }
        if (Integer.bitCount((int) (r & 0xff)) % 2 == 0) {
            flags |= PF;
        }
        long old = thread.get(Register.RFLAGS);
        thread.set(Register.RFLAGS, (old & ~(long) (CF | PF | AF | ZF | SF | OF)) | flags);
        return r;
    }
}
