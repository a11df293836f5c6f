package io.pico.os2;

import io.pico.api.IoObject;
import io.pico.api.PicoProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OS/2 file handles over the kernel's handle table, and the file system calls: open, read, write, seek, close,
 * duplicate, delete, move, copy, directories, find first/next, file and path information.
 */
final class Files {

    /** File attributes. */
    static final int FILE_READONLY = 0x01;
    static final int FILE_HIDDEN = 0x02;
    static final int FILE_SYSTEM = 0x04;
    static final int FILE_DIRECTORY = 0x10;
    static final int FILE_ARCHIVED = 0x20;

    /** An open OS/2 handle: the kernel handle behind it, its name, open mode and whether it is a device. */
    static final class Handle {
        final int kernel;
        final String name;
        int mode;
        final boolean device;

        Handle(int kernel, String name, int mode, boolean device) {
            this.kernel = kernel;
            this.name = name;
            this.mode = mode;
            this.device = device;
        }
    }

    /** A directory search in progress. */
    private static final class Search {
        final List<Entry> entries;
        final int level;
        int next;

        Search(List<Entry> entries, int level) {
            this.entries = entries;
            this.level = level;
        }
    }

    /**
     * A directory entry found by a search, with its attributes read when it was found (later calls cannot use the
     * host name of the directory, opened for the search's first call only); null attributes: vanished.
     */
    record Entry(String name, BasicFileAttributes attrs, int attributes) {
        static Entry of(String name, Path host) {
            try {
                BasicFileAttributes a = java.nio.file.Files.readAttributes(host, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                return new Entry(name, a, Files.attributes(host, a));
            } catch (IOException e) {
                return new Entry(name, null, 0);
            }
        }
    }

    private final Os2Process p;
    private final PicoProcess process;
    private final Map<Integer, Handle> table = new TreeMap<>();
    private final Map<Integer, Search> searches = new TreeMap<>();
    private int nextSearch = 2;
    private int maxHandles = 20;

    Files(Os2Process p) {
        this.p = p;
        this.process = p.process;
    }

    /** Takes over the standard handles the kernel gave the process. */
    synchronized void initStdio() {
        for (int fd = 0; fd < 3; fd++) {
            IoObject io = process.handles().get(fd);
            if (io != null) {
                table.put(fd, new Handle(fd, fd == 0 ? "stdin" : fd == 1 ? "stdout" : "stderr", fd == 0 ? 0 : 1,
                        io.isTerminal()));
            }
        }
    }

    synchronized Handle handle(long h) throws Os2Exception {
        Handle handle = table.get((int) h);
        if (handle == null || h < 0 || h > 0xffff) {
            throw new Os2Exception(Err.INVALID_HANDLE);
        }
        return handle;
    }

    IoObject io(long h) throws Os2Exception {
        Handle handle = handle(h);
        IoObject io = process.handles().get(handle.kernel);
        if (io == null) {
            throw new Os2Exception(Err.INVALID_HANDLE);
        }
        return io;
    }

    /** Installs a kernel object (taking a reference) as the lowest free handle. */
    synchronized int install(IoObject io, String name, int mode, boolean device) throws Os2Exception {
        int h = 0;
        while (table.containsKey(h)) {
            h++;
        }
        if (h >= Math.max(maxHandles, 20) + 32768) {
            throw new Os2Exception(Err.TOO_MANY_OPEN_FILES);
        }
        int k = process.handles().add(io);
        table.put(h, new Handle(k, name, mode, device));
        return h;
    }

    synchronized void close(long h) throws Os2Exception {
        Handle handle = handle(h);
        table.remove((int) h);
        process.handles().close(handle.kernel);
    }

    synchronized int maxHandles(int n) {
        if (n > maxHandles) {
            maxHandles = n;
        }
        return maxHandles;
    }

    synchronized int maxHandles() {
        return Math.max(maxHandles, table.size());
    }

    /** DosDupHandle: a new handle (target -1) or the given one, closed first if open. */
    synchronized int dup(long h, long target) throws Os2Exception {
        Handle src = handle(h);
        IoObject io = io(h);
        if (target == 0xffff_ffffL) {
            return install(io, src.name, src.mode, src.device);
        }
        if (target < 0 || target > 0xffff) {
            throw new Os2Exception(Err.INVALID_HANDLE);
        }
        if (target == h) {
            return (int) h;
        }
        Handle old = table.remove((int) target);
        if (old != null) {
            process.handles().close(old.kernel);
        }
        int k = process.handles().add(io);
        table.put((int) target, new Handle(k, src.name, src.mode, src.device));
        return (int) target;
    }

    // ---------------------------------------------------------------------------------------- calls

    /** DosOpen. */
    long open(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        long phf = Call.need(c.arg(1));
        long pAction = c.arg(2);
        long size = c.arg(3);
        int openFlags = c.iarg(5);
        int mode = c.iarg(6);
        c.detail = name;
        if ((mode & 0x8000) != 0) {
            throw new Os2Exception(Err.ACCESS_DENIED); // OPEN_FLAGS_DASD: whole disks are not offered
        }
        int access = mode & 7;
        if (access > 2) {
            throw new Os2Exception(Err.INVALID_ACCESS);
        }
        boolean read = access == 0 || access == 2;
        boolean write = access == 1 || access == 2;
        Drives.Resolved r = p.drives.resolve(name);
        if (r.device()) {
            IoObject io = device(r.full(), write);
            try {
                int h = install(io, r.full(), mode, true);
                c.put32(phf, h);
                c.put32(pAction, 1);
                return Err.NO_ERROR;
            } finally {
                io.release();
            }
        }
        Path host = r.host();
        boolean exists = java.nio.file.Files.exists(host);
        if (exists && java.nio.file.Files.isDirectory(host)) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        int ifExists = openFlags & 0x0f;
        int ifNew = (openFlags >> 4) & 0x0f;
        int action;
        boolean truncate = false;
        boolean create = false;
        if (exists) {
            if (ifExists == 0) {
                throw new Os2Exception(Err.OPEN_FAILED);
            }
            if (ifExists == 2) {
                truncate = true;
                action = 3;
            } else {
                action = 1;
            }
        } else {
            if (ifNew == 0) {
                if (!java.nio.file.Files.isDirectory(host.getParent())) {
                    throw new Os2Exception(Err.PATH_NOT_FOUND);
                }
                throw new Os2Exception(Err.OPEN_FAILED);
            }
            if (!java.nio.file.Files.isDirectory(host.getParent())) {
                throw new Os2Exception(Err.PATH_NOT_FOUND);
            }
            create = true;
            action = 2;
        }
        if ((truncate || create) && !write) {
            write = true; // creating or replacing writes the file even when opened for reading
        }
        IoObject io;
        try {
            if (create) {
                // made with O_CREAT|O_EXCL|O_NOFOLLOW in the opened parent; losing a race to another creator is fine
                try {
                    r.open(java.util.Set.of(java.nio.file.StandardOpenOption.WRITE,
                            java.nio.file.StandardOpenOption.CREATE_NEW), same -> same);
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile: opened below
                }
            }
            boolean w = write;
            boolean t = truncate;
            // the file itself opened with O_NOFOLLOW: a link renamed over it since resolution is refused
            io = r.open(w ? java.util.Set.of(java.nio.file.StandardOpenOption.WRITE)
                    : java.util.Set.of(java.nio.file.StandardOpenOption.READ),
                    same -> p.kernel.openFile(same, read || !w, w, false, false, t, false));
        } catch (NoSuchFileException e) {
            throw new Os2Exception(Err.FILE_NOT_FOUND);
        } catch (AccessDeniedException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        try {
            if ((create || truncate) && size > 0) {
                io.truncate(size);
            }
            int h = install(io, r.full(), mode, false);
            c.put32(phf, h);
            c.put32(pAction, action);
            return Err.NO_ERROR;
        } catch (IOException e) {
            throw new Os2Exception(Err.DISK_FULL);
        } finally {
            io.release();
        }
    }

    private IoObject device(String full, boolean write) throws Os2Exception {
        if (full.endsWith("\\CON") || full.endsWith("\\KBD$") || full.endsWith("\\SCREEN$")) {
            IoObject io = process.handles().get(write || full.endsWith("SCREEN$") ? 1 : 0);
            if (io != null) {
                return io.retain();
            }
        }
        try {
            return p.kernel.openFile(Path.of("/dev/null"), true, true, false, false, false, false);
        } catch (IOException e) {
            throw new Os2Exception(Err.FILE_NOT_FOUND);
        }
    }

    /** DosRead. */
    long read(Call c) throws Os2Exception {
        IoObject io = io(c.arg(0));
        long buf = c.arg(1);
        int n = (int) Math.min(c.arg(2), 1 << 20);
        long pActual = Call.need(c.arg(3));
        if (n == 0) {
            c.put32(pActual, 0);
            return Err.NO_ERROR;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        int got;
        try {
            got = io.read(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        if (got > 0) {
            c.write(buf, b.array(), 0, got);
        }
        c.put32(pActual, Math.max(got, 0));
        return Err.NO_ERROR;
    }

    /** DosWrite. */
    long write(Call c) throws Os2Exception {
        IoObject io = io(c.arg(0));
        long buf = c.arg(1);
        int n = (int) Math.min(c.arg(2), 16 << 20);
        long pActual = c.arg(3);
        byte[] data = c.bytes(buf, n);
        if (p.trace() != null) {
            String s = new String(data, 0, Math.min(n, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
            c.detail = "\"" + Call.escape(s) + (n > 64 ? "\"..." : "\"");
        }
        int done = writeAll(io, data);
        c.put32(pActual, done);
        return Err.NO_ERROR;
    }

    /** Writes everything to a kernel object. */
    static int writeAll(IoObject io, byte[] data) throws Os2Exception {
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            while (b.hasRemaining()) {
                if (io.write(b) <= 0 && b.hasRemaining()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        } catch (IOException e) {
            throw new Os2Exception("EPIPE".equals(e.getMessage()) ? Err.BROKEN_PIPE : Err.DISK_FULL);
        }
        return b.position();
    }

    /** DosSetFilePtr. */
    long seek(Call c) throws Os2Exception {
        Handle h = handle(c.arg(0));
        IoObject io = io(c.arg(0));
        long distance = (int) c.arg(1);
        int method = c.iarg(2);
        long pActual = c.arg(3);
        if (h.device || !"file".equals(io.kind())) {
            throw new Os2Exception(Err.SEEK_ON_DEVICE);
        }
        try {
            long from = switch (method) {
                case 0 -> 0;
                case 1 -> io.position();
                case 2 -> io.size();
                default -> throw new Os2Exception(Err.INVALID_FUNCTION);
            };
            long to = from + distance;
            if (to < 0) {
                throw new Os2Exception(Err.NEGATIVE_SEEK);
            }
            io.position(to);
            c.put32(pActual, to);
            return Err.NO_ERROR;
        } catch (IOException e) {
            throw new Os2Exception(Err.SEEK_ON_DEVICE);
        }
    }

    /** DosSetFileSize. */
    long setSize(Call c) throws Os2Exception {
        IoObject io = io(c.arg(0));
        try {
            io.truncate(c.arg(1));
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        return Err.NO_ERROR;
    }

    /** DosQueryHType: 0 file, 1 character device, 2 pipe, with device attributes. */
    long handleType(Call c) throws Os2Exception {
        Handle h = handle(c.arg(0));
        IoObject io = io(c.arg(0));
        int type;
        int attr = 0;
        if (io.isTerminal() || h.device && !"file".equals(io.kind())) {
            type = 1;
            attr = 0x8083; // character device, standard input and output, level 1
        } else if (h.device) {
            type = 1;
            attr = 0x8084; // NUL
        } else if ("file".equals(io.kind())) {
            type = 0;
        } else {
            type = 2;
        }
        c.put32(Call.need(c.arg(1)), type);
        c.put32(Call.need(c.arg(2)), attr);
        return Err.NO_ERROR;
    }

    /** DosQueryFHState. */
    long queryState(Call c) throws Os2Exception {
        Handle h = handle(c.arg(0));
        c.put32(Call.need(c.arg(1)), h.mode);
        return Err.NO_ERROR;
    }

    /**
     * The host name of an open file, found again by its OS/2 full name through the O_NOFOLLOW walk: the name the
     * kernel opened ({@code /proc/self/fd/N}) was valid only in the call that opened it.
     */
    Path hostOf(Handle h) throws Os2Exception {
        return p.drives.resolve(h.name).host();
    }

    /** DosSetFHState: the inheritance, write-through and fail-on-error flags may change. */
    long setState(Call c) throws Os2Exception {
        Handle h = handle(c.arg(0));
        int mode = c.iarg(1);
        synchronized (this) {
            h.mode = (h.mode & ~0x6080) | (mode & 0x6080);
        }
        return Err.NO_ERROR;
    }

    /** DosQueryFileInfo. */
    long fileInfo(Call c) throws Os2Exception {
        Handle h = handle(c.arg(0));
        IoObject io = io(c.arg(0));
        int level = c.iarg(1);
        long buf = c.arg(2);
        int cb = c.iarg(3);
        byte[] info;
        if (io.hostPath() == null || h.device) {
            info = status(null, 0, false, level);
        } else {
            info = status(hostOf(h), level);
        }
        if (info == null) {
            throw new Os2Exception(Err.INVALID_LEVEL);
        }
        if (cb < info.length) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        c.write(buf, info);
        return Err.NO_ERROR;
    }

    /** DosQueryPathInfo. */
    long pathInfo(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        int level = c.iarg(1);
        long buf = c.arg(2);
        int cb = c.iarg(3);
        c.detail = name;
        if (name.contains("*") || name.contains("?")) {
            if (level != 5) {
                throw new Os2Exception(Err.INVALID_NAME);
            }
        }
        Drives.Resolved r = p.drives.resolve(name);
        if (level == 5) {
            byte[] full = (r.full() + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            if (cb < full.length) {
                throw new Os2Exception(Err.BUFFER_OVERFLOW);
            }
            c.write(buf, full);
            return Err.NO_ERROR;
        }
        if (r.device()) {
            byte[] info = status(null, 0, false, level);
            c.write(buf, info);
            return Err.NO_ERROR;
        }
        if (!java.nio.file.Files.exists(r.host())) {
            throw new Os2Exception(java.nio.file.Files.isDirectory(r.host().getParent()) ? Err.FILE_NOT_FOUND
                    : Err.PATH_NOT_FOUND);
        }
        byte[] info = status(r.host(), level);
        if (info == null) {
            throw new Os2Exception(Err.INVALID_LEVEL);
        }
        if (cb < info.length) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        c.write(buf, info);
        return Err.NO_ERROR;
    }

    /** FILESTATUS3 (level 1) or FILESTATUS4 (level 2) of a host file. */
    static byte[] status(Path host, int level) throws Os2Exception {
        try {
            BasicFileAttributes a = java.nio.file.Files.readAttributes(host, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return status(a, attributes(host, a), true, level);
        } catch (IOException e) {
            throw new Os2Exception(Err.FILE_NOT_FOUND);
        }
    }

    static int attributes(Path host, BasicFileAttributes a) {
        int attr = a.isDirectory() ? FILE_DIRECTORY : FILE_ARCHIVED;
        try {
            PosixFileAttributes px = java.nio.file.Files.readAttributes(host, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!px.permissions().contains(PosixFilePermission.OWNER_WRITE)) {
                attr |= FILE_READONLY;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX view: no read-only bit
        }
        return attr;
    }

    private static byte[] status(BasicFileAttributes a, int attr, boolean real, int level) {
        if (level != 1 && level != 2) {
            return null;
        }
        byte[] b = new byte[level == 1 ? 24 : 28];
        if (a != null) {
            putDateTime(b, 0, a.creationTime());
            putDateTime(b, 4, a.lastAccessTime());
            putDateTime(b, 8, a.lastModifiedTime());
            long size = a.isDirectory() ? 0 : a.size();
            putInt(b, 12, (int) Math.min(size, 0xffff_ffffL));
            putInt(b, 16, (int) Math.min((size + 4095) & -4096L, 0xffff_ffffL));
            putInt(b, 20, attr);
        }
        return b;
    }

    /** Writes an FDATE and FTIME pair. */
    static void putDateTime(byte[] b, int at, FileTime time) {
        LocalDateTime t = LocalDateTime.ofInstant(time.toInstant(), ZoneId.systemDefault());
        int year = Math.max(0, Math.min(127, t.getYear() - 1980));
        int date = t.getDayOfMonth() | t.getMonthValue() << 5 | year << 9;
        int tm = t.getSecond() / 2 | t.getMinute() << 5 | t.getHour() << 11;
        b[at] = (byte) date;
        b[at + 1] = (byte) (date >> 8);
        b[at + 2] = (byte) tm;
        b[at + 3] = (byte) (tm >> 8);
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }

    /** DosDelete. */
    long delete(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        c.detail = name;
        Path host = existing(name, false);
        if (java.nio.file.Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        try {
            java.nio.file.Files.delete(host);
            io.pico.posix.core.fs.GuestFs.changed(); // Unix views forget paths they saw as no link
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        return Err.NO_ERROR;
    }

    private Path existing(String name, boolean dir) throws Os2Exception {
        Drives.Resolved r = p.drives.resolve(name);
        if (r.device()) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        if (!java.nio.file.Files.exists(r.host(), LinkOption.NOFOLLOW_LINKS)) {
            Path parent = r.host().getParent();
            throw new Os2Exception(parent != null && java.nio.file.Files.isDirectory(parent)
                    ? (dir ? Err.PATH_NOT_FOUND : Err.FILE_NOT_FOUND) : Err.PATH_NOT_FOUND);
        }
        return r.host();
    }

    /** DosMove: renames a file or directory (on the same drive). */
    long move(Call c) throws Os2Exception {
        String from = c.str(Call.need(c.arg(0)));
        String to = c.str(Call.need(c.arg(1)));
        c.detail = from + " -> " + to;
        Path src = existing(from, false);
        Drives.Resolved r = p.drives.resolve(to);
        if (r.device()) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        boolean sameName = src.equals(r.host()) || src.toString().equalsIgnoreCase(r.host().toString());
        if (java.nio.file.Files.exists(r.host(), LinkOption.NOFOLLOW_LINKS) && !sameName) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        try {
            java.nio.file.Files.move(src, r.host());
            io.pico.posix.core.fs.GuestFs.changed(); // Unix views forget paths they saw as no link
        } catch (NoSuchFileException e) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        return Err.NO_ERROR;
    }

    /** DosCopy: copies a file (option 1: replace an existing target; 2: append) or a directory tree. */
    long copy(Call c) throws Os2Exception {
        String from = c.str(Call.need(c.arg(0)));
        String to = c.str(Call.need(c.arg(1)));
        int option = c.iarg(2);
        c.detail = from + " -> " + to;
        Path src = existing(from, false);
        Drives.Resolved r = p.drives.resolve(to);
        if (r.device()) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        Path dst = r.host();
        try {
            if (java.nio.file.Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)
                    && !java.nio.file.Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
                dst = p.drives.resolve(r.full() + "\\" + src.getFileName()).host();
            }
            if (java.nio.file.Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
                copyTree(src, dst, (option & 1) != 0);
            } else if ((option & 2) != 0 && java.nio.file.Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
                byte[] data;
                try (var in = java.nio.file.Files.newInputStream(src, LinkOption.NOFOLLOW_LINKS)) {
                    data = in.readAllBytes();
                }
                java.nio.file.Files.write(dst, data, java.nio.file.StandardOpenOption.APPEND,
                        LinkOption.NOFOLLOW_LINKS);
            } else if ((option & 1) != 0) {
                java.nio.file.Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            } else {
                java.nio.file.Files.copy(src, dst, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (FileAlreadyExistsException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        } catch (NoSuchFileException e) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        return Err.NO_ERROR;
    }

    private static void copyTree(Path src, Path dst, boolean replace) throws IOException {
        if (!java.nio.file.Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            java.nio.file.Files.createDirectory(dst);
        }
        try (var s = java.nio.file.Files.list(src)) {
            for (Path child : s.toList()) {
                Path target = dst.resolve(child.getFileName().toString());
                // a link in the tree is copied as a link, never followed (it may lead outside the root)
                if (java.nio.file.Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    copyTree(child, target, replace);
                } else if (replace) {
                    java.nio.file.Files.copy(child, target, StandardCopyOption.REPLACE_EXISTING,
                            LinkOption.NOFOLLOW_LINKS);
                } else {
                    java.nio.file.Files.copy(child, target, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** DosCreateDir. */
    long createDir(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        c.detail = name;
        Drives.Resolved r = p.drives.resolve(name);
        if (r.device()) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        try {
            java.nio.file.Files.createDirectory(r.host());
        } catch (FileAlreadyExistsException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        } catch (NoSuchFileException e) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        return Err.NO_ERROR;
    }

    /** DosDeleteDir. */
    long deleteDir(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        c.detail = name;
        Path host = existing(name, true);
        if (!java.nio.file.Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        }
        try {
            java.nio.file.Files.delete(host);
            io.pico.posix.core.fs.GuestFs.changed(); // Unix views forget paths they saw as no link
        } catch (DirectoryNotEmptyException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        return Err.NO_ERROR;
    }

    /** DosFindFirst. */
    long findFirst(Call c) throws Os2Exception {
        String spec = c.str(Call.need(c.arg(0)));
        long phdir = Call.need(c.arg(1));
        int attr = c.iarg(2);
        long buf = c.arg(3);
        int cb = c.iarg(4);
        long pCount = Call.need(c.arg(5));
        int level = c.iarg(6);
        c.detail = spec;
        if (level != 1 && level != 2) {
            throw new Os2Exception(Err.INVALID_LEVEL);
        }
        int sep = Math.max(spec.lastIndexOf('\\'), spec.lastIndexOf('/'));
        String dirPart;
        String pattern;
        if (sep >= 0) {
            dirPart = spec.substring(0, sep + 1);
            pattern = spec.substring(sep + 1);
        } else if (spec.length() >= 2 && spec.charAt(1) == ':') {
            dirPart = spec.substring(0, 2);
            pattern = spec.substring(2);
        } else {
            dirPart = "";
            pattern = spec;
        }
        if (pattern.isEmpty()) {
            pattern = "*";
        }
        Drives.Resolved r = p.drives.resolve(dirPart.isEmpty() ? "." : dirPart);
        if (r.device() || !java.nio.file.Files.isDirectory(r.host(), LinkOption.NOFOLLOW_LINKS)) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        }
        Path dir = p.drives.directory(r); // the directory itself, opened without following links
        List<Entry> entries = list(dir, pattern, attr, !r.full().endsWith(":\\"));
        if (entries.isEmpty()) {
            throw new Os2Exception(Err.NO_MORE_FILES);
        }
        long hdir = c.u32(phdir) & 0xffff_ffffL;
        int handle;
        synchronized (this) {
            if (hdir == 0xffff_ffffL) {
                handle = nextSearch++;
            } else {
                handle = (int) hdir;
            }
            searches.put(handle, new Search(entries, level));
        }
        c.put32(phdir, handle);
        return fill(c, handle, buf, cb, pCount);
    }

    /** DosFindNext. */
    long findNext(Call c) throws Os2Exception {
        int handle = c.iarg(0);
        synchronized (this) {
            if (!searches.containsKey(handle)) {
                throw new Os2Exception(Err.INVALID_HANDLE);
            }
        }
        return fill(c, handle, c.arg(1), c.iarg(2), Call.need(c.arg(3)));
    }

    /** DosFindClose. */
    synchronized long findClose(Call c) throws Os2Exception {
        if (searches.remove(c.iarg(0)) == null) {
            throw new Os2Exception(Err.INVALID_HANDLE);
        }
        return Err.NO_ERROR;
    }

    private long fill(Call c, int handle, long buf, int cb, long pCount) throws Os2Exception {
        Search s;
        synchronized (this) {
            s = searches.get(handle);
        }
        int want = Math.max(1, c.u32(pCount));
        int count = 0;
        int used = 0;
        long lastEntry = -1;
        while (count < want && s.next < s.entries.size()) {
            Entry e = s.entries.get(s.next);
            byte[] rec = record(e, s.level);
            if (used + rec.length > cb) {
                break;
            }
            if (lastEntry >= 0) {
                c.put32(lastEntry, used - (lastEntry - buf));
            }
            c.write(buf + used, rec);
            lastEntry = buf + used;
            used += (rec.length + 3) & ~3;
            count++;
            s.next++;
        }
        if (count == 0) {
            c.put32(pCount, 0);
            throw new Os2Exception(s.next >= s.entries.size() ? Err.NO_MORE_FILES : Err.BUFFER_OVERFLOW);
        }
        c.put32(pCount, count);
        return Err.NO_ERROR;
    }

    private static byte[] record(Entry e, int level) {
        byte[] name = e.name().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int nameLen = Math.min(name.length, 255);
        int head = level == 1 ? 29 : 33;
        byte[] b = new byte[head + nameLen + 1];
        BasicFileAttributes a = e.attrs();
        if (a != null) {
            putDateTime(b, 4, a.creationTime());
            putDateTime(b, 8, a.lastAccessTime());
            putDateTime(b, 12, a.lastModifiedTime());
            long size = a.isDirectory() ? 0 : a.size();
            putInt(b, 16, (int) Math.min(size, 0xffff_ffffL));
            putInt(b, 20, (int) Math.min((size + 4095) & -4096L, 0xffff_ffffL));
            putInt(b, 24, e.attributes());
        }
        b[head - 1] = (byte) nameLen;
        System.arraycopy(name, 0, b, head, nameLen);
        return b;
    }

    private static List<Entry> list(Path dir, String pattern, int attr, boolean dots) {
        List<Entry> result = new ArrayList<>();
        int mustHave = (attr >> 8) & 0x37;
        boolean dirs = (attr & FILE_DIRECTORY) != 0 || (mustHave & FILE_DIRECTORY) != 0;
        if (dots && dirs) {
            for (String d : new String[] {".", ".."}) {
                if (Drives.matches(pattern, d)) {
                    result.add(Entry.of(d, dir.resolve(d))); // the opened directory and its own parent
                }
            }
        }
        List<Path> children;
        try (var s = java.nio.file.Files.list(dir)) {
            children = s.sorted(Comparator.comparing(x -> x.getFileName().toString().toUpperCase())).toList();
        } catch (IOException | RuntimeException e) {
            return result;
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (!Drives.matches(pattern, name)) {
                continue;
            }
            boolean isDir = java.nio.file.Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
            int a = isDir ? FILE_DIRECTORY : FILE_ARCHIVED;
            if (isDir && !dirs) {
                continue;
            }
            if ((a & mustHave) != mustHave) {
                continue;
            }
            result.add(Entry.of(name, child));
        }
        return result;
    }
}
