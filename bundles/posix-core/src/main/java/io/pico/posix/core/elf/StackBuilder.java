package io.pico.posix.core.elf;

import io.pico.api.AddressSpace;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the initial process stack of the x86-64 System V ABI: argc, argv, envp and the auxiliary vector at
 * the 16-byte aligned stack pointer, the strings and blobs they point to above it. The auxiliary vector's
 * entries (their types differ between personalities) are given by the caller, in order: plain values, and
 * entries pointing at bytes or strings that the builder places on the stack.
 */
public final class StackBuilder {

    /** The end of the auxiliary vector. */
    public static final int AT_NULL = 0;
    // the System V ABI's generic entries, the same numbers on Linux and FreeBSD
    public static final int AT_PHDR = 3;
    public static final int AT_PHENT = 4;
    public static final int AT_PHNUM = 5;
    public static final int AT_PAGESZ = 6;
    public static final int AT_BASE = 7;
    public static final int AT_FLAGS = 8;
    public static final int AT_ENTRY = 9;
    /** The top of the stack on Linux: the end of the user address space. */
    public static final long STACK_TOP = 0x7fff_ffff_f000L;
    /** The stack size mapped up front (8 MiB, the usual RLIMIT_STACK). */
    public static final long STACK_SIZE = 8L << 20;
    /** The most bytes argument and environment strings may take (a quarter of the stack). */
    public static final long MAX_STRINGS = STACK_SIZE / 4;

    private record Aux(int type, long value, byte[] blob, int align) {
    }

    private final List<byte[]> argv = new ArrayList<>();
    private final List<byte[]> envp = new ArrayList<>();
    private final List<Aux> aux = new ArrayList<>();
    private long stringBytes;

    /** The argument strings. */
    public StackBuilder argv(List<String> args) {
        args.forEach(a -> {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            argv.add(b);
            stringBytes += b.length + 1L;
        });
        return this;
    }

    /** The environment strings, each {@code NAME=value}. */
    public StackBuilder envp(List<String> env) {
        env.forEach(e -> {
            byte[] b = e.getBytes(StandardCharsets.UTF_8);
            envp.add(b);
            stringBytes += b.length + 1L;
        });
        return this;
    }

    /** An auxiliary vector entry with a plain value. */
    /**
     * Adds the System V entries every ELF personality gives a program: its program headers, the page size, the
     * interpreter's bias (0 without one), no flags, and the program's entry point.
     *
     * @since 1.1
     */
    public StackBuilder program(ElfLoader.Loaded main, ElfLoader.Loaded interp) {
        return aux(AT_PHDR, main.phdr())
                .aux(AT_PHENT, ElfFile.PHENT_SIZE)
                .aux(AT_PHNUM, main.phnum())
                .aux(AT_PAGESZ, AddressSpace.PAGE_SIZE)
                .aux(AT_BASE, interp == null ? 0 : interp.bias())
                .aux(AT_FLAGS, 0)
                .aux(AT_ENTRY, main.entry());
    }

    public StackBuilder aux(int type, long value) {
        aux.add(new Aux(type, value, null, 1));
        return this;
    }

    /** An auxiliary vector entry pointing at a copy of the bytes on the stack, aligned to {@code align}. */
    public StackBuilder auxBytes(int type, byte[] bytes, int align) {
        aux.add(new Aux(type, 0, bytes.clone(), align));
        stringBytes += bytes.length + align;
        return this;
    }

    /** An auxiliary vector entry pointing at a NUL-terminated copy of the string on the stack. */
    public StackBuilder auxString(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return auxBytes(type, z, 1);
    }

    /** The total bytes of the strings and blobs, to refuse oversized argument lists before mapping anything. */
    public long stringBytes() {
        return stringBytes;
    }

    /** Maps the stack below the Linux stack top and writes it; returns the stack pointer (pointing at argc). */
    public long build(AddressSpace memory, boolean executable) {
        return build(memory, STACK_TOP, STACK_SIZE, executable);
    }

    /**
     * Maps {@code size} bytes of stack below {@code top} and writes it; returns the 16-byte aligned address of
     * argc.
     */
    public long build(AddressSpace memory, long top, long size, boolean executable) {
        int prot = AddressSpace.READ | AddressSpace.WRITE | (executable ? AddressSpace.EXEC : 0);
        memory.map(top - size, size, prot);
        // strings and blobs, from the top down
        ByteArrayOutputStream area = new ByteArrayOutputStream();
        List<byte[]> strings = new ArrayList<>(argv);
        strings.addAll(envp);
        long[] offsets = new long[strings.size()];
        for (int i = 0; i < strings.size(); i++) {
            offsets[i] = area.size();
            area.write(strings.get(i), 0, strings.get(i).length);
            area.write(0);
        }
        long[] auxOffsets = new long[aux.size()];
        for (int i = 0; i < aux.size(); i++) {
            Aux a = aux.get(i);
            if (a.blob() != null) {
                while (area.size() % a.align() != 0) {
                    area.write(0);
                }
                auxOffsets[i] = area.size();
                area.write(a.blob(), 0, a.blob().length);
            }
        }
        byte[] bytes = area.toByteArray();
        long areaStart = (top - 16 - bytes.length) & -16L;
        memory.write(areaStart, bytes, 0, bytes.length);

        int words = 1 + argv.size() + 1 + envp.size() + 1 + 2 * (aux.size() + 1);
        long sp = (areaStart - 8L * words) & -16L;
        ByteBuffer b = ByteBuffer.allocate(8 * words).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            b.putLong(areaStart + offsets[i]);
        }
        b.putLong(0);
        for (int i = 0; i < envp.size(); i++) {
            b.putLong(areaStart + offsets[argv.size() + i]);
        }
        b.putLong(0);
        for (int i = 0; i < aux.size(); i++) {
            Aux a = aux.get(i);
            b.putLong(a.type()).putLong(a.blob() != null ? areaStart + auxOffsets[i] : a.value());
        }
        b.putLong(AT_NULL).putLong(0);
        memory.write(sp, b.array(), 0, b.capacity());
        return sp;
    }
}
