package io.pico.linux;

import io.pico.posix.core.Disposition;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.PosixState;
import io.pico.posix.core.SpecialFile;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.posix.core.fs.GuestFs;
import io.pico.linux.fs.ProcFs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hot-swap snapshots of the Linux personality state of a process, in JDK types only (the successor may
 * come from another class loader). Open file descriptions refer to kernel handles by number. Futex
 * queues are not carried: a swap parks every thread at a call boundary, and waits that were cut short
 * are restarted under the successor.
 */
public final class LinuxState {

    /** The snapshot format this provider writes and reads. */
    public static final int VERSION = 1;

    private LinuxState() {
    }

    /** Writes the snapshot of a process this provider runs. */
    public static Map<String, Object> export(PicoProcess process) {
        LinuxProcess lp = LinuxProcess.of(process);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cwd", lp.cwd());
        m.put("exe", lp.exe());
        m.put("argv", new ArrayList<>(lp.argv()));
        m.put("env", new ArrayList<>(lp.env()));
        List<String> mounts = new ArrayList<>();
        lp.fs().mounts().forEach(mount -> mounts.add(mount.spec()));
        m.put("mounts", mounts);
        m.put("brkStart", lp.brkStart());
        m.put("brk", lp.brk());
        m.put("umask", lp.umask());
        m.put("comm", lp.comm());
        m.put("pgid", lp.pgid());
        m.put("sid", lp.sid());
        m.put("deathSignal", lp.deathSignal());
        m.put("termios", lp.termios());
        List<Object> limits = new ArrayList<>();
        for (int r = 0; r < 16; r++) {
            long[] l = lp.limit(r);
            limits.add(List.of(l[0], l[1]));
        }
        m.put("limits", limits);
        List<Object> actions = new ArrayList<>();
        for (int sig = 1; sig <= Signals.NSIG; sig++) {
            Disposition a = lp.action(sig);
            if (!a.equals(Disposition.DEFAULT)) {
                actions.add(Map.of("sig", sig, "handler", a.handler(), "flags", a.flags(), "restorer", a.restorer(),
                        "mask", a.mask().low())); // a 64-bit mask, as snapshots always had
            }
        }
        m.put("actions", actions);
        List<Object> named = new ArrayList<>();
        for (LinuxProcess.Named n : lp.named()) {
            named.add(Map.of("start", n.start(), "end", n.end(), "name", n.name()));
        }
        m.put("named", named);
        lp.timers().export(m); // the core's timers, in the keys Linux always wrote; the successor starts them again
        Map<OpenFile, Integer> ids = new IdentityHashMap<>();
        List<Object> descriptions = new ArrayList<>();
        List<Object> fds = new ArrayList<>();
        for (Map.Entry<Integer, FdTable.Fd> e : lp.fds().all().entrySet()) {
            OpenFile f = e.getValue().file();
            Integer id = ids.get(f);
            if (id == null) {
                id = ids.size();
                ids.put(f, id);
                Map<String, Object> d = new HashMap<>();
                d.put("id", id);
                d.put("handle", f.handle());
                d.put("flags", LinuxAbi.guest(f.flags())); // Linux bits, as snapshots always had
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
        m.put("exitSignal", lp.exitSignal());
        m.put("orphaned", lp.orphaned());
        m.put("stopped", lp.stopped());
        m.put("waitEvent", lp.waitEvent());
        m.put("execed", lp.execed());
        m.put("memoryCap", lp.memoryCap());
        if (lp.ctty() != null) {
            for (Map.Entry<Integer, io.pico.api.IoObject> h : process.handles().all().entrySet()) {
                if (h.getValue() == lp.ctty()) {
                    m.put("cttyHandle", h.getKey());
                    Tty tty = Tty.of(lp.ctty());
                    m.put("ttySession", tty.session());
                    m.put("ttyForeground", tty.foreground());
                    break;
                }
            }
        }
        synchronized (lp.signalLock()) {
            m.put("pending", PosixState.signals(lp.queue())); // the core's queue, in the format Linux always wrote
        }
        Map<String, Object> threads = new HashMap<>();
        for (PicoThread t : process.threads()) {
            LinuxThread lt = LinuxThread.of(t);
            long[] robust = lt.robustList();
            long[] alt = lt.sigaltstack();
            Map<String, Object> ts = new HashMap<>();
            ts.put("clearChildTid", lt.clearChildTid());
            ts.put("robustList", robust[0]);
            ts.put("robustListSize", robust[1]);
            // a call cut short by the swap with a temporary mask (sigsuspend) sets it again when it reruns
            long saved = lt.takeSavedBits();
            ts.put("sigmask", saved != -1 ? saved : lt.mask());
            ts.put("altStack", alt[0]);
            ts.put("altStackFlags", alt[1]);
            ts.put("altStackSize", alt[2]);
            synchronized (lp.signalLock()) {
                ts.put("pending", PosixState.signals(lt.queue()));
            }
            threads.put(String.valueOf(t.tid()), ts);
        }
        m.put("threads", threads);
        return m;
    }

    private static long num(Map<?, ?> m, String key, long otherwise) {
        return m.get(key) instanceof Number n ? n.longValue() : otherwise;
    }

    private static long num(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("snapshot lacks " + key);
        }
        return n.longValue();
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("snapshot lacks " + key);
        }
        return (List<T>) l;
    }

    /** Takes over a process from a snapshot; throws (refusing the process) when it cannot be read. */
    public static void restore(Kernel kernel, PicoProcess process, int version, Map<String, Object> m) {
        if (version != VERSION) {
            throw new IllegalArgumentException("Linux state version " + version + " is not " + VERSION);
        }
        // mounts: absent in snapshots of providers before they existed
        GuestFs fs = new GuestFs(process.root(), new ProcFs(kernel, process), GuestFs.HOST_DEVICES,
                m.get("mounts") instanceof List<?> mounts ? io.pico.posix.core.fs.Mount.parseAll(
                        mounts.stream().map(String::valueOf).toList()) : List.of());
        List<String> argv = list(m, "argv");
        List<String> env = list(m, "env");
        LinuxProcess lp = new LinuxProcess(process, fs, str(m, "exe"), str(m, "cwd"), argv, env);
        lp.initBrk(num(m, "brkStart"));
        lp.brk(num(m, "brk"));
        lp.umask((int) num(m, "umask"));
        lp.comm(str(m, "comm"));
        lp.pgid((int) num(m, "pgid"));
        lp.sid((int) num(m, "sid"));
        lp.deathSignal((int) num(m, "deathSignal"));
        lp.memoryCap(num(m, "memoryCap", lp.memoryCap()));
        lp.exitSignal((int) num(m, "exitSignal", Signals.SIGCHLD));
        if (Boolean.TRUE.equals(m.get("orphaned"))) {
            lp.orphan();
        }
        lp.stopped(Boolean.TRUE.equals(m.get("stopped")), (int) num(m, "waitEvent", 0));
        lp.execed(Boolean.TRUE.equals(m.get("execed")));
        if (process.exitStatus().isPresent()) {
            // an ended process its parent has not waited for: its descriptors, threads and timers are gone,
            // what the parent's wait needs (group, orphan, exit signal) is restored above
            process.providerState(lp);
            return;
        }
        if (m.get("cttyHandle") instanceof Number h && process.handles().get(h.intValue()) != null) {
            io.pico.api.IoObject tty = process.handles().get(h.intValue());
            lp.ctty(tty);
            if (Tty.of(tty).session() == 0) {
                Tty.of(tty).control((int) num(m, "ttySession", lp.sid()), (int) num(m, "ttyForeground", lp.pgid()));
            }
        }
        synchronized (lp.signalLock()) {
            PosixState.signals(m.get("pending"), lp.queue());
        }
        if (m.get("termios") instanceof byte[] t) {
            lp.termios(t);
        }
        List<List<Number>> limits = list(m, "limits");
        for (int r = 0; r < Math.min(16, limits.size()); r++) {
            lp.limit(r, limits.get(r).get(0).longValue(), limits.get(r).get(1).longValue());
        }
        for (Map<String, Object> a : LinuxState.<Map<String, Object>>list(m, "actions")) {
            lp.action((int) num(a, "sig"), new Disposition(num(a, "handler"), num(a, "flags"),
                    io.pico.posix.core.SigSet.of(num(a, "mask")), num(a, "restorer")));
        }
        for (Map<String, Object> n : LinuxState.<Map<String, Object>>list(m, "named")) {
            lp.name(num(n, "start"), num(n, "end"), str(n, "name"));
        }
        Map<Long, OpenFile> descriptions = new HashMap<>();
        for (Map<String, Object> d : LinuxState.<Map<String, Object>>list(m, "descriptions")) {
            if (d.get("special") instanceof Map<?, ?> sp) {
                @SuppressWarnings("unchecked")
                Map<String, Object> special = (Map<String, Object>) sp;
                SpecialFile file = switch (String.valueOf(special.get("kind"))) {
                    case "eventfd" -> EventFd.restore(special);
                    case "eventpoll" -> Epoll.restore(special);
                    default -> throw new IllegalArgumentException("unknown special file " + special.get("kind"));
                };
                descriptions.put(num(d, "id"), OpenFile.special(process, file, LinuxAbi.core((int) num(d, "flags"))));
                continue;
            }
            String host = str(d, "hostPath");
            descriptions.put(num(d, "id"), OpenFile.restore(process, (int) num(d, "handle"), str(d, "guestPath"),
                    host == null ? null : Path.of(host), Boolean.TRUE.equals(d.get("directory")),
                    d.get("content") instanceof byte[] b ? b : null, LinuxAbi.core((int) num(d, "flags")),
                    num(d, "position")));
        }
        for (Map<String, Object> fd : LinuxState.<Map<String, Object>>list(m, "fds")) {
            OpenFile f = descriptions.get(num(fd, "description"));
            if (f == null) {
                throw new IllegalArgumentException("descriptor " + fd.get("fd") + " names no description");
            }
            lp.fds().installAt((int) num(fd, "fd"), f, Boolean.TRUE.equals(fd.get("cloexec")));
        }
        Object threads = m.get("threads");
        for (PicoThread t : process.threads()) {
            Map<?, ?> ts = threads instanceof Map<?, ?> all ? (Map<?, ?>) all.get(String.valueOf(t.tid())) : null;
            LinuxThread lt = LinuxThread.of(t);
            if (ts != null) {
                lt.clearChildTid(num(ts, "clearChildTid"));
                lt.robustList(num(ts, "robustList"), num(ts, "robustListSize"));
                lt.mask(num(ts, "sigmask"));
                lt.sigaltstack(num(ts, "altStack"), (int) num(ts, "altStackFlags"), num(ts, "altStackSize"));
                synchronized (lp.signalLock()) {
                    PosixState.signals(ts.get("pending"), lt.queue());
                }
            }
        }
        lp.timers().restore(kernel, m);
        process.providerState(lp);
    }
}
