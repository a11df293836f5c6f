package io.pico.linux.sys;

import io.pico.linux.LinuxAbi;
import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.Overlay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Opening files under the process root: open, openat, creat, with /proc, /dev/tty and fd reopening. */
final class OpenCalls {

    static final int AT_FDCWD = -100;
    private static final int O_TMPFILE = 020000000;
    private static final Pattern FD_PATH = Pattern.compile("/proc/(\\d+)/fd/(\\d+)");

    private OpenCalls() {
    }

    static void register(SyscallTable t) {
        t.partial(2, "sOo", c -> open(c, AT_FDCWD, c.path(0), c.intArg(1), c.intArg(2)), NOTE);
        t.partial(257, "fsOo", c -> open(c, c.intArg(0), c.path(1), c.intArg(2), c.intArg(3)), NOTE);
        t.partial(85, "so", c -> open(c, AT_FDCWD, c.path(0),
                LinuxAbi.O_CREAT | LinuxAbi.O_WRONLY | LinuxAbi.O_TRUNC, c.intArg(1)), NOTE);
        t.partial(437, "fspu", OpenCalls::openat2, "resolve flags other than RESOLVE_NO_MAGICLINKS give EOPNOTSUPP");
        t.partial(319, "sx", OpenCalls::memfdCreate, "a deleted host temporary file; no sealing");
    }

    private static final String NOTE = "no O_TMPFILE; O_DIRECT, O_SYNC and O_NOATIME are ignored";

    /** The guest path of the directory a *at call is relative to. */
    static String base(Call c, int dirfd, String path) {
        if (path.startsWith("/") || dirfd == AT_FDCWD) {
            return c.state().cwd();
        }
        OpenFile f = c.state().fds().get(dirfd);
        if (!f.directory() || f.guestPath() == null) {
            throw Errno.error(Errno.ENOTDIR);
        }
        return f.guestPath();
    }

    /** Resolves a path argument of a *at call. */
    static GuestFs.Resolved at(Call c, int dirfd, String path, boolean follow) {
        return c.fs().resolve(base(c, dirfd, path), path, follow);
    }

    /** Implements Linux openat(2), open(2) and creat(2). */
    static long open(Call c, int dirfd, String path, int flags, int mode) throws IOException {
        if ((flags & O_TMPFILE) == O_TMPFILE) {
            return -Errno.EOPNOTSUPP;
        }
        boolean follow = (flags & LinuxAbi.O_NOFOLLOW) == 0
                && (flags & (LinuxAbi.O_CREAT | LinuxAbi.O_EXCL)) != (LinuxAbi.O_CREAT | LinuxAbi.O_EXCL);
        GuestFs.Resolved last = at(c, dirfd, path, false);
        Matcher m = FD_PATH.matcher(last.guest());
        if (last.synthetic() && m.matches()) {
            return reopen(c, Integer.parseInt(m.group(1)), m.group(2), flags, mode);
        }
        GuestFs.Resolved r = follow ? at(c, dirfd, path, true) : last;
        if (!follow && (flags & LinuxAbi.O_PATH) == 0 && isLink(c, last)) {
            return (flags & LinuxAbi.O_EXCL) != 0 && (flags & LinuxAbi.O_CREAT) != 0 ? -Errno.EEXIST : -Errno.ELOOP;
        }
        return openResolved(c, r, flags, mode);
    }

    private static boolean isLink(Call c, GuestFs.Resolved r) {
        if (r.synthetic()) {
            Overlay.Node n = c.fs().overlay().lookup(r.guest());
            return n != null && n.kind() == Overlay.Kind.LINK;
        }
        return Files.isSymbolicLink(c.fs().secure(r));
    }

    private static long install(Call c, OpenFile f, int flags) {
        try {
            return c.state().fds().install(f, (flags & LinuxAbi.O_CLOEXEC) != 0, 0);
        } catch (RuntimeException e) {
            f.discard();
            throw e;
        }
    }

    private static long openResolved(Call c, GuestFs.Resolved r, int flags, int mode) throws IOException {
        int acc = flags & LinuxAbi.O_ACCMODE;
        int kept = LinuxAbi.core(flags); // the core drops the open-only flags
        if (r.synthetic()) {
            return openProc(c, r, flags);
        }
        if (r.guest().equals("/dev/tty")) {
            for (int i = 0; i < 3; i++) {
                IoObject io = c.process().handles().get(i);
                if (io != null && io.isTerminal()) {
                    return install(c, OpenFile.share(c.process(), io, "/dev/tty", kept), flags);
                }
            }
            return -Errno.ENXIO;
        }
        Path host = c.fs().secure(r);
        boolean exists = Files.exists(host, LinkOption.NOFOLLOW_LINKS);
        boolean create = (flags & LinuxAbi.O_CREAT) != 0;
        if ((acc != LinuxAbi.O_RDONLY || (create && !exists)) && c.fs().readOnly(r.guest())) {
            return -Errno.EROFS; // a read-only mount
        }
        if (exists && create && (flags & LinuxAbi.O_EXCL) != 0) {
            return -Errno.EEXIST;
        }
        if (!exists && !create) {
            return Files.exists(host.getParent() == null ? host : host.getParent()) ? -Errno.ENOENT
                    : parentError(host);
        }
        boolean directory = exists && Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS);
        if (directory) {
            if (acc != LinuxAbi.O_RDONLY || create) {
                return -Errno.EISDIR;
            }
            if ((flags & LinuxAbi.O_PATH) == 0 && !Files.isReadable(host)) {
                return -Errno.EACCES;
            }
            return install(c, OpenFile.pathOnly(c.process(), r.guest(), r.host(), true, kept), flags);
        }
        if ((flags & LinuxAbi.O_DIRECTORY) != 0) {
            return exists ? -Errno.ENOTDIR : -Errno.ENOENT;
        }
        if ((flags & LinuxAbi.O_PATH) != 0) {
            return install(c, OpenFile.pathOnly(c.process(), r.guest(), r.host(), false, kept), flags);
        }
        boolean read = acc != LinuxAbi.O_WRONLY;
        boolean write = acc != LinuxAbi.O_RDONLY;
        // devices (/dev/null) cannot be truncated: O_TRUNC only means something for regular files
        boolean truncate = (flags & LinuxAbi.O_TRUNC) != 0 && write && (!exists || Files.isRegularFile(host,
                LinkOption.NOFOLLOW_LINKS));
        boolean append = (flags & LinuxAbi.O_APPEND) != 0;
        IoObject io;
        if (r.host().equals(host)) { // a host device (/dev/null...), not a file under the root
            io = c.kernel().openFile(host, read, write, append, create, truncate, (flags & LinuxAbi.O_EXCL) != 0);
        } else {
            if (!exists) {
                // made with O_CREAT|O_EXCL|O_NOFOLLOW in the open parent; losing a race to another creator is fine
                try {
                    GuestFs.withOpen(host, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW), p -> p);
                    applyMode(host, mode & ~c.state().umask());
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if ((flags & LinuxAbi.O_EXCL) != 0) {
                        return -Errno.EEXIST;
                    }
                }
            }
            Set<OpenOption> how = write ? Set.of(StandardOpenOption.WRITE) : Set.of(StandardOpenOption.READ);
            io = GuestFs.withOpen(host, how, same -> c.kernel().openFile(same, read, write, append, false, truncate,
                    false));
        }
        return install(c, OpenFile.adopt(c.process(), io, r.guest(), r.host(), false, kept), flags);
    }

    /** Implements Linux openat2(2) for the resolve modes that need no change to path lookup. */
    private static long openat2(Call c) throws IOException {
        long how = c.arg(2);
        long size = c.arg(3);
        if (size < 24 || size > 4096) {
            return -Errno.EINVAL;
        }
        long flags = c.mem().getLong(how);
        long mode = c.mem().getLong(how + 8);
        long resolve = c.mem().getLong(how + 16);
        if ((flags >>> 32) != 0 || (mode & ~07777L) != 0
                || (mode != 0 && (flags & (LinuxAbi.O_CREAT | O_TMPFILE)) == 0)) {
            return -Errno.EINVAL;
        }
        if ((resolve & ~2L) != 0) { // only RESOLVE_NO_MAGICLINKS, which /proc links here never need
            return -Errno.EOPNOTSUPP;
        }
        return open(c, c.intArg(0), c.path(1), (int) flags, (int) mode);
    }

    /** Implements Linux memfd_create(2) with a host temporary file deleted at once. */
    private static long memfdCreate(Call c) throws IOException {
        String name = c.string(c.arg(0), 250);
        int flags = c.intArg(1);
        if ((flags & ~0x7) != 0) { // MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB
            return -Errno.EINVAL;
        }
        Path tmp = Files.createTempFile("pico-memfd-", ".tmp");
        IoObject io;
        try {
            io = c.kernel().openFile(tmp, true, true, false, false, false, false);
        } finally {
            Files.deleteIfExists(tmp);
        }
        OpenFile f = OpenFile.adopt(c.process(), io, "/memfd:" + name + " (deleted)", false,
                OpenFile.READ | OpenFile.WRITE);
        return install(c, f, (flags & 1) != 0 ? LinuxAbi.O_CLOEXEC : 0);
    }

    /** ENOENT when a parent is missing, ENOTDIR when one is a file. */
    private static long parentError(Path host) {
        for (Path p = host.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? -Errno.ENOENT : -Errno.ENOTDIR;
            }
        }
        return -Errno.ENOENT;
    }

    /** Sets a new file's permission bits. */
    static void applyMode(Path host, int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(order[i]);
            }
        }
        try {
            // never through a link (one swapped in since the file was made)
            Files.getFileAttributeView(host, java.nio.file.attribute.PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).setPermissions(perms);
        } catch (IOException | UnsupportedOperationException e) {
            // the file exists; a file system without permissions keeps its default
        }
    }

    private static long openProc(Call c, GuestFs.Resolved r, int flags) {
        Overlay.Node n = c.fs().overlay().lookup(r.guest());
        if (n == null) {
            return (flags & LinuxAbi.O_CREAT) != 0 ? -Errno.EACCES : -Errno.ENOENT;
        }
        if ((flags & LinuxAbi.O_ACCMODE) != LinuxAbi.O_RDONLY) {
            return n.kind() == Overlay.Kind.DIR ? -Errno.EISDIR : -Errno.EACCES;
        }
        return switch (n.kind()) {
            case DIR -> install(c, OpenFile.synthetic(c.process(), r.guest(), null, true), flags);
            case FILE -> (flags & LinuxAbi.O_DIRECTORY) != 0 ? -Errno.ENOTDIR
                    : install(c, OpenFile.synthetic(c.process(), r.guest(), n.content(), false), flags);
            case LINK -> -Errno.ENOENT; // a link that resolution could not follow: pipe:[N] and the like
        };
    }

    /** Opens /proc/PID/fd/N: the file again, or the same pipe or terminal. */
    private static long reopen(Call c, int pid, String fd, int flags, int mode) throws IOException {
        if (pid != c.process().pid()) {
            return -Errno.EACCES;
        }
        OpenFile src;
        try {
            src = c.state().fds().get(Integer.parseInt(fd));
        } catch (RuntimeException e) {
            return -Errno.ENOENT;
        }
        int kept = LinuxAbi.core(flags); // the core drops the open-only flags
        if (src.hostPath() != null && src.guestPath() != null) {
            // the file again by its guest path, never the host path: that may be a link, opened with O_PATH
            return openResolved(c, c.fs().described(src.guestPath(), src.hostPath()), flags, mode);
        }
        if (src.content() != null || src.io() == null) {
            return install(c, OpenFile.synthetic(c.process(), src.guestPath(), src.content(), src.directory()), flags);
        }
        return install(c, OpenFile.share(c.process(), src.io(), null, kept), flags);
    }
}
