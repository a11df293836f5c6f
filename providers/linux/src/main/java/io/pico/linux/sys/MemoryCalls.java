package io.pico.linux.sys;

import io.pico.posix.core.Memory;
import io.pico.api.AddressSpace;
import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.posix.core.OpenFile;
import java.io.IOException;
import java.nio.ByteBuffer;

/** The address space: brk, mmap, munmap, mprotect. */
final class MemoryCalls {

    static final long PAGE = AddressSpace.PAGE_SIZE;
    static final long USER_TOP = 0x7fff_ffff_f000L;
    private static final int MAP_SHARED = 1;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_SHARED_VALIDATE = 3;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_FIXED_NOREPLACE = 0x100000;
    static final int CHUNK = 1 << 20;

    private MemoryCalls() {
    }

    static void register(SyscallTable t) {
        t.full(12, "p=p", MemoryCalls::brk);
        t.partial(9, "puPMdx=p", MemoryCalls::mmap, "file mappings are private copies: MAP_SHARED writes do not reach "
                + "the file");
        t.full(11, "pu", MemoryCalls::munmap);
        t.full(10, "puP", MemoryCalls::mprotect);
    }

    static long pageUp(long v) {
        return (v + PAGE - 1) & -PAGE;
    }

    static boolean aligned(long v) {
        return (v & (PAGE - 1)) == 0;
    }

    /** Implements Linux brk(2) with the core's Memory.brk: the break after the call, unchanged when refused. */
    private static long brk(Call c) {
        return Memory.brk(c.core(), c.arg(0));
    }

    /** Implements Linux munmap(2) with the core's Memory.munmap. */
    private static long munmap(Call c) {
        return Memory.munmap(c.core(), c.arg(0), c.arg(1));
    }

    /** Implements Linux mprotect(2) with the core's Memory.mprotect (PROT_* bits are the same). */
    private static long mprotect(Call c) {
        return Memory.mprotect(c.core(), c.arg(0), c.arg(1), c.intArg(2));
    }

    static boolean free(AddressSpace mem, long address, long size) {
        return address >= 0x10000 && address + size <= USER_TOP && mem.findFree(address, size) == address;
    }


    /** Implements Linux mmap(2): anonymous memory and private copies of files. */
    private static long mmap(Call c) throws IOException {
        long addr = c.arg(0);
        long len = c.arg(1);
        int prot = c.intArg(2) & 7;
        int flags = c.intArg(3);
        long offset = c.arg(5);
        int type = flags & 3;
        if (len <= 0 || !aligned(offset) || type == 0 || offset < 0) {
            return -Errno.EINVAL;
        }
        if (len > USER_TOP) {
            return -Errno.ENOMEM;
        }
        long size = pageUp(len);
        OpenFile file = null;
        if ((flags & MAP_ANONYMOUS) == 0) {
            file = c.state().fds().get(c.intArg(4));
            if (file.content() == null && (file.io() == null || !file.io().kind().equals("file"))) {
                return -Errno.ENODEV;
            }
            if (!file.readable() || (type != MAP_PRIVATE && (prot & AddressSpace.WRITE) != 0 && !file.writable())) {
                return -Errno.EACCES;
            }
        }
        AddressSpace mem = c.mem();
        long target;
        synchronized (c.state()) {
            if ((flags & MAP_FIXED) != 0) {
                if (!aligned(addr) || addr + size > USER_TOP || addr + size < addr) {
                    return -Errno.EINVAL;
                }
                target = addr;
            } else if ((flags & MAP_FIXED_NOREPLACE) != 0) {
                if (!aligned(addr)) {
                    return -Errno.EINVAL;
                }
                if (!free(mem, addr, size)) {
                    return -Errno.EEXIST;
                }
                target = addr;
            } else if (addr != 0 && free(mem, addr & -PAGE, size)) {
                target = addr & -PAGE;
            } else {
                target = mem.findFree(LinuxProcess.MMAP_BASE, size);
                if (target < 0) {
                    return -Errno.ENOMEM;
                }
            }
            mem.map(target, size, prot);
            c.state().unname(target, target + size);
            if (file != null && file.guestPath() != null) {
                c.state().name(target, target + size, file.guestPath());
            }
        }
        if (file != null) {
            copyFile(c, file, offset, target, len);
        }
        return target;
    }

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


}
