package io.pico.posix.core;

import io.pico.api.AddressSpace;
import io.pico.api.MemoryFault;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An address space of Java pages, for tests of the loader and the stack builder. */
public final class FakeMemory implements AddressSpace {

    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private final TreeMap<Long, Integer> protections = new TreeMap<>();

    @Override
    public void map(long address, long size, int protection) {
        check(address, size);
        for (long p = address; p < address + size; p += PAGE_SIZE) {
            pages.put(p, new byte[(int) PAGE_SIZE]);
            protections.put(p, protection);
        }
    }

    private static void check(long address, long size) {
        if ((address & (PAGE_SIZE - 1)) != 0 || (size & (PAGE_SIZE - 1)) != 0 || size <= 0) {
            throw new IllegalArgumentException("unaligned");
        }
    }

    @Override
    public void unmap(long address, long size) {
        check(address, size);
        for (long p = address; p < address + size; p += PAGE_SIZE) {
            pages.remove(p);
            protections.remove(p);
        }
    }

    @Override
    public void protect(long address, long size, int protection) {
        for (long p = address; p < address + size; p += PAGE_SIZE) {
            if (pages.containsKey(p)) {
                protections.put(p, protection);
            }
        }
    }

    /** The protection of the page holding an address, -1 if unmapped. */
    public int protection(long address) {
        return protections.getOrDefault(address & -PAGE_SIZE, -1);
    }

    @Override
    public long findFree(long hint, long size) {
        long at = Math.max(0x10000, (hint + PAGE_SIZE - 1) & -PAGE_SIZE);
        while (!free(at, size)) {
            at += PAGE_SIZE;
        }
        return at;
    }

    private boolean free(long at, long size) {
        Map.Entry<Long, byte[]> e = pages.ceilingEntry(at);
        return e == null || e.getKey() >= at + size;
    }

    @Override
    public boolean isMapped(long address, long size) {
        for (long p = address & -PAGE_SIZE; p < address + size; p += PAGE_SIZE) {
            if (!pages.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Region> regions() {
        List<Region> r = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : protections.entrySet()) {
            r.add(new Region(e.getKey(), e.getKey() + PAGE_SIZE, e.getValue(), ""));
        }
        return r;
    }

    private long limit = Long.MAX_VALUE;

    @Override
    public void limit(long bytes) {
        limit = bytes;
    }

    @Override
    public long limit() {
        return limit;
    }

    @Override
    public long mappedBytes() {
        return pages.size() * PAGE_SIZE;
    }

    private byte[] page(long address) {
        byte[] p = pages.get(address & -PAGE_SIZE);
        if (p == null) {
            throw new MemoryFault(address);
        }
        return p;
    }

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        for (int i = 0; i < length; i++) {
            dst[offset + i] = getByte(address + i);
        }
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        for (int i = 0; i < length; i++) {
            putByte(address + i, src[offset + i]);
        }
    }

    @Override
    public byte getByte(long address) {
        return page(address)[(int) (address & (PAGE_SIZE - 1))];
    }

    @Override
    public int getInt(long address) {
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            v = v << 8 | (getByte(address + i) & 0xff);
        }
        return v;
    }

    @Override
    public long getLong(long address) {
        return (getInt(address) & 0xffff_ffffL) | (long) getInt(address + 4) << 32;
    }

    @Override
    public void putByte(long address, byte value) {
        page(address)[(int) (address & (PAGE_SIZE - 1))] = value;
    }

    @Override
    public void putInt(long address, int value) {
        for (int i = 0; i < 4; i++) {
            putByte(address + i, (byte) (value >> (8 * i)));
        }
    }

    @Override
    public synchronized boolean compareAndSetInt(long address, int expected, int value) {
        if (getInt(address) != expected) {
            return false;
        }
        putInt(address, value);
        return true;
    }

    @Override
    public void putLong(long address, long value) {
        putInt(address, (int) value);
        putInt(address + 4, (int) (value >>> 32));
    }

    @Override
    public String getString(long address, int max) {
        return new String(getCString(address, max), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] getCString(long address, int max) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < max; i++) {
            byte b = getByte(address + i);
            if (b == 0) {
                break;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    @Override
    public void zero(long address, long length) {
        for (long i = 0; i < length; i++) {
            putByte(address + i, (byte) 0);
        }
    }
}
