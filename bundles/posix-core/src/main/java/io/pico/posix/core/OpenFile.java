package io.pico.posix.core;

import io.pico.api.IoObject;
import io.pico.api.PicoProcess;
import java.nio.file.Path;

/**
 * An open file description: what one or more descriptors refer to (dup shares it, and with it the status
 * flags). Backed by a kernel handle of the process (the kernel object keeps the file position), or by nothing
 * (a directory, a path-only descriptor), or by bytes held here (a personality's synthetic files such as
 * Linux's {@code /proc}). Its flags are the core's ({@link #READ} ...), not a personality's bits.
 */
public final class OpenFile {

    /** Open for reading. */ public static final int READ = 1;
    /** Open for writing. */ public static final int WRITE = 1 << 1;
    /** Writes append. */ public static final int APPEND = 1 << 2;
    /** Transfers do not block. */ public static final int NONBLOCK = 1 << 3;
    /** A path-only descriptor (O_PATH): no transfers. */ public static final int PATH = 1 << 4;
    /** Open: create the file. */ public static final int CREAT = 1 << 5;
    /** Open: fail when it exists. */ public static final int EXCL = 1 << 6;
    /** Open: truncate it. */ public static final int TRUNC = 1 << 7;
    /** Open: a directory is required. */ public static final int DIRECTORY = 1 << 8;
    /** Open: a final symbolic link fails. */ public static final int NOFOLLOW = 1 << 9;
    /** Open: close on exec. */ public static final int CLOEXEC = 1 << 10;
    /** Open: no controlling terminal. */ public static final int NOCTTY = 1 << 11;
    /** Synchronous writes (accepted; host writes go to the host's cache). */ public static final int SYNC = 1 << 12;
    /** Signal-driven I/O (recorded only). */ public static final int ASYNC = 1 << 13;
    /** Direct I/O (recorded only). */ public static final int DIRECT = 1 << 14;
    /** The flags F_SETFL may change. */
    public static final int SETFL_MASK = APPEND | NONBLOCK | ASYNC | DIRECT;
    /** The flags that only matter while opening. */
    public static final int OPEN_ONLY = CREAT | EXCL | TRUNC | NOFOLLOW | CLOEXEC | NOCTTY;

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
    /** Directory reading state (a snapshot of the entries), kept by {@link Dirs}. */
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
        this.flags = flags & ~OPEN_ONLY;
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

    /** A description without a kernel object: a directory, or a path-only file. */
    public static OpenFile pathOnly(PicoProcess process, String guestPath, Path hostPath, boolean directory,
            int flags) {
        return new OpenFile(process, -1, null, guestPath, hostPath, directory, null, flags);
    }

    /** A new description over a kernel object that another description also uses (reopening a pipe). */
    public static OpenFile share(PicoProcess process, IoObject io, String guestPath, int flags) {
        io.retain();
        return adopt(process, io, guestPath, false, flags);
    }

    /** A description of a provider's special file (eventfd, epoll, kqueue): no kernel object, no path. */
    public static OpenFile special(PicoProcess process, SpecialFile special, int flags) {
        return new OpenFile(process, -1, null, null, null, false, null, special, flags);
    }

    /** A synthetic read-only file (or directory) with the given content. */
    public static OpenFile synthetic(PicoProcess process, String guestPath, byte[] content, boolean directory) {
        return new OpenFile(process, -1, null, guestPath, null, directory, content, READ);
    }

    /**
     * A description rebuilt elsewhere with the same kernel handle number: in a forked child (whose handle table
     * is a copy of the parent's) or from a hot-swap snapshot.
     *
     * @throws IllegalArgumentException when the process lacks the handle
     */
    public static OpenFile restore(PicoProcess process, int handle, String guestPath, Path hostPath, boolean directory,
            byte[] content, int flags, long position) {
        IoObject io = null;
        if (handle >= 0) {
            io = process.handles().get(handle);
            if (io == null) {
                throw new IllegalArgumentException("no handle " + handle + " in pid " + process.pid());
            }
        }
        OpenFile f = new OpenFile(process, handle, io, guestPath,
                hostPath == null && io != null ? io.hostPath() : hostPath, directory, content, flags);
        f.position = position;
        return f;
    }

    /** The same description in another process that holds the same handle numbers (fork). */
    public OpenFile copyFor(PicoProcess child) {
        if (special != null) {
            return new OpenFile(child, -1, null, null, null, false, null, special, flags);
        }
        OpenFile f = restore(child, handle, guestPath, hostPath, directory, content, flags, position());
        f.dirCursor = dirCursor;
        return f;
    }

    /** Drops a description that was never installed (install failed). */
    public void discard() {
        retain();
        release();
    }

    /** The kernel object, or null. */
    public IoObject io() {
        return io;
    }

    /** The kernel handle number, -1 for none. */
    public int handle() {
        return handle;
    }

    /** The special file behind it, or null. */
    public SpecialFile special() {
        return special;
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

    /** The core's status flags ({@link #READ}, {@link #APPEND} ...). */
    public int flags() {
        return flags;
    }

    /** Replaces the flags F_SETFL may change. */
    public void setStatusFlags(int coreFlags) {
        flags = (flags & ~SETFL_MASK) | (coreFlags & SETFL_MASK);
    }

    /** Whether reading is allowed. */
    public boolean readable() {
        return (flags & PATH) == 0 && (flags & READ) != 0;
    }

    /** Whether writing is allowed. */
    public boolean writable() {
        return (flags & PATH) == 0 && (flags & WRITE) != 0;
    }

    /** Whether transfers do not block. */
    public boolean nonblocking() {
        return (flags & NONBLOCK) != 0;
    }

    /** Whether it is a kernel object of the given kind ({@code file}, {@code pipe}, {@code tty} ...). */
    public boolean is(String kind) {
        return io != null && io.kind().equals(kind);
    }

    /** Whether it has a position: a host file, or synthetic content. */
    public boolean seekable() {
        return content != null || is("file");
    }

    /** Whether it is a terminal. */
    public boolean terminal() {
        return io != null && io.isTerminal();
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
