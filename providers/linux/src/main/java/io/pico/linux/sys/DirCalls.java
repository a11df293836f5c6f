package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.Overlay;
import io.pico.posix.core.fs.StatInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Directories and names: getdents64, mkdir, rmdir, unlink, rename, link, symlink. */
final class DirCalls {

    private static final int AT_REMOVEDIR = 0x200;
    private static final int AT_SYMLINK_FOLLOW = 0x400;
    private static final int RENAME_NOREPLACE = 1;

    /** One directory entry. */
    private record Dirent(long ino, int type, byte[] name) {
    }

    private DirCalls() {
    }

    static void register(SyscallTable t) {
        t.full(217, "dpu", c -> getdents(c, true));
        t.full(78, "dpu", c -> getdents(c, false));
        t.full(83, "so", c -> mkdir(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.intArg(1)));
        t.full(258, "fso", c -> mkdir(c, OpenCalls.at(c, c.intArg(0), c.path(1), false), c.intArg(2)));
        t.full(84, "s", c -> remove(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), true));
        t.full(87, "s", c -> remove(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), false));
        t.full(263, "fsx", c -> remove(c, OpenCalls.at(c, c.intArg(0), c.path(1), false),
                (c.intArg(2) & AT_REMOVEDIR) != 0));
        t.full(82, "ss", c -> rename(c, OpenCalls.AT_FDCWD, c.path(0), OpenCalls.AT_FDCWD, c.path(1), 0));
        t.full(264, "fsfs", c -> rename(c, c.intArg(0), c.path(1), c.intArg(2), c.path(3), 0));
        t.partial(316, "fsfsx", c -> rename(c, c.intArg(0), c.path(1), c.intArg(2), c.path(3), c.intArg(4)),
                "RENAME_NOREPLACE only, no RENAME_EXCHANGE or RENAME_WHITEOUT");
        t.partial(133, "sox", c -> mknod(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false), c.intArg(1)),
                MKNOD);
        t.partial(259, "fsox", c -> mknod(c, OpenCalls.at(c, c.intArg(0), c.path(1), false), c.intArg(2)), MKNOD);
        t.full(86, "ss", c -> link(c, OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(0), false),
                OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(1), false)));
        t.full(265, "fsfsx", c -> link(c, OpenCalls.at(c, c.intArg(0), c.path(1), (c.intArg(4) & AT_SYMLINK_FOLLOW) != 0),
                OpenCalls.at(c, c.intArg(2), c.path(3), false)));
        t.full(88, "ss", c -> symlink(c, c.path(0), OpenCalls.at(c, OpenCalls.AT_FDCWD, c.path(1), false)));
        t.full(266, "sfs", c -> symlink(c, c.path(0), OpenCalls.at(c, c.intArg(1), c.path(2), false)));
    }

    private static int type(int mode) {
        return switch (mode & StatInfo.S_IFMT) {
            case StatInfo.S_IFDIR -> 4;
            case StatInfo.S_IFREG -> 8;
            case StatInfo.S_IFLNK -> 10;
            case StatInfo.S_IFCHR -> 2;
            case StatInfo.S_IFBLK -> 6;
            case StatInfo.S_IFIFO -> 1;
            case StatInfo.S_IFSOCK -> 12;
            default -> 0;
        };
    }

    private static List<Dirent> list(Call c, OpenFile f) throws IOException {
        List<Dirent> result = new ArrayList<>();
        String guest = f.guestPath();
        if (f.hostPath() == null) {
            Overlay proc = c.fs().overlay();
            Overlay.Node dir = proc.lookup(guest);
            result.add(new Dirent(1, 4, ".".getBytes(StandardCharsets.UTF_8)));
            result.add(new Dirent(1, 4, "..".getBytes(StandardCharsets.UTF_8)));
            for (String name : dir == null ? List.<String>of() : dir.children()) {
                String child = guest + "/" + name;
                Overlay.Node n = proc.lookup(child);
                if (n != null) {
                    result.add(new Dirent(proc.stat(child, n).ino(), type(proc.stat(child, n).mode()),
                            name.getBytes(StandardCharsets.UTF_8)));
                }
            }
            return result;
        }
        Path host = c.fs().directory(c.fs().described(guest, f.hostPath()));
        StatInfo self = StatInfo.of(host, true); // /proc/self/fd/K: the directory itself
        result.add(new Dirent(self.ino(), 4, ".".getBytes(StandardCharsets.UTF_8)));
        GuestFs.Resolved parent = c.fs().resolve("/", GuestFs.parent(guest), true);
        // a mount's guest directory may have no parent under the root: its .. is then itself
        Path up = parent.synthetic() || !Files.exists(c.fs().secure(parent)) ? host : c.fs().secure(parent);
        result.add(new Dirent(StatInfo.of(up, false).ino(), 4, "..".getBytes(StandardCharsets.UTF_8)));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(host)) {
            for (Path p : ds) {
                long ino = 0;
                int type = 0;
                try {
                    Map<String, Object> a = Files.readAttributes(p, "unix:ino,mode", LinkOption.NOFOLLOW_LINKS);
                    ino = (Long) a.get("ino");
                    type = type((Integer) a.get("mode"));
                } catch (IOException e) {
                    // vanished meanwhile: listed with an unknown type
                }
                result.add(new Dirent(ino, type, p.getFileName().toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return result;
    }

    /** Implements Linux getdents64(2) and getdents(2): a snapshot of the directory taken at the first call. */
    @SuppressWarnings("unchecked")
    private static long getdents(Call c, boolean wide) throws IOException {
        OpenFile f = c.state().fds().get(c.intArg(0));
        if (!f.directory()) {
            return -Errno.ENOTDIR;
        }
        int count = c.sizeArg(2, 1 << 20);
        synchronized (f) {
            if (f.dirCursor == null) {
                f.dirCursor = list(c, f);
            }
            List<Dirent> entries = (List<Dirent>) f.dirCursor;
            ByteBuffer b = ByteBuffer.allocate(count).order(ByteOrder.LITTLE_ENDIAN);
            int index = (int) f.position();
            while (index < entries.size()) {
                Dirent d = entries.get(index);
                // linux_dirent64: ino, off, reclen, type, name; linux_dirent: ino, off, reclen, name, 0, type
                int reclen = wide ? (19 + d.name().length + 1 + 7) & ~7 : (18 + d.name().length + 2 + 7) & ~7;
                if (b.remaining() < reclen) {
                    if (b.position() == 0) {
                        return -Errno.EINVAL;
                    }
                    break;
                }
                int start = b.position();
                if (wide) {
                    b.putLong(d.ino()).putLong(index + 1).putShort((short) reclen).put((byte) d.type()).put(d.name());
                } else {
                    b.putLong(d.ino()).putLong(index + 1).putShort((short) reclen).put(d.name());
                    b.put(start + reclen - 1, (byte) d.type());
                }
                b.position(start + reclen);
                index++;
            }
            f.position(index);
            c.write(c.arg(1), java.util.Arrays.copyOf(b.array(), b.position()));
            return b.position();
        }
    }

    private static void writable(Call c, GuestFs.Resolved r) {
        if (r.synthetic()) {
            throw Errno.error(Errno.EACCES);
        }
        if (c.fs().readOnly(r.guest())) {
            throw Errno.error(Errno.EROFS);
        }
    }

    /** Implements Linux mkdir(2) and mkdirat(2). */
    private static long mkdir(Call c, GuestFs.Resolved r, int mode) throws IOException {
        writable(c, r);
        if (Files.exists(c.fs().secure(r), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EEXIST;
        }
        Files.createDirectory(c.fs().secure(r));
        OpenCalls.applyMode(c.fs().secure(r), mode & ~c.state().umask());
        return 0;
    }

    private static final String MKNOD = "regular files only: FIFOs, sockets and device nodes cannot be made (EPERM)";

    /** Implements Linux mknod(2) and mknodat(2) for regular files. */
    private static long mknod(Call c, GuestFs.Resolved r, int mode) throws IOException {
        writable(c, r);
        int type = mode & StatInfo.S_IFMT;
        if (type != 0 && type != StatInfo.S_IFREG) {
            return type == StatInfo.S_IFDIR || type == StatInfo.S_IFLNK ? -Errno.EINVAL : -Errno.EPERM;
        }
        if (Files.exists(c.fs().secure(r), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EEXIST;
        }
        GuestFs.withOpen(c.fs().secure(r), java.util.Set.of(java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.CREATE_NEW), p -> p);
        OpenCalls.applyMode(c.fs().secure(r), mode & 07777 & ~c.state().umask());
        return 0;
    }

    /** Implements Linux unlink(2), rmdir(2) and unlinkat(2). */
    private static long remove(Call c, GuestFs.Resolved r, boolean directory) throws IOException {
        writable(c, r);
        if (r.guest().equals("/")) {
            return -Errno.EBUSY;
        }
        if (!Files.exists(c.fs().secure(r), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.ENOENT;
        }
        boolean isDir = Files.isDirectory(c.fs().secure(r), LinkOption.NOFOLLOW_LINKS);
        if (directory && !isDir) {
            return -Errno.ENOTDIR;
        }
        if (!directory && isDir) {
            return -Errno.EISDIR;
        }
        Files.delete(c.fs().secure(r));
        return 0;
    }

    /** Implements Linux rename(2), renameat(2) and renameat2(2) with RENAME_NOREPLACE. */
    private static long rename(Call c, int olddir, String oldPath, int newdir, String newPath, int flags)
            throws IOException {
        if ((flags & ~RENAME_NOREPLACE) != 0) {
            return -Errno.EINVAL;
        }
        GuestFs.Resolved from = OpenCalls.at(c, olddir, oldPath, false);
        GuestFs.Resolved to = OpenCalls.at(c, newdir, newPath, false);
        writable(c, from);
        writable(c, to);
        if (!Files.exists(c.fs().secure(from), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.ENOENT;
        }
        if (to.guest().startsWith(from.guest() + "/")) {
            return -Errno.EINVAL;
        }
        if ((flags & RENAME_NOREPLACE) != 0 && Files.exists(c.fs().secure(to), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EEXIST;
        }
        try {
            Files.move(c.fs().secure(from), c.fs().secure(to), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            return -Errno.EXDEV;
        }
        return 0;
    }

    /** Implements Linux link(2) and linkat(2). */
    private static long link(Call c, GuestFs.Resolved existing, GuestFs.Resolved name) throws IOException {
        writable(c, existing);
        writable(c, name);
        if (Files.exists(c.fs().secure(name), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EEXIST;
        }
        if (Files.isDirectory(c.fs().secure(existing), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EPERM;
        }
        Files.createLink(c.fs().secure(name), c.fs().secure(existing));
        return 0;
    }

    /** Implements Linux symlink(2) and symlinkat(2); the target is stored as the guest wrote it. */
    private static long symlink(Call c, String target, GuestFs.Resolved name) throws IOException {
        writable(c, name);
        if (target.isEmpty()) {
            return -Errno.ENOENT;
        }
        if (Files.exists(c.fs().secure(name), LinkOption.NOFOLLOW_LINKS)) {
            return -Errno.EEXIST;
        }
        Files.createSymbolicLink(c.fs().secure(name), Path.of(target));
        return 0;
    }
}
