package io.pico.linux;

import io.pico.posix.core.SigInfo;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.ResourceLimits;
import io.pico.api.PicoProcess;
import io.pico.posix.core.Disposition;
import io.pico.posix.core.FdTable;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.fs.GuestFs;
import io.pico.linux.fs.ProcFs;
import java.util.List;

/**
 * The Linux personality's state of one process. What every Unix process has (descriptors, working directory,
 * executable and arguments, program break, umask, process group and session, memory names) is the POSIX core's
 * {@link PosixProcess} (wait events and orphans too); Linux adds its signal queues, limits, timers and terminal
 * settings. Paths resolve with the core's {@link #fs()}, whose overlay is Linux's {@link ProcFs}.
 */
public final class LinuxProcess extends PosixProcess {

    /** Where anonymous mappings without a hint are placed from. */
    public static final long MMAP_BASE = 0x7f00_0000_0000L;

    private volatile String comm;
    private volatile int deathSignal;
    private final byte[] termios = Tty.defaultTermios();
    private final ResourceLimits limits = new ResourceLimits(defaultLimits(), this::limitSet);
    /** The signal sent to the parent when this process ends (clone's low byte; SIGCHLD for fork). */
    private volatile int exitSignal = Signals.SIGCHLD;
    /** Counted down when a vfork child execs or ends: its parent goes on then. */
    private volatile java.util.concurrent.CountDownLatch vforkDone;
    /** Whether the process has called execve (setpgid on it then fails). */
    private volatile boolean execed;
    /** The controlling terminal, or null. */
    private volatile io.pico.api.IoObject ctty;
    /** The most memory the kernel lets this process map: RLIMIT_AS may lower the cap, not raise it. */
    private volatile long memoryCap;

    /** State for a process started from the executable at guest path {@code exe}. */
    public LinuxProcess(PicoProcess process, GuestFs fs, String exe, String cwd, List<String> argv,
            List<String> env) {
        super(process, LinuxAbi.INSTANCE, fs, exe, cwd, argv, env);
        umask(HostIds.umask());
        String base = exe.substring(exe.lastIndexOf('/') + 1);
        this.comm = base.length() > 15 ? base.substring(0, 15) : base;
        this.memoryCap = process.memory().limit();
        fds().limit((int) limits.get(RLIMIT_NOFILE)[0]);
        frames(SignalDelivery.FRAMES); // handlers run in Linux's rt_sigframe, by the core's delivery
    }

    /**
     * The state of a child made by fork ({@link #createChild}): a copy of the parent's Linux state (limits,
     * controlling terminal, terminal settings, command name) and of what the core's constructor takes; the core's
     * {@link #forkInto} then copies the descriptors, dispositions, names and break.
     */
    private LinuxProcess(PicoProcess child, GuestFs fs, LinuxProcess parent) {
        this(child, fs, parent.exe(), parent.cwd(), parent.argv(), parent.env());
        this.comm = parent.comm;
        umask(parent.umask());
        pgid(parent.pgid());
        sid(parent.sid());
        this.ctty = parent.ctty;
        this.memoryCap = parent.memoryCap;
        limits.copyFrom(parent.limits);
        limit(RLIMIT_NOFILE, limits.get(RLIMIT_NOFILE)[0], limits.get(RLIMIT_NOFILE)[1]);
        limit(RLIMIT_AS, limits.get(RLIMIT_AS)[0], limits.get(RLIMIT_AS)[1]);
        synchronized (parent.termios) {
            System.arraycopy(parent.termios, 0, termios, 0, termios.length);
        }
    }

    /**
     * Wakes a thread chosen for a signal the Linux way: a call it is blocked in is interrupted; a thread running
     * guest code (or the sender itself) takes it when its next call returns.
     */
    @Override
    protected void wake(io.pico.api.PicoThread thread) {
        SignalDelivery.wake(thread);
    }

    /** Linux's threads are {@link LinuxThread}s (PosixThreads with Linux's own additions). */
    @Override
    protected io.pico.posix.core.PosixThread createThreadState(io.pico.api.PicoThread thread) {
        return LinuxThread.of(thread);
    }

    /**
     * A forked child's state ({@link #LinuxProcess(PicoProcess, GuestFs, LinuxProcess)}): the same root and mounts,
     * with the child's own /proc.
     */
    @Override
    protected PosixProcess createChild(PicoProcess child) {
        return new LinuxProcess(child, childFs(child), this);
    }

    /** The view of files of a child: the same root and mounts, with the child's own /proc. */
    private GuestFs childFs(PicoProcess child) {
        return fs().with(fs().overlay() instanceof ProcFs proc ? proc.of(child) : fs().overlay());
    }

    /**
     * A child stopped or went on: SIGCHLD with CLD_STOPPED or CLD_CONTINUED, the child's pid and the signal, unless
     * SIGCHLD's disposition has SA_NOCLDSTOP.
     */
    @Override
    public void childChanged(io.pico.api.Kernel kernel, PicoProcess child, io.pico.posix.core.Children.Kind kind,
            int sig) {
        if ((action(Signals.SIGCHLD).flags() & SignalDelivery.SA_NOCLDSTOP) == 0) {
            SignalDelivery.send(kernel, process(), new SigInfo(Signals.SIGCHLD, kind.code(), child.pid(),
                    HostIds.uid(), sig, 0), null);
        }
    }

    /** The signal the parent gets when this process ends. */
    public int exitSignal() {
        return exitSignal;
    }

    /** Sets the signal the parent gets when this process ends (0: none). */
    public void exitSignal(int sig) {
        exitSignal = sig;
    }

    /** Makes this a vfork child: the returned latch is counted down when it execs or ends. */
    public java.util.concurrent.CountDownLatch vfork() {
        vforkDone = new java.util.concurrent.CountDownLatch(1);
        return vforkDone;
    }

    /** Lets a parent waiting in vfork go on (the child has exec'd or ended). */
    public void vforkRelease() {
        java.util.concurrent.CountDownLatch l = vforkDone;
        if (l != null) {
            vforkDone = null;
            l.countDown();
        }
    }

    /** Whether the process has called execve. */
    public boolean execed() {
        return execed;
    }

    /** The controlling terminal, or null. */
    public io.pico.api.IoObject ctty() {
        return ctty;
    }

    /** Sets the controlling terminal (null: none). */
    public void ctty(io.pico.api.IoObject terminal) {
        ctty = terminal;
    }

    /** The most memory the kernel lets this process map. */
    public long memoryCap() {
        return memoryCap;
    }

    /** Sets the most memory the kernel lets this process map (a hot-swap hands it over). */
    public void memoryCap(long cap) {
        memoryCap = cap;
    }

    /** Marks the process as having called execve (a hot-swap hands it over). */
    public void execed(boolean value) {
        execed = value;
    }

    /**
     * Starts over for a new program (execve): the image, its arguments and name change; caught signals
     * return to their default, ignored ones stay ignored; the memory names and the break are reset; a parent
     * waiting in vfork goes on.
     */
    @Override
    public void exec(String newExe, List<String> newArgv, List<String> newEnv) {
        vforkRelease(); // a parent waiting in vfork goes on
        super.exec(newExe, newArgv, newEnv); // also closes the close-on-exec descriptors
        String base = newExe.substring(newExe.lastIndexOf('/') + 1);
        comm = base.length() > 15 ? base.substring(0, 15) : base;
        execed = true;
        // as Linux's flush_signal_handlers: every disposition but SIG_IGN goes back to the default, flags too
        for (int sig = 1; sig <= Signals.NSIG; sig++) {
            if (action(sig).handler() != Disposition.SIG_IGN) {
                action(sig, Disposition.DEFAULT);
            }
        }
    }

    /** The state of a process run by this provider. */
    public static LinuxProcess of(PicoProcess process) {
        Object s = process.providerState();
        if (s instanceof LinuxProcess lp) {
            return lp;
        }
        throw new IllegalStateException("pid " + process.pid() + " has no Linux state");
    }

    /** The command name (prctl PR_SET_NAME, /proc/self/comm). */
    public String comm() {
        return comm;
    }

    /** Sets the command name. */
    public void comm(String name) {
        comm = name;
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

    /** The runtime's own limits (what a program started natively from the same place would get), or null. */
    private static final long[][] HOST_LIMITS = hostLimits();

    private static long[][] hostLimits() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"));
            long[][] l = new long[16][];
            for (int i = 0; i < 16 && i + 1 < lines.size(); i++) {
                String[] f = lines.get(i + 1).substring(26).trim().split("\\s+");
                l[i] = new long[] {f[0].equals("unlimited") ? INFINITY : Long.parseLong(f[0]),
                    f[1].equals("unlimited") ? INFINITY : Long.parseLong(f[1])};
            }
            return l;
        } catch (Exception e) {
            return null;
        }
    }

    private static long[][] defaultLimits() {
        if (HOST_LIMITS != null) {
            long[][] l = new long[16][];
            for (int i = 0; i < 16; i++) {
                l[i] = HOST_LIMITS[i] == null ? new long[] {INFINITY, INFINITY} : HOST_LIMITS[i].clone();
            }
            // every guest descriptor of a file is a host descriptor of the runtime, which all guests share:
            // Linux's usual soft limit, and a hard one a guest may raise it to
            l[RLIMIT_NOFILE] = new long[] {DEFAULT_NOFILE, MAX_NOFILE};
            return l;
        }
        long[][] l = new long[16][];
        for (int i = 0; i < l.length; i++) {
            l[i] = new long[] {INFINITY, INFINITY};
        }
        l[3] = new long[] {8L << 20, INFINITY}; // STACK
        l[4] = new long[] {0, INFINITY}; // CORE
        l[6] = new long[] {63325, 63325}; // NPROC
        l[7] = new long[] {DEFAULT_NOFILE, MAX_NOFILE}; // NOFILE
        l[8] = new long[] {8L << 20, 8L << 20}; // MEMLOCK
        l[11] = new long[] {63325, 63325}; // SIGPENDING
        l[12] = new long[] {819200, 819200}; // MSGQUEUE
        l[13] = new long[] {0, 0}; // NICE
        l[14] = new long[] {0, 0}; // RTPRIO
        return l;
    }

    /** A resource limit: soft and hard. */
    public long[] limit(int resource) {
        return limits.get(resource);
    }

    /** The resource limits (the core's getrlimit/setrlimit rule, {@link ResourceLimits#exchange}). */
    public ResourceLimits limits() {
        return limits;
    }

    /**
     * Sets a resource limit. RLIMIT_NOFILE applies to the descriptor table; RLIMIT_AS caps the address
     * space, but never above what the kernel allows the process.
     */
    public void limit(int resource, long soft, long hard) {
        limits.set(resource, soft, hard);
    }

    /** What setting a limit does beyond keeping it: RLIMIT_NOFILE and RLIMIT_AS. */
    private void limitSet(int resource, long soft, long hard) {
        if (resource == RLIMIT_NOFILE) {
            fds().limit((int) Math.min(FdTable.MAX_FDS, Long.compareUnsigned(soft, FdTable.MAX_FDS) > 0
                    ? FdTable.MAX_FDS : soft));
        } else if (resource == RLIMIT_AS) {
            long cap = memoryCap;
            process().memory().limit(soft == INFINITY || Long.compareUnsigned(soft, cap) > 0 ? cap : soft);
        }
    }

    /** The soft RLIMIT_NOFILE every process starts with. */
    public static final long DEFAULT_NOFILE = 1024;
    /** The hard RLIMIT_NOFILE: the most descriptors a process may have. */
    public static final long MAX_NOFILE = 4096;
    /** RLIMIT_AS. */
    public static final int RLIMIT_AS = 9;
    /** RLIMIT_NOFILE. */
    public static final int RLIMIT_NOFILE = 7;

    /** The terminal settings: the controlling terminal's, else the last ones set (struct termios, 36 bytes). */
    public byte[] termios() {
        io.pico.api.IoObject t = ctty;
        if (t != null) {
            return Tty.of(t).termios();
        }
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

    /** Whether an unknown call number is reported for the first time in this process. */
    public boolean firstUnknown(int nr) {
        return firstUnknown((long) nr);
    }
}
