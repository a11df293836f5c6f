package io.pico.posix.core;

import io.pico.api.IoObject;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.Overlay;
import io.pico.posix.core.fs.StatInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.LinkOption;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files by name, as Unix personalities share them: resolving a path argument against the working directory or
 * a directory descriptor (never leaving the root), opening, stat, access, links, directories, renames,
 * permissions and times. Flags are the core's; results that have a layout (struct stat) are returned as data
 * for the personality to write.
 */
public final class Files {

    private static final Instant START = Instant.now();

    private Files() {
    }

    /** The guest directory a path argument of an *at call is relative to: the cwd, or a directory descriptor's. */
    public static String base(Call c, int dirfd, String path) {
        if (path.startsWith("/") || dirfd == c.abi().atFdCwd()) {
            return c.state().cwd();
        }
        OpenFile f = c.fds().get(dirfd);
        if (!f.directory() || f.guestPath() == null) {
            throw Errno.ENOTDIR.error();
        }
        return f.guestPath();
    }

    /** Resolves a path argument of an *at call (AT_FDCWD or a directory descriptor). */
    public static GuestFs.Resolved at(Call c, int dirfd, String path, boolean follow) {
        return c.fs().resolve(base(c, dirfd, path), path, follow);
    }

    /**
     * The resolved path of what a descriptor refers to, found again by its guest path (never by a stored host
     * path, which may lead through a directory renamed into a link since); a descriptor the runtime gave without a
     * guest name (a redirected standard stream) keeps its host path. EINVAL for pipes and terminals.
     */
    public static GuestFs.Resolved of(Call c, int fd) {
        OpenFile f = c.fds().get(fd);
        if (f.hostPath() == null) {
            if (f.guestPath() != null && f.content() != null || f.directory() && f.guestPath() != null) {
                return new GuestFs.Resolved(f.guestPath(), null);
            }
            throw Errno.EINVAL.error();
        }
        if (f.guestPath() == null || !f.guestPath().startsWith("/")) {
            return new GuestFs.Resolved("", f.hostPath());
        }
        return c.fs().resolve("/", f.guestPath(), false);
    }

    /**
     * The host name of a resolved path to use in the current call: {@link GuestFs#secure} for a guest path (the
     * host follows no link on the way), the plain path of a descriptor without a guest name ({@link #of}).
     *
     * @since 2.0
     */
    public static Path host(Call c, GuestFs.Resolved r) {
        return r.guest().startsWith("/") ? c.fs().secure(r) : r.host();
    }

    /**
     * open(2) and openat(2): a new descriptor for the path; {@code flags} are core flags, {@code mode} the
     * permission bits of a created file (before the umask).
     */
    public static long open(Call c, int dirfd, String path, int flags, int mode) throws IOException {
        return c.fds().installNew(open(c, dirfd, path, at(c, dirfd, path, false), flags, mode),
                (flags & OpenFile.CLOEXEC) != 0);
    }

    /**
     * The description open(2) makes (not yet installed), given the path resolved without following its last
     * component ({@code last}, which a personality may have looked at first): followed unless O_NOFOLLOW or
     * O_CREAT|O_EXCL; a final link is ELOOP then (EEXIST with O_CREAT|O_EXCL) unless O_PATH.
     *
     * @since 2.0
     */
    public static OpenFile open(Call c, int dirfd, String path, GuestFs.Resolved last, int flags, int mode)
            throws IOException {
        boolean follow = (flags & OpenFile.NOFOLLOW) == 0
                && (flags & (OpenFile.CREAT | OpenFile.EXCL)) != (OpenFile.CREAT | OpenFile.EXCL);
        GuestFs.Resolved r = follow ? at(c, dirfd, path, true) : last;
        if (!follow && (flags & OpenFile.PATH) == 0 && isLink(c, last)) {
            throw ((flags & OpenFile.EXCL) != 0 && (flags & OpenFile.CREAT) != 0 ? Errno.EEXIST : Errno.ELOOP).error();
        }
        return openResolved(c, r, flags, mode);
    }

    /** Whether a resolved (not followed) path is a symbolic link. */
    public static boolean isLink(Call c, GuestFs.Resolved r) {
        if (r.synthetic()) {
            Overlay.Node n = c.fs().overlay().lookup(r.guest());
            return n != null && n.kind() == Overlay.Kind.LINK;
        }
        return java.nio.file.Files.isSymbolicLink(host(c, r));
    }

    /** Opens a resolved path as a new description (not yet installed). */
    public static OpenFile openResolved(Call c, GuestFs.Resolved r, int flags, int mode) throws IOException {
        boolean read = (flags & OpenFile.READ) != 0;
        boolean write = (flags & OpenFile.WRITE) != 0;
        if (r.synthetic()) {
            return openSynthetic(c, r, flags);
        }
        if (r.guest().equals("/dev/tty")) {
            IoObject tty = Descriptors.terminal(c);
            if (tty == null) {
                throw Errno.ENXIO.error();
            }
            return OpenFile.share(c.process(), tty, "/dev/tty", flags);
        }
        // the parent was opened without following links (a missing one is ENOENT, a file ENOTDIR): the name
        // reaches what resolution checked, whatever was renamed since
        Path host = c.fs().secure(r);
        boolean exists = java.nio.file.Files.exists(host, LinkOption.NOFOLLOW_LINKS);
        boolean create = (flags & OpenFile.CREAT) != 0;
        if ((write || (create && !exists)) && c.fs().readOnly(r.guest())) {
            throw Errno.EROFS.error(); // a read-only mount
        }
        if (exists && create && (flags & OpenFile.EXCL) != 0) {
            throw Errno.EEXIST.error();
        }
        if (!exists && !create) {
            throw Errno.ENOENT.error();
        }
        boolean directory = exists && java.nio.file.Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS);
        if (directory) {
            if (write || create) {
                throw Errno.EISDIR.error();
            }
            if ((flags & OpenFile.PATH) == 0 && !java.nio.file.Files.isReadable(host)) {
                throw Errno.EACCES.error();
            }
            return OpenFile.pathOnly(c.process(), r.guest(), r.host(), true, flags);
        }
        if ((flags & OpenFile.DIRECTORY) != 0) {
            throw (exists ? Errno.ENOTDIR : Errno.ENOENT).error();
        }
        if ((flags & OpenFile.PATH) != 0) {
            return OpenFile.pathOnly(c.process(), r.guest(), r.host(), false, flags);
        }
        boolean reading = read || !write;
        boolean append = (flags & OpenFile.APPEND) != 0;
        // devices (/dev/null) cannot be truncated: O_TRUNC only means something for regular files
        boolean truncate = (flags & OpenFile.TRUNC) != 0 && write
                && (!exists || java.nio.file.Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS));
        if (host.equals(r.host())) { // a host device (/dev/null...), not a file under the root
            IoObject io = c.kernel().openFile(host, reading, write, append, create, truncate,
                    (flags & OpenFile.EXCL) != 0);
            return OpenFile.adopt(c.process(), io, r.guest(), false, flags);
        }
        if (!exists) {
            // made with O_CREAT|O_EXCL|O_NOFOLLOW in the open parent; losing a race to another creator is fine
            try {
                GuestFs.withOpen(host, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW), p -> p);
                applyMode(host, mode & ~c.state().umask());
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if ((flags & OpenFile.EXCL) != 0) {
                    throw Errno.EEXIST.error();
                }
            }
        }
        // opened with O_NOFOLLOW; the kernel opens that very file again by /proc/self/fd/M
        Set<java.nio.file.OpenOption> how = write ? Set.of(StandardOpenOption.WRITE) : Set.of(StandardOpenOption.READ);
        IoObject io = GuestFs.withOpen(host, how, same -> c.kernel().openFile(same, reading, write, append, false,
                truncate, false));
        return OpenFile.adopt(c.process(), io, r.guest(), r.host(), false, flags); // the plain path to keep
    }

    private static OpenFile openSynthetic(Call c, GuestFs.Resolved r, int flags) {
        Overlay.Node n = c.fs().overlay().lookup(r.guest());
        if (n == null) {
            throw ((flags & OpenFile.CREAT) != 0 ? Errno.EACCES : Errno.ENOENT).error();
        }
        if ((flags & OpenFile.WRITE) != 0) {
            throw (n.kind() == Overlay.Kind.DIR ? Errno.EISDIR : Errno.EACCES).error();
        }
        return switch (n.kind()) {
            case DIR -> OpenFile.synthetic(c.process(), r.guest(), null, true);
            case FILE -> {
                if ((flags & OpenFile.DIRECTORY) != 0) {
                    throw Errno.ENOTDIR.error();
                }
                yield OpenFile.synthetic(c.process(), r.guest(), n.content(), false);
            }
            case LINK -> throw Errno.ENOENT.error(); // a link resolution could not follow
        };
    }

    /** Sets a host file's permission bits, never through a link (one swapped in since the file was made). */
    public static void applyMode(Path host, int mode) {
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
            java.nio.file.Files.getFileAttributeView(host, java.nio.file.attribute.PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).setPermissions(perms);
        } catch (IOException | UnsupportedOperationException e) {
            // the file exists; a file system without permissions keeps its default
        }
    }

    /** The stat of a resolved path (links were followed by resolution as asked). */
    public static StatInfo stat(Call c, GuestFs.Resolved r) throws IOException {
        if (r.synthetic()) {
            Overlay.Node n = c.fs().overlay().lookup(r.guest());
            if (n == null) {
                throw Errno.ENOENT.error();
            }
            return c.fs().overlay().stat(r.guest(), n);
        }
        return StatInfo.of(host(c, r), false);
    }

    /** The stat of what a descriptor refers to: a file, a directory, a pipe or a terminal. */
    public static StatInfo fstat(Call c, int fd) throws IOException {
        OpenFile f = c.fds().get(fd);
        if (f.hostPath() != null) {
            try {
                return StatInfo.of(host(c, of(c, fd)), false);
            } catch (java.nio.file.NoSuchFileException | SysError e) {
                if (!f.is("file")) {
                    throw e;
                }
                // open, then deleted: still a regular file of its current size, with no links
                long size = f.io().size();
                return new StatInfo(0x16, 0x20000 + (System.identityHashCode(f.io()) & 0xffffff), 0,
                        StatInfo.S_IFREG | 0600, HostIds.uid(), HostIds.gid(), 0, size, (size + 511) / 512, START,
                        START, START);
            }
        }
        if (f.guestPath() != null && (f.content() != null || f.directory())) {
            if (f.content() != null && c.fs().overlay().lookup(f.guestPath()) == null) {
                return StatInfo.synthetic(StatInfo.S_IFREG | 0444, 0x1000 + (f.guestPath().hashCode() & 0xfffffffL),
                        f.content().length, 0, HostIds.uid(), HostIds.gid(), START);
            }
            return stat(c, new GuestFs.Resolved(f.guestPath(), null));
        }
        if (f.special() != null) { // an anonymous inode (eventfd, epoll, kqueue): no file type
            return StatInfo.synthetic(0600, 0x30000 + (System.identityHashCode(f.special()) & 0xffffff), 0, 0,
                    HostIds.uid(), HostIds.gid(), START);
        }
        IoObject io = f.io();
        long ino = 0x10000 + (System.identityHashCode(io) & 0xffffff);
        if (io != null && io.isTerminal()) {
            return StatInfo.synthetic(StatInfo.S_IFCHR | 0620, 3, 0, 0x8800, HostIds.uid(), HostIds.gid(), START);
        }
        if (io instanceof io.pico.api.SocketObject) {
            return StatInfo.synthetic(StatInfo.S_IFSOCK | 0777, ino, 0, 0, HostIds.uid(), HostIds.gid(), START);
        }
        return StatInfo.synthetic(StatInfo.S_IFIFO | 0600, ino, 0, 0, HostIds.uid(), HostIds.gid(), START);
    }

    /** access(2) and faccessat(2) (mode bits R 4, W 2, X 1) against the host's permission checks. */
    public static long access(Call c, int dirfd, String path, int mode, boolean follow) throws IOException {
        if ((mode & ~7) != 0) {
            throw Errno.EINVAL.error();
        }
        GuestFs.Resolved r = at(c, dirfd, path, follow);
        StatInfo s = stat(c, r);
        if (r.synthetic()) {
            if ((mode & 2) != 0 || ((mode & 1) != 0 && !s.isDirectory())) {
                throw Errno.EACCES.error();
            }
            return 0;
        }
        Path h = host(c, r);
        if (((mode & 4) != 0 && !java.nio.file.Files.isReadable(h))
                || ((mode & 2) != 0 && !java.nio.file.Files.isWritable(h))
                || ((mode & 1) != 0 && !java.nio.file.Files.isExecutable(h))) {
            throw Errno.EACCES.error();
        }
        return 0;
    }

    /** readlink(2) and readlinkat(2): the target's bytes copied (not NUL-terminated), at most {@code size}. */
    public static long readlink(Call c, int dirfd, String path, long buf, long size) throws IOException {
        if (size <= 0) {
            throw Errno.EINVAL.error();
        }
        GuestFs.Resolved r = at(c, dirfd, path, false);
        String target;
        if (r.synthetic()) {
            Overlay.Node n = c.fs().overlay().lookup(r.guest());
            if (n == null) {
                throw Errno.ENOENT.error();
            }
            if (n.kind() != Overlay.Kind.LINK) {
                throw Errno.EINVAL.error();
            }
            target = n.target();
        } else {
            try {
                target = java.nio.file.Files.readSymbolicLink(host(c, r)).toString();
            } catch (NotLinkException e) {
                throw (java.nio.file.Files.exists(host(c, r), LinkOption.NOFOLLOW_LINKS) ? Errno.EINVAL
                        : Errno.ENOENT).error();
            }
        }
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(bytes.length, size);
        c.mem().write(buf, bytes, 0, n);
        return n;
    }

    /** The working directory as a NUL-terminated string no longer than {@code size}; ERANGE when it is. */
    public static byte[] cwd(Call c, long size) {
        byte[] cwd = (c.state().cwd() + "\0").getBytes(StandardCharsets.UTF_8);
        if (size < cwd.length) {
            throw Errno.ERANGE.error();
        }
        return cwd;
    }

    /** chdir(2). */
    public static long chdir(Call c, GuestFs.Resolved r) throws IOException {
        StatInfo s = stat(c, r);
        if (!s.isDirectory()) {
            throw Errno.ENOTDIR.error();
        }
        if (!r.synthetic() && !java.nio.file.Files.isExecutable(host(c, r))) {
            throw Errno.EACCES.error();
        }
        c.state().cwd(r.guest());
        return 0;
    }

    /** fchdir(2). */
    public static long fchdir(Call c, int fd) {
        OpenFile f = c.fds().get(fd);
        if (!f.directory() || f.guestPath() == null) {
            throw Errno.ENOTDIR.error();
        }
        c.state().cwd(f.guestPath());
        return 0;
    }

    private static void writable(Call c, GuestFs.Resolved r) {
        if (r.synthetic()) {
            throw Errno.EACCES.error();
        }
        if (c.fs().readOnly(r.guest())) {
            throw Errno.EROFS.error();
        }
    }

    /** mkdir(2) and mkdirat(2). */
    public static long mkdir(Call c, GuestFs.Resolved r, int mode) throws IOException {
        writable(c, r);
        Path host = host(c, r);
        if (java.nio.file.Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.EEXIST.error();
        }
        try {
            java.nio.file.Files.createDirectory(host);
        } finally {
            GuestFs.changed();
        }
        applyMode(host, mode & ~c.state().umask());
        return 0;
    }

    /** unlink(2), rmdir(2) and unlinkat(2). */
    public static long remove(Call c, GuestFs.Resolved r, boolean directory) throws IOException {
        writable(c, r);
        if (r.guest().equals("/")) {
            throw Errno.EBUSY.error();
        }
        Path host = host(c, r);
        if (!java.nio.file.Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.ENOENT.error();
        }
        boolean isDir = java.nio.file.Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS);
        if (directory && !isDir) {
            throw Errno.ENOTDIR.error();
        }
        if (!directory && isDir) {
            throw c.abi().unlinkDirectoryError().error();
        }
        try {
            java.nio.file.Files.delete(host);
        } finally {
            GuestFs.changed(); // views forget what they saw as no link: the name may become one
        }
        return 0;
    }

    /** rename(2) and renameat(2); with {@code noReplace} an existing target fails with EEXIST. */
    public static long rename(Call c, GuestFs.Resolved from, GuestFs.Resolved to, boolean noReplace)
            throws IOException {
        writable(c, from);
        writable(c, to);
        Path source = host(c, from);
        Path target = host(c, to);
        if (!java.nio.file.Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.ENOENT.error();
        }
        if (to.guest().startsWith(from.guest() + "/")) {
            throw Errno.EINVAL.error();
        }
        if (noReplace && java.nio.file.Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.EEXIST.error();
        }
        try {
            java.nio.file.Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw Errno.EXDEV.error();
        } finally {
            GuestFs.changed();
        }
        return 0;
    }

    /** link(2) and linkat(2). */
    public static long link(Call c, GuestFs.Resolved existing, GuestFs.Resolved name) throws IOException {
        writable(c, existing);
        writable(c, name);
        Path old = host(c, existing);
        Path made = host(c, name);
        if (java.nio.file.Files.exists(made, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.EEXIST.error();
        }
        if (java.nio.file.Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.EPERM.error();
        }
        try {
            java.nio.file.Files.createLink(made, old);
        } finally {
            GuestFs.changed();
        }
        return 0;
    }

    /** symlink(2) and symlinkat(2); the target is stored as the guest wrote it (resolved in the guest's view). */
    public static long symlink(Call c, String target, GuestFs.Resolved name) throws IOException {
        writable(c, name);
        if (target.isEmpty()) {
            throw Errno.ENOENT.error();
        }
        Path made = host(c, name);
        if (java.nio.file.Files.exists(made, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.EEXIST.error();
        }
        try {
            java.nio.file.Files.createSymbolicLink(made, Path.of(target));
        } finally {
            GuestFs.changed();
        }
        return 0;
    }

    /**
     * The host name of an existing file under the root for a metadata change: EPERM for a synthetic one, ENOENT
     * when it does not exist, EROFS in a read-only mount.
     */
    private static Path real(Call c, GuestFs.Resolved r) {
        if (r.synthetic()) {
            throw Errno.EPERM.error();
        }
        Path host = host(c, r);
        if (!java.nio.file.Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.ENOENT.error();
        }
        if (r.guest().startsWith("/") && c.fs().readOnly(r.guest())) {
            throw Errno.EROFS.error(); // mode, owner, times and size of a read-only mount's files stay
        }
        return host;
    }

    /**
     * chmod(2) and relatives; the host follows no link (resolution followed the guest's as asked).
     *
     * @since 2.0
     */
    public static long chmod(Call c, GuestFs.Resolved r, int mode) throws IOException {
        Path host = real(c, r);
        java.nio.file.Files.setAttribute(host, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        return 0;
    }

    /**
     * chown(2) and relatives: what the host allows the runtime's user (-1 leaves an id unchanged). Resolution
     * followed the guest's links as asked (lchown did not); the host follows none.
     *
     * @since 2.0
     */
    public static long chown(Call c, GuestFs.Resolved r, int uid, int gid) throws IOException {
        Path host = real(c, r);
        StatInfo s = StatInfo.of(host, false);
        LinkOption[] opts = {LinkOption.NOFOLLOW_LINKS};
        try {
            if (uid != -1 && uid != s.uid()) {
                java.nio.file.Files.setAttribute(host, "unix:uid", uid, opts);
            }
            if (gid != -1 && gid != s.gid()) {
                java.nio.file.Files.setAttribute(host, "unix:gid", gid, opts);
            }
        } catch (java.nio.file.FileSystemException e) {
            throw (HostIds.euid() == 0 ? Errno.of(e) : Errno.EPERM).error();
        }
        return 0;
    }

    /**
     * truncate(2), opening the file without following a link.
     *
     * @since 2.0
     */
    public static long truncate(Call c, GuestFs.Resolved r, long length) throws IOException {
        Path host = real(c, r);
        if (length < 0) {
            throw Errno.EINVAL.error();
        }
        if (java.nio.file.Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
            throw Errno.EISDIR.error();
        }
        try (FileChannel ch = FileChannel.open(host, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            if (length < ch.size()) {
                ch.truncate(length);
            } else if (length > ch.size()) {
                ch.write(ByteBuffer.allocate(1), length - 1);
            }
        }
        return 0;
    }

    /** ftruncate(2). */
    public static long ftruncate(Call c, int fd, long length) throws IOException {
        OpenFile f = c.fds().get(fd);
        if (length < 0) {
            throw Errno.EINVAL.error();
        }
        if (!f.writable() || !f.is("file")) {
            throw Errno.EINVAL.error();
        }
        f.io().truncate(length);
        return 0;
    }

    /**
     * Sets access and modification times (utimensat, utimes, futimes); a null time leaves that one unchanged.
     * Resolution followed the guest's links as asked; the host follows none.
     *
     * @since 2.0
     */
    public static long setTimes(Call c, GuestFs.Resolved r, FileTime atime, FileTime mtime) throws IOException {
        Path host = real(c, r);
        BasicFileAttributeView view = java.nio.file.Files.getFileAttributeView(host, BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        view.setTimes(mtime, atime, null);
        return 0;
    }

    /**
     * What statfs(2) reports, for the personality to lay out.
     *
     * @param blockSize the block size
     * @param blocks total blocks
     * @param free free blocks
     * @param available blocks available to the user
     * @param files total inodes
     * @param freeFiles free inodes
     * @param synthetic whether the path is in a synthetic file system
     */
    public record FsStats(long blockSize, long blocks, long free, long available, long files, long freeFiles,
            boolean synthetic) {
    }

    /**
     * statfs(2) and fstatfs(2) from the host file store.
     *
     * @since 2.0
     */
    public static FsStats statfs(Call c, GuestFs.Resolved r) throws IOException {
        if (r.synthetic()) {
            return new FsStats(4096, 0, 0, 0, 0, 0, true);
        }
        Path host = host(c, r);
        if (!java.nio.file.Files.exists(host)) {
            throw Errno.ENOENT.error();
        }
        java.nio.file.FileStore store = java.nio.file.Files.getFileStore(host);
        long bs = 4096;
        return new FsStats(bs, store.getTotalSpace() / bs, store.getUnallocatedSpace() / bs,
                store.getUsableSpace() / bs, 1 << 20, 1 << 19, false);
    }
}
