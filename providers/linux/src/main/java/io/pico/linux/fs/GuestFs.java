package io.pico.linux.fs;

import io.pico.posix.core.fs.HostDirs;
import io.pico.posix.core.fs.HostFds;
import io.pico.posix.core.fs.Mount;
import io.pico.linux.Errno;
import io.pico.linux.SysError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A process's view of files: guest paths resolved inside the root directory. {@code ..} stops at the
 * root, absolute symbolic link targets start again at the root, so no resolved path leaves it.
 * {@code /proc} is synthetic (never the host's), a few {@code /dev} devices are the host's own.
 */
public final class GuestFs {

    /** Devices that are the same everywhere and safe to pass through from the host. */
    private static final Set<String> HOST_DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random",
            "/dev/urandom");
    private static final int MAX_LINKS = 40;

    /**
     * A resolved path: its canonical guest path and, unless it is in the synthetic {@code /proc}, the host object.
     * {@link #host()} names that object so that the host reaches it without following any host link: every
     * directory on the way has been opened relative to the one before with {@code O_NOFOLLOW} (a
     * {@link SecureDirectoryStream}), and the name handed out is {@code /proc/self/fd/N/last}, N being the open
     * parent. A directory renamed into a link between resolution and use can then no longer lead out of the root:
     * the open fails (ELOOP) or finds the directory that was checked. The last component is the caller's: open
     * it with {@code NOFOLLOW_LINKS} (resolution has already followed the guest's links in it).
     */
    public static final class Resolved {
        private final String guest;
        private final List<String> parts;
        private final Path device;
        private final GuestFs fs;
        private Path host;

        private Resolved(String guest, List<String> parts, Path device, GuestFs fs) {
            this.guest = guest;
            this.parts = parts;
            this.device = device;
            this.fs = fs;
        }

        /** A path in the synthetic /proc. */
        public static Resolved synthetic(String guest) {
            return new Resolved(guest, null, null, null);
        }

        /** The canonical guest path (absolute, no {@code .}, {@code ..} or followed links). */
        public String guest() {
            return guest;
        }

        /** Whether the path is in the synthetic /proc. */
        public boolean synthetic() {
            return parts == null && device == null;
        }

        /**
         * The host name of the object, reached without following host links, valid until the current system
         * call ends ({@link GuestFs#endCall()}); null for a synthetic path. Never store it: see {@link #path()}.
         */
        public Path host() {
            if (device != null) {
                return device;
            }
            if (parts == null) {
                return null;
            }
            if (host == null) {
                host = fs.secureHost(parts);
            }
            return host;
        }

        /**
         * A host name of the directory itself ({@code /proc/self/fd/K}, K the directory opened with O_NOFOLLOW),
         * to list it, valid until the current call ends.
         */
        public Path directory() {
            if (device != null || parts == null) {
                throw Errno.error(Errno.ENOTDIR);
            }
            return Path.of("/proc/self/fd/" + HostFds.of(fs.hostDirectory(parts)));
        }

        /** The plain host path under the root, to show and to store, never to open (host links follow). */
        public Path path() {
            return device != null ? device : parts == null ? null : fs.hostOf(parts);
        }
    }

    private final Path root;
    private final ProcFs proc;
    private final List<Mount> mounts;

    /** A view confined to {@code root}, with the given /proc. */
    public GuestFs(Path root, ProcFs proc) {
        this(root, proc, List.of());
    }

    /** A view confined to {@code root} and the host directories of {@code mounts}, with the given /proc. */
    public GuestFs(Path root, ProcFs proc, List<Mount> mounts) {
        this.root = root;
        this.proc = proc;
        this.mounts = Mount.ordered(mounts);
    }

    /** The same view (root and mounts) with another /proc: a forked or taken-over process's. */
    public GuestFs with(ProcFs other) {
        return new GuestFs(root, other, mounts);
    }

    /** The host directories visible at guest paths, deepest first. */
    public List<Mount> mounts() {
        return mounts;
    }

    /** Whether a canonical guest path lies in a read-only mount (writes fail with EROFS). */
    public boolean readOnly(String guest) {
        for (Mount m : mounts) {
            if (m.covers(guest)) {
                return m.readOnly();
            }
        }
        return false;
    }

    /** The synthetic /proc. */
    public ProcFs proc() {
        return proc;
    }

    /** The host directory that is the guest's {@code /}. */
    public Path root() {
        return root;
    }

    /** Closes the host directories the calling thread opened in its current call ({@link HostDirs#endCall()}). */
    public static void endCall() {
        HostDirs.endCall();
    }

    /** Hands the host directories opened in the current call to the caller ({@link HostDirs#detach()}). */
    public static AutoCloseable detach() {
        return HostDirs.detach();
    }

    /** Opens with O_NOFOLLOW what a name from {@link Resolved#host()} names ({@link HostDirs#withOpen}). */
    public static <T> T withOpen(Path host, java.util.Set<java.nio.file.OpenOption> options,
            HostDirs.IoFunction<T> use) throws IOException {
        try {
            return HostDirs.withOpen(host, options, use);
        } catch (io.pico.posix.core.SysError e) {
            throw linux(e);
        }
    }

    /** The Linux error of a failure of the shared walk ({@link HostDirs}: ELOOP, ENOTDIR, ENOENT...). */
    private static SysError linux(io.pico.posix.core.SysError e) {
        return Errno.error(e.errno() == null ? Errno.EIO : Errno.fromMessage(e.errno().name()));
    }

    /**
     * Resolves {@code path} relative to the guest directory {@code base}, following symbolic links in
     * every component and, when {@code followLast}, in the last one (a trailing slash always follows).
     */
    public Resolved resolve(String base, String path, boolean followLast) {
        if (path.isEmpty()) {
            throw Errno.error(Errno.ENOENT);
        }
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        if (!path.startsWith("/")) {
            push(todo, base);
        }
        boolean follow = followLast || path.endsWith("/");
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(part);
            boolean last = todo.stream().allMatch(p -> p.isEmpty() || p.equals("."));
            if (last && !follow) {
                continue;
            }
            String target = linkTarget(done, last);
            if (target != null) {
                if (++links > MAX_LINKS) {
                    throw Errno.error(Errno.ELOOP);
                }
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
            }
        }
        String guest = "/" + String.join("/", done);
        if (!done.isEmpty() && done.get(0).equals("proc")) {
            return Resolved.synthetic(guest);
        }
        if (HOST_DEVICES.contains(guest)) {
            return new Resolved(guest, null, Path.of(guest), this);
        }
        return new Resolved(guest, List.copyOf(done), null, this);
    }

    /** The resolved object an open description names by its guest path (a memfd or the like: none). */
    public Resolved described(String guest, Path stored) {
        if (stored != null && HOST_DEVICES.contains(stored.toString())) {
            return new Resolved(guest, null, stored, this);
        }
        if (guest == null || !guest.startsWith("/") || guest.startsWith("/memfd:")) {
            throw Errno.error(Errno.ENOENT);
        }
        return resolve("/", guest, false);
    }

    /** The link target of the path made of {@code parts}, or null when it is not a symbolic link. */
    private String linkTarget(List<String> parts, boolean last) {
        if (parts.get(0).equals("proc")) {
            return proc.link("/" + String.join("/", parts));
        }
        if (parts.size() == 2 && parts.get(0).equals("dev")) {
            switch (parts.get(1)) {
                case "stdin" -> {
                    return "/proc/self/fd/0";
                }
                case "stdout" -> {
                    return "/proc/self/fd/1";
                }
                case "stderr" -> {
                    return "/proc/self/fd/2";
                }
                case "fd" -> {
                    return "/proc/self/fd";
                }
                default -> {
                    // a host device or file under the root
                }
            }
        }
        if (!last) {
            // a directory on the way: opening it (O_NOFOLLOW, kept for the call) says whether it is a link
            try {
                hostDirectory(parts);
                return null;
            } catch (SysError e) {
                if (e.errno() != Errno.ELOOP) {
                    return null; // gone or not a directory: the caller's walk fails the same way
                }
            }
        }
        Path host;
        try {
            host = secureHost(parts);
        } catch (SysError e) {
            return null; // a parent that is gone or not a directory: the walk of the caller fails the same way
        }
        if (!Files.isSymbolicLink(host)) {
            return null;
        }
        try {
            return Files.readSymbolicLink(host).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The name of {@code parts} under the root, reached through its parent opened without following links. */
    Path secureHost(List<String> parts) {
        int from = mountDepth(parts);
        try {
            return HostDirs.name(from < 0 ? root : mountOf(parts).host(), parts.subList(Math.max(from, 0),
                    parts.size()));
        } catch (io.pico.posix.core.SysError e) {
            throw linux(e);
        }
    }

    /** The host directory {@code parts} names, opened from the root or from the mount covering it, never following links. */
    java.nio.file.SecureDirectoryStream<Path> hostDirectory(List<String> parts) {
        int from = mountDepth(parts);
        try {
            return HostDirs.directory(from < 0 ? root : mountOf(parts).host(), parts.subList(Math.max(from, 0),
                    parts.size()));
        } catch (io.pico.posix.core.SysError e) {
            throw linux(e);
        }
    }

    /** The deepest mount covering the guest path of {@code parts}, or null. */
    private Mount mountOf(List<String> parts) {
        if (mounts.isEmpty()) {
            return null;
        }
        String guest = "/" + String.join("/", parts);
        for (Mount m : mounts) {
            if (m.covers(guest)) {
                return m;
            }
        }
        return null;
    }

    /** How many leading parts the covering mount's guest path takes, or -1 when no mount covers them. */
    private int mountDepth(List<String> parts) {
        Mount m = mountOf(parts);
        return m == null ? -1 : (int) m.guest().chars().filter(ch -> ch == '/').count();
    }

    Path hostOf(List<String> parts) {
        Path p = root;
        int from = 0;
        if (!mounts.isEmpty()) {
            String guest = "/" + String.join("/", parts);
            for (Mount m : mounts) {
                if (m.covers(guest)) {
                    p = m.host();
                    from = (int) m.guest().chars().filter(ch -> ch == '/').count();
                    break;
                }
            }
        }
        for (int i = from; i < parts.size(); i++) {
            p = p.resolve(parts.get(i));
        }
        return p;
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    /** The parent directory of a canonical guest path ({@code /} for {@code /}). */
    public static String parent(String guest) {
        int i = guest.lastIndexOf('/');
        return i <= 0 ? "/" : guest.substring(0, i);
    }

    /** The last component of a canonical guest path (empty for {@code /}). */
    public static String name(String guest) {
        return guest.substring(guest.lastIndexOf('/') + 1);
    }
}
