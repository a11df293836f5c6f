package io.pico.os2;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 32-bit event and mutex semaphores (private, shared and named \SEM32\...), and muxwait semaphores over them.
 * Handles are process-local numbers; named and shared semaphores live in a registry shared by every OS/2
 * process of the provider.
 */
final class Semaphores {

    static final long INDEFINITE = 0xffff_ffffL;
    private static final int DC_SEM_SHARED = 0x01;

    /** A semaphore object. */
    abstract static class Sem {
        final String name;
        final boolean shared;
        final AtomicInteger opens = new AtomicInteger(1);

        Sem(String name, boolean shared) {
            this.name = name;
            this.shared = shared;
        }

        /** Whether a wait on it would be satisfied now (muxwait). */
        abstract boolean ready(int tid, int pid);
    }

    /** An event semaphore: posted or reset, with a post count. */
    static final class Event extends Sem {
        int posts;
        boolean posted;

        Event(String name, boolean shared, boolean posted) {
            super(name, shared);
            this.posted = posted;
        }

        @Override
        synchronized boolean ready(int tid, int pid) {
            return posted;
        }
    }

    /** A mutex semaphore: an owner (pid and thread) and a request count. */
    static final class Mutex extends Sem {
        int ownerPid;
        int ownerTid;
        int count;
        /** Its owner's process ended while it held it: the next request gets ERROR_SEM_OWNER_DIED. */
        boolean ownerDied;

        Mutex(String name, boolean shared) {
            super(name, shared);
        }

        @Override
        synchronized boolean ready(int tid, int pid) {
            return count == 0 || ownerPid == pid && ownerTid == tid;
        }
    }

    /** A muxwait semaphore: a list of semaphores, waiting for any or all. */
    static final class MuxWait extends Sem {
        final Sem[] members;
        final long[] users;
        final boolean all;

        MuxWait(String name, boolean shared, Sem[] members, long[] users, boolean all) {
            super(name, shared);
            this.members = members;
            this.users = users;
            this.all = all;
        }

        @Override
        boolean ready(int tid, int pid) {
            return false;
        }
    }

    /** Named semaphores of every process, by upper-case name. */
    private static final Map<String, Sem> NAMED = new ConcurrentHashMap<>();
    /** A lock and condition every semaphore change signals (muxwait needs one place to wait). */
    static final Object CHANGED = new Object();

    private final Os2Process p;
    private final Map<Integer, Sem> handles = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(0x10001);

    Semaphores(Os2Process p) {
        this.p = p;
    }

    private int add(Sem s) {
        int h = next.getAndIncrement();
        handles.put(h, s);
        return h;
    }

    private Sem get(long h) throws Os2Exception {
        Sem s = handles.get((int) h);
        if (s == null) {
            throw new Os2Exception(Err.INVALID_HANDLE);
        }
        return s;
    }

    private static String semName(Call c, long address) throws Os2Exception {
        if (address == 0) {
            return null;
        }
        String name = c.str(address).toUpperCase(Locale.ROOT).replace('/', '\\');
        if (!name.startsWith("\\SEM32\\")) {
            throw new Os2Exception(Err.INVALID_NAME);
        }
        return name;
    }

    private static void changed() {
        synchronized (CHANGED) {
            CHANGED.notifyAll();
        }
    }

    /** Waits on CHANGED until the condition holds or the timeout passes; false on timeout. */
    private static boolean await(java.util.function.BooleanSupplier ready, long timeoutMs) throws Os2Exception {
        long deadline = timeoutMs == INDEFINITE ? Long.MAX_VALUE : System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (CHANGED) {
            while (!ready.getAsBoolean()) {
                long left = deadline == Long.MAX_VALUE ? 1000 : TimeUnit.NANOSECONDS.toMillis(deadline
                        - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    CHANGED.wait(Math.max(1, Math.min(left, 1000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Os2Exception(Err.INTERRUPT);
                }
            }
            return true;
        }
    }

    private <T extends Sem> int create(Call c, long pName, long pHandle, int attr, java.util.function.Function<String,
            T> make) throws Os2Exception {
        String name = semName(c, pName);
        Call.need(pHandle);
        T s = make.apply(name);
        if (name != null) {
            c.detail = name;
            if (NAMED.putIfAbsent(name, s) != null) {
                throw new Os2Exception(Err.DUPLICATE_NAME);
            }
        }
        int h = add(s);
        c.put32(pHandle, h);
        return Err.NO_ERROR;
    }

    private long open(Call c, Class<? extends Sem> type) throws Os2Exception {
        String name = semName(c, c.arg(0));
        long pHandle = Call.need(c.arg(1));
        if (name == null) {
            Sem s = get(c.u32(pHandle) & 0xffff_ffffL);
            s.opens.incrementAndGet();
            return Err.NO_ERROR;
        }
        c.detail = name;
        Sem s = NAMED.get(name);
        if (s == null || !type.isInstance(s)) {
            throw new Os2Exception(Err.SEM_NOT_FOUND);
        }
        s.opens.incrementAndGet();
        c.put32(pHandle, add(s));
        return Err.NO_ERROR;
    }

    private long close(Call c, Class<? extends Sem> type) throws Os2Exception {
        Sem s = get(c.arg(0));
        if (!type.isInstance(s)) {
            throw new Os2Exception(Err.INVALID_HANDLE);
        }
        if (s instanceof Mutex m) {
            synchronized (m) {
                if (m.count > 0 && m.ownerPid == p.process.pid()) {
                    throw new Os2Exception(Err.SEM_BUSY);
                }
            }
        }
        handles.remove(c.iarg(0));
        if (s.opens.decrementAndGet() == 0 && s.name != null) {
            NAMED.remove(s.name, s);
        }
        return Err.NO_ERROR;
    }

    /**
     * The process ended: its handles are closed (a named semaphore no other process has open is gone, so the
     * name can be created again) and the mutexes it owned are released, their next requester told
     * ERROR_SEM_OWNER_DIED.
     */
    void closeAll() {
        int pid = p.process.pid();
        for (Sem s : handles.values()) {
            if (s instanceof Mutex m) {
                synchronized (m) {
                    if (m.count > 0 && m.ownerPid == pid) {
                        m.count = 0;
                        m.ownerPid = 0;
                        m.ownerTid = 0;
                        m.ownerDied = true;
                    }
                }
            }
            if (s.opens.decrementAndGet() <= 0 && s.name != null) {
                NAMED.remove(s.name, s);
            }
        }
        handles.clear();
        changed();
    }

    // ------------------------------------------------------------------------------------------ event

    long createEvent(Call c) throws Os2Exception {
        int attr = c.iarg(2);
        boolean state = c.arg(3) != 0;
        return create(c, c.arg(0), c.arg(1), attr, n -> new Event(n, (attr & DC_SEM_SHARED) != 0, state));
    }

    long openEvent(Call c) throws Os2Exception {
        return open(c, Event.class);
    }

    long closeEvent(Call c) throws Os2Exception {
        return close(c, Event.class);
    }

    private Event event(long h) throws Os2Exception {
        if (get(h) instanceof Event e) {
            return e;
        }
        throw new Os2Exception(Err.INVALID_HANDLE);
    }

    long resetEvent(Call c) throws Os2Exception {
        Event e = event(c.arg(0));
        int posts;
        synchronized (e) {
            posts = e.posts;
            boolean was = e.posted;
            e.posted = false;
            e.posts = 0;
            c.put32(Call.need(c.arg(1)), posts);
            if (!was) {
                return Err.ALREADY_RESET;
            }
        }
        return Err.NO_ERROR;
    }

    long postEvent(Call c) throws Os2Exception {
        Event e = event(c.arg(0));
        boolean was;
        synchronized (e) {
            was = e.posted;
            e.posted = true;
            if (e.posts < 0xffff) {
                e.posts++;
            }
        }
        changed();
        return was ? Err.ALREADY_POSTED : Err.NO_ERROR;
    }

    long waitEvent(Call c) throws Os2Exception {
        Event e = event(c.arg(0));
        long timeout = c.arg(1);
        return await(() -> e.ready(0, 0), timeout) ? Err.NO_ERROR : Err.TIMEOUT;
    }

    long queryEvent(Call c) throws Os2Exception {
        Event e = event(c.arg(0));
        synchronized (e) {
            c.put32(Call.need(c.arg(1)), e.posts);
        }
        return Err.NO_ERROR;
    }

    /** Posts an event semaphore from the provider (timers). */
    void post(long h) {
        Sem s = handles.get((int) h);
        if (s instanceof Event e) {
            synchronized (e) {
                e.posted = true;
                e.posts++;
            }
            changed();
        }
    }

    // ------------------------------------------------------------------------------------------ mutex

    long createMutex(Call c) throws Os2Exception {
        int attr = c.iarg(2);
        boolean owned = c.arg(3) != 0;
        int tid = c.t.tid;
        int pid = p.process.pid();
        return create(c, c.arg(0), c.arg(1), attr, n -> {
            Mutex m = new Mutex(n, (attr & DC_SEM_SHARED) != 0);
            if (owned) {
                m.ownerPid = pid;
                m.ownerTid = tid;
                m.count = 1;
            }
            return m;
        });
    }

    long openMutex(Call c) throws Os2Exception {
        return open(c, Mutex.class);
    }

    long closeMutex(Call c) throws Os2Exception {
        return close(c, Mutex.class);
    }

    private Mutex mutex(long h) throws Os2Exception {
        if (get(h) instanceof Mutex m) {
            return m;
        }
        throw new Os2Exception(Err.INVALID_HANDLE);
    }

    long requestMutex(Call c) throws Os2Exception {
        Mutex m = mutex(c.arg(0));
        long timeout = c.arg(1);
        int tid = c.t.tid;
        int pid = p.process.pid();
        boolean[] got = {false, false};
        boolean ok = await(() -> {
            synchronized (m) {
                if (m.count == 0 || m.ownerPid == pid && m.ownerTid == tid) {
                    m.ownerPid = pid;
                    m.ownerTid = tid;
                    m.count++;
                    got[0] = true;
                    got[1] = m.ownerDied;
                    m.ownerDied = false;
                    return true;
                }
                return false;
            }
        }, timeout);
        return !ok || !got[0] ? Err.TIMEOUT : got[1] ? Err.SEM_OWNER_DIED : Err.NO_ERROR;
    }

    long releaseMutex(Call c) throws Os2Exception {
        Mutex m = mutex(c.arg(0));
        synchronized (m) {
            if (m.count == 0 || m.ownerPid != p.process.pid() || m.ownerTid != c.t.tid) {
                throw new Os2Exception(Err.NOT_OWNER);
            }
            m.count--;
            if (m.count == 0) {
                m.ownerPid = 0;
                m.ownerTid = 0;
            }
        }
        changed();
        return Err.NO_ERROR;
    }

    long queryMutex(Call c) throws Os2Exception {
        Mutex m = mutex(c.arg(0));
        synchronized (m) {
            c.put32(c.arg(1), m.ownerPid);
            c.put32(c.arg(2), m.ownerTid);
            c.put32(c.arg(3), m.count);
        }
        return Err.NO_ERROR;
    }

    // ------------------------------------------------------------------------------------------ muxwait

    long createMuxWait(Call c) throws Os2Exception {
        int count = c.iarg(2);
        long records = c.arg(3);
        int attr = c.iarg(4);
        if (count < 0 || count > 64) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        Sem[] members = new Sem[count];
        long[] users = new long[count];
        for (int i = 0; i < count; i++) {
            members[i] = get(c.u32(records + 8L * i) & 0xffff_ffffL);
            users[i] = c.u32(records + 8L * i + 4) & 0xffff_ffffL;
        }
        boolean all = (attr & 0x4) != 0; // DCMW_WAIT_ALL
        return create(c, c.arg(0), c.arg(1), attr, n -> new MuxWait(n, (attr & DC_SEM_SHARED) != 0, members, users,
                all));
    }

    long closeMuxWait(Call c) throws Os2Exception {
        return close(c, MuxWait.class);
    }

    long waitMuxWait(Call c) throws Os2Exception {
        if (!(get(c.arg(0)) instanceof MuxWait mw)) {
            throw new Os2Exception(Err.INVALID_HANDLE);
        }
        long timeout = c.arg(1);
        long pUser = c.arg(2);
        int tid = c.t.tid;
        int pid = p.process.pid();
        long[] user = {0};
        boolean ok = await(() -> {
            if (mw.all) {
                for (Sem s : mw.members) {
                    if (!s.ready(tid, pid)) {
                        return false;
                    }
                }
                user[0] = 0;
                return true;
            }
            for (int i = 0; i < mw.members.length; i++) {
                if (mw.members[i].ready(tid, pid)) {
                    user[0] = mw.users[i];
                    return true;
                }
            }
            return false;
        }, timeout);
        if (!ok) {
            return Err.TIMEOUT;
        }
        for (Sem s : mw.members) {
            if (s instanceof Mutex m) {
                synchronized (m) {
                    if (m.count == 0 || m.ownerPid == pid && m.ownerTid == tid) {
                        m.ownerPid = pid;
                        m.ownerTid = tid;
                        m.count++;
                    }
                }
                if (!mw.all) {
                    break;
                }
            }
        }
        c.put32(pUser, user[0]);
        return Err.NO_ERROR;
    }
}
