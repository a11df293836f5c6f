package io.pico.posix.core.fs;

import io.pico.unicorn.HostFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Host stat and directory reads in one native call each ({@link HostFiles}: fstatat(2), getdents64(2)) instead of
 * java.nio's attribute maps: a whole {@code struct stat} without parsing an attribute list or boxing, and
 * directory entries with their inode numbers and types without a stat per entry. Falls back to java.nio where the
 * binding cannot load (reported by {@link #available()}). Failures are the exceptions java.nio throws for the same
 * errno (NoSuchFileException, AccessDeniedException, FileSystemException with the error's text), so callers see
 * no difference.
 *
 * @since 1.5
 */
public final class HostStat {

    /** The encoding of host file names, as java.nio's Unix paths use it. */
    private static final Charset NAMES = names();
    private static final boolean AVAILABLE = load();
    private static final ThreadLocal<ByteBuffer> STAT = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(HostFiles.STAT_SIZE).order(ByteOrder.LITTLE_ENDIAN));

    private HostStat() {
    }

    private static Charset names() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static boolean load() {
        if (!Boolean.parseBoolean(System.getProperty("pico.fs.native", "true"))) {
            return false;
        }
        try {
            ByteBuffer b = ByteBuffer.allocateDirect(HostFiles.STAT_SIZE);
            return HostFiles.fstatat(HostFiles.AT_FDCWD, "/".getBytes(NAMES), b, 0) == 0;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Whether the native calls are used (false: no binding, or {@code -Dpico.fs.native=false}). */
    public static boolean available() {
        return AVAILABLE;
    }

    /** The bytes of a host path, as the host gets them. */
    public static byte[] bytes(Path p) {
        return bytes(p.toString());
    }

    /** The bytes of a host name: ASCII byte for byte (most names; no encoder), the rest as java.nio encodes it. */
    private static byte[] bytes(String s) {
        int n = s.length();
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch >= 0x80) {
                return s.getBytes(NAMES);
            }
            b[i] = (byte) ch;
        }
        return b;
    }

    /** The host name of bytes a directory listing gave. */
    public static String name(byte[] b) {
        return new String(b, NAMES);
    }

    /** The stat of {@code path} relative to the open directory {@code dirfd} ({@link HostFiles#AT_FDCWD}). */
    static StatInfo stat(int dirfd, byte[] path, Path shown, boolean follow) throws IOException {
        ByteBuffer b = STAT.get();
        int r = HostFiles.fstatat(dirfd, path, b, follow ? 0 : HostFiles.AT_SYMLINK_NOFOLLOW);
        if (r < 0) {
            throw error(-r, shown);
        }
        int mode = b.getInt(24);
        long size = b.getLong(48);
        return new StatInfo(b.getLong(0), b.getLong(8), b.getLong(16), mode, b.getInt(28), b.getInt(32),
                b.getLong(40), size, StatInfo.blocks(mode, size), time(b, 72), time(b, 88), time(b, 104));
    }

    /**
     * The stat of a host name: {@code /proc/self/fd/N/NAME} (a {@link HostDirs#name}) as fstatat(N, NAME), which
     * the host resolves the same way without walking the magic link; any other name relative to the working
     * directory.
     */
    static StatInfo stat(Path host, boolean follow) throws IOException {
        String s = host.toString();
        if (s.startsWith(FD)) {
            int slash = s.indexOf('/', FD.length());
            if (slash > FD.length() && slash + 1 < s.length() && s.indexOf('/', slash + 1) < 0) {
                int fd = 0;
                for (int i = FD.length(); i < slash && fd >= 0; i++) {
                    char ch = s.charAt(i);
                    fd = ch >= '0' && ch <= '9' && fd < 100_000_000 ? fd * 10 + (ch - '0') : -1;
                }
                if (fd >= 0) {
                    return stat(fd, bytes(s.substring(slash + 1)), host, follow);
                }
            }
        }
        return stat(HostFiles.AT_FDCWD, bytes(s), host, follow);
    }

    private static final String FD = "/proc/self/fd/";

    /**
     * The file type bits ({@link StatInfo#S_IFMT}) of a host path, not following a final link (one fstatat), or -1
     * when it cannot be stat'ed (gone, unreadable, a part not a directory).
     */
    static int type(String path) {
        ByteBuffer b = STAT.get();
        return HostFiles.fstatat(HostFiles.AT_FDCWD, bytes(path), b, HostFiles.AT_SYMLINK_NOFOLLOW) == 0
                ? b.getInt(24) & StatInfo.S_IFMT : -1;
    }

    /** Whether {@code name} in the open directory {@code dirfd} is a symbolic link. */
    static boolean isLink(int dirfd, byte[] name) {
        ByteBuffer b = STAT.get();
        return HostFiles.fstatat(dirfd, name, b, HostFiles.AT_SYMLINK_NOFOLLOW) == 0
                && (b.getInt(24) & StatInfo.S_IFMT) == StatInfo.S_IFLNK;
    }

    private static Instant time(ByteBuffer b, int at) {
        return Instant.ofEpochSecond(b.getLong(at), b.getLong(at + 8));
    }

    /** The exception java.nio throws for a failed call on {@code file} with the host errno. */
    public static IOException error(int errno, Path file) {
        String f = String.valueOf(file);
        return switch (errno) {
            case HostFiles.ENOENT -> new NoSuchFileException(f);
            case 1, 13 -> new AccessDeniedException(f);
            default -> new FileSystemException(f, null, text(errno));
        };
    }

    /** The error text (what {@code io.pico.posix.core.Errno.of} matches) of a host errno. */
    private static String text(int errno) {
        return switch (errno) {
            case 5 -> "Input/output error";
            case 9 -> "Bad file descriptor";
            case 12 -> "Cannot allocate memory";
            case 14 -> "Bad address";
            case HostFiles.ENOTDIR -> "Not a directory";
            case HostFiles.EINVAL -> "Invalid argument";
            case HostFiles.ENAMETOOLONG -> "File name too long";
            case HostFiles.ELOOP -> "Too many levels of symbolic links";
            case 75 -> "Value too large for defined data type";
            default -> "Input/output error (host errno " + errno + ")";
        };
    }
}
