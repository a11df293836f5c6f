package io.pico.posix.core;

import java.util.Map;
import java.util.TreeMap;

/** A process's file descriptors: numbers mapped onto open file descriptions, with close-on-exec flags. */
public final class FdTable {

    /** The descriptor limit when the personality names none. */
    public static final int DEFAULT_MAX_FDS = 1024;
    /** The most descriptors a process may raise its limit to (Linux's fs.nr_open). */
    public static final int MAX_FDS = 1 << 20;

    /** One descriptor: the description and its close-on-exec flag. */
    public record Fd(OpenFile file, boolean cloexec) {
    }

    private final TreeMap<Integer, Fd> fds = new TreeMap<>();
    private volatile int max;

    /** A table of at most {@code max} descriptors (0 .. max-1). */
    public FdTable(int max) {
        this.max = max;
    }

    /** The descriptor limit now (RLIMIT_NOFILE): descriptors are below it. */
    public int max() {
        return max;
    }

    /**
     * Sets the descriptor limit (setrlimit RLIMIT_NOFILE), at most {@link #MAX_FDS}; descriptors open above it
     * stay open, as on Linux.
     */
    public void limit(int newMax) {
        max = Math.max(0, Math.min(MAX_FDS, newMax));
    }

    /** The description behind a descriptor; EBADF if there is none. */
    public synchronized OpenFile get(int fd) {
        Fd d = fds.get(fd);
        if (d == null) {
            throw Errno.EBADF.error();
        }
        return d.file();
    }

    /** The descriptor entry, or null. */
    public synchronized Fd entry(int fd) {
        return fds.get(fd);
    }

    /** Installs a description at the lowest free number at or above {@code min}; EMFILE when full. */
    public synchronized int install(OpenFile file, boolean cloexec, int min) {
        int n = Math.max(0, min);
        while (fds.containsKey(n)) {
            n++;
        }
        if (n >= max) {
            throw Errno.EMFILE.error();
        }
        file.retain();
        fds.put(n, new Fd(file, cloexec));
        return n;
    }

    /** Installs a new description at the lowest free number, dropping it again when the table is full. */
    public int installNew(OpenFile file, boolean cloexec) {
        try {
            return install(file, cloexec, 0);
        } catch (RuntimeException e) {
            file.discard();
            throw e;
        }
    }

    /** Installs a description at a given number, closing what was there (dup2); EBADF beyond the limit. */
    public void installAt(int fd, OpenFile file, boolean cloexec) {
        if (fd < 0 || fd >= max) {
            throw Errno.EBADF.error();
        }
        Fd old;
        synchronized (this) {
            file.retain();
            old = fds.put(fd, new Fd(file, cloexec));
        }
        if (old != null) {
            old.file().release();
        }
    }

    /** Changes the close-on-exec flag. */
    public synchronized void cloexec(int fd, boolean cloexec) {
        Fd d = fds.get(fd);
        if (d == null) {
            throw Errno.EBADF.error();
        }
        fds.put(fd, new Fd(d.file(), cloexec));
    }

    /** Closes a descriptor; EBADF if it was not open. */
    public void close(int fd) {
        Fd old;
        synchronized (this) {
            old = fds.remove(fd);
        }
        if (old == null) {
            throw Errno.EBADF.error();
        }
        old.file().release();
    }

    /** A snapshot of all descriptors. */
    public synchronized Map<Integer, Fd> all() {
        return new TreeMap<>(fds);
    }

    /** Closes the descriptors marked close-on-exec (execve). */
    public void closeOnExec() {
        for (Map.Entry<Integer, Fd> e : all().entrySet()) {
            if (e.getValue().cloexec()) {
                close(e.getKey());
            }
        }
    }

    /** Closes every descriptor (the process has ended). */
    public void closeAll() {
        Map<Integer, Fd> all;
        synchronized (this) {
            all = new TreeMap<>(fds);
            fds.clear();
        }
        all.values().forEach(d -> d.file().release());
    }

    /**
     * Fills this (empty) table of a forked child with the same descriptors: one new description per description
     * of the parent's, over the child's copy of the same kernel handle, so that descriptors sharing a description
     * in the parent share one in the child.
     */
    public void copyFrom(FdTable parent, io.pico.api.PicoProcess child) {
        Map<OpenFile, OpenFile> copies = new java.util.IdentityHashMap<>();
        for (Map.Entry<Integer, Fd> e : parent.all().entrySet()) {
            OpenFile f = copies.computeIfAbsent(e.getValue().file(), o -> o.copyFor(child));
            installAt(e.getKey(), f, e.getValue().cloexec());
        }
    }
}
