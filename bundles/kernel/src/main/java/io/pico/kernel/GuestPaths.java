package io.pico.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a guest path to a host path inside a root, following symbolic links as the guest would:
 * {@code ..} stops at the root and absolute link targets start again at the root, so no path leaves it.
 * The kernel uses it to find the image it starts; personalities resolve their own paths.
 */
final class GuestPaths {

    private static final int MAX_LINKS = 40;

    private GuestPaths() {
    }

    /** The host path of a guest path; relative paths start at the guest directory {@code cwd}. */
    static Path resolve(Path root, String cwd, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        if (!path.startsWith("/")) {
            push(todo, cwd == null ? "/" : cwd);
        }
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            done.addLast(part);
            Path host = host(root, done);
            if (Files.isSymbolicLink(host)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("ELOOP");
                }
                String target = Files.readSymbolicLink(host).toString();
                done.removeLast();
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
            }
        }
        return host(root, done);
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path host(Path root, Deque<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    /** Whether the host path exists without following a final link. */
    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
