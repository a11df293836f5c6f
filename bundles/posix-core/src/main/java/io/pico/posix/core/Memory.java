package io.pico.posix.core;

import io.pico.api.AddressSpace;
import io.pico.api.IoObject;
import io.pico.api.MemoryLimitException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The address space calls as Unix personalities share them: mmap (anonymous memory, files mapped privately, and
 * MAP_SHARED memory that the kernel shares: anonymous memory with forked children, a file's pages with every
 * process mapping it, written back to the file), munmap, msync, mprotect and the program break. Each personality decodes its own flag bits into a
 * {@link Request}.
 */
public final class Memory {

    /** The page size. */
    public static final long PAGE = AddressSpace.PAGE_SIZE;
    private static final int CHUNK = 1 << 20;

    /**
     * What an mmap call asks for, in personality-neutral terms.
     *
     * @param shared whether writes are to be shared (MAP_SHARED): anonymous memory stays shared with forked
     *     children, a host file's pages with every process mapping the file and are written back to it; a file
     *     with synthetic content (/proc) is a private copy
     * @param fixed place exactly at the address, replacing what is there (MAP_FIXED)
     * @param noReplace place exactly at the address, failing with EEXIST when something is there
     *     (Linux's MAP_FIXED_NOREPLACE, FreeBSD's MAP_FIXED|MAP_EXCL)
     * @param anonymous no file (MAP_ANONYMOUS, MAP_ANON)
     * @param below32 place below 2 GiB (FreeBSD's MAP_32BIT, Linux's MAP_32BIT)
     * @param align the alignment of a placed mapping (a power of two; 0 for a page), FreeBSD's MAP_ALIGNED
     */
    public record Request(boolean shared, boolean fixed, boolean noReplace, boolean anonymous, boolean below32,
            long align) {
        /** A request without an alignment of its own. */
        public Request(boolean shared, boolean fixed, boolean noReplace, boolean anonymous, boolean below32) {
            this(shared, fixed, noReplace, anonymous, below32, 0);
        }
    }

    private Memory() {
    }

    /** Rounds up to a page. */
    public static long pageUp(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    /** Whether a value is page aligned. */
    public static boolean aligned(long v) {
        return (v & (PAGE - 1)) == 0;
    }

    private static boolean free(Call c, long address, long size) {
        return address >= 0x10000 && address + size <= c.abi().userTop() && c.mem().findFree(address, size) == address;
    }

    /**
     * mmap(2): maps {@code len} bytes with protection {@code prot} (READ 1, WRITE 2, EXEC 4) as requested; for a
     * file mapping, copies the file from {@code offset}. Returns the address.
     */
    public static long mmap(Call c, long addr, long len, int prot, Request req, int fd, long offset)
            throws IOException {
        long top = c.abi().userTop();
        if (len <= 0 || !aligned(offset) || offset < 0) {
            throw Errno.EINVAL.error();
        }
        if (len > top) {
            throw Errno.ENOMEM.error();
        }
        long size = pageUp(len);
        OpenFile file = null;
        if (!req.anonymous()) {
            file = c.fds().get(fd);
            if (file.directory() || (file.content() == null && !file.is("file"))) {
                throw Errno.ENODEV.error(); // pipes, terminals, special and path-only files have nothing to map
            }
            if (!file.readable() || (req.shared() && (prot & AddressSpace.WRITE) != 0 && !file.writable())) {
                throw Errno.EACCES.error();
            }
        }
        AddressSpace mem = c.mem();
        long target;
        boolean mapped;
        synchronized (c.state()) {
            if (req.fixed() || req.noReplace()) {
                if (!aligned(addr) || addr + size > top || addr + size < addr) {
                    throw Errno.EINVAL.error();
                }
                if (req.noReplace() && !free(c, addr, size)) {
                    throw Errno.EEXIST.error();
                }
                target = addr;
            } else if (addr != 0 && free(c, addr & -PAGE, size)) {
                target = addr & -PAGE;
            } else {
                long align = Math.max(PAGE, req.align());
                long found = mem.findFree(req.below32() ? 0x4000_0000L : c.abi().mmapBase(),
                        size + (align > PAGE ? align : 0));
                target = found < 0 ? -1 : (found + align - 1) & -align;
                if (found < 0 || (req.below32() && target + size > 0x8000_0000L) || target + size > top) {
                    throw Errno.ENOMEM.error();
                }
            }
            try {
                mapped = req.shared() && mapShared(c, mem, target, size, prot & 7, file, offset);
                if (!mapped) {
                    mapped = file != null && mapFromFile(mem, target, size, prot & 7, file, offset);
                }
                if (!mapped) {
                    mem.map(target, size, prot & 7);
                }
            } catch (MemoryLimitException e) {
                throw Errno.ENOMEM.error();
            }
            c.state().unname(target, target + size);
            if (file != null && file.guestPath() != null) {
                c.state().name(target, target + size, file.guestPath());
            }
        }
        if (file != null) {
            if (!mapped) {
                copyFile(c, file, offset, target, len);
            }
            if ((prot & AddressSpace.EXEC) != 0 && file.guestPath() != null) {
                // a shared library's code, as a dynamic linker maps it: the process observers hear of it
                c.kernel().imageLoaded(c.process(), file.guestPath(), target, size);
            }
        }
        return target;
    }

    /**
     * Maps a host file's pages copy-on-write from the kernel's copy of the file ({@link AddressSpace#mapFile}): the
     * file's pages that exist, zero pages after them; false (nothing mapped) where the kernel maps no such file
     * (synthetic content, not a host file, too large, changed size meanwhile): the caller maps and copies then.
     */
    private static boolean mapFromFile(AddressSpace mem, long target, long size, int prot, OpenFile file,
            long offset) {
        IoObject io = file.io();
        if (file.content() != null || io == null || !MAP_FILES) {
            return false;
        }
        long filePages;
        try {
            filePages = Math.min(size, pageUp(io.size()) - offset);
        } catch (IOException e) {
            return false;
        }
        if (filePages <= 0) {
            return false;
        }
        try {
            if (!mem.mapFile(target, filePages, prot, io, offset)) {
                return false;
            }
        } catch (IllegalArgumentException e) {
            return false; // the file shrank since its size was read
        }
        if (filePages < size) {
            try {
                mem.map(target + filePages, size - filePages, prot);
            } catch (MemoryLimitException e) {
                mem.unmap(target, filePages);
                throw e;
            }
        }
        return true;
    }

    /**
     * Maps MAP_SHARED memory from the kernel ({@link AddressSpace#mapShared}): anonymous, or a host file's pages;
     * false (nothing mapped) for a file the kernel does not share (synthetic content, opened read-only): a private
     * copy then.
     */
    private static boolean mapShared(Call c, AddressSpace mem, long target, long size, int prot, OpenFile file,
            long offset) {
        if (file != null && (file.content() != null || file.io() == null || !file.writable())) {
            // a read-only descriptor's shared mapping is a private copy: nothing it maps may reach the file (a later
            // mprotect to writable would otherwise write a file opened read-only)
            return false;
        }
        if (!mem.mapShared(target, size, prot, file == null ? null : file.io(), offset)) {
            if (file == null) {
                c.log("MAP_SHARED anonymous memory not shared by this kernel: private memory");
            }
            return false;
        }
        return true;
    }

    /**
     * msync(2): writes the shared file pages of the range back to their files (the flags' MS_ASYNC, MS_SYNC and
     * MS_INVALIDATE all write back at once); ENOMEM when part of the range is not mapped.
     */
    public static long msync(Call c, long addr, long len) throws IOException {
        if (!aligned(addr) || len < 0) {
            throw Errno.EINVAL.error();
        }
        long size = pageUp(len);
        if (size == 0) {
            return 0;
        }
        if (addr + size < addr || addr + size > c.abi().userTop() || !c.mem().isMapped(addr, size)) {
            throw Errno.ENOMEM.error();
        }
        c.mem().sync(addr, size);
        return 0;
    }

    /**
     * madvise(MADV_DONTNEED)'s effect: private memory of the range reads as zero afterwards, shared memory keeps
     * its contents (the pages are the shared object's, as Linux's are).
     */
    public static void dropPages(Call c, long addr, long len) {
        AddressSpace mem = c.mem();
        long run = -1;
        for (long at = addr; at <= addr + len; at += PAGE) {
            boolean zero = at < addr + len && mem.sharedAt(at) == null;
            if (zero && run < 0) {
                run = at;
            } else if (!zero && run >= 0) {
                mem.zero(run, at - run);
                run = -1;
            }
        }
    }

    /** Whether file mappings are mapped from the kernel's copy of the file ({@code pico.mmap.files}, default true). */
    private static final boolean MAP_FILES = Boolean.parseBoolean(System.getProperty("pico.mmap.files", "true"));

    private static void copyFile(Call c, OpenFile file, long offset, long target, long len) throws IOException {
        byte[] content = file.content();
        if (content != null) {
            if (offset < content.length) {
                c.mem().write(target, content, (int) offset, (int) Math.min(len, content.length - offset));
            }
            return;
        }
        IoObject io = file.io();
        byte[] buf = new byte[(int) Math.min(CHUNK, len)];
        long done = 0;
        while (done < len) {
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, len - done));
            int n = io.read(bb, offset + done);
            if (n <= 0) {
                break;
            }
            c.mem().write(target + done, buf, 0, n);
            done += n;
        }
    }

    /** munmap(2). */
    public static long munmap(Call c, long addr, long len) {
        if (!aligned(addr) || len <= 0 || addr + pageUp(len) > c.abi().userTop() || addr + pageUp(len) < addr) {
            throw Errno.EINVAL.error();
        }
        c.mem().unmap(addr, pageUp(len));
        c.state().unname(addr, addr + pageUp(len));
        return 0;
    }

    /** mprotect(2); ENOMEM when part of the range is not mapped. */
    public static long mprotect(Call c, long addr, long len, int prot) {
        if (!aligned(addr) || len < 0) {
            throw Errno.EINVAL.error();
        }
        if (len == 0) {
            return 0;
        }
        long size = pageUp(len);
        if (addr + size < addr || addr + size > c.abi().userTop() || !c.mem().isMapped(addr, size)) {
            throw Errno.ENOMEM.error();
        }
        c.mem().protect(addr, size, prot & 7);
        return 0;
    }

    /**
     * Moves the program break to {@code want}, refusing to grow into another mapping or beyond the limit;
     * returns the break after the call (unchanged when refused), as Linux's brk(2) does.
     */
    public static long brk(Call c, long want) {
        PosixProcess st = c.state();
        synchronized (st) {
            long cur = st.brk();
            if (want < st.brkStart() || want > c.abi().userTop()) {
                return cur;
            }
            long oldEnd = pageUp(cur);
            long newEnd = pageUp(want);
            if (newEnd > oldEnd) {
                if (!free(c, oldEnd, newEnd - oldEnd)) {
                    return cur;
                }
                try {
                    c.mem().map(oldEnd, newEnd - oldEnd, AddressSpace.READ | AddressSpace.WRITE);
                } catch (MemoryLimitException e) {
                    return cur;
                }
            } else if (newEnd < oldEnd) {
                c.mem().unmap(newEnd, oldEnd - newEnd);
            }
            st.brk(want);
            return want;
        }
    }
}
