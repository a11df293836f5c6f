package io.pico.linux;

import io.pico.posix.core.SpecialFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An epoll instance: the interest list, by descriptor number. Readiness is checked when waiting
 * (level-triggered; EPOLLET is treated as level-triggered, EPOLLONESHOT disarms after one report).
 */
public final class Epoll implements SpecialFile {

    /** EPOLLONESHOT. */
    public static final int ONESHOT = 1 << 30;

    /** One registration. */
    public record Interest(int fd, int events, long data) {
    }

    private final Map<Integer, Interest> interests = new LinkedHashMap<>();

    /** An epoll from its exported state. */
    @SuppressWarnings("unchecked")
    public static Epoll restore(Map<String, Object> m) {
        Epoll e = new Epoll();
        for (Map<String, Object> i : (List<Map<String, Object>>) m.get("interests")) {
            int fd = ((Number) i.get("fd")).intValue();
            e.interests.put(fd, new Interest(fd, ((Number) i.get("events")).intValue(),
                    ((Number) i.get("data")).longValue()));
        }
        return e;
    }

    /** Adds, changes or removes a registration: 0 or a negative errno (EPOLL_CTL_ADD 1, DEL 2, MOD 3). */
    public synchronized int control(int op, int fd, int events, long data) {
        switch (op) {
            case 1 -> {
                if (interests.containsKey(fd)) {
                    return -Errno.EEXIST;
                }
                interests.put(fd, new Interest(fd, events, data));
                return 0;
            }
            case 2 -> {
                return interests.remove(fd) == null ? -Errno.ENOENT : 0;
            }
            case 3 -> {
                if (!interests.containsKey(fd)) {
                    return -Errno.ENOENT;
                }
                interests.put(fd, new Interest(fd, events, data));
                return 0;
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
    }

    /** A snapshot of the registrations. */
    public synchronized List<Interest> interests() {
        return new ArrayList<>(interests.values());
    }

    /** Disarms a one-shot registration after it was reported. */
    public synchronized void disarm(int fd) {
        Interest i = interests.get(fd);
        if (i != null && (i.events() & ONESHOT) != 0) {
            interests.put(fd, new Interest(fd, 0, i.data()));
        }
    }

    /** Forgets registrations of descriptors that are closed. */
    public synchronized void forget(int fd) {
        interests.remove(fd);
    }

    @Override
    public String kind() {
        return "eventpoll";
    }

    @Override
    public int read(byte[] buf, int count, boolean nonblock) {
        throw io.pico.posix.core.Errno.EINVAL.error();
    }

    @Override
    public int write(byte[] buf, int count, boolean nonblock) {
        throw io.pico.posix.core.Errno.EINVAL.error();
    }

    @Override
    public int poll() {
        return 0;
    }

    @Override
    public synchronized Map<String, Object> export() {
        List<Object> list = new ArrayList<>();
        for (Interest i : interests.values()) {
            list.add(Map.of("fd", i.fd(), "events", i.events(), "data", i.data()));
        }
        return Map.of("kind", kind(), "interests", list);
    }
}
