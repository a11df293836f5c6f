package io.pico.examples.dos;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * DOS file names on the host. The process has one drive, C:, whose root is the process's root directory
 * (pico's {@code --root}, default the host's {@code /}). Names are case-insensitive: an existing host file
 * is found whatever the case of the name; a new one gets the name as the program wrote it. Nothing outside
 * the root can be reached: {@code ..} stops at the root and symbolic links out of it are refused.
 */
final class DosPaths {

    private DosPaths() {
    }

    /**
     * The guest path (absolute, {@code /}-separated, normalised) that a DOS name names, a relative name
     * being relative to the working directory {@code cwd} (a guest path).
     *
     * @throws DosError INVALID_DRIVE for a drive other than C:, PATH_NOT_FOUND for an empty or wildcard name
     */
    static String guestPath(String cwd, String dosName) throws DosError {
        String name = dosName.strip();
        if (name.length() >= 2 && name.charAt(1) == ':') {
            if (Character.toUpperCase(name.charAt(0)) != 'C') {
                throw new DosError(DosError.INVALID_DRIVE);
            }
            name = name.substring(2);
        }
        if (name.isEmpty()) {
            throw new DosError(DosError.PATH_NOT_FOUND);
        }
        name = name.replace('\\', '/');
        Deque<String> parts = new ArrayDeque<>();
        if (!name.startsWith("/")) {
            for (String p : cwd.split("/")) {
                if (!p.isEmpty()) {
                    parts.addLast(p);
                }
            }
        }
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast(); // at the root, .. is the root
                continue;
            }
            for (char ch : p.toCharArray()) {
                if (ch < 0x20 || "*?<>|\"".indexOf(ch) >= 0) {
                    throw new DosError(DosError.PATH_NOT_FOUND);
                }
            }
            parts.addLast(p);
        }
        return "/" + String.join("/", parts);
    }

    /**
     * The host file for a guest path under the root, existing names matched case-insensitively.
     *
     * @throws DosError ACCESS_DENIED when a symbolic link leads out of the root
     */
    static Path hostPath(Path root, String guestPath) throws DosError {
        Path host = root;
        for (String p : guestPath.split("/")) {
            if (p.isEmpty()) {
                continue;
            }
            Path exact = host.resolve(p);
            host = Files.exists(exact, LinkOption.NOFOLLOW_LINKS) ? exact : findIgnoringCase(host, p, exact);
        }
        confine(root, host);
        return host;
    }

    private static Path findIgnoringCase(Path dir, String name, Path otherwise) {
        if (!Files.isDirectory(dir)) {
            return otherwise;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().equalsIgnoreCase(name)) {
                    return p;
                }
            }
        } catch (IOException e) {
            // unreadable: the exact name it is
        }
        return otherwise;
    }

    /** Refuses a host path whose deepest existing part resolves (through links) outside the root. */
    private static void confine(Path root, Path host) throws DosError {
        Path existing = host;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            Path realRoot = root.toRealPath();
            if (existing != null && !existing.toRealPath().startsWith(realRoot)) {
                throw new DosError(DosError.ACCESS_DENIED);
            }
        } catch (IOException e) {
            throw new DosError(DosError.ACCESS_DENIED);
        }
    }

    /** The DOS form of a guest path: {@code C:\DIR\FILE.COM}. */
    static String dosPath(String guestPath) {
        return "C:" + (guestPath.isEmpty() ? "\\" : guestPath.replace('/', '\\'));
    }

    /** The current directory as DOS function 47h returns it: without drive and leading backslash. */
    static String dosCwd(String guestCwd) {
        String d = guestCwd.replace('/', '\\');
        return d.startsWith("\\") ? d.substring(1) : d;
    }
}
