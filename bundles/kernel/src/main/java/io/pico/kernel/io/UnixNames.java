package io.pico.kernel.io;

import io.pico.api.UnixAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the kernel's local sockets: abstract names, and the socket files that bound sockets
 * created, known by their file key (device and inode), so that a file removed or replaced since no longer
 * leads to the socket, as on Linux.
 */
final class UnixNames {

    private final ConcurrentHashMap<Object, KSocket> names = new ConcurrentHashMap<>();

    /** The key of an address: its abstract name, or the identity of the file its path names now. */
    static Object key(UnixAddress a) throws IOException {
        if (a.isAbstract()) {
            return "@" + a.name();
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(a.hostPath(), BasicFileAttributes.class);
            Object key = attrs.fileKey();
            return key != null ? key : a.hostPath().toRealPath().toString();
        } catch (NoSuchFileException e) {
            throw Net.error("ENOENT");
        } catch (IOException e) {
            throw Net.map(e);
        }
    }

    /** Binds a name to a socket; EADDRINUSE when another socket has it. */
    void bind(Object key, KSocket socket) throws IOException {
        if (names.putIfAbsent(key, socket) != null) {
            throw Net.error("EADDRINUSE");
        }
    }

    /** Whether an abstract name is free. */
    boolean free(String abstractName) {
        return !names.containsKey("@" + abstractName);
    }

    /** The kernel socket an address names, or null (a host socket file, or nobody for an abstract name). */
    KSocket lookup(UnixAddress a) throws IOException {
        return names.get(key(a));
    }

    /** Forgets a name the socket had. */
    void unbind(Object key, KSocket socket) {
        if (key != null) {
            names.remove(key, socket);
        }
    }
}
