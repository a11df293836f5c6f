package io.pico.api;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A process's guest memory: host memory mapped into every engine of the process. Addresses and sizes
 * of map, unmap and protect are page aligned ({@link #PAGE_SIZE}).
 */
@ProviderType
public interface AddressSpace {

    /** The page size. */
    long PAGE_SIZE = 4096;
    /** Readable. */
    int READ = 1;
    /** Writable. */
    int WRITE = 2;
    /** Executable. */
    int EXEC = 4;

    /**
     * Maps zero-filled memory at a fixed address, replacing whatever was mapped there.
     *
     * @throws MemoryLimitException when the mapping would exceed {@link #limit()}
     */
    void map(long address, long size, int protection);

    /** Unmaps a range; unmapped parts of it are ignored. */
    void unmap(long address, long size);

    /** Changes the protection of a mapped range. */
    void protect(long address, long size, int protection);

    /** Finds a free range of the given size at or above the hint, or -1. */
    long findFree(long hint, long size);

    /** Whether every byte of the range is mapped. */
    boolean isMapped(long address, long size);

    /** The mapped regions in address order. */
    List<Region> regions();

    /** Total bytes mapped. */
    long mappedBytes();

    /**
     * Caps the bytes this address space may map (RLIMIT_AS); a map beyond it throws
     * {@link MemoryLimitException} and maps nothing. The kernel sets a default from its configuration.
     */
    void limit(long bytes);

    /** The current cap on mapped bytes. */
    long limit();

    /** Copies guest memory out; throws {@link MemoryFault} on an unmapped byte. */
    void read(long address, byte[] dst, int offset, int length);

    /** Copies into guest memory regardless of protection; throws {@link MemoryFault} on an unmapped byte. */
    void write(long address, byte[] src, int offset, int length);

    /** Reads one byte. */
    byte getByte(long address);

    /** Reads a little-endian 32-bit value. */
    int getInt(long address);

    /** Reads a little-endian 64-bit value. */
    long getLong(long address);

    /** Writes one byte. */
    void putByte(long address, byte value);

    /** Writes a little-endian 32-bit value. */
    void putInt(long address, int value);

    /** Writes a little-endian 64-bit value. */
    void putLong(long address, long value);

    /** Reads a NUL-terminated string of at most {@code max} bytes (UTF-8 decoded). */
    String getString(long address, int max);

    /** Reads a NUL-terminated byte string of at most {@code max} bytes, without the NUL. */
    byte[] getCString(long address, int max);

    /** Fills a range with zero bytes. */
    void zero(long address, long length);

    /** A mapped region. */
    record Region(long start, long end, int protection, String name) {
    }
}
