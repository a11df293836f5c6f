package io.pico.kernel;

import io.pico.api.AddressSpace;
import io.pico.api.MemoryFault;
import io.pico.kernel.engine.Engine;
import io.pico.unicorn.HostMemory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's guest memory: chunks of host memory (page-aligned native allocations) at guest
 * addresses. Every change is also logged as an engine operation with a generation number; each engine
 * of the process replays the operations it has not seen ({@link #sync}) on its own thread, so no engine
 * is touched by a thread other than the one running it.
 */
final class KAddressSpace implements AddressSpace {

    /** Lowest address handed out by {@link #findFree}: keeps page zero and low memory unmapped. */
    static final long MIN_FREE = 0x10000;
    /** Top of the user address space of x86-64 (47 bits). */
    static final long USER_TOP = 0x7fff_ffff_f000L;

    /** Host memory mapped for guests by every address space, for leak checks. */
    static final java.util.concurrent.atomic.AtomicLong HOST_BYTES = new java.util.concurrent.atomic.AtomicLong();
    /** Host memory this address space allocated and has not freed yet ({@link #HOST_BYTES} counts them all). */
    private final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();

    private final TreeMap<Long, Chunk> chunks = new TreeMap<>();
    private final List<Op> log = new ArrayList<>();
    private long generation;
    private long logBase; // generation of log.get(0) - 1
    private long mapped;
    private boolean released;
    private long limit = Limits.defaults().memoryBytes();

    /**
     * A mapped range backed by host memory at {@code host}: anonymous, or (image != null) an image's memory file
     * from {@code fileOffset}: a private copy-on-write mapping of its own, or (shared) the image's read-only view
     * that every process shares for pages it cannot write (engines keep their translations of it). The kernel's
     * own writes and a protection that allows writing give a shared range a private mapping first.
     */
    private static final class Chunk {
        final long start;
        final long end;
        final long host;
        int protection;
        /** The image whose memory file backs this range (one counted reference per chunk), or null. */
        final Images.Image image;
        final long fileOffset;
        /** Whether host is in the image's read-only view (never written). */
        final boolean shared;
        /** The shared memory (MAP_SHARED) mapped at host from fileOffset (one counted reference), or null. */
        final SharedMemory segment;
        /** A direct buffer over the whole chunk, made on the first {@link #pin} in it (slices of it are cheap). */
        java.nio.ByteBuffer view;

        Chunk(long start, long end, long host, int protection, Images.Image image, long fileOffset, boolean shared) {
            this(start, end, host, protection, image, fileOffset, shared, null);
        }

        Chunk(long start, long end, long host, int protection, Images.Image image, long fileOffset, boolean shared,
                SharedMemory segment) {
            this.segment = segment;
            this.start = start;
            this.end = end;
            this.host = host;
            this.protection = protection;
            this.image = image;
            this.fileOffset = fileOffset;
            this.shared = shared;
        }

        /** The part [from, to) of this chunk as a chunk of its own (its image counted once more). */
        Chunk piece(long from, long to, int protection) {
            return new Chunk(from, to, host + (from - start), protection, image == null ? null : image.retain(),
                    fileOffset + (from - start), shared, segment == null ? null : segment.retain());
        }

        /** This chunk is gone (its pieces hold their own references). */
        void drop() {
            if (image != null) {
                image.release();
            }
            if (segment != null) {
                segment.release();
            }
        }

        /** Writes the part [from, to) of a shared file mapping back to its file (nothing for other memory). */
        void writeBack(long from, long to) {
            if (segment != null && segment.isFile()) {
                try {
                    segment.writeBack(fileOffset + (from - start), to - from);
                } catch (java.io.IOException e) {
                    Images.log.accept("shared file mapping: write back failed: " + e);
                }
            }
        }
    }

    /** An engine operation: map (host != 0; stable for an image's view), unmap (protection < 0) or protect. */
    private record Op(long address, long size, int protection, long host, Engine.Stable stable) {
        Op(long address, long size, int protection, long host) {
            this(address, size, protection, host, null);
        }

        void apply(Engine engine) {
            if (protection < 0) {
                engine.unmap(address, size);
            } else if (host != 0) {
                engine.map(address, size, protection, host, stable);
            } else {
                engine.protect(address, size, protection);
            }
        }
    }

    private static void checkAligned(long address, long size) {
        if ((address & (PAGE_SIZE - 1)) != 0 || (size & (PAGE_SIZE - 1)) != 0 || size <= 0) {
            throw new IllegalArgumentException(String.format("unaligned range 0x%x+0x%x", address, size));
        }
        if (address < 0 || address + size < address) {
            throw new IllegalArgumentException(String.format("range 0x%x+0x%x wraps around", address, size));
        }
    }

    @Override
    public synchronized void map(long address, long size, int protection) {
        checkAligned(address, size);
        mapLocked(address, size, protection, null, 0, false);
    }

    /**
     * Maps the file's pages privately (copy-on-write) from the kernel's copy of the file ({@link Images}): no
     * bytes are read or copied for a file mapped before, the pages a process only reads are shared with every
     * other process mapping it, and fork copies only the pages written. False (nothing mapped) where the kernel
     * keeps no copy of this file (not a plain host file, too large); the caller maps and copies then.
     */
    @Override
    public boolean mapFile(long address, long size, int protection, java.nio.channels.FileChannel file,
            long offset) {
        return mapDescriptor(address, size, protection, io.pico.unicorn.HostMemory.descriptor(file), offset);
    }

    /** The same for a kernel file object: an open host file ({@code HostFile}); false for anything else. */
    @Override
    public boolean mapFile(long address, long size, int protection, io.pico.api.IoObject file, long offset) {
        if (!(file instanceof io.pico.kernel.io.HostFile h)) {
            return false;
        }
        return mapDescriptor(address, size, protection, h.descriptor(), offset);
    }

    private boolean mapDescriptor(long address, long size, int protection, int fd, long offset) {
        checkAligned(address, size);
        if ((offset & (PAGE_SIZE - 1)) != 0 || offset < 0) {
            throw new IllegalArgumentException("unaligned file offset " + offset);
        }
        SharedMemory.writeBackFile(fd); // a private mapping starts from what shared mappings of the file hold
        Images.Image image = Images.acquire(fd); // outside the lock: a first map reads the file
        if (image == null) {
            return false;
        }
        try {
            if (offset + size > ((image.size + PAGE_SIZE - 1) & -PAGE_SIZE) || offset + size < offset) {
                throw new IllegalArgumentException(String.format(
                        "file mapping 0x%x+0x%x lies past the file's end (%d bytes)", offset, size, image.size));
            }
            synchronized (this) {
                mapLocked(address, size, protection, image, offset, (protection & WRITE) == 0);
            }
            return true;
        } catch (RuntimeException e) {
            image.release();
            throw e;
        }
    }

    @Override
    public boolean mapShared(long address, long size, int protection, io.pico.api.IoObject file, long offset) {
        checkAligned(address, size);
        if ((offset & (PAGE_SIZE - 1)) != 0 || offset < 0 || offset + size < offset) {
            throw new IllegalArgumentException("unaligned file offset " + offset);
        }
        SharedMemory segment;
        try {
            if (file == null) {
                segment = SharedMemory.anonymous(size);
                offset = 0;
            } else if (file instanceof io.pico.kernel.io.HostFile h && h.descriptor() >= 0) {
                segment = SharedMemory.ofFile(h.descriptor(), offset, offset + size); // outside the lock: reads the file
            } else {
                return false;
            }
        } catch (java.io.IOException e) {
            Images.log.accept("shared mapping refused: " + e);
            return false;
        }
        if (segment == null) {
            return false;
        }
        try {
            synchronized (this) {
                mapLocked(address, size, protection, null, offset, false, segment);
            }
            return true;
        } catch (RuntimeException e) {
            segment.release();
            throw e;
        }
    }

    @Override
    public synchronized void sync(long address, long size) {
        for (Chunk c : overlapping(address, address + size)) {
            c.writeBack(Math.max(c.start, address), Math.min(c.end, address + size));
        }
    }

    @Override
    public synchronized SharedPlace sharedAt(long address) {
        Chunk c = chunkAt(address);
        return c == null || c.segment == null ? null : new SharedPlace(c.segment, c.fileOffset + (address - c.start));
    }

    private void mapLocked(long address, long size, int protection, Images.Image image, long offset, boolean view) {
        mapLocked(address, size, protection, image, offset, view, null);
    }

    /**
     * Maps anonymous memory (image null) or the image's pages from offset, from its shared read-only view when
     * asked (never for a writable range); the chunk takes the image's reference.
     */
    private void mapLocked(long address, long size, int protection, Images.Image image, long offset, boolean view,
            SharedMemory segment) {
        if (released) {
            throw new IllegalStateException("address space released");
        }
        long overlap = 0;
        for (Chunk c : overlapping(address, address + size)) {
            overlap += Math.min(c.end, address + size) - Math.max(c.start, address);
        }
        if (mapped - overlap + size > limit) {
            throw new io.pico.api.MemoryLimitException(size, limit);
        }
        unmapLocked(address, size);
        boolean shared = image != null && view && (protection & WRITE) == 0 && SHARE_VIEWS;
        long host = segment != null ? HostMemory.mapFile(segment.fd(), offset, size, true)
                : image == null ? HostMemory.allocate(size)
                : shared ? image.view() + offset : HostMemory.mapFile(image.fd, offset, size, false);
        HOST_BYTES.addAndGet(size);
        held.addAndGet(size);
        chunks.put(address, new Chunk(address, address + size, host, protection, image, offset, shared, segment));
        mapped += size;
        record(new Op(address, size, protection, host, shared ? image : null));
    }

    /**
     * Whether unwritable image pages use the image's one read-only view ({@code pico.image.views}, default true):
     * engines then keep their translations of a program across exec and processes.
     */
    private static final boolean SHARE_VIEWS = Boolean.parseBoolean(System.getProperty("pico.image.views", "true"));

    /**
     * Gives a range in an image's shared view a private copy-on-write mapping of its own (the same bytes), before
     * the kernel writes into it or the guest may: the view is never written. Engines remap it at their next sync.
     */
    private Chunk privatize(Chunk c) {
        long size = c.end - c.start;
        long host = HostMemory.mapFile(c.image.fd, c.fileOffset, size, false);
        Chunk p = new Chunk(c.start, c.end, host, c.protection, c.image.retain(), c.fileOffset, false);
        chunks.put(c.start, p);
        HOST_BYTES.addAndGet(size);
        held.addAndGet(size);
        record(new Op(c.start, size, -1, 0));
        record(new Op(c.start, size, c.protection, host));
        pendingFrees.add(new PendingFree(c.host, size, generation, c.image)); // c's reference, once engines moved on
        reclaim();
        return p;
    }

    /** The chunk at an address, made writable by the kernel (a shared view's range gets its own mapping). */
    private Chunk ownChunkAt(long address) {
        Chunk c = chunkAt(address);
        return c != null && c.shared ? privatize(c) : c;
    }

    @Override
    public synchronized boolean move(long from, long size, long to) {
        checkAligned(from, size);
        checkAligned(to, size);
        if (released || from < to + size && to < from + size || !isMapped(from, size)) {
            return false;
        }
        unmapLocked(to, size);
        long end = from + size;
        for (Chunk c : overlapping(from, end)) {
            long a = Math.max(c.start, from);
            long b = Math.min(c.end, end);
            chunks.remove(c.start);
            if (c.start < a) {
                chunks.put(c.start, c.piece(c.start, a, c.protection));
            }
            if (b < c.end) {
                chunks.put(b, c.piece(b, c.end, c.protection));
            }
            Chunk moved = c.piece(a, b, c.protection); // the same host memory at the new address
            Chunk there = new Chunk(to + (a - from), to + (b - from), moved.host, moved.protection, moved.image,
                    moved.fileOffset, moved.shared, moved.segment);
            chunks.put(there.start, there);
            c.drop();
            record(new Op(a, b - a, -1, 0));
            record(new Op(there.start, b - a, there.protection, there.host, there.shared ? there.image : null));
        }
        return true;
    }

    @Override
    public synchronized void unmap(long address, long size) {
        checkAligned(address, size);
        unmapLocked(address, size);
    }

    private void unmapLocked(long address, long size) {
        long end = address + size;
        for (Chunk c : overlapping(address, end)) {
            long from = Math.max(c.start, address);
            long to = Math.min(c.end, end);
            chunks.remove(c.start);
            if (c.start < from) {
                chunks.put(c.start, c.piece(c.start, from, c.protection));
            }
            if (to < c.end) {
                chunks.put(to, c.piece(to, c.end, c.protection));
            }
            mapped -= to - from;
            record(new Op(from, to - from, -1, 0));
            c.writeBack(from, to);
            if (c.shared) {
                // the view is not freed, but it must outlive the engines that may still run on it: c's reference goes later
                pendingFrees.add(new PendingFree(c.host + (from - c.start), to - from, generation, c.image));
                reclaim();
            } else {
                c.drop();
                freeLater(c.host + (from - c.start), to - from);
            }
        }
    }

    /*
     * Host memory is freed only when no engine can touch it any more. An engine keeps the host pointers of
     * what it has mapped until it replays the unmap (sync); a thread running guest code meanwhile (another
     * thread of the process, between two calls) would otherwise write into freed memory: a SIGSEGV that ends
     * the whole JVM, or, if the host has handed the pages out again, a write into someone else's memory.
     * So an unmapped range waits here until every engine that may run guest code has synced past the unmap;
     * an engine whose thread is inside a call, blocked or not started is quiescent (it syncs before it runs
     * guest code again) and holds nothing up.
     */

    /** Per engine: the generation it has synced to, and whether it is quiescent (1) or may run guest code (0). */
    private final java.util.IdentityHashMap<Engine, long[]> engines = new java.util.IdentityHashMap<>();
    /**
     * A host range unmapped but not freed yet, and the generation of the unmap; for a range of an image's view
     * (image != null) nothing is unmapped: the image's reference is released instead.
     */
    private record PendingFree(long host, long size, long generation, Images.Image image) {
        void free() {
            if (image != null) {
                image.release();
            } else {
                HostMemory.free(host, size);
            }
        }
    }

    /** Host ranges unmapped but not freed yet. */
    private final List<PendingFree> pendingFrees = new ArrayList<>();

    /**
     * Ranges lent to system calls now ({@link #pin}): while any is out, no host memory of this address space is
     * freed, so a host read into a lent buffer never writes into freed memory when another thread unmaps it.
     */
    private int pins;

    private void freeLater(long host, long size) {
        pendingFrees.add(new PendingFree(host, size, generation, null));
        reclaim();
    }

    /** Frees what every engine that may run guest code has unmapped already. */
    private void reclaim() {
        if (pendingFrees.isEmpty() || pins > 0) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        for (long[] e : engines.values()) {
            if (e[1] == 0) {
                oldest = Math.min(oldest, e[0]);
            }
        }
        for (java.util.Iterator<PendingFree> it = pendingFrees.iterator(); it.hasNext();) {
            PendingFree f = it.next();
            if (f.generation() <= oldest) {
                f.free();
                HOST_BYTES.addAndGet(-f.size());
                held.addAndGet(-f.size());
                it.remove();
            }
        }
    }

    /** The engine's thread has left guest code (a call, a fault, a stop): it syncs before it runs again. */
    synchronized void quiesce(Engine engine) {
        long[] e = engines.get(engine);
        if (e != null) {
            e[1] = 1;
            reclaim();
        }
    }

    /** The engine is closed (its thread ended). */
    synchronized void forget(Engine engine) {
        engines.remove(engine);
        reclaim();
    }

    @Override
    public synchronized void protect(long address, long size, int protection) {
        checkAligned(address, size);
        long end = address + size;
        for (Chunk c : overlapping(address, end)) {
            if (c.protection == protection) {
                continue; // no split: an engine keeps its one mapping of the range
            }
            long from = Math.max(c.start, address);
            long to = Math.min(c.end, end);
            chunks.remove(c.start);
            if (c.start < from) {
                chunks.put(c.start, c.piece(c.start, from, c.protection));
            }
            Chunk changed = c.piece(from, to, protection);
            chunks.put(from, changed);
            if (to < c.end) {
                chunks.put(to, c.piece(to, c.end, c.protection));
            }
            c.drop();
            if (changed.shared && (protection & WRITE) != 0) {
                privatize(changed); // the guest may write it now: its own copy (mapped with the new protection)
            } else {
                record(new Op(from, to - from, protection, 0));
            }
        }
    }

    private List<Chunk> overlapping(long start, long end) {
        List<Chunk> result = new ArrayList<>();
        Map.Entry<Long, Chunk> first = chunks.floorEntry(start);
        Long from = first != null && first.getValue().end > start ? first.getKey() : Long.valueOf(start);
        for (Chunk c : chunks.subMap(from, true, end, false).values()) {
            if (c.end > start) {
                result.add(c);
            }
        }
        return result;
    }

    private void record(Op op) {
        log.add(op);
        generation++;
    }

    /** The current generation: engines that have replayed up to it see the current mappings. */
    synchronized long generation() {
        return generation;
    }

    /**
     * Brings an engine up to date, replaying what happened since {@code seen}; returns the new
     * generation. A new engine (seen = -1) gets every current chunk mapped.
     */
    synchronized long sync(Engine engine, long seen) {
        if (seen < 0) {
            for (Chunk c : chunks.values()) {
                engine.map(c.start, c.end - c.start, c.protection, c.host, c.shared ? c.image : null);
            }
            engine.settle();
            // a new engine runs no guest code until its thread starts and syncs again
            engines.put(engine, new long[] {generation, 1});
            return generation;
        }
        if (seen < logBase) {
            throw new IllegalStateException("engine fell behind the memory log");
        }
        for (long g = seen; g < generation; g++) {
            log.get((int) (g - logBase)).apply(engine);
        }
        engine.settle();
        long[] e = engines.computeIfAbsent(engine, k -> new long[2]);
        e[0] = generation;
        e[1] = 0;
        reclaim();
        return generation;
    }

    /**
     * {@link #sync} then {@link #quiesce} under one lock: what a system call does on entry (the engine catches up,
     * then runs no guest code until the call is over and it syncs again).
     */
    synchronized long syncQuiesced(Engine engine, long seen) {
        if (seen < 0 || seen < logBase) {
            long g = sync(engine, seen);
            quiesce(engine);
            return g;
        }
        for (long g = seen; g < generation; g++) {
            log.get((int) (g - logBase)).apply(engine);
        }
        engine.settle();
        long[] e = engines.computeIfAbsent(engine, k -> new long[2]);
        e[0] = generation;
        e[1] = 1;
        reclaim();
        return generation;
    }

    /** Drops log entries that every engine has replayed. */
    synchronized void trim(long oldestSeen) {
        int drop = (int) Math.min(log.size(), oldestSeen - logBase);
        if (drop > 256) {
            log.subList(0, drop).clear();
            logBase += drop;
        }
    }

    /** An all-zero page to compare pages with. */
    private static final java.nio.ByteBuffer ZERO_PAGE = java.nio.ByteBuffer.allocateDirect((int) PAGE_SIZE);
    /** Pages compared at once: large enough that a buffer per group costs nothing next to the comparison. */
    private static final int GROUP = 256;

    /**
     * Copies every mapping and its contents into an empty address space (fork). Pages that hold only zeros
     * are not copied: the new memory reads as zero until written, and untouched pages (most of a stack)
     * cost the child no RAM. Pages the host never gave the parent (neither present nor swapped, in
     * {@code /proc/self/pagemap}) are not even read: reading them would fault each one in (a minor fault and a
     * 4 KiB compare per page: ~1 ms for an 8 MiB stack, at every fork of a shell). A range mapped from an image
     * ({@link #mapFile}) is mapped from the same image in the child, and only the pages the parent wrote (its
     * own anonymous copies, in the pagemap: not file pages) are copied: the program's text and every page
     * both only read stay shared.
     */
    synchronized void copyInto(KAddressSpace other) {
        // the child's lock too: the half-made child is in the process table already, and a KILL that ends it
        // releases its memory, which must wait for this copy (else it writes into freed host memory: a JVM crash)
        synchronized (other) {
            other.limit = limit;
            for (Chunk c : chunks.values()) {
                long size = c.end - c.start;
                if (c.segment != null) {
                    SharedMemory segment = c.segment.retain();
                    try {
                        other.mapLocked(c.start, size, c.protection, null, c.fileOffset, false, segment);
                    } catch (RuntimeException e) {
                        segment.release();
                        throw e;
                    }
                    continue; // the same memory, not a copy
                }
                if (c.image != null) {
                    Images.Image image = c.image.retain();
                    try {
                        other.mapLocked(c.start, size, c.protection, image, c.fileOffset, c.shared);
                    } catch (RuntimeException e) {
                        image.release();
                        throw e;
                    }
                    if (c.shared) {
                        continue; // the same read-only view: nothing was written
                    }
                } else {
                    other.map(c.start, size, c.protection);
                }
                long to = other.host(c.start, size);
                for (long group = 0; group < size; group += GROUP * PAGE_SIZE) {
                    long groupLength = Math.min(GROUP * PAGE_SIZE, size - group);
                    long[] present = Pagemap.entries(c.host + group, (int) (groupLength / PAGE_SIZE));
                    java.nio.ByteBuffer pages = c.image != null ? null : HostMemory.buffer(c.host + group, (int) groupLength);
                    long run = -1; // start of a run of pages to copy
                    for (long off = 0; off <= groupLength; off += PAGE_SIZE) {
                        boolean copy;
                        if (off == groupLength) {
                            copy = false;
                        } else if (c.image != null) {
                            // unknown (no pagemap): copy it; else only the parent's own copy of a page
                            copy = present == null || Pagemap.written(present[(int) (off / PAGE_SIZE)]);
                        } else {
                            copy = (present == null || Pagemap.touched(present[(int) (off / PAGE_SIZE)]))
                                    && pages.slice((int) off, (int) PAGE_SIZE).mismatch(ZERO_PAGE.duplicate()) >= 0;
                        }
                        if (copy && run < 0) {
                            run = off;
                        } else if (!copy && run >= 0) {
                            HostMemory.copy(c.host + group + run, to + group + run, off - run);
                            run = -1;
                        }
                    }
                }
            }
        }
    }

    /** Frees all host memory; the process has ended and its engines are closed. */
    /** Writes every shared file mapping back to its file (the process ends: before its parent can see it). */
    synchronized void writeBackShared() {
        for (Chunk c : chunks.values()) {
            c.writeBack(c.start, c.end);
        }
    }

    synchronized void release() {
        writeBackShared();
        if (pins > 0) {
            // a call of a thread still ending holds part of it: the last pin's close frees it all
            for (Chunk c : chunks.values()) {
                pendingFrees.add(new PendingFree(c.host, c.end - c.start, 0, c.shared ? c.image : null));
                if (!c.shared) {
                    c.drop();
                }
            }
        } else {
            for (Chunk c : chunks.values()) {
                if (!c.shared) {
                    HostMemory.free(c.host, c.end - c.start);
                }
                c.drop();
                HOST_BYTES.addAndGet(-(c.end - c.start));
                held.addAndGet(-(c.end - c.start));
            }
            for (PendingFree f : pendingFrees) {
                f.free();
                HOST_BYTES.addAndGet(-f.size());
                held.addAndGet(-f.size());
            }
            pendingFrees.clear();
        }
        engines.clear();
        chunks.clear();
        log.clear();
        mapped = 0;
        released = true;
    }

    @Override
    public synchronized long findFree(long hint, long size) {
        long candidate = Math.max(MIN_FREE, (hint + PAGE_SIZE - 1) & -PAGE_SIZE);
        Long from = chunks.floorKey(candidate);
        for (Chunk c : (from == null ? chunks : chunks.tailMap(from, true)).values()) {
            if (c.end <= candidate) {
                continue;
            }
            if (c.start >= candidate + size) {
                break;
            }
            candidate = c.end;
        }
        return candidate + size <= USER_TOP ? candidate : -1;
    }

    @Override
    public synchronized boolean isMapped(long address, long size) {
        long at = address;
        long end = address + size;
        if (address < 0 || end < address) {
            return false; // a range that wraps around is never mapped
        }
        while (at < end) {
            Chunk c = chunkAt(at);
            if (c == null) {
                return false;
            }
            at = c.end;
        }
        return true;
    }

    @Override
    public synchronized List<Region> regions() {
        List<Region> result = new ArrayList<>();
        for (Chunk c : chunks.values()) {
            result.add(new Region(c.start, c.end, c.protection, ""));
        }
        return result;
    }

    @Override
    public synchronized long mappedBytes() {
        return mapped;
    }

    @Override
    public synchronized void limit(long bytes) {
        limit = bytes;
    }

    @Override
    public synchronized long limit() {
        return limit;
    }

    private Chunk chunkAt(long address) {
        Map.Entry<Long, Chunk> e = chunks.floorEntry(address);
        return e != null && e.getValue().end > address ? e.getValue() : null;
    }

    @Override
    public Pinned pin(long address, long length, int access) {
        if (length <= 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pin length " + length);
        }
        // as on x86-64: a writable or executable page is readable too
        int need = (access & WRITE) != 0 ? WRITE : 0;
        boolean read = (access & READ) != 0;
        long end = address + length;
        java.nio.ByteBuffer one = null;
        List<java.nio.ByteBuffer> more = null;
        synchronized (this) {
            if (released || address < 0 || end < address) {
                throw new MemoryFault(address);
            }
            long at = address;
            while (at < end) {
                Chunk c = chunkAt(at);
                if (c == null || (c.protection & need) != need || read && c.protection == 0) {
                    throw new MemoryFault(at);
                }
                int n = (int) (Math.min(end, c.end) - at);
                java.nio.ByteBuffer b;
                if (c.end - c.start <= Integer.MAX_VALUE) {
                    if (c.view == null) {
                        c.view = HostMemory.buffer(c.host, (int) (c.end - c.start));
                    }
                    b = c.view.slice((int) (at - c.start), n);
                } else {
                    b = HostMemory.buffer(c.host + (at - c.start), n);
                }
                if (one == null) {
                    one = b;
                } else {
                    if (more == null) {
                        more = new ArrayList<>();
                        more.add(one);
                    }
                    more.add(b);
                }
                at += n;
            }
            pins++;
        }
        return new Pin(more == null ? new java.nio.ByteBuffer[] {one} : more.toArray(new java.nio.ByteBuffer[0]));
    }

    /** Ends a loan: frees what was unmapped meanwhile once no loan is out. */
    private synchronized void unpin() {
        if (--pins == 0) {
            reclaim();
        }
    }

    /** How many ranges are lent now (tests). */
    /** Host memory this address space still holds, freed or not yet freed after unmapping (tests). */
    long hostBytesHeld() {
        return held.get();
    }

    synchronized int pins() {
        return pins;
    }

    /** A range lent by {@link #pin}. */
    private final class Pin implements Pinned {
        private final java.nio.ByteBuffer[] buffers;
        private boolean closed;

        Pin(java.nio.ByteBuffer[] buffers) {
            this.buffers = buffers;
        }

        @Override
        public java.nio.ByteBuffer[] buffers() {
            return buffers;
        }

        @Override
        public void close() {
            synchronized (KAddressSpace.this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            unpin();
        }
    }

    /** The host address of a guest byte, checking that {@code length} bytes from it are in one chunk. */
    synchronized long host(long address, long length) {
        Chunk c = chunkAt(address);
        if (c == null) {
            throw new MemoryFault(address);
        }
        if (address + length > c.end) {
            throw new MemoryFault(c.end);
        }
        return c.host + (address - c.start);
    }

    @Override
    public synchronized void read(long address, byte[] dst, int offset, int length) {
        while (length > 0) {
            Chunk c = chunkAt(address);
            if (c == null) {
                throw new MemoryFault(address);
            }
            int n = (int) Math.min(length, c.end - address);
            HostMemory.read(c.host + (address - c.start), dst, offset, n);
            address += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public synchronized void write(long address, byte[] src, int offset, int length) {
        while (length > 0) {
            Chunk c = ownChunkAt(address);
            if (c == null) {
                throw new MemoryFault(address);
            }
            int n = (int) Math.min(length, c.end - address);
            HostMemory.write(c.host + (address - c.start), src, offset, n);
            address += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public synchronized byte getByte(long address) {
        return HostMemory.getByte(host(address, 1));
    }

    @Override
    public synchronized int getInt(long address) {
        Chunk c = chunkAt(address);
        if (c != null && address + 4 <= c.end) {
            return HostMemory.getInt(c.host + (address - c.start));
        }
        byte[] b = new byte[4];
        read(address, b, 0, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    @Override
    public synchronized boolean compareAndSetInt(long address, int expected, int value) {
        Chunk c = ownChunkAt(address);
        if (c == null || address + 4 > c.end) {
            throw new MemoryFault(address);
        }
        // under this lock, as every access: an unmap by another thread cannot free the host memory meanwhile
        return HostMemory.compareAndSetInt(c.host + (address - c.start), expected, value);
    }

    @Override
    public synchronized long getLong(long address) {
        Chunk c = chunkAt(address);
        if (c != null && address + 8 <= c.end) {
            return HostMemory.getLong(c.host + (address - c.start));
        }
        return (getInt(address) & 0xffff_ffffL) | ((long) getInt(address + 4)) << 32;
    }

    @Override
    public synchronized void putByte(long address, byte value) {
        Chunk c = ownChunkAt(address);
        if (c == null) {
            throw new MemoryFault(address);
        }
        HostMemory.putByte(c.host + (address - c.start), value);
    }

    @Override
    public synchronized void putInt(long address, int value) {
        Chunk c = ownChunkAt(address);
        if (c != null && address + 4 <= c.end) {
            HostMemory.putInt(c.host + (address - c.start), value);
            return;
        }
        write(address, new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)}, 0,
                4);
    }

    @Override
    public synchronized void putLong(long address, long value) {
        Chunk c = ownChunkAt(address);
        if (c != null && address + 8 <= c.end) {
            HostMemory.putLong(c.host + (address - c.start), value);
            return;
        }
        putInt(address, (int) value);
        putInt(address + 4, (int) (value >>> 32));
    }

    @Override
    public String getString(long address, int max) {
        return new String(getCString(address, max), StandardCharsets.UTF_8);
    }

    /**
     * Reads a C string chunk by chunk (one strnlen and one copy per chunk it spans, not a lookup per byte: execve
     * reads every argument and environment string this way); a fault at the first unmapped byte before the NUL.
     */
    @Override
    public synchronized byte[] getCString(long address, int max) {
        ByteArrayOutputStream out = null;
        long at = address;
        int left = max;
        while (left > 0) {
            Chunk c = chunkAt(at);
            if (c == null) {
                throw new MemoryFault(at);
            }
            int span = (int) Math.min(left, c.end - at);
            long host = c.host + (at - c.start);
            int n = (int) HostMemory.strlen(host, span);
            if (out == null && (n < span || span == left)) {
                return HostMemory.cString(host, n); // the usual case: the string lies in one chunk
            }
            if (out == null) {
                out = new ByteArrayOutputStream();
            }
            out.writeBytes(HostMemory.cString(host, n));
            if (n < span) {
                break;
            }
            at += span;
            left -= span;
        }
        return out == null ? new byte[0] : out.toByteArray();
    }

    @Override
    public synchronized void zero(long address, long length) {
        byte[] zeros = new byte[(int) Math.min(length, 65536)];
        while (length > 0) {
            int n = (int) Math.min(length, zeros.length);
            write(address, zeros, 0, n);
            address += n;
            length -= n;
        }
    }
}
