package io.pico.kernel;

import io.pico.unicorn.HostMemory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's copies of image files that guests map ({@link KAddressSpace#mapFile}): one sealed memory file
 * (memfd) per file identity (device, inode, size, modification and change times), read once. Every process that
 * maps the same unchanged file gets a private copy-on-write mapping of the same memory file: it shares the pages
 * it only reads with every other process and the cache, and fork copies only the pages a process wrote. The
 * host file itself is never mapped: a host file that someone truncates would make the JVM fault (SIGBUS) on its
 * pages; the sealed copy can neither shrink nor change. A file changed in place gets a new copy at its next map
 * (its change time moved); mappings of the old copy keep it. A file changed in the last two seconds is copied for
 * each map and not cached (two changes within the file system's clock tick can leave its times as they were).
 *
 * <p>Bounded: files up to {@code pico.image.max} bytes (64 MiB) are copied, the cache keeps at most
 * {@code pico.image.cache} bytes (256 MiB) of copies no process needs, least recently mapped first out.
 */
final class Images {

    private static final long MAX_FILE = Long.getLong("pico.image.max", 64L << 20);
    private static final long CACHE_BYTES = Long.getLong("pico.image.cache", 256L << 20);
    /**
     * A file changed less than this long ago (its change time) gets a copy of its own, not cached: a file system
     * may give two changes within its clock tick the same times (ext4: a few ms), which would leave the key as it
     * was for changed contents.
     */
    static volatile long settledNanos = Long.getLong("pico.image.settled.ms", 2000) * 1_000_000L;

    /** A host file's identity: a copy is re-used only for the same unchanged file. */
    private record Key(Object fileKey, long size, long modified, long changed) {
    }

    /**
     * A sealed memory file holding an image's bytes, counted: the cache, each chunk mapping it and each engine
     * keeping its view hold one. Its read-only view ({@link #view}) is the host memory of every process's
     * unwritable pages of the image: one host mapping, so that engines can keep their translations of it.
     */
    static final class Image implements io.pico.kernel.engine.Engine.Stable {
        final int fd;
        final long size;
        private int refs = 1;
        private long view;

        Image(int fd, long size) {
            this.fd = fd;
            this.size = size;
            OPEN.incrementAndGet();
        }

        @Override
        public synchronized Image retain() {
            if (refs <= 0) {
                throw new IllegalStateException("image released");
            }
            refs++;
            return this;
        }

        /** The whole file mapped read-only (made on first use, unmapped with the last reference). */
        synchronized long view() {
            if (view == 0) {
                view = HostMemory.mapFileReadOnly(fd, 0, size);
            }
            return view;
        }

        @Override
        public void release() {
            boolean close;
            long unmap;
            synchronized (this) {
                close = --refs == 0;
                unmap = close ? view : 0;
            }
            if (close) {
                if (unmap != 0) {
                    HostMemory.free(unmap, size);
                }
                HostMemory.closeFile(fd); // private mappings keep their pages
                OPEN.decrementAndGet();
            }
        }
    }

    /** Where a failed copy is reported: the runtime's log, once a kernel is active. */
    static volatile java.util.function.Consumer<String> log = line -> { };

    private static final LinkedHashMap<Key, Image> CACHE = new LinkedHashMap<>(16, 0.75f, true);
    private static long cached;
    /** Copies open now, cached or held by a mapping or an engine (tests, statistics). */
    static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();
    /** Copies made (tests, statistics). */
    static final java.util.concurrent.atomic.AtomicLong COPIES = new java.util.concurrent.atomic.AtomicLong();

    private Images() {
    }

    /**
     * A counted image of the open file (release it), or null where none can be made: not a plain host file of the
     * JDK, too large, empty, or memory files unavailable. The caller then copies the bytes itself.
     */
    static Image acquire(FileChannel file) {
        return acquire(HostMemory.descriptor(file));
    }

    /** {@link #acquire(FileChannel)} for an open host descriptor (-1: none). */
    static Image acquire(int fd) {
        if (fd < 0) {
            return null;
        }
        Key key;
        try {
            Map<String, Object> a = Files.readAttributes(Path.of("/proc/self/fd/" + fd),
                    "unix:dev,ino,size,lastModifiedTime,ctime,mode");
            int mode = (Integer) a.get("mode");
            long size = (Long) a.get("size");
            if ((mode & 0170000) != 0100000 || size <= 0 || size > MAX_FILE) {
                return null; // not a regular file (a pipe, a device) or not worth a copy
            }
            key = new Key(java.util.List.of(a.get("dev"), a.get("ino")), size,
                    ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                    ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        long settle = settledNanos;
        // (0 turns the rule off: a change time later than the millisecond clock's now must not count as recent then)
        if (settle > 0 && System.currentTimeMillis() * 1_000_000L - key.changed() < settle) {
            // changed moments ago: a change within the file system's time granularity would keep the same key,
            // so this copy is not shared with later maps (as git treats racily clean files)
            try {
                COPIES.incrementAndGet();
                return copy(fd, key.size());
            } catch (IOException | RuntimeException e) {
                log.accept("image copy of descriptor " + fd + " failed (the file is copied per process): " + e);
                return null;
            }
        }
        synchronized (Images.class) {
            Image image = CACHE.get(key);
            if (image != null) {
                return image.retain();
            }
            try {
                image = copy(fd, key.size());
            } catch (IOException | RuntimeException e) {
                log.accept("image copy of descriptor " + fd + " failed (the file is copied per process): " + e);
                return null;
            }
            COPIES.incrementAndGet();
            CACHE.put(key, image);
            cached += image.size;
            for (Iterator<Image> it = CACHE.values().iterator(); cached > CACHE_BYTES && it.hasNext();) {
                Image old = it.next();
                if (old != image) {
                    it.remove();
                    cached -= old.size;
                    old.release();
                }
            }
            return image.retain();
        }
    }

    /**
     * Reads the file into a new sealed memory file, with positional reads on its descriptor (pread: an interrupt of
     * the calling thread, a signal or a provider swap, cannot close the caller's channel as a channel read would).
     */
    private static Image copy(int file, long size) throws IOException {
        int fd = HostMemory.memoryFile("pico-image", size);
        try {
            long at = HostMemory.mapFile(fd, 0, size, true);
            try {
                for (long pos = 0; pos < size;) {
                    int n = (int) Math.min(1 << 24, size - pos);
                    java.nio.ByteBuffer buf = HostMemory.buffer(at + pos, n);
                    while (buf.hasRemaining()) {
                        if (HostMemory.read(file, buf, pos + buf.position()) <= 0) {
                            throw new IOException("file shrank while copying");
                        }
                    }
                    pos += n;
                }
            } finally {
                HostMemory.free(at, size);
            }
            HostMemory.seal(fd); // nothing else can reach the descriptor: the seals are a second line
            return new Image(fd, size);
        } catch (IOException | RuntimeException e) {
            HostMemory.closeFile(fd);
            throw e;
        }
    }

    /**
     * Drops every cached copy (the kernel stops); mappings keep theirs, and so do pooled engines until the engine
     * factory is closed ({@link io.pico.kernel.engine.EngineFactory#close}).
     */
    static void clear() {
        synchronized (Images.class) {
            for (Image i : CACHE.values()) {
                i.release();
            }
            CACHE.clear();
            cached = 0;
        }
    }

    /** Copies in the cache now (tests, statistics). */
    static synchronized int size() {
        return CACHE.size();
    }
}
