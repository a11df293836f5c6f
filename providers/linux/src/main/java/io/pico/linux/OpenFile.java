package io.pico.linux;

import io.pico.api.IoObject;
import io.pico.api.PicoProcess;
import java.nio.file.Path;

/**
 * An open file description: what one or more descriptors refer to (dup shares it, and with it the
 * file position and status flags). Backed by a kernel handle of the process, or, for the provider's
 * synthetic files ({@code /proc}), by bytes held here.
 */
public final class OpenFile {

    public static final int O_ACCMODE = 3;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;
    /** The flags F_SETFL may change. */
    public static final int SETFL_MASK = O_APPEND | O_NONBLOCK | 040000 /* O_DIRECT */ | 01000000 /* O_NOATIME */
            | 020000 /* O_ASYNC */;

    private final PicoProcess process;
    private final int handle;
    private final IoObject io;
    private final String guestPath;
    private final Path hostPath;
    private final boolean directory;
    private final byte[] content;
    private final SpecialFile special;
    private volatile int flags;
    private long position;
    private int references;
    /** Directory reading state of getdents64. */
    public Object dirCursor;

    private OpenFile(PicoProcess process, int handle, IoObject io, String guestPath, Path hostPath, boolean directory,
            byte[] content, int flags) {
        this(process, handle, io, guestPath, hostPath, directory, content, null, flags);
    }

    private OpenFile(PicoProcess process, int handle, IoObject io, String guestPath, Path hostPath, boolean directory,
            byte[] content, SpecialFile special, int flags) {
        this.special = special;
        this.process = process;
        this.handle = handle;
        this.io = io;
        this.guestPath = guestPath;
        this.hostPath = hostPath;
        this.directory = directory;
        this.content = content;
        this.flags = flags;
    }

    /** A description over an existing kernel handle of the process. */
    public static OpenFile ofHandle(PicoProcess process, int handle, String guestPath, boolean directory, int flags) {
        IoObject io = process.handles().get(handle);
        if (io == null) {
            throw new IllegalArgumentException("no handle " + handle);
        }
        return new OpenFile(process, handle, io, guestPath, io.hostPath(), directory, null, flags);
    }

    /** A description over a kernel object the caller holds one reference to (which passes to the process). */
    public static OpenFile adopt(PicoProcess process, IoObject io, String guestPath, boolean directory, int flags) {
        int handle = process.handles().add(io);
        io.release();
        return new OpenFile(process, handle, io, guestPath, io.hostPath(), directory, null, flags);
    }

    /**
     * A description over a kernel object the caller holds one reference to, opened from the file that
     * {@code hostPath} names (which is kept to show, not the name the kernel opened it by).
     */
    public static OpenFile adopt(PicoProcess process, IoObject io, String guestPath, Path hostPath, boolean directory,
            int flags) {
        int handle = process.handles().add(io);
        io.release();
        return new OpenFile(process, handle, io, guestPath, hostPath, directory, null, flags);
    }

    /** A description without a kernel object: a directory, or an O_PATH file. */
    public static OpenFile pathOnly(PicoProcess process, String guestPath, Path hostPath, boolean directory,
            int flags) {
        return new OpenFile(process, -1, null, guestPath, hostPath, directory, null, flags);
    }

    /** A new description over a kernel object that another description also uses (reopening a pipe). */
    public static OpenFile share(PicoProcess process, IoObject io, String guestPath, int flags) {
        io.retain();
        return adopt(process, io, guestPath, false, flags);
    }

    /** Drops a description that was never installed (install failed). */
    public void discard() {
        retain();
        release();
    }

    /** A description rebuilt from a hot-swap snapshot (the kernel handle, if any, is still the process's). */
    public static OpenFile restore(PicoProcess process, int handle, String guestPath, Path hostPath, boolean directory,
            byte[] content, int flags, long position) {
        IoObject io = null;
        if (handle >= 0) {
            io = process.handles().get(handle);
            if (io == null) {
                throw new IllegalArgumentException("snapshot names handle " + handle + ", which the process lacks");
            }
        }
        OpenFile f = new OpenFile(process, handle, io, guestPath, hostPath == null && io != null ? io.hostPath()
                : hostPath, directory, content, flags);
        f.position = position;
        return f;
    }

    /**
     * This description as the child of a fork sees it: over the same kernel object, which the child holds
     * under the same handle number (the file position of host files and pipes lives in that object, so it
     * stays shared as on Linux).
     */
    public OpenFile forkInto(PicoProcess child) {
        IoObject childIo = handle >= 0 ? child.handles().get(handle) : null;
        if (handle >= 0 && childIo == null) {
            throw new IllegalStateException("the child lacks handle " + handle);
        }
        OpenFile f = new OpenFile(child, handle, childIo, guestPath, hostPath, directory, content, special, flags);
        synchronized (this) {
            f.position = position;
        }
        return f;
    }

    /** A provider-side file (eventfd, epoll). */
    public static OpenFile special(PicoProcess process, SpecialFile special, int flags) {
        return new OpenFile(process, -1, null, null, null, false, null, special, flags);
    }

    /** The provider-side file, or null. */
    public SpecialFile special() {
        return special;
    }

    /** A synthetic read-only file with the given content. */
    public static OpenFile synthetic(PicoProcess process, String guestPath, byte[] content, boolean directory) {
        return new OpenFile(process, -1, null, guestPath, null, directory, content, O_RDONLY);
    }

    /** The kernel object, or null for a synthetic file. */
    public IoObject io() {
        return io;
    }

    /** The kernel handle number, -1 for a synthetic file. */
    public int handle() {
        return handle;
    }

    /** The synthetic content, or null. */
    public byte[] content() {
        return content;
    }

    /** The guest path it was opened by, or null (pipes, stdio). */
    public String guestPath() {
        return guestPath;
    }

    /** The host file, or null. */
    public Path hostPath() {
        return hostPath;
    }

    /** Whether it is a directory. */
    public boolean directory() {
        return directory;
    }

    /** The status flags (O_ACCMODE, O_APPEND, O_NONBLOCK ...). */
    public int flags() {
        return flags;
    }

    /** Replaces the changeable status flags. */
    public void setStatusFlags(int newFlags) {
        flags = (flags & ~SETFL_MASK) | (newFlags & SETFL_MASK);
    }

    /** Whether reading is allowed. */
    public boolean readable() {
        return (flags & O_PATH) == 0 && (flags & O_ACCMODE) != O_WRONLY;
    }

    /** Whether writing is allowed. */
    public boolean writable() {
        return (flags & O_PATH) == 0 && (flags & O_ACCMODE) != O_RDONLY;
    }

    /** The position of a synthetic file or directory. */
    public synchronized long position() {
        return position;
    }

    /** Sets the position of a synthetic file or directory. */
    public synchronized void position(long p) {
        position = p;
    }

    synchronized void retain() {
        references++;
    }

    synchronized void release() {
        if (--references == 0 && handle >= 0) {
            process.handles().close(handle);
        }
    }
}
