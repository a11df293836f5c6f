package io.pico.linux;

import java.util.Map;
import java.util.TreeMap;

/** A Linux process's file descriptors: numbers mapped onto open file descriptions. */
public final class FdTable {

    /** The most descriptors a process may raise its RLIMIT_NOFILE to. */
    public static final int MAX_FDS = 1 << 20;

    private volatile int limit = 1024;

    /** The descriptor limit now (RLIMIT_NOFILE): descriptors are below it. */
    public int limit() {
        return limit;
    }

    /** Sets the descriptor limit; descriptors open above it stay open, as on Linux. */
    public void limit(int max) {
        limit = Math.max(0, Math.min(MAX_FDS, max));
    }

    /** One descriptor: the description and its close-on-exec flag. */
    public record Fd(OpenFile file, boolean cloexec) {
    }

    private final TreeMap<Integer, Fd> fds = new TreeMap<>();

    /** The description behind a descriptor; EBADF if there is none. */
    public synchronized OpenFile get(int fd) {
        Fd d = fds.get(fd);
        if (d == null) {
            throw Errno.error(Errno.EBADF);
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
        if (n >= limit) {
            throw Errno.error(Errno.EMFILE);
        }
        file.retain();
        fds.put(n, new Fd(file, cloexec));
        return n;
    }

    /** Installs a description at a given number, closing what was there (dup2). */
    public void installAt(int fd, OpenFile file, boolean cloexec) {
        if (fd < 0 || fd >= limit) {
            throw Errno.error(Errno.EBADF);
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
            throw Errno.error(Errno.EBADF);
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
            throw Errno.error(Errno.EBADF);
        }
        old.file().release();
    }

    /** A snapshot of all descriptors. */
    public synchronized Map<Integer, Fd> all() {
        return new TreeMap<>(fds);
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
}
