package io.pico.linux;

import io.pico.api.PicoProcess;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The Linux personality's state of one process: descriptors, cwd, program break, signal dispositions. */
public final class LinuxProcess {

    /** A signal disposition as rt_sigaction(2) records it. */
    public record SigAction(long handler, long flags, long restorer, long mask) {
        /** The default disposition. */
        public static final SigAction DEFAULT = new SigAction(0, 0, 0, 0);
        /** SIG_IGN. */
        public static final long SIG_IGN = 1;
    }

    /** Where anonymous mappings without a hint are placed from. */
    public static final long MMAP_BASE = 0x7f00_0000_0000L;

    private final PicoProcess process;
    private final io.pico.linux.fs.GuestFs fs;
    private final FdTable fds = new FdTable();
    private final Futexes futexes = new Futexes();
    private final java.util.List<Named> named = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<Integer> unknownLogged = ConcurrentHashMap.newKeySet();
    private final SigAction[] actions = new SigAction[Signals.NSIG + 1];
    private volatile String cwd;
    private volatile String exe;
    private volatile List<String> argv;
    private volatile List<String> env;
    private long brkStart;
    private long brk;
    private volatile int umask = 022;
    private volatile String comm;
    private volatile int pgid;
    private volatile int sid;
    private volatile int deathSignal;
    private final byte[] termios = defaultTermios();
    private final long[][] limits = defaultLimits();
    private java.util.concurrent.Future<?> alarm;
    private long alarmDue;

    /** State for a process started from the executable at guest path {@code exe}. */
    public LinuxProcess(PicoProcess process, io.pico.linux.fs.GuestFs fs, String exe, String cwd, List<String> argv,
            List<String> env) {
        this.process = process;
        this.fs = fs;
        this.exe = exe;
        this.cwd = cwd;
        this.argv = List.copyOf(argv);
        this.env = List.copyOf(env);
        String base = exe.substring(exe.lastIndexOf('/') + 1);
        this.comm = base.length() > 15 ? base.substring(0, 15) : base;
        java.util.Arrays.fill(actions, SigAction.DEFAULT);
        this.pgid = process.pid();
        this.sid = process.pid();
    }

    /**
     * Starts over for a new program (execve): the image, its arguments and name change; caught signals
     * return to their default, ignored ones stay ignored; the memory names and the break are reset.
     */
    public void exec(String newExe, List<String> newArgv, List<String> newEnv) {
        exe = newExe;
        argv = List.copyOf(newArgv);
        env = List.copyOf(newEnv);
        String base = newExe.substring(newExe.lastIndexOf('/') + 1);
        comm = base.length() > 15 ? base.substring(0, 15) : base;
        named.clear();
        synchronized (actions) {
            for (int i = 0; i < actions.length; i++) {
                if (actions[i].handler() != SigAction.SIG_IGN) {
                    actions[i] = SigAction.DEFAULT;
                }
            }
        }
        initBrk(0);
    }

    /** The state of a process run by this provider. */
    public static LinuxProcess of(PicoProcess process) {
        Object s = process.providerState();
        if (s instanceof LinuxProcess lp) {
            return lp;
        }
        throw new IllegalStateException("pid " + process.pid() + " has no Linux state");
    }

    /** The process. */
    public PicoProcess process() {
        return process;
    }

    /** The process's view of the file system. */
    public io.pico.linux.fs.GuestFs fs() {
        return fs;
    }

    /** An address range shown with a name in /proc/PID/maps (the images and what they were loaded from). */
    public record Named(long start, long end, String name) {
    }

    /** Names an address range for /proc/PID/maps. */
    public void name(long start, long end, String name) {
        named.add(new Named(start, end, name));
    }

    /** Forgets the names of ranges overlapping an unmapped or replaced range. */
    public void unname(long start, long end) {
        named.removeIf(n -> n.start() < end && start < n.end());
    }

    /** The named ranges. */
    public java.util.List<Named> named() {
        return named;
    }

    /** The futex wait queues. */
    public Futexes futexes() {
        return futexes;
    }

    /** The descriptor table. */
    public FdTable fds() {
        return fds;
    }

    /** The working directory, a canonical guest path. */
    public String cwd() {
        return cwd;
    }

    /** Changes the working directory. */
    public void cwd(String dir) {
        cwd = dir;
    }

    /** The guest path of the executable (/proc/self/exe). */
    public String exe() {
        return exe;
    }

    /** The argument vector (/proc/self/cmdline). */
    public List<String> argv() {
        return argv;
    }

    /** The initial environment (/proc/self/environ). */
    public List<String> env() {
        return env;
    }

    /** Sets the program break's start (and current value). */
    public synchronized void initBrk(long start) {
        brkStart = start;
        brk = start;
    }

    /** The program break's start. */
    public synchronized long brkStart() {
        return brkStart;
    }

    /** The current program break. */
    public synchronized long brk() {
        return brk;
    }

    /** Moves the program break (the caller has mapped or unmapped the memory). */
    public synchronized void brk(long value) {
        brk = value;
    }

    /** The file mode creation mask. */
    public int umask() {
        return umask;
    }

    /** Sets the file mode creation mask. */
    public void umask(int mask) {
        umask = mask & 0777;
    }

    /** The command name (prctl PR_SET_NAME, /proc/self/comm). */
    public String comm() {
        return comm;
    }

    /** Sets the command name. */
    public void comm(String name) {
        comm = name;
    }

    /** The process group id. */
    public int pgid() {
        return pgid;
    }

    /** Sets the process group id. */
    public void pgid(int id) {
        pgid = id;
    }

    /** The session id. */
    public int sid() {
        return sid;
    }

    /** Sets the session id. */
    public void sid(int id) {
        sid = id;
    }

    /** The parent-death signal (prctl PR_SET_PDEATHSIG). */
    public int deathSignal() {
        return deathSignal;
    }

    /** Sets the parent-death signal. */
    public void deathSignal(int sig) {
        deathSignal = sig;
    }

    /** RLIM_INFINITY. */
    public static final long INFINITY = -1L;

    private static long[][] defaultLimits() {
        long[][] l = new long[16][];
        for (int i = 0; i < l.length; i++) {
            l[i] = new long[] {INFINITY, INFINITY};
        }
        l[3] = new long[] {8L << 20, INFINITY}; // STACK
        l[4] = new long[] {0, INFINITY}; // CORE
        l[6] = new long[] {63325, 63325}; // NPROC
        l[7] = new long[] {FdTable.MAX_FDS, FdTable.MAX_FDS}; // NOFILE
        l[8] = new long[] {8L << 20, 8L << 20}; // MEMLOCK
        l[11] = new long[] {63325, 63325}; // SIGPENDING
        l[12] = new long[] {819200, 819200}; // MSGQUEUE
        l[13] = new long[] {0, 0}; // NICE
        l[14] = new long[] {0, 0}; // RTPRIO
        return l;
    }

    /** A resource limit: soft and hard. */
    public long[] limit(int resource) {
        synchronized (limits) {
            return limits[resource].clone();
        }
    }

    /** Sets a resource limit. */
    public void limit(int resource, long soft, long hard) {
        synchronized (limits) {
            limits[resource] = new long[] {soft, hard};
        }
    }

    /** Replaces the pending alarm (null to cancel); returns the seconds that were left of the old one. */
    public synchronized long alarm(java.util.concurrent.Future<?> next, long dueNanos) {
        long left = 0;
        if (alarm != null && !alarm.isDone()) {
            alarm.cancel(false);
            left = Math.max(1, (alarmDue - System.nanoTime() + 999_999_999L) / 1_000_000_000L);
        }
        alarm = next;
        alarmDue = dueNanos;
        return left;
    }

    /** Nanoseconds until the pending alarm fires, 0 when none is pending. */
    public synchronized long alarmNanosLeft() {
        return alarm == null || alarm.isDone() ? 0 : Math.max(1, alarmDue - System.nanoTime());
    }

    private static byte[] defaultTermios() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(36).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x500).putInt(0x5).putInt(0xbf).putInt(0x8a3b).put((byte) 0);
        b.put(new byte[] {3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0});
        return b.array();
    }

    /** The terminal settings the guest last set (struct termios, 36 bytes): shown, not applied. */
    public byte[] termios() {
        synchronized (termios) {
            return termios.clone();
        }
    }

    /** Records terminal settings. */
    public void termios(byte[] value) {
        synchronized (termios) {
            System.arraycopy(value, 0, termios, 0, Math.min(value.length, termios.length));
        }
    }

    /** The disposition of a signal. */
    public SigAction action(int sig) {
        synchronized (actions) {
            return actions[sig];
        }
    }

    /** Replaces the disposition of a signal, returning the old one. */
    public SigAction action(int sig, SigAction action) {
        synchronized (actions) {
            SigAction old = actions[sig];
            actions[sig] = action;
            return old;
        }
    }

    /** Whether an unknown call number is reported for the first time in this process. */
    public boolean firstUnknown(int nr) {
        return unknownLogged.add(nr);
    }
}
