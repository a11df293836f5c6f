package io.pico.posix.core.fs;

import io.pico.posix.core.Errno;
import io.pico.unicorn.HostFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host directories under a root opened without following host links, per system call: each component is opened
 * relative to the one before with {@code O_NOFOLLOW} ({@link SecureDirectoryStream}), and a file in one is named
 * {@code /proc/self/fd/N/name}, so that the host reaches the directory that was opened, whatever its path has
 * become since (a directory renamed into a link to the outside). The directories stay open until the thread's
 * call ends ({@link #endCall()}, from the system call dispatcher). Shared by the personalities (Linux, POSIX,
 * OS/2): failures are {@link io.pico.posix.core.SysError}s with a POSIX {@link Errno} (ELOOP for a directory that
 * became a link, ENOTDIR, ENOENT ...), which each personality reports its own way.
 */
public final class HostDirs {

    private HostDirs() {
    }

    /** The directories a thread has opened in its current call, by host path. */
    private static final ThreadLocal<Map<String, SecureDirectoryStream<Path>>> OPEN = new ThreadLocal<>();

    /** The directories a thread has opened with O_PATH in its current call ({@link #descriptor}), by host path. */
    private static final ThreadLocal<Map<String, Integer>> PATHS = new ThreadLocal<>();

    /**
     * The name of {@code parts} under {@code root} (a directory the caller trusts: the process root or a mount's
     * host directory), reached through its parent opened without following links; valid until the call ends.
     */
    public static Path name(Path root, List<String> parts) {
        if (parts.isEmpty()) {
            return Path.of("/proc/self/fd/" + descriptor(root, parts) + "/.");
        }
        int parent = descriptor(root, parts.subList(0, parts.size() - 1));
        return Path.of("/proc/self/fd/" + parent + "/" + parts.get(parts.size() - 1));
    }

    /**
     * The host descriptor of the directory {@code parts} under the root, each component opened relative to the
     * one before with {@code openat(O_PATH|O_DIRECTORY|O_NOFOLLOW)}: one host call per directory, kept open until
     * the thread's call ends ({@link #endCall()}). ELOOP for a component that is a symbolic link, ENOTDIR for
     * another non-directory, ENOENT for a missing one. Where the native binding is not available
     * ({@link HostStat#available()}), the descriptor of {@link #directory}.
     *
     * @since 1.5
     */
    public static int descriptor(Path root, List<String> parts) {
        if (!HostStat.available()) {
            return HostFds.of(directory(root, parts));
        }
        Map<String, Integer> open = PATHS.get();
        if (open == null) {
            open = new HashMap<>();
            PATHS.set(open);
        }
        String key = parts.isEmpty() ? root.toString() : root + "\0" + String.join("/", parts);
        Integer known = open.get(key);
        if (known != null) {
            return known;
        }
        int fd;
        if (parts.isEmpty()) {
            fd = HostFiles.openat(HostFiles.AT_FDCWD, HostStat.bytes(root),
                    HostFiles.O_PATH | HostFiles.O_DIRECTORY | HostFiles.O_CLOEXEC, 0);
        } else {
            int parent = descriptor(root, parts.subList(0, parts.size() - 1));
            byte[] name = HostStat.bytes(Path.of(parts.get(parts.size() - 1)));
            fd = HostFiles.openat(parent, name,
                    HostFiles.O_PATH | HostFiles.O_DIRECTORY | HostFiles.O_NOFOLLOW | HostFiles.O_CLOEXEC, 0);
            if (fd == -HostFiles.ENOTDIR && HostStat.isLink(parent, name)) {
                fd = -HostFiles.ELOOP; // O_PATH|O_NOFOLLOW meets a link as ENOTDIR: it is a link, never followed
            }
        }
        if (fd < 0) {
            throw Errno.of(HostStat.error(-fd, root.resolve(String.join("/", parts)))).error();
        }
        open.put(key, fd);
        return fd;
    }

    /** The directory {@code parts} under the root, each component opened with O_NOFOLLOW from the one before. */
    public static SecureDirectoryStream<Path> directory(Path root, List<String> parts) {
        Map<String, SecureDirectoryStream<Path>> open = OPEN.get();
        if (open == null) {
            open = new HashMap<>();
            OPEN.set(open);
        }
        String key = root + "\0" + String.join("/", parts);
        SecureDirectoryStream<Path> d = open.get(key);
        if (d != null) {
            return d;
        }
        try {
            if (parts.isEmpty()) {
                DirectoryStream<Path> ds = Files.newDirectoryStream(root);
                if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
                    ds.close();
                    throw Errno.EACCES.error(); // no openat on this host: refuse rather than follow links
                }
                d = sds;
            } else {
                SecureDirectoryStream<Path> parent = directory(root, parts.subList(0, parts.size() - 1));
                d = parent.newDirectoryStream(Path.of(parts.get(parts.size() - 1)), LinkOption.NOFOLLOW_LINKS);
            }
        } catch (java.nio.file.FileSystemException e) {
            throw walkError(e).error();
        } catch (IOException e) {
            throw Errno.of(e).error();
        }
        open.put(key, d);
        return d;
    }

    private static Errno walkError(java.nio.file.FileSystemException e) {
        String reason = String.valueOf(e.getReason());
        if (reason.contains("symbolic links")) {
            return Errno.ELOOP; // renamed into a link since resolution: the host must not follow it
        }
        if (reason.contains("Not a directory") || e instanceof java.nio.file.NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        return Errno.of(e);
    }

    /** Work on an open file that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoFunction<T> {
        /** Does the work on the name of the open file. */
        T apply(Path open) throws IOException;
    }

    /**
     * Opens what {@code host} (a name from {@link #name}) names, with O_NOFOLLOW, and runs {@code use} on
     * a name of that very file ({@code /proc/self/fd/M}) while it is open: opening that name again (a
     * RandomAccessFile, say) reaches the same file, never a link swapped in since.
     */
    public static <T> T withOpen(Path host, java.util.Set<java.nio.file.OpenOption> options, IoFunction<T> use)
            throws IOException {
        java.util.Set<java.nio.file.OpenOption> o = new java.util.HashSet<>(options);
        o.add(LinkOption.NOFOLLOW_LINKS);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(host, o)) {
            return use.apply(Path.of("/proc/self/fd/" + HostFds.of(ch)));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw e; // CREATE_NEW lost a race to another creator: the caller decides
        } catch (java.nio.file.FileSystemException e) {
            throw walkError(e).error();
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("NOFOLLOW_LINKS specified")) {
                throw Errno.ELOOP.error(); // the JDK's plain IOException for O_NOFOLLOW meeting a link
            }
            throw e;
        }
    }

    /**
     * Closes the directories the calling thread opened for host names in its current system call: the names
     * {@link #name} handed out are no longer valid afterwards.
     */
    public static void endCall() {
        Map<String, Integer> paths = PATHS.get();
        if (paths != null && !paths.isEmpty()) {
            for (int fd : paths.values()) {
                HostFiles.close(fd);
            }
            paths.clear();
        }
        Map<String, SecureDirectoryStream<Path>> open = OPEN.get();
        if (open != null && !open.isEmpty()) {
            for (SecureDirectoryStream<Path> d : open.values()) {
                try {
                    d.close();
                } catch (IOException e) {
                    // closing a directory stream does not fail in a way anyone could act on
                }
            }
            open.clear();
        }
    }

    /**
     * Hands the directories opened in the current call to the caller (which closes them), for work that goes on
     * after the call returns, such as loading the program of an execve.
     */
    public static AutoCloseable detach() {
        Map<String, SecureDirectoryStream<Path>> open = OPEN.get();
        Map<String, Integer> paths = PATHS.get();
        boolean noStreams = open == null || open.isEmpty();
        boolean noPaths = paths == null || paths.isEmpty();
        if (noStreams && noPaths) {
            return () -> { };
        }
        if (!noStreams) {
            OPEN.set(new HashMap<>());
        }
        if (!noPaths) {
            PATHS.set(new HashMap<>());
        }
        return () -> {
            if (!noPaths) {
                for (int fd : paths.values()) {
                    HostFiles.close(fd);
                }
            }
            if (!noStreams) {
                for (SecureDirectoryStream<Path> d : open.values()) {
                    d.close();
                }
            }
        };
    }
}
