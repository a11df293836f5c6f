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

    /**
     * Maps {@code size} bytes of an open host file from the page-aligned {@code offset} privately at a fixed
     * address, replacing whatever was mapped there: the guest sees the file's bytes (zeros after its end in the
     * last page) and its writes stay in this address space (copy-on-write), as a Unix {@code MAP_PRIVATE} file
     * mapping shows them while the file does not change. The range must lie within the file's pages. The kernel
     * may share the pages with other processes that map the same unchanged file and need not read the file
     * again: an image's loader maps its segments with this instead of copying them.
     *
     * @param file an open host file; it may be closed after the call
     * @return true when mapped; false when this address space does not map this file (nothing was mapped:
     *         {@link #map} and {@link #write} its bytes instead)
     * @throws MemoryLimitException when the mapping would exceed {@link #limit()}
     * @since 1.5
     */
    default boolean mapFile(long address, long size, int protection, java.nio.channels.FileChannel file,
            long offset) {
        return false;
    }

    /**
     * {@link #mapFile(long, long, int, java.nio.channels.FileChannel, long)} for a file a guest opened: a kernel
     * file object (an open host file); false for other objects (pipes, terminals, sockets) or where the kernel
     * does not map it. A guest's {@code mmap} of a file (a dynamic linker mapping a library) uses it.
     *
     * @since 1.5
     */
    default boolean mapFile(long address, long size, int protection, IoObject file, long offset) {
        return false;
    }

    /**
     * Maps shared memory at a fixed address, replacing whatever was mapped there, as a Unix {@code MAP_SHARED}
     * mapping: with {@code file} null, new zero-filled memory that stays shared with the address spaces of forked
     * children (fork maps the same memory instead of copying it); with a kernel file object (an open host file),
     * the file's pages from the page-aligned {@code offset}, shared by every address space that maps the same file
     * this way (a write is seen by the others at once) and written back to the file by {@link #sync}, by
     * {@link #unmap} and when the address space ends. Bytes past the file's end read as zero and are not written
     * back.
     *
     * @return true when mapped; false when this address space cannot share this object (nothing was mapped)
     * @throws MemoryLimitException when the mapping would exceed {@link #limit()}
     * @since 1.6
     */
    default boolean mapShared(long address, long size, int protection, IoObject file, long offset) {
        return false;
    }

    /**
     * Writes the shared file pages of a range ({@link #mapShared}) back to their files (msync); other memory in the
     * range is left alone.
     *
     * @throws java.io.IOException when the file cannot be written
     * @since 1.6
     */
    default void sync(long address, long size) throws java.io.IOException {
    }

    /**
     * Where a guest address lies in shared memory ({@link #mapShared}): the shared object and the offset in it,
     * the same for every address space that maps the byte (the key of a non-private futex); null for memory of
     * this address space alone.
     *
     * @since 1.6
     */
    default SharedPlace sharedAt(long address) {
        return null;
    }

    /**
     * A byte of shared memory: {@code memory} compares by identity and is the same object in every address space
     * that maps it, {@code offset} is the byte's offset in it.
     *
     * @since 1.6
     */
    record SharedPlace(Object memory, long offset) {
    }

    /**
     * Moves a mapped range to another address without copying (mremap): the memory keeps its identity (shared
     * memory stays shared, file mappings keep their file), protection and contents; whatever was mapped at the
     * target is replaced, the source range is unmapped. The ranges must not overlap.
     *
     * @return true when moved; false when this address space cannot move memory or part of the range is not
     *         mapped (nothing changed: map, copy and unmap instead)
     * @since 1.6
     */
    default boolean move(long from, long size, long to) {
        return false;
    }

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

    /**
     * Atomically replaces the little-endian 32-bit value at {@code address} with {@code value} if it is
     * {@code expected}, atomic also against the process's threads running guest code (their locked instructions)
     * on that memory; returns whether it did (API 1.7).
     *
     * @throws MemoryFault if the 4 bytes are not mapped in one range
     */
    boolean compareAndSetInt(long address, int expected, int value);

    /** Writes a little-endian 64-bit value. */
    void putLong(long address, long value);

    /** Reads a NUL-terminated string of at most {@code max} bytes (UTF-8 decoded). */
    String getString(long address, int max);

    /** Reads a NUL-terminated byte string of at most {@code max} bytes, without the NUL. */
    byte[] getCString(long address, int max);

    /** Fills a range with zero bytes. */
    void zero(long address, long length);

    /**
     * Lends a guest range to a system call as direct buffers over the guest's own memory (no copy: a host
     * read can fill them in place), checked as the guest's own access would be: every byte mapped, and
     * writable when {@code access} has {@link #WRITE} (the call puts data into guest memory) or readable when
     * it has {@link #READ}; otherwise it throws {@link MemoryFault} at the first byte that fails (EFAULT).
     * Until {@link Pinned#close()} the host memory behind the range is not freed, even if another thread of the
     * process unmaps or remaps it or the process ends meanwhile: data then goes to or comes from memory the
     * guest no longer sees, as with a host kernel. Close it when the call is done (try-with-resources), and
     * never keep the buffers: after close they may point at freed memory. A blocking call may hold it; the
     * process's unmapped memory is then freed only when it returns.
     *
     * @param length bytes, at most {@link Integer#MAX_VALUE}
     * @return the lent range, or null when this address space cannot lend its memory (copy with
     *         {@link #read}/{@link #write} instead)
     * @since 1.4
     */
    default Pinned pin(long address, long length, int access) {
        return null;
    }

    /** A guest range lent by {@link #pin}: direct buffers over guest memory, valid until closed. */
    interface Pinned extends AutoCloseable {
        /**
         * The range in address order, one buffer per contiguous piece of host memory (a range across two
         * mappings may be two buffers), each from position 0 to its limit.
         */
        java.nio.ByteBuffer[] buffers();

        /** Ends the loan: the buffers must not be used any more. Closing twice does nothing. */
        @Override
        void close();
    }

    /** A mapped region. */
    record Region(long start, long end, int protection, String name) {
    }
}
