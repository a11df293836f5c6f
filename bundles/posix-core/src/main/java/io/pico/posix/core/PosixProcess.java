package io.pico.posix.core;

import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.posix.core.fs.GuestFs;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;

/**
 * A Unix personality's state of one process, as far as Unix personalities agree: the file system view,
 * descriptors, working directory, umask, process group and session, program break, signal dispositions and
 * pending signals, address wait queues (futex, umtx), the program's name, arguments and environment. A
 * personality extends it with its own state and overrides {@link #createChild} so that fork copies that too.
 * The kernel keeps the objects (processes, open files, pipes); this keeps the personality's view of them.
 */
public class PosixProcess {

    /** An address range shown with a name (the images and what they were loaded from). */
    public record Named(long start, long end, String name) {
    }

    private final PicoProcess process;
    private final Abi abi;
    private final GuestFs fs;
    private final FdTable fds;
    private final AddressWaits waits = new AddressWaits();
    private final List<Named> named = new CopyOnWriteArrayList<>();
    private final Set<Long> unknownLogged = ConcurrentHashMap.newKeySet();
    private final Disposition[] actions;
    private final SignalQueue queue;
    private volatile SignalFrames frames;
    private volatile String cwd;
    private volatile String exe;
    private volatile List<String> argv;
    private volatile List<String> env;
    private long brkStart;
    private long brk;
    private volatile int umask = 022;
    private volatile int pgid;
    private volatile int sid;
    private final IntervalTimers timers = new IntervalTimers(this);
    /** Guards the stop state and a personality's signal state as deliveries see them. */
    private final Object signalLock = new Object();
    /** Parents waiting for their children (wait4, waitid, wait6) wait on it; children's events notify it. */
    private final Object childLock = new Object();
    /** The parent has ended: this process is reaped as soon as it ends, and getppid says 1. */
    private volatile boolean orphaned;
    /** Whether the process is stopped (SIGSTOP, SIGTSTP ...). */
    private volatile boolean stopped;
    /** A stop (signal << 8 | 0x7f) or continue (0xffff) the parent has not seen with wait yet, 0 for none. */
    private volatile int waitEvent;

    /** State for a process started from the executable at guest path {@code exe}. */
    public PosixProcess(PicoProcess process, Abi abi, GuestFs fs, String exe, String cwd, List<String> argv,
            List<String> env) {
        this.process = process;
        this.abi = abi;
        this.fs = fs;
        this.fds = new FdTable(abi.maxFds());
        this.exe = exe;
        this.cwd = cwd;
        this.argv = List.copyOf(argv);
        this.env = List.copyOf(env);
        this.actions = new Disposition[abi.signals().max() + 1];
        this.queue = new SignalQueue(abi.signals().rtMin());
        Arrays.fill(actions, Disposition.DEFAULT);
        this.pgid = process.pid();
        this.sid = process.pid();
    }

    /** The state a provider attached to the process. */
    @SuppressWarnings("unchecked")
    public static <T extends PosixProcess> T of(PicoProcess process) {
        Object s = process.providerState();
        if (s instanceof PosixProcess p) {
            return (T) p;
        }
        throw new IllegalStateException("pid " + process.pid() + " has no POSIX state");
    }

    /** The process. */
    public PicoProcess process() {
        return process;
    }

    /** The personality's numbers. */
    public Abi abi() {
        return abi;
    }

    /** The process's view of the file system. */
    public GuestFs fs() {
        return fs;
    }

    /** The descriptor table. */
    public FdTable fds() {
        return fds;
    }

    /** The address wait queues (futex, umtx). */
    public AddressWaits waits() {
        return waits;
    }

    /**
     * Creates the state of a forked child: a new instance of the personality's class for the child process, with
     * a file system view of its own over the same root. {@link #forkInto} then copies the common state; a
     * personality overrides this to create its subclass and copy its own fields.
     */
    protected PosixProcess createChild(PicoProcess child) {
        return new PosixProcess(child, abi, fs.with(fs.overlay()), exe, cwd, argv, env);
    }

    /**
     * The state of a forked child: same descriptors (over the child's copies of the kernel handles), working
     * directory, umask, process group and session, dispositions, program break and names; no pending signals.
     */
    public PosixProcess forkInto(PicoProcess child) {
        PosixProcess c = createChild(child);
        c.fds.copyFrom(fds, child);
        c.cwd = cwd;
        c.umask = umask;
        c.pgid = pgid;
        c.sid = sid;
        c.frames = frames;
        synchronized (actions) {
            System.arraycopy(actions, 0, c.actions, 0, actions.length);
        }
        synchronized (this) {
            c.initBrk(brkStart);
            c.brk(brk);
        }
        c.named.addAll(named);
        return c;
    }

    /**
     * Starts over for a new program (execve): the image, its arguments and name change; caught signals return
     * to their default, ignored ones stay ignored; descriptors marked close-on-exec are closed; the names and
     * the break are reset.
     */
    public void exec(String newExe, List<String> newArgv, List<String> newEnv) {
        exe = newExe;
        argv = List.copyOf(newArgv);
        env = List.copyOf(newEnv);
        named.clear();
        synchronized (actions) {
            for (int i = 0; i < actions.length; i++) {
                if (actions[i].caught()) {
                    actions[i] = Disposition.DEFAULT;
                }
            }
        }
        fds.closeOnExec();
        initBrk(0);
    }

    /** The state of a thread of this process, created on first use ({@link #createThreadState}). */
    @SuppressWarnings("unchecked")
    public <T extends PosixThread> T thread(PicoThread thread) {
        Object s = thread.providerState();
        if (s instanceof PosixThread t) {
            return (T) t;
        }
        PosixThread t = createThreadState(thread);
        thread.providerState(t);
        return (T) t;
    }

    /** Creates the state of a thread; a personality overrides this for its subclass of {@link PosixThread}. */
    protected PosixThread createThreadState(PicoThread thread) {
        return new PosixThread(thread, abi);
    }

    /** Names an address range. */
    public void name(long start, long end, String name) {
        named.add(new Named(start, end, name));
    }

    /**
     * Tells the process observers about the images a loader has just mapped (the program and its interpreter,
     * which it named): loaders call it once the new image is in place.
     *
     * @since 2.0
     */
    public void reportImages(Kernel kernel) {
        for (Named n : named) {
            kernel.imageLoaded(process, n.name(), n.start(), n.end() - n.start());
        }
    }

    /** Forgets the names of ranges overlapping an unmapped or replaced range. */
    public void unname(long start, long end) {
        named.removeIf(n -> n.start() < end && start < n.end());
    }

    /** The named ranges. */
    public List<Named> named() {
        return named;
    }

    /** The working directory, a canonical guest path. */
    public String cwd() {
        return cwd;
    }

    /** Changes the working directory. */
    public void cwd(String dir) {
        cwd = dir;
    }

    /** The guest path of the executable. */
    public String exe() {
        return exe;
    }

    /** The argument vector. */
    public List<String> argv() {
        return argv;
    }

    /** The initial environment. */
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

    /** The disposition of a signal (the default one for numbers out of range). */
    public Disposition action(int sig) {
        synchronized (actions) {
            return sig > 0 && sig < actions.length ? actions[sig] : Disposition.DEFAULT;
        }
    }

    /** Replaces the disposition of a signal, returning the old one. */
    public Disposition action(int sig, Disposition action) {
        synchronized (actions) {
            Disposition old = actions[sig];
            actions[sig] = action;
            return old;
        }
    }

    /** The signals raised for the process but not delivered yet (blocked, or waiting for a call boundary). */
    public SigSet pending() {
        return queue.pending();
    }

    /**
     * The signals pending for the process with their siginfo; guarded by {@link #signalLock()}. Each thread has
     * its own for signals sent to it ({@link PosixThread#queue()}).
     *
     * @since 2.3
     */
    public SignalQueue queue() {
        return queue;
    }

    /** Marks a signal pending (sent by the kernel, when it is not pending yet or is a real-time one). */
    public void addPending(int sig) {
        synchronized (signalLock) {
            queue.add(SigInfo.kernel(sig));
        }
    }

    /** Takes the lowest pending signal not in {@code blocked} out of the process's queue; 0 when there is none. */
    public int takePending(SigSet blocked) {
        synchronized (signalLock) {
            int sig = queue.pending().andNot(blocked).first();
            if (sig != 0) {
                queue.take(sig);
            }
            return sig;
        }
    }

    /**
     * Takes the signal a thread receives next: of those pending for the thread or the process and not in
     * {@code blocked}, the signals of CPU faults first (SEGV, BUS, ILL, TRAP, FPE, SYS), then the lowest number;
     * the thread's own instance before the process's. Null when there is none.
     *
     * @since 2.3
     */
    public SigInfo take(PosixThread thread, SigSet blocked) {
        synchronized (signalLock) {
            SigSet avail = queue.pending().or(thread.queue().pending()).andNot(blocked);
            if (avail.isEmpty()) {
                return null;
            }
            SigSet sync = avail.and(synchronous());
            int sig = (sync.isEmpty() ? avail : sync).first();
            SigInfo info = thread.queue().take(sig);
            return info != null ? info : queue.take(sig);
        }
    }

    /** The signals CPU faults raise, which are taken before others. */
    private SigSet synchronous() {
        SigSet s = SigSet.EMPTY;
        for (String name : new String[] {"SEGV", "BUS", "ILL", "TRAP", "FPE", "SYS"}) {
            s = s.with(abi.signals().number(name));
        }
        return s;
    }

    /** The personality's signal frame builder, or null when handlers are not run. */
    public SignalFrames frames() {
        return frames;
    }

    /** Sets the signal frame builder. */
    public void frames(SignalFrames f) {
        frames = f;
    }

    /**
     * The process's interval timers (alarm, setitimer, getitimer).
     *
     * @since 2.4
     */
    public IntervalTimers timers() {
        return timers;
    }

    /**
     * Replaces the pending alarm (null to cancel); returns the seconds that were left of the old one.
     *
     * @deprecated the rows use {@link #timers()}: {@link IntervalTimers#set}, {@link IntervalTimers#alarm}
     */
    @Deprecated
    public long alarm(Future<?> next, long dueNanos) {
        long left = timers.replaceReal(next, dueNanos);
        return left == 0 ? 0 : Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    /**
     * Nanoseconds until the pending alarm fires, 0 when none is pending.
     *
     * @deprecated {@link #timers()}: {@link IntervalTimers#get} of {@link IntervalTimers#REAL}
     */
    @Deprecated
    public long alarmNanosLeft() {
        return timers.get(IntervalTimers.REAL).value();
    }

    /**
     * Delivers a signal the core raises for this process ({@link Signals#raise}: SIGPIPE, alarms ...); returns
     * true when it ended the process. The core's delivery by default; a personality that keeps its own signal
     * state overrides it.
     */
    public boolean raise(Kernel kernel, int sig, String reason) {
        return raise(kernel, SigInfo.user(sig, 0), reason);
    }

    /**
     * Delivers a signal with its siginfo ({@link Signals#send}: kill, sigqueue ...); true when it ended the
     * process. The core's delivery by default; a personality that delivers signals its own way overrides it.
     *
     * @since 2.3
     */
    public boolean raise(Kernel kernel, SigInfo info, String reason) {
        return Signals.deliver(kernel, process, this, info, reason);
    }

    /**
     * Makes a thread of this process take its pending signals soon ({@link Signals#deliver} chose it): by default
     * it is interrupted, so that a call it is blocked in ends (with EINTR, or to be restarted). A personality whose
     * dispatcher knows whether the thread is inside a call overrides it.
     *
     * @since 2.3
     */
    protected void wake(PicoThread thread) {
        thread.interrupt();
    }

    /**
     * Delivers a signal with its siginfo to one thread of this process ({@link Signals#sendThread}: tkill,
     * thr_kill); true when it ended the process. The core's delivery by default; a personality that delivers
     * signals its own way overrides it.
     *
     * @since 2.3
     */
    public boolean raise(Kernel kernel, PicoThread thread, SigInfo info) {
        return Signals.deliver(kernel, process, this, thread, info, null);
    }

    /**
     * The lock of signal state (the stop state; a personality's queues and masks); waiting for a signal may mean
     * waiting on it.
     *
     * @since 2.1
     */
    public Object signalLock() {
        return signalLock;
    }

    /**
     * A child of this process stopped or went on ({@link Signals#stop}, {@link Signals#cont}): sends SIGCHLD
     * unless this process's SIGCHLD disposition has SA_NOCLDSTOP. A personality whose SIGCHLD carries a siginfo
     * overrides it; waiting parents are woken by the caller.
     *
     * @param kind {@link Children.Kind#STOPPED} or {@link Children.Kind#CONTINUED}
     * @param sig the stopping signal, or SIGCONT, in the child's numbering
     * @since 2.1
     */
    public void childChanged(Kernel kernel, PicoProcess child, Children.Kind kind, int sig) {
        int chld = abi.signals().number("CHLD");
        if ((action(chld).flags() & abi.saNoCldStop()) == 0) {
            Signals.raise(kernel, process, chld, null);
        }
    }

    /**
     * Forgets a pending signal, for the process and each of its threads (a stop signal drops a pending SIGCONT and
     * the other way round; a signal that becomes ignored).
     *
     * @since 2.1
     */
    public void removePending(int sig) {
        synchronized (signalLock) {
            queue.discard(sig);
            for (PicoThread t : process.threads()) {
                thread(t).queue().discard(sig);
            }
        }
    }

    /**
     * The monitor that a parent waiting for its children waits on ({@link Children#await}).
     *
     * @since 2.1
     */
    public Object childLock() {
        return childLock;
    }

    /**
     * Wakes the threads of this process waiting for children (a child ended, stopped or went on).
     *
     * @since 2.1
     */
    public void childEvent() {
        synchronized (childLock) {
            childLock.notifyAll();
        }
    }

    /**
     * Whether the parent has ended (a wait of a process that got the parent's pid does not see this one).
     *
     * @since 2.1
     */
    public boolean orphaned() {
        return orphaned;
    }

    /**
     * Marks the parent as ended.
     *
     * @since 2.1
     */
    public void orphan() {
        orphaned = true;
    }

    /**
     * Whether the process is stopped.
     *
     * @since 2.1
     */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Records a stop or continue, and the wait status the parent will see for it (0: none; a stop is
     * {@code sig << 8 | 0x7f} in the personality's numbering, a continue {@link Children#CONTINUED_EVENT}).
     *
     * @since 2.1
     */
    public void stopped(boolean value, int event) {
        stopped = value;
        waitEvent = event;
    }

    /**
     * The stop or continue event not yet reported to the parent, 0 for none.
     *
     * @since 2.1
     */
    public int waitEvent() {
        return waitEvent;
    }

    /**
     * Forgets a reported event (unless another one replaced it meanwhile).
     *
     * @since 2.1
     */
    public void clearWaitEvent(int event) {
        if (waitEvent == event) {
            waitEvent = 0;
        }
    }

    /** Whether an unknown call number is reported for the first time in this process. */
    public boolean firstUnknown(long nr) {
        return unknownLogged.add(nr);
    }

    /** Releases what the process holds beyond its kernel objects (its interval timers); called when it has ended. */
    public void ended() {
        timers.cancel();
    }
}
