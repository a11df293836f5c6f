package io.pico.linux.elf;

import io.pico.api.AddressSpace;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the initial process stack of the x86-64 System V ABI: argc, argv, envp and the auxiliary
 * vector at the 16-byte aligned stack pointer, the strings they point to above it.
 */
public final class StackBuilder {

    public static final int AT_NULL = 0;
    public static final int AT_PHDR = 3;
    public static final int AT_PHENT = 4;
    public static final int AT_PHNUM = 5;
    public static final int AT_PAGESZ = 6;
    public static final int AT_BASE = 7;
    public static final int AT_FLAGS = 8;
    public static final int AT_ENTRY = 9;
    public static final int AT_UID = 11;
    public static final int AT_EUID = 12;
    public static final int AT_GID = 13;
    public static final int AT_EGID = 14;
    public static final int AT_PLATFORM = 15;
    public static final int AT_HWCAP = 16;
    public static final int AT_CLKTCK = 17;
    public static final int AT_SECURE = 23;
    public static final int AT_RANDOM = 25;
    public static final int AT_HWCAP2 = 26;
    public static final int AT_EXECFN = 31;

    /** The top of the stack: the end of the user address space. */
    public static final long STACK_TOP = 0x7fff_ffff_f000L;
    /** The stack size mapped up front (Linux's default RLIMIT_STACK). */
    public static final long STACK_SIZE = 8L << 20;
    /** The most bytes argument and environment strings may take (Linux: a quarter of the stack). */
    public static final long MAX_STRINGS = STACK_SIZE / 4;

    private final List<byte[]> argv = new ArrayList<>();
    private final List<byte[]> envp = new ArrayList<>();
    private final List<long[]> aux = new ArrayList<>();
    private byte[] execfn = new byte[0];
    private byte[] random = new byte[16];

    /** The argument strings. */
    public StackBuilder argv(List<String> args) {
        args.forEach(a -> argv.add(a.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** The environment strings, each {@code NAME=value}. */
    public StackBuilder envp(List<String> env) {
        env.forEach(e -> envp.add(e.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** The file name for AT_EXECFN. */
    public StackBuilder execfn(String name) {
        execfn = name.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** The 16 bytes AT_RANDOM points to. */
    public StackBuilder random(byte[] bytes) {
        random = bytes.clone();
        return this;
    }

    /** An auxiliary vector entry with a plain value (pointer entries are added by {@link #build}). */
    public StackBuilder aux(int type, long value) {
        aux.add(new long[] {type, value});
        return this;
    }

    /** The total bytes of the strings, to refuse oversized argument lists before mapping anything. */
    public long stringBytes() {
        long n = execfn.length + 1L;
        for (byte[] b : argv) {
            n += b.length + 1L;
        }
        for (byte[] b : envp) {
            n += b.length + 1L;
        }
        return n;
    }

    /** Maps the stack and writes it; returns the initial stack pointer (pointing at argc). */
    public long build(AddressSpace memory, boolean executable) {
        int prot = AddressSpace.READ | AddressSpace.WRITE | (executable ? AddressSpace.EXEC : 0);
        long bottom = STACK_TOP - STACK_SIZE;
        memory.map(bottom, STACK_SIZE, prot);
        // strings, from the top down
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        List<byte[]> all = new ArrayList<>();
        all.add(execfn);
        all.addAll(argv);
        all.addAll(envp);
        all.add("x86_64".getBytes(StandardCharsets.US_ASCII));
        long[] offsets = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            offsets[i] = strings.size();
            strings.write(all.get(i), 0, all.get(i).length);
            strings.write(0);
        }
        strings.write(random, 0, random.length);
        byte[] area = strings.toByteArray();
        long areaStart = (STACK_TOP - 8 - area.length) & -16L;
        memory.write(areaStart, area, 0, area.length);
        long execfnAddr = areaStart + offsets[0];
        long platformAddr = areaStart + offsets[all.size() - 1];
        long randomAddr = areaStart + area.length - random.length;

        List<long[]> auxv = new ArrayList<>(aux);
        auxv.add(new long[] {AT_RANDOM, randomAddr});
        auxv.add(new long[] {AT_PLATFORM, platformAddr});
        auxv.add(new long[] {AT_EXECFN, execfnAddr});
        auxv.add(new long[] {AT_NULL, 0});
        int words = 1 + argv.size() + 1 + envp.size() + 1 + 2 * auxv.size();
        long sp = (areaStart - 8L * words) & -16L;
        ByteBuffer b = ByteBuffer.allocate(8 * words).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            b.putLong(areaStart + offsets[1 + i]);
        }
        b.putLong(0);
        for (int i = 0; i < envp.size(); i++) {
            b.putLong(areaStart + offsets[1 + argv.size() + i]);
        }
        b.putLong(0);
        for (long[] a : auxv) {
            b.putLong(a[0]).putLong(a[1]);
        }
        memory.write(sp, b.array(), 0, b.capacity());
        return sp;
    }
}
