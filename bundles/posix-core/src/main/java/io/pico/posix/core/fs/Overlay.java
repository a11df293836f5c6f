package io.pico.posix.core.fs;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The parts of a guest's file system that a personality makes up instead of taking them from the host:
 * Linux's {@code /proc} and its {@code /dev/std*} links, FreeBSD's {@code /dev/fd}. Path resolution asks it
 * before looking at the host.
 */
@ConsumerType
public interface Overlay {

    /** No synthetic files: everything comes from the host under the root. */
    Overlay NONE = new Overlay() {
        @Override
        public boolean covers(List<String> parts) {
            return false;
        }

        @Override
        public String link(List<String> parts) {
            return null;
        }
    };

    /**
     * Whether the canonical path made of {@code parts} (no {@code .}, {@code ..} or empty parts) is synthetic:
     * resolved paths under it have no host path.
     */
    boolean covers(List<String> parts);

    /**
     * The target of a symbolic link the overlay makes up at this path (synthetic or not, e.g. {@code /dev/stdin}),
     * or null when it makes up none there and the host decides.
     */
    String link(List<String> parts);

    /** What kind of node a synthetic path is. */
    enum Kind {
        /** A directory. */ DIR,
        /** A file with content. */ FILE,
        /** A symbolic link. */ LINK
    }

    /**
     * A synthetic node.
     *
     * @param kind directory, file or link
     * @param target a link's target
     * @param children a directory's entry names
     * @param content a file's bytes
     */
    record Node(Kind kind, String target, List<String> children, byte[] content) {
    }

    /** The synthetic node at a canonical guest path the overlay covers, or null when there is none. */
    default Node lookup(String guest) {
        return null;
    }

    /** What stat reports for a synthetic node. */
    default StatInfo stat(String guest, Node node) {
        int mode = switch (node.kind()) {
            case DIR -> StatInfo.S_IFDIR | 0555;
            case FILE -> StatInfo.S_IFREG | 0444;
            case LINK -> StatInfo.S_IFLNK | 0777;
        };
        long size = node.kind() == Kind.FILE && node.content() != null ? node.content().length : 0;
        return StatInfo.synthetic(mode, 0x1000 + (guest.hashCode() & 0xfffffffL), size, 0,
                io.pico.posix.core.HostIds.uid(), io.pico.posix.core.HostIds.gid(), java.time.Instant.EPOCH);
    }
}
