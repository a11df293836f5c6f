package io.pico.posix.core;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;

/**
 * Hot-swap snapshots of the POSIX core's part of a process's state, in JDK types only (the successor may come
 * from another class loader): working directory, program, arguments, environment, break, umask, process group,
 * session, orphan and stop state (wait events), signal dispositions and pending signals (since 2.3 the queues with
 * their siginfo, process and threads; older snapshots' pending set still imports), named ranges, the interval
 * timers ({@link IntervalTimers#export}), the descriptor table (descriptions refer to kernel handles by number, which never move) and per
 * thread the signal mask and alternate stack. A personality adds its own keys next to these. Address waits are not carried: a swap parks
 * every thread at a call boundary, and waits cut short are restarted under the successor.
 */
public final class PosixState {

    private PosixState() {
    }

    /** Writes the core's part of a snapshot (stops the interval timers: the successor starts them again). */
    public static Map<String, Object> export(PosixProcess p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cwd", p.cwd());
        m.put("exe", p.exe());
        m.put("argv", new ArrayList<>(p.argv()));
        m.put("env", new ArrayList<>(p.env()));
        m.put("brkStart", p.brkStart());
        m.put("brk", p.brk());
        m.put("umask", p.umask());
        m.put("pgid", p.pgid());
        m.put("sid", p.sid());
        m.put("orphaned", p.orphaned());
        m.put("stopped", p.stopped());
        m.put("waitEvent", p.waitEvent());
        synchronized (p.signalLock()) {
            m.put("pending", set(p.pending())); // what snapshots before 2.3 read
            m.put("queue", signals(p.queue()));
        }
        m.put("frames", p.frames() != null);
        List<Object> actions = new ArrayList<>();
        for (int sig = 1; sig <= p.abi().signals().max(); sig++) {
            Disposition a = p.action(sig);
            if (!a.equals(Disposition.DEFAULT)) {
                actions.add(Map.of("sig", sig, "handler", a.handler(), "flags", a.flags(), "mask", set(a.mask()),
                        "restorer", a.restorer()));
            }
        }
        m.put("actions", actions);
        List<Object> named = new ArrayList<>();
        for (PosixProcess.Named n : p.named()) {
            named.add(Map.of("start", n.start(), "end", n.end(), "name", n.name()));
        }
        m.put("named", named);
        p.timers().export(m); // and stops them: the successor starts them again
        putDescriptors(m, p.fds(), flags -> flags);
        Map<String, Object> threads = new HashMap<>();
        for (PicoThread t : p.process().threads()) {
            PosixThread ts = p.thread(t);
            Map<String, Object> tm = new HashMap<>(Map.of("sigmask", set(ts.sigmask()), "altStack",
                    ts.altStack(), "altStackSize", ts.altStackSize(), "altStackDisabled", ts.altStackDisabled()));
            synchronized (p.signalLock()) {
                tm.put("queue", signals(ts.queue()));
            }
            threads.put(String.valueOf(t.tid()), tm);
        }
        m.put("threads", threads);
        return m;
    }

    /**
     * Writes a descriptor table into a snapshot (keys {@code descriptions}: the open file descriptions, shared
     * ones once, with their kernel handle numbers; {@code fds}: descriptor, close-on-exec, description).
     *
     * @param flags the status flags as the snapshot keeps them (the core's bits; Linux's snapshots keep Linux's)
     * @since 2.6
     */
    public static void putDescriptors(Map<String, Object> m, FdTable table, IntUnaryOperator flags) {
        Map<OpenFile, Integer> ids = new IdentityHashMap<>();
        List<Object> descriptions = new ArrayList<>();
        List<Object> fds = new ArrayList<>();
        for (Map.Entry<Integer, FdTable.Fd> e : table.all().entrySet()) {
            OpenFile f = e.getValue().file();
            Integer id = ids.get(f);
            if (id == null) {
                id = ids.size();
                ids.put(f, id);
                Map<String, Object> d = new HashMap<>();
                d.put("id", id);
                d.put("handle", f.handle());
                d.put("flags", flags.applyAsInt(f.flags()));
                d.put("directory", f.directory());
                d.put("position", f.position());
                if (f.guestPath() != null) {
                    d.put("guestPath", f.guestPath());
                }
                if (f.hostPath() != null) {
                    d.put("hostPath", f.hostPath().toString());
                }
                if (f.content() != null) {
                    d.put("content", f.content().clone());
                }
                if (f.special() != null) {
                    d.put("special", f.special().export());
                }
                descriptions.add(d);
            }
            fds.add(Map.of("fd", e.getKey(), "cloexec", e.getValue().cloexec(), "description", id));
        }
        m.put("descriptions", descriptions);
        m.put("fds", fds);
    }

    /**
     * Installs the descriptors of a snapshot ({@link #putDescriptors}) in a process's table.
     *
     * @param specials rebuilds a special file from its exported map (throws for unknown kinds)
     * @param flags the core's status flags of those the snapshot keeps
     * @throws IllegalArgumentException when the snapshot cannot be read
     * @since 2.6
     */
    public static void restoreDescriptors(PicoProcess process, FdTable table, Map<String, Object> m,
            Function<Map<String, Object>, SpecialFile> specials, IntUnaryOperator flags) {
        Map<Long, OpenFile> descriptions = new HashMap<>();
        for (Map<String, Object> d : PosixState.<Map<String, Object>>list(m, "descriptions")) {
            int status = flags.applyAsInt((int) num(d, "flags"));
            if (d.get("special") instanceof Map<?, ?> sp) {
                @SuppressWarnings("unchecked")
                Map<String, Object> special = (Map<String, Object>) sp;
                descriptions.put(num(d, "id"), OpenFile.special(process, specials.apply(special), status));
                continue;
            }
            String host = str(d, "hostPath");
            descriptions.put(num(d, "id"), OpenFile.restore(process, (int) num(d, "handle"), str(d, "guestPath"),
                    host == null ? null : Path.of(host), Boolean.TRUE.equals(d.get("directory")),
                    d.get("content") instanceof byte[] b ? b : null, status, num(d, "position")));
        }
        for (Map<String, Object> fd : PosixState.<Map<String, Object>>list(m, "fds")) {
            OpenFile f = descriptions.get(num(fd, "description"));
            if (f == null) {
                throw new IllegalArgumentException("descriptor " + fd.get("fd") + " names no description");
            }
            table.installAt((int) num(fd, "fd"), f, Boolean.TRUE.equals(fd.get("cloexec")));
        }
    }

    /** The working directory of a snapshot. */
    public static String cwd(Map<String, Object> m) {
        return str(m, "cwd");
    }

    /**
     * Writes a file system's mounts into a snapshot (key {@code mounts}, their specs).
     *
     * @since 2.6
     */
    public static void putMounts(Map<String, Object> m, io.pico.posix.core.fs.GuestFs fs) {
        List<String> mounts = new ArrayList<>();
        fs.mounts().forEach(mount -> mounts.add(mount.spec()));
        m.put("mounts", mounts);
    }

    /**
     * The mounts of a snapshot; none in snapshots of providers from before mounts existed.
     *
     * @since 2.6
     */
    public static List<io.pico.posix.core.fs.Mount> mounts(Map<String, Object> m) {
        return m.get("mounts") instanceof List<?> mounts
                ? io.pico.posix.core.fs.Mount.parseAll(mounts.stream().map(String::valueOf).toList()) : List.of();
    }

    /**
     * Writes resource limits into a snapshot (key {@code limits}: a [soft, hard] pair per resource).
     *
     * @since 2.6
     */
    public static void putLimits(Map<String, Object> m, ResourceLimits limits) {
        List<Object> list = new ArrayList<>();
        for (int r = 0; r < limits.count(); r++) {
            long[] l = limits.get(r);
            list.add(List.of(l[0], l[1]));
        }
        m.put("limits", list);
    }

    /**
     * Sets the resource limits a snapshot holds (with their effect), as many as both know.
     *
     * @since 2.6
     */
    public static void restoreLimits(Map<String, Object> m, ResourceLimits limits) {
        List<List<Number>> list = list(m, "limits");
        for (int r = 0; r < Math.min(limits.count(), list.size()); r++) {
            limits.set(r, list.get(r).get(0).longValue(), list.get(r).get(1).longValue());
        }
    }

    /** The program of a snapshot. */
    public static String exe(Map<String, Object> m) {
        return str(m, "exe");
    }

    /** The arguments of a snapshot. */
    public static List<String> argv(Map<String, Object> m) {
        return list(m, "argv");
    }

    /** The environment of a snapshot. */
    public static List<String> env(Map<String, Object> m) {
        return list(m, "env");
    }

    /**
     * Fills a new state (built by the personality from {@link #exe}, {@link #cwd}, {@link #argv}, {@link #env})
     * from the core's part of a snapshot, and the states of the process's threads; restarts the interval timers.
     *
     * @param specials rebuilds a special file from its exported map (throws for unknown kinds)
     * @param frames the personality's signal frames, set when the predecessor had them
     * @throws IllegalArgumentException when the snapshot cannot be read (the swap is then refused)
     */
    public static void restore(Kernel kernel, PosixProcess p, Map<String, Object> m,
            Function<Map<String, Object>, SpecialFile> specials, SignalFrames frames) {
        PicoProcess process = p.process();
        p.initBrk(num(m, "brkStart"));
        p.brk(num(m, "brk"));
        p.umask((int) num(m, "umask"));
        p.pgid((int) num(m, "pgid"));
        p.sid((int) num(m, "sid"));
        if (Boolean.TRUE.equals(m.get("orphaned"))) {
            p.orphan();
        }
        p.stopped(Boolean.TRUE.equals(m.get("stopped")), m.get("waitEvent") instanceof Number w ? w.intValue() : 0);
        if (m.containsKey("queue")) {
            synchronized (p.signalLock()) {
                signals(m.get("queue"), p.queue());
            }
        } else {
            // a snapshot before 2.3: the pending set, without siginfo
            SigSet pending = set(m.get("pending"));
            for (int sig = pending.first(); sig != 0; sig = pending.first()) {
                p.addPending(sig);
                pending = pending.without(sig);
            }
        }
        if (Boolean.TRUE.equals(m.get("frames"))) {
            p.frames(frames);
        }
        for (Map<String, Object> a : PosixState.<Map<String, Object>>list(m, "actions")) {
            p.action((int) num(a, "sig"), new Disposition(num(a, "handler"), num(a, "flags"), set(a.get("mask")),
                    num(a, "restorer")));
        }
        for (Map<String, Object> n : PosixState.<Map<String, Object>>list(m, "named")) {
            p.name(num(n, "start"), num(n, "end"), str(n, "name"));
        }
        p.timers().restore(kernel, m);
        restoreDescriptors(process, p.fds(), m, specials, flags -> flags);
        Object threads = m.get("threads");
        for (PicoThread t : process.threads()) {
            Map<?, ?> ts = threads instanceof Map<?, ?> all ? (Map<?, ?>) all.get(String.valueOf(t.tid())) : null;
            t.providerState(null);
            PosixThread pt = p.thread(t);
            if (ts != null) {
                pt.sigmask(set(ts.get("sigmask")));
                pt.altStack(num(ts, "altStack"), num(ts, "altStackSize"), Boolean.TRUE.equals(ts.get("altStackDisabled")));
                synchronized (p.signalLock()) {
                    signals(ts.get("queue"), pt.queue()); // absent before 2.3
                }
            }
        }
    }

    /** The per-thread maps of a snapshot by tid (for a personality's own thread keys). */
    public static Map<?, ?> thread(Map<String, Object> m, int tid) {
        Object threads = m.get("threads");
        return threads instanceof Map<?, ?> all && all.get(String.valueOf(tid)) instanceof Map<?, ?> t ? t : null;
    }

    /**
     * The pending signals of a queue as snapshot data, each {@code [signo, code, pid, uid, status, addr]}; the
     * queue keeps them (the export may be refused). The caller holds the signal lock.
     *
     * @since 2.3
     */
    public static List<Object> signals(SignalQueue q) {
        List<Object> result = new ArrayList<>();
        for (SigInfo info : q.all()) {
            result.add(List.of(info.signo(), info.code(), info.pid(), info.uid(), info.status(), info.addr()));
        }
        return result;
    }

    /**
     * Queues the signals of snapshot data written by {@link #signals(SignalQueue)}; nothing for null (a key that
     * older snapshots lack). The caller holds the signal lock.
     *
     * @throws IllegalArgumentException when the data cannot be read
     * @since 2.3
     */
    public static void signals(Object data, SignalQueue q) {
        if (data == null) {
            return;
        }
        if (!(data instanceof List<?> l)) {
            throw new IllegalArgumentException("bad signal queue in snapshot: " + data);
        }
        for (Object o : l) {
            if (!(o instanceof List<?> f) || f.size() != 6 || !f.stream().allMatch(Number.class::isInstance)) {
                throw new IllegalArgumentException("bad queued signal in snapshot: " + o);
            }
            q.add(new SigInfo(((Number) f.get(0)).intValue(), ((Number) f.get(1)).intValue(),
                    ((Number) f.get(2)).intValue(), ((Number) f.get(3)).intValue(),
                    ((Number) f.get(4)).longValue(), ((Number) f.get(5)).longValue()));
        }
    }

    private static List<Long> set(SigSet s) {
        return List.of(s.low(), s.high());
    }

    private static SigSet set(Object o) {
        if (o instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
            return new SigSet(a.longValue(), b.longValue());
        }
        throw new IllegalArgumentException("bad signal set in snapshot: " + o);
    }

    /** A number of a snapshot map; IllegalArgumentException when missing. */
    public static long num(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("snapshot lacks " + key);
        }
        return n.longValue();
    }

    /** A string of a snapshot map, or null. */
    public static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    /** A list of a snapshot map; IllegalArgumentException when missing. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> list(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("snapshot lacks " + key);
        }
        return (List<T>) l;
    }
}
