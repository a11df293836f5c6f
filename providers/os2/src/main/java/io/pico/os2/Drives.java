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

/**
 * OS/2 file names over the guest's file system: drive letters mapped to guest directories (C: is the guest
 * root), a current drive and a current directory per drive, backslashes or slashes, case-insensitive lookup
 * with case-preserving creation. No name leads outside the process's root: {@code ..} stops at the drive's
 * top, a symbolic link that points outside the root is refused, UNC names ({@code \\server\share}) are
 * ERROR_BAD_NETPATH and a drive letter other than C: exists only when it is mapped. Every method is
 * synchronized: threads changing the drive or directory while others resolve names see one consistent state.
 */
final class Drives {

    /** A resolved name: the host path and the OS/2 full name ({@code C:\DIR\FILE}). */
    record Resolved(Path host, String full, boolean device) {
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

    /** Resolves an OS/2 name to a host path (which may not exist) and its OS/2 full name. */
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
            return new Resolved(null, "\\DEV\\" + dev, true);
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
        Path host = root;
        for (String t : top.split("/")) {
            if (!t.isEmpty()) {
                host = host.resolve(t);
            }
        }
        StringBuilder full = new StringBuilder().append(d).append(":\\");
        for (int i = 0; i < parts.size(); i++) {
            String actual = lookup(host, parts.get(i));
            host = host.resolve(actual);
            if (i > 0) {
                full.append('\\');
            }
            full.append(actual);
        }
        confine(host);
        return new Resolved(host, full.toString(), false);
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

    /** Refuses a host path that leaves the root (through a symbolic link). */
    private void confine(Path host) throws Os2Exception {
        Path p = host;
        while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            p = p.getParent();
        }
        if (p == null) {
            throw new Os2Exception(Err.PATH_NOT_FOUND);
        }
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new Os2Exception(Err.ACCESS_DENIED);
            }
        } catch (IOException e) {
            // a dangling link: the host refuses it later
        }
    }

    /**
     * The real host path of an existing file under the root, for the loader: a file reached through a symbolic
     * link that leads outside the root is refused with a load error naming {@code name}.
     */
    Path inside(Path host, String name) throws Loader.LoadException {
        Path real;
        try {
            real = host.toRealPath();
        } catch (IOException e) {
            throw new Loader.LoadException(name + ": not found", Err.FILE_NOT_FOUND);
        }
        if (!real.startsWith(realRoot)) {
            throw new Loader.LoadException(name + ": refused: the file leads outside the root", Err.ACCESS_DENIED);
        }
        return real;
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
