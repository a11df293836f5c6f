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
            String target = linkTarget(done);
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

    /** The guest path of a host path under the root, or null when it is outside. */
    public String guestOf(Path host) {
        Path p = host.toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            return null;
        }
        String rel = root.relativize(p).toString();
        return rel.isEmpty() ? "/" : "/" + rel;
    }

    private String linkTarget(List<String> parts) {
        String made = overlay.link(parts);
        if (made != null) {
            return made;
        }
        if (overlay.covers(parts)) {
            return null;
        }
        Path host = hostOf(parts);
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
