package io.pico.posix.core;

import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.fs.HostStat;
import io.pico.posix.core.fs.Overlay;
import io.pico.posix.core.fs.StatInfo;
import io.pico.unicorn.HostFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading directories (getdents, getdirentries): a snapshot of the entries taken at the first read of a
 * directory description, handed out in the personality's record layout ({@link Layout}).
 */
public final class Dirs {

    /**
     * One directory entry.
     *
     * @param ino the inode number
     * @param type the d_type (DT_DIR 4, DT_REG 8 ..., 0 unknown)
     * @param name the name's bytes
     */
    public record Entry(long ino, int type, byte[] name) {
    }

    /** A personality's directory record layout. */
    @org.osgi.annotation.versioning.ConsumerType
    public interface Layout {
        /** The size of the record of an entry (aligned as the personality aligns it). */
        int size(Entry e);

        /** Writes the record of an entry at the buffer's position, {@code next} being the offset after it. */
        void put(ByteBuffer b, Entry e, long next);
    }

    private Dirs() {
    }

    /** The entries of a directory description: {@code .}, {@code ..}, then the directory's, as listed now. */
    public static List<Entry> list(Call c, OpenFile f) throws IOException {
        List<Entry> result = new ArrayList<>();
        String guest = f.guestPath();
        if (f.hostPath() == null) {
            Overlay o = c.fs().overlay();
            Overlay.Node dir = o.lookup(guest);
            result.add(new Entry(1, 4, ".".getBytes(StandardCharsets.UTF_8)));
            result.add(new Entry(1, 4, "..".getBytes(StandardCharsets.UTF_8)));
            for (String name : dir == null || dir.children() == null ? List.<String>of() : dir.children()) {
                String child = guest + "/" + name;
                Overlay.Node n = o.lookup(child);
                if (n != null) {
                    StatInfo s = o.stat(child, n);
                    result.add(new Entry(s.ino(), StatInfo.direntType(s.mode()), name.getBytes(StandardCharsets.UTF_8)));
                }
            }
            return result;
        }
        // the directory found again by its guest path and opened without following links: /proc/self/fd/K
        Path host = c.fs().directory(c.fs().resolve("/", guest, false));
        StatInfo self = StatInfo.of(host, true); // /proc/self/fd/K: the directory itself
        result.add(new Entry(self.ino(), 4, ".".getBytes(StandardCharsets.UTF_8)));
        result.add(new Entry(parentIno(c, guest, self), 4, "..".getBytes(StandardCharsets.UTF_8)));
        if (HostStat.available()) {
            listHost(host, result);
            return result;
        }
        try (DirectoryStream<Path> ds = java.nio.file.Files.newDirectoryStream(host)) {
            for (Path p : ds) {
                long ino = 0;
                int type = 0;
                try {
                    Map<String, Object> a = java.nio.file.Files.readAttributes(p, "unix:ino,mode",
                            LinkOption.NOFOLLOW_LINKS);
                    ino = (Long) a.get("ino");
                    type = StatInfo.direntType((Integer) a.get("mode"));
                } catch (IOException e) {
                    // vanished meanwhile: listed with an unknown type
                }
                result.add(new Entry(ino, type, p.getFileName().toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return result;
    }

    /** A directory read per thread: 32 KiB of getdents64 records at a time. */
    private static final ThreadLocal<ByteBuffer> DENTS = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(32768).order(ByteOrder.LITTLE_ENDIAN));

    /**
     * The entries of the host directory {@code host} (without {@code .} and {@code ..}) in the order the host
     * lists them: opened once, read with getdents64(2), whose records carry each entry's inode number and type
     * (a stat only for an entry of unknown type, DT_UNKNOWN).
     */
    private static void listHost(Path host, List<Entry> result) throws IOException {
        int fd = HostFiles.openat(HostFiles.AT_FDCWD, HostStat.bytes(host),
                HostFiles.O_RDONLY | HostFiles.O_DIRECTORY | HostFiles.O_CLOEXEC, 0);
        if (fd < 0) {
            throw HostStat.error(-fd, host);
        }
        try {
            ByteBuffer b = DENTS.get();
            int n;
            while ((n = HostFiles.getdents64(fd, b)) > 0) {
                int at = 0;
                while (at < n) {
                    long ino = b.getLong(at);
                    int reclen = b.getShort(at + 16) & 0xffff;
                    int type = b.get(at + 18) & 0xff;
                    int from = at + 19;
                    int end = from;
                    while (end < at + reclen && b.get(end) != 0) {
                        end++;
                    }
                    at += reclen;
                    int len = end - from;
                    if (len == 1 && b.get(from) == '.' || len == 2 && b.get(from) == '.' && b.get(from + 1) == '.') {
                        continue;
                    }
                    byte[] name = new byte[len];
                    b.get(from, name);
                    if (type == 0) { // DT_UNKNOWN: the file system does not say; ask it
                        try {
                            StatInfo s = StatInfo.of(host.resolve(HostStat.name(name)), false);
                            ino = s.ino();
                            type = StatInfo.direntType(s.mode());
                        } catch (IOException e) {
                            // vanished meanwhile: listed with an unknown type
                        }
                    }
                    result.add(new Entry(ino, type, name));
                }
            }
            if (n < 0) {
                throw HostStat.error(-n, host);
            }
        } finally {
            HostFiles.close(fd);
        }
    }

    /** The inode number of a directory's parent; a mount's guest directory may have none under the root. */
    private static long parentIno(Call c, String guest, StatInfo self) throws IOException {
        try {
            GuestFs.Resolved parent = c.fs().resolve("/", GuestFs.parent(guest), true);
            if (parent.synthetic()) {
                return self.ino();
            }
            return StatInfo.of(c.fs().secure(parent), false).ino();
        } catch (SysError | java.nio.file.NoSuchFileException e) {
            return self.ino(); // its .. is then itself
        }
    }

    /**
     * Fills the guest buffer with as many records as fit, continuing where the last read of the description
     * stopped; returns the bytes written (0 at the end). ENOTDIR for a non-directory, EINVAL when not even one
     * record fits.
     */
    @SuppressWarnings("unchecked")
    public static long read(Call c, int fd, long address, int count, Layout layout) throws IOException {
        OpenFile f = c.fds().get(fd);
        if (!f.directory()) {
            throw Errno.ENOTDIR.error();
        }
        synchronized (f) {
            if (f.dirCursor == null) {
                f.dirCursor = list(c, f);
            }
            List<Entry> entries = (List<Entry>) f.dirCursor;
            int first = (int) f.position();
            int index = first;
            int total = 0; // the records that fit, sized first: the buffer is what is written, not count bytes
            while (index < entries.size()) {
                int size = layout.size(entries.get(index));
                if (total + (long) size > count) {
                    break;
                }
                total += size;
                index++;
            }
            if (total == 0 && index < entries.size()) {
                throw Errno.EINVAL.error();
            }
            ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = first; i < index; i++) {
                Entry e = entries.get(i);
                int start = b.position();
                layout.put(b, e, i + 1);
                b.position(start + layout.size(e));
            }
            f.position(index);
            if (total > 0) {
                c.mem().write(address, b.array(), 0, total);
            }
            return total;
        }
    }
}
