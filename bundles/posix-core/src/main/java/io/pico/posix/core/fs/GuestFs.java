package io.pico.posix.core.fs;

import io.pico.posix.core.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A process's view of files: guest paths resolved inside the root directory. {@code ..} stops at the root,
 * absolute symbolic link targets start again at the root, relative ones at the link's directory, so no
 * resolved path leaves the root, whatever the base directory (cwd or a directory descriptor) was. A
 * personality's {@link Overlay} makes up synthetic parts; a few host devices pass through.
 */
public final class GuestFs {

    /** Devices that are the same everywhere and safe to pass through from the host. */
    public static final Set<String> HOST_DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random",
            "/dev/urandom");
    /** The most symbolic links one resolution follows (ELOOP beyond). */
    public static final int MAX_LINKS = 40;

    /**
     * A resolved path.
     *
     * @param guest the canonical guest path (absolute, no {@code .}, {@code ..} or followed links)
     * @param host the host path, or null for a synthetic path
     */
    public record Resolved(String guest, Path host) {
        /** Whether the path is synthetic (made up by the overlay). */
        public boolean synthetic() {
            return host == null;
        }
    }

    private final Path root;
    private final Overlay overlay;
    private final Set<String> devices;
    private final List<Mount> mounts;
    /**
     * Whether the root is the host's {@code /}: nothing lies outside it, so host names need no O_NOFOLLOW walk (a
     * directory renamed into a link can lead nowhere the guest could not name itself) and links are read by path.
     */
    private final boolean unconfined;

    /** A view confined to {@code root} with the given overlay and the default host devices. */
    public GuestFs(Path root, Overlay overlay) {
        this(root, overlay, HOST_DEVICES);
    }

    /** A view confined to {@code root} with the given overlay and host devices passed through. */
    public GuestFs(Path root, Overlay overlay, Set<String> hostDevices) {
        this(root, overlay, hostDevices, List.of());
    }

    /**
     * A view confined to {@code root} and the host directories of {@code mounts}, with the given overlay and host
     * devices passed through.
     */
    public GuestFs(Path root, Overlay overlay, Set<String> hostDevices, List<Mount> mounts) {
        this.root = root.toAbsolutePath().normalize();
        this.overlay = overlay;
        this.devices = Set.copyOf(hostDevices);
        this.mounts = Mount.ordered(mounts);
        this.unconfined = this.root.getParent() == null;
    }

    /** The same view (root, devices, mounts) with another overlay: a forked process's. */
    public GuestFs with(Overlay other) {
        return new GuestFs(root, other, devices, mounts);
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

    /** The host directory that is the guest's {@code /}. */
    public Path root() {
        return root;
    }

    /** The overlay. */
    public Overlay overlay() {
        return overlay;
    }

    /**
     * Resolves {@code path} relative to the guest directory {@code base} (used when the path is relative),
     * following symbolic links in every component and, when {@code followLast}, in the last one (a trailing slash
     * always follows). ENOENT for an empty path, ELOOP after {@link #MAX_LINKS} links.
     */
    public Resolved resolve(String base, String path, boolean followLast) {
        if (path.isEmpty()) {
            throw Errno.ENOENT.error();
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
                    throw Errno.ELOOP.error();
                }
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
            }
        }
        String guest = "/" + String.join("/", done);
        return new Resolved(guest, host(guest, done));
    }

    /**
     * The host name of a resolved path to use in the current system call, reached without following host links:
     * {@code /proc/self/fd/N/NAME}, N its parent directory opened relative to the one before with O_NOFOLLOW from
     * the root or from the mount covering it ({@link HostDirs}). A directory renamed into a link between resolution
     * and use cannot lead out of the root: the walk fails with ELOOP, or reaches the directory that was checked.
     * Valid until {@link #endCall()}; never store it ({@link Resolved#host()} is the plain path to store). Null for
     * a synthetic path, the device itself for a host device. Open the name with {@link #withOpen}.
     *
     * @since 1.2
     */
    public Path secure(Resolved r) {
        if (r.synthetic()) {
            return null;
        }
        if (devices.contains(r.guest()) || unconfined) {
            return r.host();
        }
        List<String> parts = parts(r.guest());
        Mount m = mountOf(r.guest());
        int from = m == null ? 0 : depth(m);
        return HostDirs.name(m == null ? root : m.host(), parts.subList(from, parts.size()));
    }

    /**
     * A host name of a resolved directory itself ({@code /proc/self/fd/K}, K opened without following links), to
     * list it in the current system call.
     *
     * @since 1.2
     */
    public Path directory(Resolved r) {
        if (r.synthetic() || devices.contains(r.guest())) {
            throw Errno.ENOTDIR.error();
        }
        if (unconfined) {
            return r.host();
        }
        List<String> parts = parts(r.guest());
        Mount m = mountOf(r.guest());
        int from = m == null ? 0 : depth(m);
        return Path.of("/proc/self/fd/" + HostFds.of(HostDirs.directory(m == null ? root : m.host(),
                parts.subList(from, parts.size()))));
    }

    /**
     * Opens with O_NOFOLLOW what a name from {@link #secure} names and runs {@code use} on a name of the open file
     * ({@link HostDirs#withOpen}).
     *
     * @since 1.2
     */
    public static <T> T withOpen(Path secure, Set<java.nio.file.OpenOption> options, HostDirs.IoFunction<T> use)
            throws IOException {
        return HostDirs.withOpen(secure, options, use);
    }

    /**
     * Closes the host directories the calling thread opened for {@link #secure} names in its current system call:
     * the dispatcher calls it when a call ends.
     *
     * @since 1.2
     */
    public static void endCall() {
        HostDirs.endCall();
    }

    private static List<String> parts(String guest) {
        List<String> parts = new ArrayList<>();
        for (String p : guest.split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        return parts;
    }

    private Mount mountOf(String guest) {
        for (Mount m : mounts) {
            if (m.covers(guest)) {
                return m;
            }
        }
        return null;
    }

    private static int depth(Mount m) {
        return (int) m.guest().chars().filter(ch -> ch == '/').count();
    }

    /** The guest path of a host path under the root, or null when it is outside. */
    public String guestOf(Path host) {
        Path p = host.toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            return null;
        }
        String rel = root.relativize(p).toString();
        return rel.isEmpty() ? "/" : "/" + rel;
    }

    /**
     * The resolved object a description names by its guest path, to reach it again in a call ({@link #secure}):
     * a host device keeps its path; ENOENT for a description without a guest path under the root (a memfd).
     *
     * @since 1.3
     */
    public Resolved described(String guest, Path stored) {
        if (stored != null && devices.contains(stored.toString())) {
            return new Resolved(guest, stored);
        }
        if (guest == null || !guest.startsWith("/") || guest.startsWith("/memfd:")) {
            throw Errno.ENOENT.error();
        }
        return resolve("/", guest, false);
    }

    /** The link target of the path made of {@code parts}, read without following host links on the way. */
    private String linkTarget(List<String> parts, boolean last) {
        String made = overlay.link(parts);
        if (made != null) {
            return made;
        }
        if (overlay.covers(parts)) {
            return null;
        }
        if (devices.contains("/" + String.join("/", parts))) {
            return null;
        }
        Mount m = mountOf("/" + String.join("/", parts));
        Path top = m == null ? root : m.host();
        List<String> below = parts.subList(m == null ? 0 : depth(m), parts.size());
        if (unconfined) {
            return readLink(hostOf(parts));
        }
        if (!last && !below.isEmpty()) {
            // a directory on the way: opening it (O_NOFOLLOW, kept for the call) says whether it is a link
            try {
                HostDirs.directory(top, below);
                return null;
            } catch (io.pico.posix.core.SysError e) {
                if (e.errno() != Errno.ELOOP) {
                    return null; // gone or not a directory: the caller's walk fails the same way
                }
            }
        }
        Path host;
        try {
            host = HostDirs.name(top, below);
        } catch (io.pico.posix.core.SysError e) {
            return null; // a parent that is gone or not a directory: the caller's walk fails the same way
        }
        return readLink(host);
    }

    private static String readLink(Path host) {
        if (!Files.isSymbolicLink(host)) {
            return null;
        }
        try {
            return Files.readSymbolicLink(host).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private Path host(String guest, List<String> parts) {
        if (overlay.covers(parts)) {
            return null;
        }
        if (devices.contains(guest)) {
            return Path.of(guest);
        }
        return hostOf(parts);
    }

    private Path hostOf(List<String> parts) {
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
