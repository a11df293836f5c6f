package io.pico.posix;

import io.pico.posix.core.fs.Overlay;
import java.util.List;

/**
 * The FreeBSD personality's made-up file system parts: {@code /dev/fd} (fdescfs: opening {@code /dev/fd/N}
 * duplicates descriptor N, see the open handler) and {@code /dev/stdin}, {@code /dev/stdout},
 * {@code /dev/stderr} as links into it; everything else is the host's under the root (never the host's own
 * {@code /dev/fd}, which would be the runtime's descriptors).
 */
public final class DevFd implements Overlay {

    /** The one instance (it keeps no state). */
    public static final DevFd INSTANCE = new DevFd();

    private DevFd() {
    }

    @Override
    public boolean covers(List<String> parts) {
        return parts.size() >= 2 && parts.get(0).equals("dev") && parts.get(1).equals("fd");
    }

    @Override
    public String link(List<String> parts) {
        if (parts.size() == 2 && parts.get(0).equals("dev")) {
            return switch (parts.get(1)) {
                case "stdin" -> "/dev/fd/0";
                case "stdout" -> "/dev/fd/1";
                case "stderr" -> "/dev/fd/2";
                default -> null;
            };
        }
        return null;
    }

    @Override
    public Node lookup(String guest) {
        if (guest.equals("/dev/fd")) {
            return new Node(Kind.DIR, null, List.of(), null);
        }
        if (fd(guest) >= 0) {
            return new Node(Kind.FILE, null, null, new byte[0]);
        }
        return null;
    }

    /** The descriptor number of a {@code /dev/fd/N} path, or -1. */
    public static int fd(String guest) {
        if (!guest.startsWith("/dev/fd/")) {
            return -1;
        }
        String n = guest.substring(8);
        if (n.isEmpty() || n.length() > 9 || !n.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(n);
    }
}
