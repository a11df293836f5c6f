package io.pico.posix.core.fs;

import io.pico.posix.core.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
    /** Guest paths this view has seen as no link, with the generation they were seen in (unconfined only). */
    private volatile Known known = new Known(-1);

    /** Bumped after every change of the tree's shape, by any process: what {@link Known} sets are valid for. */
    private static final AtomicLong GENERATION = new AtomicLong();

    /**
     * Guest paths found to be no symbolic link on the host, and directories whose whole path was (by their guest path,
     * {@code ""} for {@code /}: the parts to give the overlay), valid while the generation is {@code generation}.
     */
    private static final class Known {
        /** The most paths remembered; a full set starts again empty. */
        static final int MAX = 4096;
        final long generation;
        final Set<String> paths = ConcurrentHashMap.newKeySet();
        final Map<String, List<String>> dirs = new ConcurrentHashMap<>();

        Known(long generation) {
            this.generation = generation;
        }
    }

    /**
     * Tells every view that the tree may have changed shape: the personalities call it after each rename, unlink,
     * rmdir, symlink, link and mkdir (done or failed), so that no view trusts a path it saw as no link before.
     *
     * @since 1.4
     */
    public static void changed() {
        GENERATION.incrementAndGet();
    }

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
        if (unconfined && mounts.isEmpty()) {
            Resolved r = quick(path, followLast);
            if (r != null) {
                return r;
            }
        }
        return walk(base, path, followLast);
    }

    /**
     * {@link #resolve}'s short way in a view of the host's {@code /} without mounts: an absolute path in a directory
     * this view resolved before as itself (every part no link, nothing synthetic: {@link Known#dirs}) and unchanged
     * since ({@link #changed()}) needs only its last part looked at, as the walk looks at it. Null when it does not
     * apply (a relative path, dots, double or trailing slashes, a directory not remembered, a link at the end to
     * follow): the walk decides.
     */
    private Resolved quick(String path, boolean follow) {
        int n = path.length();
        int i = path.lastIndexOf('/');
        if (i < 0 || i == n - 1 || path.charAt(0) != '/'
                || path.charAt(i + 1) == '.' && (i + 2 == n || i + 3 == n && path.charAt(i + 2) == '.')) {
            return null;
        }
        long generation = GENERATION.get(); // read before any host look-up: see Known
        Known k = known;
        if (k.generation != generation) {
            return null;
        }
        List<String> dir = k.dirs.get(path.substring(0, i));
        if (dir == null) {
            return null;
        }
        List<String> parts = new Parts(dir, path.substring(i + 1));
        if (follow && (overlay.link(parts) != null
                || !overlay.covers(parts) && !devices.contains(path) && plainLink(path, generation) != null)) {
            return null; // a link to follow: the walk follows it
        }
        return new Resolved(path, host(path, parts));
    }

    /** The parts of a path in a remembered directory: the directory's, then one more. */
    private static final class Parts extends AbstractList<String> implements java.util.RandomAccess {
        private final List<String> dir;
        private final String last;

        Parts(List<String> dir, String last) {
            this.dir = dir;
            this.last = last;
        }

        @Override
        public String get(int index) {
            return index == dir.size() ? last : dir.get(index);
        }

        @Override
        public int size() {
            return dir.size() + 1;
        }
    }

    /** {@link #resolve} a part at a time. */
    private Resolved walk(String base, String path, boolean followLast) {
        if (path.isEmpty()) {
            throw Errno.ENOENT.error();
        }
        Walk w = new Walk(path);
        if (!path.startsWith("/")) {
            w.push(base);
        }
        boolean follow = followLast || path.endsWith("/");
        long generation = GENERATION.get(); // read before any host look-up: see Known
        List<String> done = new ArrayList<>();
        StringBuilder guest = new StringBuilder(path.length() + (path.startsWith("/") ? 0 : base.length() + 1));
        int[] ends = new int[8]; // guest.length() before each part of done, to drop it again
        int links = 0;
        String part;
        while ((part = w.next()) != null) {
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                    guest.setLength(ends[done.size()]);
                }
                continue;
            }
            if (done.size() == ends.length) {
                ends = java.util.Arrays.copyOf(ends, ends.length * 2);
            }
            ends[done.size()] = guest.length();
            done.add(part);
            guest.append('/').append(part);
            boolean last = w.atEnd();
            if (last && !follow) {
                continue;
            }
            String target = linkTarget(done, guest.toString(), last, generation);
            if (target != null) {
                if (++links > MAX_LINKS) {
                    throw Errno.ELOOP.error();
                }
                done.remove(done.size() - 1);
                guest.setLength(ends[done.size()]);
                if (target.startsWith("/")) {
                    done.clear();
                    guest.setLength(0);
                }
                w.push(target);
            }
        }
        String g = guest.length() == 0 ? "/" : guest.toString();
        Path host = host(g, done);
        if (links == 0 && host != null && unconfined && mounts.isEmpty() && !done.isEmpty()) {
            learnDir(done.subList(0, done.size() - 1), ends[done.size() - 1] == 0 ? "" : g.substring(0,
                    ends[done.size() - 1]), generation);
        }
        return new Resolved(g, host);
    }

    /**
     * The parts of a resolution still to walk: the path, then link targets pushed on top (a stack of strings,
     * each with the index of its next part), read a part at a time without splitting.
     */
    private static final class Walk {
        private String[] texts = new String[4];
        private int[] at = new int[4];
        private int size;

        Walk(String path) {
            push(path);
        }

        void push(String text) {
            if (size == texts.length) {
                texts = java.util.Arrays.copyOf(texts, size * 2);
                at = java.util.Arrays.copyOf(at, size * 2);
            }
            texts[size] = text;
            at[size++] = 0;
        }

        /** The next part that is not empty or {@code .}, or null at the end. */
        String next() {
            while (size > 0) {
                String t = texts[size - 1];
                int i = at[size - 1];
                int n = t.length();
                while (i < n) {
                    int j = t.indexOf('/', i);
                    if (j < 0) {
                        j = n;
                    }
                    int from = i;
                    i = j + 1;
                    if (j == from || j == from + 1 && t.charAt(from) == '.') {
                        continue;
                    }
                    at[size - 1] = i;
                    return t.substring(from, j);
                }
                size--;
            }
            return null;
        }

        /** Whether only empty and {@code .} parts are left. */
        boolean atEnd() {
            for (int k = size - 1; k >= 0; k--) {
                String t = texts[k];
                int n = t.length();
                for (int i = at[k]; i < n; i++) {
                    char ch = t.charAt(i);
                    if (ch != '/' && !(ch == '.' && (i + 1 == n || t.charAt(i + 1) == '/')
                            && (i == 0 || t.charAt(i - 1) == '/'))) {
                        return false;
                    }
                }
            }
            return true;
        }
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
        return Path.of("/proc/self/fd/" + HostDirs.descriptor(m == null ? root : m.host(),
                parts.subList(from, parts.size())));
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
        int i = 1;
        while (i < guest.length()) {
            int j = guest.indexOf('/', i);
            if (j < 0) {
                j = guest.length();
            }
            if (j > i) {
                parts.add(guest.substring(i, j));
            }
            i = j + 1;
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

    /**
     * The link target of the path made of {@code parts} (the canonical guest path {@code guest}), read without
     * following host links on the way; null when it is no link.
     */
    private String linkTarget(List<String> parts, String guest, boolean last, long generation) {
        String made = overlay.link(parts);
        if (made != null) {
            return made;
        }
        if (overlay.covers(parts)) {
            return null;
        }
        if (devices.contains(guest)) {
            return null;
        }
        if (unconfined) {
            return plainLink(guest, generation);
        }
        Mount m = mountOf(guest);
        Path top = m == null ? root : m.host();
        List<String> below = parts.subList(m == null ? 0 : depth(m), parts.size());
        if (!last && !below.isEmpty()) {
            // a directory on the way: opening it (O_NOFOLLOW, kept for the call) says whether it is a link
            try {
                HostDirs.descriptor(top, below);
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

    /**
     * The link target at a guest path read by its host path (the host's {@code /} is the root): one lstat, or none
     * when this view has seen that path as no link since the tree last changed ({@link #changed()}). The lstat is one
     * fstatat ({@link HostStat#type}) where the native calls load and there are no mounts (java.nio's otherwise).
     */
    private String plainLink(String guest, long generation) {
        Known k = known;
        if (k.generation == generation && k.paths.contains(guest)) {
            return null;
        }
        boolean link;
        if (HostStat.available() && mounts.isEmpty()) {
            int type = HostStat.type(guest); // the host path is the guest path (the host's / is the root)
            if (type < 0) {
                return null; // gone (or unreadable): the caller's use fails the same way
            }
            link = type == StatInfo.S_IFLNK;
        } else {
            try {
                link = Files.readAttributes(hostOf(guest), java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).isSymbolicLink();
            } catch (IOException e) {
                return null;
            }
        }
        if (!link) {
            learn(guest, generation);
            return null;
        }
        try {
            return Files.readSymbolicLink(hostOf(guest)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Remembers that a guest path was no link, seen by a look-up that started at {@code generation}: kept only if
     * nothing changed the tree since (a change bumps the generation after it is done, so a look-up that saw the
     * old tree either finds the generation moved on here, or its entry is dropped at the next look-up).
     */
    private void learn(String guest, long generation) {
        Known k = known;
        if (k.generation != generation || k.paths.size() >= Known.MAX) {
            if (GENERATION.get() != generation) {
                return;
            }
            k = new Known(generation);
            known = k;
        }
        if (GENERATION.get() == generation) {
            k.paths.add(guest);
        }
    }

    /**
     * Remembers a directory whose every part a walk that started at {@code generation} found no link (and followed
     * none), for {@link #quick}: {@code guest} its canonical path ({@code ""} for {@code /}), {@code parts} its parts.
     * Not when the overlay covers it or it is a host device (the walk did not look at the host there).
     */
    private void learnDir(List<String> parts, String guest, long generation) {
        Known k = known;
        if (k.generation == generation && k.dirs.containsKey(guest)) {
            return;
        }
        if (overlay.covers(parts) || devices.contains(guest)) {
            return;
        }
        if (k.generation != generation || k.dirs.size() >= Known.MAX) {
            if (GENERATION.get() != generation) {
                return;
            }
            k = new Known(generation);
            known = k;
        }
        if (GENERATION.get() == generation) {
            k.dirs.put(guest, List.copyOf(parts));
        }
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
        return hostOf(guest);
    }

    /** The host path of a canonical guest path that is not synthetic: under the covering mount or the root. */
    private Path hostOf(String guest) {
        Mount m = mounts.isEmpty() ? null : mountOf(guest);
        if (m != null) {
            int n = m.guest().length();
            return guest.length() == n ? m.host() : m.host().resolve(guest.substring(n + 1));
        }
        if (guest.length() == 1) {
            return root;
        }
        return unconfined ? Path.of(guest) : root.resolve(guest.substring(1));
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
