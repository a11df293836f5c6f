package io.pico.os2;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import io.pico.posix.core.SysError;
import io.pico.posix.core.fs.HostDirs;
import io.pico.posix.core.fs.HostFds;

/**
 * OS/2 file names over the guest's file system: drive letters mapped to guest directories (C: is the guest
 * root), a current drive and a current directory per drive, backslashes or slashes, case-insensitive lookup
 * with case-preserving creation. No name leads outside the process's root: {@code ..} stops at the drive's
 * top, a symbolic link that points outside the root is refused, UNC names ({@code \\server\share}) are
 * ERROR_BAD_NETPATH and a drive letter other than C: exists only when it is mapped. Every method is
 * synchronized: threads changing the drive or directory while others resolve names see one consistent state.
 */
final class Drives {

    /**
     * A resolved name: the host name to use in the current call, the plain host path (to store and show, never to
     * open), and the OS/2 full name ({@code C:\DIR\FILE}).
     *
     * @param host {@code /proc/self/fd/N/NAME}, N the parent directory opened without following links (valid until
     *     the call ends, {@link HostDirs#endCall()}); open the file itself with {@link #open}; null for a device
     * @param path the plain host path under the root, null for a device
     */
    record Resolved(Path host, Path path, String full, boolean device) {
        /** Runs {@code use} on the file opened with O_NOFOLLOW (a link swapped in since resolution is refused). */
        <T> T open(java.util.Set<java.nio.file.OpenOption> options, HostDirs.IoFunction<T> use) throws IOException,
                Os2Exception {
            try {
                return HostDirs.withOpen(host, options, use);
            } catch (SysError e) {
                throw new Os2Exception(error(e));
            }
        }
    }

    private final Path root;
    private final Path realRoot;
    private final Map<Character, String> tops = new TreeMap<>();
    private final Map<Character, String> current = new TreeMap<>();
    private char drive = 'C';

    /**
     * Drives over a root; C: is the root itself. {@code cwd} is the guest's working directory (a guest path
     * such as {@code /work}), which becomes C:'s current directory.
     */
    Drives(Path root, String cwd) {
        this.root = root.toAbsolutePath().normalize();
        Path real;
        try {
            real = this.root.toRealPath();
        } catch (IOException e) {
            real = this.root;
        }
        this.realRoot = real;
        tops.put('C', "/");
        String dir = cwd == null ? "" : cwd.replace('/', '\\');
        while (dir.startsWith("\\")) {
            dir = dir.substring(1);
        }
        while (dir.endsWith("\\")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        current.put('C', dir);
    }

    /**
     * Maps a further drive letter to a guest directory under the root (e.g. D: to /data); C: stays the root.
     * The directory is a guest path without {@code ..}.
     */
    synchronized void map(char letter, String guestDir) {
        char d = Character.toUpperCase(letter);
        if (d < 'A' || d > 'Z' || d == 'C') {
            throw new IllegalArgumentException("drive " + letter + ": cannot be mapped (A: to Z:, C: is the root)");
        }
        for (String part : guestDir.split("[\\\\/]")) {
            if (part.equals("..") || part.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("drive " + d + ": " + guestDir
                        + " is not a directory under the root");
            }
        }
        tops.put(d, guestDir.replace('\\', '/'));
        current.putIfAbsent(d, "");
    }

    /** The current drive, 1 = A:. */
    synchronized int currentDrive() {
        return drive - 'A' + 1;
    }

    /** Bit map of the drives that exist (bit 0 = A:). */
    synchronized long driveMap() {
        long map = 0;
        for (char d : tops.keySet()) {
            map |= 1L << (d - 'A');
        }
        return map;
    }

    /** Sets the current drive (1 = A:). */
    synchronized void setDrive(int number) throws Os2Exception {
        char d = (char) ('A' + number - 1);
        if (number < 1 || number > 26 || !tops.containsKey(d)) {
            throw new Os2Exception(Err.INVALID_DRIVE);
        }
        drive = d;
    }

    /** The current directory of a drive (0 = current), without drive and leading backslash. */
    synchronized String currentDir(int number) throws Os2Exception {
        char d = number == 0 ? drive : (char) ('A' + number - 1);
        if (number < 0 || number > 26 || !tops.containsKey(d)) {
            throw new Os2Exception(Err.INVALID_DRIVE);
        }
        return current.get(d);
    }

    /** Changes the current directory of the drive named in the path (or the current drive). */
    synchronized void setCurrentDir(String path) throws Os2Exception {
        Resolved r = resolve(path);
        if (r.device() || !Files.isDirectory(r.host())) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        }
        char d = r.full().charAt(0);
        current.put(d, r.full().substring(3));
    }

    /** Whether a name is one of the character devices (NUL, CON ...). */
    static String device(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace('/', '\\');
        if (n.startsWith("\\DEV\\")) {
            n = n.substring(5);
        }
        int colon = n.indexOf(':');
        if (colon == n.length() - 1 && colon > 0) {
            n = n.substring(0, colon);
        }
        return switch (n) {
            case "NUL", "CON", "KBD$", "SCREEN$", "CLOCK$" -> n;
            default -> null;
        };
    }

    /**
     * Resolves an OS/2 name to a host name (which may not exist) and its OS/2 full name. The host name is reached
     * without following host links ({@link Resolved#host()}); a host link under the root is followed only while it
     * leads to a place under the root (its target's components are walked instead), one leading outside is
     * ACCESS_DENIED.
     */
    synchronized Resolved resolve(String name) throws Os2Exception {
        if (name == null || name.isEmpty()) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        }
        if (name.indexOf('\0') >= 0) {
            // a NUL inside a name (a corrupt image's module table, a guest's buffer): no host path has one
            throw new Os2Exception(Err.INVALID_NAME);
        }
        String dev = device(name);
        if (dev != null) {
            return new Resolved(null, null, "\\DEV\\" + dev, true);
        }
        if (name.length() >= 2 && isSeparator(name.charAt(0)) && isSeparator(name.charAt(1))) {
            // a UNC name (\\server\share, \\?\, \\.\): there is no network, and it names nothing under the root
            throw new Os2Exception(Err.BAD_NETPATH);
        }
        char d = drive;
        String rest = name;
        if (rest.length() >= 2 && rest.charAt(1) == ':') {
            d = Character.toUpperCase(rest.charAt(0));
            if (d < 'A' || d > 'Z') {
                throw new Os2Exception(Err.INVALID_DRIVE);
            }
            rest = rest.substring(2);
        }
        String top = tops.get(d);
        if (top == null) {
            throw new Os2Exception(Err.INVALID_DRIVE);
        }
        List<String> parts = new ArrayList<>();
        if (!(rest.startsWith("\\") || rest.startsWith("/"))) {
            for (String p : current.get(d).split("\\\\")) {
                if (!p.isEmpty()) {
                    parts.add(p);
                }
            }
        }
        for (String p : rest.split("[\\\\/]")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            if (p.chars().anyMatch(c -> c < 0x20 || "<>|\"".indexOf(c) >= 0)) {
                throw new Os2Exception(Err.INVALID_NAME);
            }
            parts.add(p);
        }
        Walk w = new Walk();
        for (String t : top.split("/")) {
            if (!t.isEmpty()) {
                w.step(t);
            }
        }
        StringBuilder full = new StringBuilder().append(d).append(":\\");
        for (int i = 0; i < parts.size(); i++) {
            String actual = w.step(parts.get(i));
            if (i > 0) {
                full.append('\\');
            }
            full.append(actual);
        }
        return new Resolved(w.host(), w.path(), full.toString(), false);
    }

    /**
     * A walk down from the real root: the host components reached so far, none of them a link (a link met on the
     * way is replaced by the components of its target, which must lie under the root). Directories are opened
     * relative to the one before with O_NOFOLLOW ({@link HostDirs}), so what is checked is what is used.
     */
    private final class Walk {
        private final List<String> at = new ArrayList<>();

        /** Adds a component (matched without regard to case); returns the name as it is on the host. */
        String step(String name) throws Os2Exception {
            java.nio.file.SecureDirectoryStream<Path> dir = directory();
            if (dir == null) {
                at.add(name); // under a missing directory or a file: nothing to look up
                return name;
            }
            Path listed = Path.of("/proc/self/fd/" + HostFds.of(dir));
            String actual = lookup(listed, name);
            Path entry = listed.resolve(actual);
            if (Files.isSymbolicLink(entry)) {
                Path real;
                try {
                    real = realRoot.resolve(String.join("/", at)).resolve(actual).toRealPath();
                } catch (IOException e) {
                    at.add(actual); // a dangling link: the O_NOFOLLOW open refuses it later
                    return actual;
                }
                if (!real.startsWith(realRoot)) {
                    throw new Os2Exception(Err.ACCESS_DENIED); // a link leading outside the root
                }
                at.clear();
                for (Path p : realRoot.relativize(real)) {
                    if (!p.toString().isEmpty()) {
                        at.add(p.toString());
                    }
                }
                return actual;
            }
            at.add(actual);
            return actual;
        }

        /** The directory of all components so far, opened without following links; null when there is none. */
        private java.nio.file.SecureDirectoryStream<Path> directory() throws Os2Exception {
            try {
                return HostDirs.directory(realRoot, at);
            } catch (SysError e) {
                if (e.errno() == io.pico.posix.core.Errno.ELOOP) {
                    throw new Os2Exception(Err.ACCESS_DENIED); // became a link since it was checked
                }
                if (at.isEmpty()) {
                    throw new Os2Exception(Err.ACCESS_DENIED); // the root itself cannot be opened
                }
                return null;
            }
        }

        /**
         * The host name to use now: the last component in its parent opened without following links. When a
         * directory on the way is missing (or a file), a name that cannot exist ({@code /proc/self/fd/-1/...}, every
         * use fails with ENOENT): never a plain name through a directory that was not opened, which a rename could
         * turn into a link by the time the name is used.
         */
        Path host() throws Os2Exception {
            if (at.isEmpty()) {
                try {
                    return Path.of("/proc/self/fd/" + HostFds.of(HostDirs.directory(realRoot, at)) + "/.");
                } catch (SysError e) {
                    throw new Os2Exception(Err.ACCESS_DENIED); // the root cannot be opened
                }
            }
            try {
                java.nio.file.SecureDirectoryStream<Path> dir = HostDirs.directory(realRoot,
                        at.subList(0, at.size() - 1));
                return Path.of("/proc/self/fd/" + HostFds.of(dir) + "/" + at.get(at.size() - 1));
            } catch (SysError e) {
                if (e.errno() == io.pico.posix.core.Errno.ELOOP || at.size() == 1) {
                    throw new Os2Exception(Err.ACCESS_DENIED); // a link swapped in, or no root
                }
                return Path.of("/proc/self/fd/-1/" + String.join("/", at));
            }
        }

        /** The plain host path (to store and show, never to use: host links follow). */
        Path path() {
            Path p = realRoot;
            for (String c : at) {
                p = p.resolve(c);
            }
            return p;
        }
    }

    /** A host name of a resolved directory itself ({@code /proc/self/fd/K}, K opened without following links). */
    Path directory(Resolved r) throws Os2Exception {
        List<String> parts = new ArrayList<>();
        for (Path p : realRoot.relativize(r.path())) {
            if (!p.toString().isEmpty()) {
                parts.add(p.toString());
            }
        }
        try {
            return Path.of("/proc/self/fd/" + HostFds.of(HostDirs.directory(realRoot, parts)));
        } catch (SysError e) {
            throw new Os2Exception(e.errno() == io.pico.posix.core.Errno.ENOENT ? Err.PATH_NOT_FOUND : error(e));
        }
    }

    /** The OS/2 error of a failure of the O_NOFOLLOW walk or open. */
    static int error(SysError e) {
        io.pico.posix.core.Errno n = e.errno();
        if (n == io.pico.posix.core.Errno.ENOENT) {
            return Err.FILE_NOT_FOUND;
        }
        if (n == io.pico.posix.core.Errno.ENOTDIR) {
            return Err.PATH_NOT_FOUND;
        }
        return Err.ACCESS_DENIED; // ELOOP (a link swapped in), EACCES and the rest
    }

    private static boolean isSeparator(char c) {
        return c == '\\' || c == '/';
    }

    /** The name of an entry of a directory, matched without regard to case; the name as given when absent. */
    static String lookup(Path dir, String name) {
        if (Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
            return name;
        }
        if (!Files.isDirectory(dir)) {
            return name;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.equalsIgnoreCase(name)) {
                    return n;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: keep the name
        }
        return name;
    }

    /** The OS/2 full name of a guest path (an absolute path under the root): {@code /a/b} is {@code C:\a\b}. */
    static String os2Name(String guestPath) {
        String p = guestPath.replace('/', '\\');
        if (p.length() >= 2 && p.charAt(1) == ':') {
            return p;
        }
        return "C:" + (p.startsWith("\\") ? p : "\\" + p);
    }

    /** The guest path of a host path under the root, with slashes. */
    String guestPath(Path host) {
        Path h = host.toAbsolutePath().normalize();
        Path rel = !h.startsWith(root) && h.startsWith(realRoot) ? realRoot.relativize(h) : root.relativize(h);
        return "/" + rel.toString().replace('\\', '/');
    }

    /** The root. */
    Path root() {
        return root;
    }

    /**
     * Whether a name matches an OS/2 wildcard pattern (case-insensitive; {@code *} and {@code ?}; {@code *.*}
     * also matches names without a dot; a trailing {@code .} in the pattern matches names without extension).
     */
    static boolean matches(String pattern, String name) {
        String p = pattern.toUpperCase(Locale.ROOT);
        String n = name.toUpperCase(Locale.ROOT);
        if (p.equals("*.*") || p.equals("*")) {
            return true;
        }
        if (p.endsWith(".*") && !n.contains(".") && glob(p.substring(0, p.length() - 2), n, 0, 0)) {
            return true;
        }
        if (p.endsWith(".") && !n.contains(".")) {
            p = p.substring(0, p.length() - 1);
        }
        return glob(p, n, 0, 0);
    }

    private static boolean glob(String p, String n, int i, int j) {
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '*') {
                for (int k = j; k <= n.length(); k++) {
                    if (glob(p, n, i + 1, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (j >= n.length()) {
                return false;
            }
            if (c != '?' && c != n.charAt(j)) {
                return false;
            }
            i++;
            j++;
        }
        return j == n.length();
    }
}
