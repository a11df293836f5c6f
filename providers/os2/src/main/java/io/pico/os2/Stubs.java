package io.pico.os2;

import io.pico.api.AddressSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trap stubs of a process: small pieces of guest code that stand in for the system DLLs' exports. A 32-bit
 * stub is {@code int 0xE1; ret} (the _System convention: the caller pops the arguments), a 16-bit one
 * {@code int 0xE1; retf n} (Pascal: the callee pops n bytes). The address after the {@code int} tells the
 * provider which function was called.
 */
final class Stubs {

    private final AddressSpace mem;
    private final List<Fn> stubs32 = new ArrayList<>();
    private final List<Fn> stubs16 = new ArrayList<>();
    private final Map<Fn, Long> at32 = new HashMap<>();
    private final Map<Fn, Long> at16 = new HashMap<>();

    Stubs(AddressSpace mem) {
        this.mem = mem;
    }

    /** Maps the stub areas and writes the thread trampoline and the special stubs. */
    void install() {
        mem.map(Layout.STUB32, Layout.GRANULE, AddressSpace.READ | AddressSpace.EXEC);
        mem.map(Layout.STUB16, Layout.GRANULE, AddressSpace.READ | AddressSpace.EXEC);
        byte[] trampoline = {
            0x66, (byte) 0xb8, (byte) Layout.SEL_RING0_DATA, 0x00, // mov ax, 0x10: a 32-bit stack for the retf
            (byte) 0x8e, (byte) 0xd0, // mov ss, ax
            0x66, (byte) 0xb8, (byte) Layout.SEL_FLAT_DATA, 0x00, // mov ax, 0x53
            (byte) 0x8e, (byte) 0xd8, // mov ds, ax
            (byte) 0x8e, (byte) 0xc0, // mov es, ax
            0x66, (byte) 0xb8, (byte) (Layout.SEL_TIB & 0xff), (byte) (Layout.SEL_TIB >> 8), // mov ax, 0x150b
            (byte) 0x8e, (byte) 0xe0, // mov fs, ax
            0x31, (byte) 0xc0, // xor eax, eax
            (byte) 0xcb // retf: pops eip, cs (0x5b) and, going to ring 3, esp and ss (0x53)
        };
        mem.write(Layout.TRAMPOLINE, trampoline, 0, trampoline.length);
        for (long a = Layout.STUB_BOOT; a <= Layout.STUB_CALL_RETURN; a += Layout.STUB32_SIZE) {
            write32(a);
        }
    }

    private void write32(long address) {
        byte[] code = {(byte) 0xcd, (byte) Layout.TRAP_VECTOR, (byte) 0xc3, (byte) 0x90};
        mem.write(address, code, 0, code.length);
    }

    /** The 32-bit stub of a function (created on first use). */
    synchronized long stub32(Fn fn) throws Os2Exception {
        Long a = at32.get(fn);
        if (a != null) {
            return a;
        }
        long address = Layout.STUB_API + (long) stubs32.size() * Layout.STUB32_SIZE;
        if (address + Layout.STUB32_SIZE > Layout.STUB32 + Layout.GRANULE) {
            throw new Os2Exception(Err.NOT_ENOUGH_MEMORY);
        }
        write32(address);
        stubs32.add(fn);
        at32.put(fn, address);
        return address;
    }

    /** The 16-bit stub of a function, as a linear address in the 16-bit stub segment (created on first use). */
    synchronized long stub16(Fn fn) throws Os2Exception {
        Long a = at16.get(fn);
        if (a != null) {
            return a;
        }
        long address = Layout.STUB16 + (long) stubs16.size() * Layout.STUB16_SIZE;
        if (address + Layout.STUB16_SIZE > Layout.STUB16 + Layout.GRANULE) {
            throw new Os2Exception(Err.NOT_ENOUGH_MEMORY);
        }
        int pop = fn.far16() ? fn.paramBytes() : 0;
        byte[] code = {(byte) 0xcd, (byte) Layout.TRAP_VECTOR, (byte) 0xca, (byte) pop, (byte) (pop >> 8), (byte) 0x90,
            (byte) 0x90, (byte) 0x90};
        mem.write(address, code, 0, code.length);
        stubs16.add(fn);
        at16.put(fn, address);
        return address;
    }

    /** The function whose 32-bit stub's {@code int} ends at {@code pc}, or null. */
    synchronized Fn at32(long pc) {
        long i = (pc - 2 - Layout.STUB_API) / Layout.STUB32_SIZE;
        if (pc - 2 < Layout.STUB_API || (pc - 2 - Layout.STUB_API) % Layout.STUB32_SIZE != 0 || i >= stubs32.size()) {
            return null;
        }
        return stubs32.get((int) i);
    }

    /** The function whose 16-bit stub's {@code int} ends at offset {@code ip} of the stub segment, or null. */
    synchronized Fn at16(long ip) {
        long i = (ip - 2) / Layout.STUB16_SIZE;
        if (ip < 2 || (ip - 2) % Layout.STUB16_SIZE != 0 || i >= stubs16.size()) {
            return null;
        }
        return stubs16.get((int) i);
    }
}
