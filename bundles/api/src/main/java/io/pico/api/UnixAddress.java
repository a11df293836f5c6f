package io.pico.api;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The address of a local ({@link SocketFamily#UNIX}) socket: a path name, with the host file it resolves to
 * under the guest root; an abstract name (Linux's names starting with a NUL byte), which lives in the
 * kernel only; or no name at all (an unbound socket, either end of a socket pair). Names are byte
 * strings held as ISO-8859-1 characters, so that every byte survives.
 *
 * @since 1.2
 */
public final class UnixAddress extends SocketAddress {

    private static final long serialVersionUID = 1L;

    /** The address of a socket without a name. */
    public static final UnixAddress UNNAMED = new UnixAddress("", null, false);

    private final String name;
    private final transient Path hostPath;
    private final boolean abstractName;

    private UnixAddress(String name, Path hostPath, boolean abstractName) {
        this.name = name;
        this.hostPath = hostPath;
        this.abstractName = abstractName;
    }

    /**
     * A path name as the guest wrote it, with the host path the personality resolved it to.
     *
     * @throws IllegalArgumentException when the name is empty
     */
    public static UnixAddress path(String name, Path hostPath) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty socket path");
        }
        return new UnixAddress(name, Objects.requireNonNull(hostPath, "hostPath"), false);
    }

    /** An abstract name (without Linux's leading NUL byte); it exists only in the kernel. */
    public static UnixAddress abstractName(String name) {
        return new UnixAddress(name, null, true);
    }

    /** The name: the guest's path, or the abstract name; empty when the socket has no name. */
    public String name() {
        return name;
    }

    /** The host file of a path name, or null for abstract and unnamed addresses. */
    public Path hostPath() {
        return hostPath;
    }

    /** Whether this is an abstract name. */
    public boolean isAbstract() {
        return abstractName;
    }

    /** Whether this is the address of a socket without a name. */
    public boolean isUnnamed() {
        return name.isEmpty() && !abstractName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress u && u.name.equals(name) && u.abstractName == abstractName
                && Objects.equals(u.hostPath, hostPath);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + (abstractName ? 1 : 0);
    }

    @Override
    public String toString() {
        return isUnnamed() ? "unix:(unnamed)" : abstractName ? "unix:@" + name : "unix:" + name;
    }
}
