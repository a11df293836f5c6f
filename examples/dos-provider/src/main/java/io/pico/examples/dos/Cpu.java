package io.pico.examples.dos;

import io.pico.api.PicoThread;
import io.pico.api.Register;

/**
 * The registers of a 16-bit real-mode thread as a DOS function sees them: AX with its halves AH and AL,
 * the segment registers, the carry and zero flags. In 16-bit mode the API's 64-bit register names address
 * the 16-bit registers (RAX is AX, RIP is IP).
 */
final class Cpu {

    static final int CARRY = 0x0001;
    static final int ZERO = 0x0040;

    private final PicoThread thread;

    Cpu(PicoThread thread) {
        this.thread = thread;
    }

    /** The linear (physical) address of segment:offset. */
    static long linear(int segment, int offset) {
        return ((long) (segment & 0xffff) << 4) + (offset & 0xffff);
    }

    private int get(Register r) {
        return (int) thread.get(r) & 0xffff;
    }

    private void set(Register r, int value) {
        thread.set(r, value & 0xffff);
    }

    int ax() { return get(Register.RAX); }
    int bx() { return get(Register.RBX); }
    int cx() { return get(Register.RCX); }
    int dx() { return get(Register.RDX); }
    int si() { return get(Register.RSI); }
    int di() { return get(Register.RDI); }
    int sp() { return get(Register.RSP); }
    int ip() { return get(Register.RIP); }
    int cs() { return get(Register.CS); }
    int ds() { return get(Register.DS); }
    int es() { return get(Register.ES); }
    int ss() { return get(Register.SS); }

    int ah() { return ax() >> 8; }
    int al() { return ax() & 0xff; }
    int bh() { return bx() >> 8; }
    int bl() { return bx() & 0xff; }
    int ch() { return cx() >> 8; }
    int cl() { return cx() & 0xff; }
    int dh() { return dx() >> 8; }
    int dl() { return dx() & 0xff; }

    void ax(int v) { set(Register.RAX, v); }
    void bx(int v) { set(Register.RBX, v); }
    void cx(int v) { set(Register.RCX, v); }
    void dx(int v) { set(Register.RDX, v); }
    void es(int v) { set(Register.ES, v); }
    /** Moves the instruction pointer (takes effect when the handler returns). */
    void ip(int v) { set(Register.RIP, v); }

    void al(int v) { ax((ax() & 0xff00) | (v & 0xff)); }
    void ah(int v) { ax((ax() & 0x00ff) | (v & 0xff) << 8); }

    /** DS:DX, the address most DOS functions take, as a linear address. */
    long dsdx() { return linear(ds(), dx()); }

    void carry(boolean set) { flag(CARRY, set); }
    void zero(boolean set) { flag(ZERO, set); }

    boolean carry() {
        return (thread.get(Register.RFLAGS) & CARRY) != 0;
    }

    private void flag(int bit, boolean set) {
        long flags = thread.get(Register.RFLAGS);
        thread.set(Register.RFLAGS, set ? flags | bit : flags & ~bit);
    }

    /** CS:IP for messages. */
    String where() {
        return String.format("%04X:%04X", cs(), ip());
    }
}
