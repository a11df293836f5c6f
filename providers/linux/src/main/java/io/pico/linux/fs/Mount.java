package io.pico.linux.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A host directory visible at a guest path ({@code HOST:GUEST[:ro]}), confined like the root: guest paths under
 * {@code guest} map to host paths under {@code host}, {@code ..} and absolute link targets stay guest paths.
 *
 * @param guest the canonical guest path (absolute, not {@code /})
 * @param host the absolute, normalized host directory
 * @param readOnly whether writes under it fail with EROFS
 */
public record Mount(String guest, Path host, boolean readOnly) {

    /**
     * Parses {@code HOST:GUEST}, {@code HOST:GUEST:ro} or {@code HOST:GUEST:rw}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Mount parse(String spec) {
        String[] parts = spec.trim().split(":", -1);
        boolean ro = false;
        if (parts.length == 3 && (parts[2].equals("ro") || parts[2].equals("rw"))) {
            ro = parts[2].equals("ro");
        } else if (parts.length != 2) {
            throw new IllegalArgumentException("mount '" + spec + "': expected HOST:GUEST[:ro]");
        }
        if (parts[0].isEmpty() || !parts[0].startsWith("/")) {
            throw new IllegalArgumentException("mount '" + spec + "': the host directory must be an absolute path");
        }
        Path host = Path.of(parts[0]).normalize();
        if (!Files.isDirectory(host)) {
            throw new IllegalArgumentException("mount '" + spec + "': " + host + " is not a directory");
        }
        String guest = canonical(parts[1]);
        if (guest == null) {
            throw new IllegalArgumentException("mount '" + spec + "': the guest path must be absolute, without . or "
                    + ".., and not /");
        }
        return new Mount(guest, host, ro);
    }

    /** Parses each spec; the result is ordered deepest guest path first, as lookups need it. */
    public static List<Mount> parseAll(Iterable<String> specs) {
        List<Mount> result = new ArrayList<>();
        for (String s : specs) {
            if (!s.isBlank()) {
                result.add(parse(s));
            }
        }
        return ordered(result);
    }

    /** The mounts ordered deepest guest path first. */
    public static List<Mount> ordered(List<Mount> mounts) {
        List<Mount> result = new ArrayList<>(mounts);
        result.sort(Comparator.comparingInt((Mount m) -> m.guest().length()).reversed());
        return List.copyOf(result);
    }

    /** The spec this mount was parsed from, normalized. */
    public String spec() {
        return host + ":" + guest + (readOnly ? ":ro" : "");
    }

    /** Whether the canonical guest path is this mount's directory or under it. */
    public boolean covers(String guestPath) {
        return guestPath.equals(guest) || guestPath.startsWith(guest + "/");
    }

    private static String canonical(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                return null;
            }
            sb.append('/').append(part);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
