package io.pico.linux;

import io.pico.posix.core.Disposition;
import io.pico.posix.core.PosixState;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.posix.core.fs.GuestFs;
import io.pico.linux.fs.ProcFs;
import java.util.ArrayList;
import java.util.HashMap;
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
        PosixState.putMounts(m, lp.fs());
        m.put("brkStart", lp.brkStart());
        m.put("brk", lp.brk());
        m.put("umask", lp.umask());
        m.put("comm", lp.comm());
        m.put("pgid", lp.pgid());
        m.put("sid", lp.sid());
        m.put("deathSignal", lp.deathSignal());
        m.put("termios", lp.termios());
        PosixState.putLimits(m, lp.limits());
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
        PosixState.putDescriptors(m, lp.fds(), LinuxAbi::guest); // Linux bits, as snapshots always had
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
        GuestFs fs = new GuestFs(process.root(), new ProcFs(kernel, process), GuestFs.HOST_DEVICES,
                PosixState.mounts(m));
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
        PosixState.restoreLimits(m, lp.limits());
        for (Map<String, Object> a : LinuxState.<Map<String, Object>>list(m, "actions")) {
            lp.action((int) num(a, "sig"), new Disposition(num(a, "handler"), num(a, "flags"),
                    io.pico.posix.core.SigSet.of(num(a, "mask")), num(a, "restorer")));
        }
        for (Map<String, Object> n : LinuxState.<Map<String, Object>>list(m, "named")) {
            lp.name(num(n, "start"), num(n, "end"), str(n, "name"));
        }
        PosixState.restoreDescriptors(process, lp.fds(), m, special -> switch (String.valueOf(special.get("kind"))) {
            case "eventfd" -> EventFd.restore(special);
            case "eventpoll" -> Epoll.restore(special);
            default -> throw new IllegalArgumentException("unknown special file " + special.get("kind"));
        }, LinuxAbi::core);
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
