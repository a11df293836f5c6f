package io.pico.linux.fs;

import io.pico.linux.Errno;
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
     * A resolved path.
     *
     * @param guest the canonical guest path (absolute, no {@code .}, {@code ..} or followed links)
     * @param host the host path, or null for a synthetic {@code /proc} path
     */
    public record Resolved(String guest, Path host) {
        /** Whether the path is in the synthetic /proc. */
        public boolean synthetic() {
            return host == null;
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
            String target = linkTarget(done);
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
        return new Resolved(guest, host(guest, done));
    }

    /** The link target of the path made of {@code parts}, or null when it is not a symbolic link. */
    private String linkTarget(List<String> parts) {
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
        if (!parts.isEmpty() && parts.get(0).equals("proc")) {
            return null;
        }
        if (HOST_DEVICES.contains(guest)) {
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
