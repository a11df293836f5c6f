package io.pico.posix;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.posix.core.PosixState;
import io.pico.posix.core.fs.GuestFs;
import java.util.Map;

/**
 * Hot-swap snapshots of the POSIX personality: the core's part ({@link PosixState}) plus FreeBSD's resource
 * limits, terminal settings and thread names.
 */
public final class FreeBsdState {

    /** The snapshot format this provider writes and reads. */
    public static final int VERSION = 1;

    private FreeBsdState() {
    }

    /** Writes the snapshot of a process this provider runs. */
    public static Map<String, Object> export(PicoProcess process) {
        FreeBsdProcess p = FreeBsdProcess.of(process);
        Map<String, Object> m = PosixState.export(p);
        PosixState.putLimits(m, p.limits());
        m.put("termios", p.termios());
        PosixState.putMounts(m, p.fs());
        for (PicoThread t : process.threads()) {
            Object ts = PosixState.thread(m, t.tid());
            if (ts instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> mm = (Map<String, Object>) map;
                mm.put("name", p.<FreeBsdThread>thread(t).name());
            }
        }
        return m;
    }

    /** Takes over a process from a snapshot; throws (refusing the process) when it cannot be read. */
    public static void restore(Kernel kernel, PicoProcess process, int version, Map<String, Object> m) {
        if (version != VERSION) {
            throw new IllegalArgumentException("POSIX state version " + version + " is not " + VERSION);
        }
        GuestFs fs = new GuestFs(process.root(), DevFd.INSTANCE, GuestFs.HOST_DEVICES, PosixState.mounts(m));
        FreeBsdProcess p = new FreeBsdProcess(process, fs, PosixState.exe(m), PosixState.cwd(m), PosixState.argv(m),
                PosixState.env(m));
        PosixState.restore(kernel, p, m, special -> {
            throw new IllegalArgumentException("unknown special file " + special.get("kind"));
        }, new SignalFrame());
        PosixState.restoreLimits(m, p.limits());
        if (m.get("termios") instanceof byte[] t) {
            p.termios(t);
        }
        for (PicoThread t : process.threads()) {
            Map<?, ?> ts = PosixState.thread(m, t.tid());
            if (ts != null && ts.get("name") != null) {
                p.<FreeBsdThread>thread(t).name(ts.get("name").toString());
            }
        }
        process.providerState(p);
    }
}
