package io.pico.kernel;

import io.pico.api.CpuException;
import io.pico.api.CpuException.Access;
import io.pico.api.CpuException.Kind;
import io.pico.api.CpuMode;
import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.Register;
import io.pico.kernel.engine.Engine;
import io.pico.kernel.engine.EngineFault;
import io.pico.kernel.engine.EngineListener;

/**
 * A pico thread: one engine run by one host thread. System calls and CPU exceptions trapped by the
 * engine are dispatched to the provider of the process's personality, looked up on every call.
 */
final class KThread implements PicoThread, EngineListener, Runnable {

    private final KernelImpl kernel;
    private final KProcess process;
    private final int tid;
    private final CpuMode mode;
    /**
     * The thread's engine; null while it is given back ({@link #releaseEngine}). It changes only under
     * {@link #engineLock} and only while the thread is {@link #outside} guest code and the engine's run.
     */
    private Engine engine;
    private final Object engineLock = new Object();
    /**
     * Set while the thread runs provider code (or parks) outside the engine's run, where the engine can be
     * given back: a call made outside the engine, a CPU exception, a park. Accesses to the engine take
     * {@link #engineLock} then.
     */
    private volatile boolean outside;
    private volatile long outsideSince;
    /** The CPU state while the engine is given back. */
    private Engine.State saved;
    /** Set by the syscall hook for a call that runs outside the engine ({@link #callOutside}). */
    private boolean outsideCallPending;
    /** Set by the interrupt hook for a software interrupt handled outside the engine, else -1. */
    private int outsideInterrupt = -1;
    /** The provider whose call table {@link #outsideCalls} was taken from, and the table. */
    private long outsideCallsOf = -1;
    private java.util.BitSet outsideCalls;
    private Thread host;
    private long memoryGeneration = -1;
    private volatile boolean stopRequested;
    private volatile boolean running;
    private volatile boolean parked;
    private volatile boolean suspendRequested;
    /** Set when a park interrupted this thread inside a call: the call is restarted after the swap. */
    private volatile boolean parkInterrupted;
    private volatile boolean inCallVolatile;
    private long callNumber;
    private long callRestartPc = -1;
    private boolean inCall;
    private long pendingPc = -1;
    private CpuException pendingFault;
    private Object providerState;
    /** Provider code to run at the next call boundary, with the provider (service id) that asked for it. */
    private record Deferred(long providerId, Runnable action) {
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Deferred> deferred =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /**
     * Set while a call's deferred actions run (execve replaces the image there): the call is not over, a
     * hot-swap waits for it and does not interrupt it.
     */
    private volatile boolean continuing;

    KThread(KernelImpl kernel, KProcess process, int tid, CpuMode mode) {
        this.kernel = kernel;
        this.process = process;
        this.tid = tid;
        this.mode = mode;
        this.engine = kernel.engines().create(mode, this);
        memoryGeneration = process.space().sync(engine, -1);
    }

    @Override
    public int tid() {
        return tid;
    }

    @Override
    public KProcess process() {
        return process;
    }

    @Override
    public CpuMode mode() {
        return mode;
    }

    /** The engine, taken again if it was given back; the caller holds {@link #engineLock} while outside. */
    private Engine attached() {
        Engine e = engine;
        if (e == null) {
            e = kernel.engines().create(mode, this);
            try {
                e.load(saved);
            } catch (RuntimeException ex) {
                e.close();
                throw ex;
            }
            saved.close();
            saved = null;
            memoryGeneration = process.space().sync(e, -1);
            engine = e;
        }
        return e;
    }

    /** The thread starts running provider code outside the engine: the engine may be given back. */
    private void beginOutside() {
        outsideSince = System.nanoTime();
        outside = true;
    }

    /** The thread is back from provider code: it takes an engine again unless it ends. */
    private void endOutside() {
        synchronized (engineLock) {
            outside = false;
            if (!stopRequested) {
                attached();
            }
        }
    }

    /**
     * Gives the engine back (to the pool, or closed beyond it) when the thread has been outside guest code
     * for at least {@code idleNanos}: its CPU state is saved and loaded into an engine again when the thread
     * needs one (the call returns, a register is read). Called by the kernel's idle-engine scan.
     */
    boolean releaseEngine(long now, long idleNanos) {
        if (!outside || now - outsideSince < idleNanos) {
            return false;
        }
        synchronized (engineLock) {
            Engine e = engine;
            if (!outside || e == null || stopRequested) {
                return false;
            }
            saved = e.save();
            engine = null;
            process.space().forget(e);
            e.close();
            memoryGeneration = -1;
            return true;
        }
    }

    long memoryGeneration() {
        return memoryGeneration;
    }

    @Override
    public long get(Register register) {
        if (register == Register.RIP && pendingPc != -1) {
            return pendingPc;
        }
        Engine e = engine;
        if (e != null && !outside) {
            return e.get(register);
        }
        synchronized (engineLock) {
            return attached().get(register);
        }
    }

    @Override
    public void set(Register register, long value) {
        if (register == Register.RIP && inCall) {
            // a new instruction pointer from inside a hook takes effect by stopping and restarting there
            pendingPc = value;
            return;
        }
        Engine e = engine;
        if (e != null && !outside) {
            e.set(register, value);
            return;
        }
        synchronized (engineLock) {
            attached().set(register, value);
        }
    }

    @Override
    public synchronized void start() {
        if (host != null) {
            throw new IllegalStateException("thread " + tid + " already started");
        }
        host = new Thread(this, "pico-" + process.pid() + "-" + tid);
        host.setDaemon(true);
        host.start();
    }

    @Override
    public void exit() {
        requestStop();
    }

    @Override
    public void interrupt() {
        Thread t = host;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    /** Asks the thread to leave guest code and end; safe from any thread, repeated until it has. */
    void requestStop() {
        stopRequested = true;
        synchronized (engineLock) {
            Engine e = engine;
            if (e != null) {
                e.stop();
            }
        }
        Thread t = host;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    /**
     * The host thread's id when it may be interrupted for a park: inside a call (not a call's continuation),
     * not parked, not yet interrupted, and waiting (WAITING or TIMED_WAITING); else -1. Whether the wait is an
     * interruptible one is decided from its stack ({@link #interruptible}), sampled for all candidates at once.
     */
    synchronized long parkCandidate() {
        Thread t = host;
        if (t == null || !inCallVolatile || parked || parkInterrupted || continuing) {
            return -1;
        }
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING ? t.getId() : -1;
    }

    /** The host thread's id, or -1 before it started. */
    long hostId() {
        Thread t = host;
        return t == null ? -1 : t.getId();
    }

    /** Interrupts a thread blocked inside a call so that it parks; the call is restarted afterwards. */
    synchronized void interruptForPark() {
        if (inCallVolatile && !parked && !parkInterrupted && !continuing) {
            parkInterrupted = true;
            Thread t = host;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /**
     * Whether a stack shows an interruptible wait (Object.wait, a sleep, a condition, latch or timed wait): an
     * interrupt ends it with InterruptedException and the call is made again after the swap. A running thread,
     * or one waiting for a lock, is never interrupted for a park: the interrupt would stay set and close the
     * next interruptible channel it uses (a file read fails with ClosedByInterruptException).
     */
    static boolean interruptible(StackTraceElement[] stack) {
        // the JDK frames on top of the stack say which wait it is
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.")) {
                return false;
            }
            String m = e.getMethodName();
            if ((c.equals("java.lang.Object") && m.equals("wait")) || (c.equals("java.lang.Thread")
                    && (m.equals("sleep") || m.equals("join"))) || m.startsWith("await") || m.endsWith("Interruptibly")
                    || (m.endsWith("Nanos") && !m.startsWith("park"))) {
                return true;
            }
        }
        return false;
    }

    boolean inCall() {
        return inCallVolatile;
    }

    void parked(boolean p) {
        parked = p;
    }

    boolean isParked() {
        return parked;
    }

    boolean started() {
        return host != null;
    }

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private volatile long finalCpu = -1;

    /** CPU time of the host thread so far (frozen when it ends). */
    long cpuNanos() {
        if (finalCpu >= 0) {
            return finalCpu;
        }
        Thread t = host;
        if (t == null) {
            return 0;
        }
        long v = CPU.getThreadCpuTime(t.getId());
        return Math.max(0, v);
    }

    boolean stopRequested() {
        return stopRequested;
    }

    boolean alive() {
        Thread t = host;
        return t != null && t.isAlive();
    }

    /** Whether the thread is inside the engine now (a stop request may have been missed). */
    boolean running() {
        return running;
    }

    @Override
    public void defer(Runnable action) {
        // from another thread the action waits for this thread's next call boundary: guest code is never
        // stopped from outside (unicorn's asynchronous stop leaves a stale instruction pointer)
        deferred.add(new Deferred(process.providerId(), action));
    }

    @Override
    public byte[] fpuState() {
        synchronized (engineLock) {
            return attached().fpuState();
        }
    }

    @Override
    public void fpuState(byte[] fxsave) {
        synchronized (engineLock) {
            attached().fpuState(fxsave);
        }
    }

    @Override
    public void descriptorTables(long gdtBase, int gdtLimit, long ldtBase, int ldtLimit) {
        synchronized (engineLock) {
            attached().descriptorTables(gdtBase, gdtLimit, ldtBase, ldtLimit);
        }
    }

    /**
     * Takes effect at the thread's next call, fault or block boundary: unicorn's asynchronous stop does
     * not leave a precise instruction pointer (it skips the sync when a stop was requested), so a thread
     * running guest code is never stopped from outside to be resumed later.
     */
    @Override
    public void suspend() {
        suspendRequested = true;
    }

    @Override
    public void resume() {
        synchronized (process) {
            suspendRequested = false;
            process.notifyAll();
        }
    }

    @Override
    public boolean suspended() {
        return suspendRequested;
    }

    /** Copies the CPU state of another thread of the same mode (fork, clone). */
    void copyStateFrom(KThread other) {
        long pc = other.get(Register.RIP);
        synchronized (other.engineLock) {
            Engine from = other.attached();
            engine.copyStateFrom(from);
            if (mode == CpuMode.X86_64) {
                engine.set(Register.FS_BASE, from.get(Register.FS_BASE));
                engine.set(Register.GS_BASE, from.get(Register.GS_BASE));
            }
        }
        engine.set(Register.RIP, pc);
    }

    @Override
    public Object providerState() {
        return providerState;
    }

    @Override
    public void providerState(Object state) {
        providerState = state;
    }

    @Override
    public void run() {
        try {
            while (!stopRequested) {
                runDeferred();
                if (stopRequested || !parkOutside()) {
                    break;
                }
                memoryGeneration = process.space().sync(engine, memoryGeneration);
                long pc = pendingPc != -1 ? pendingPc : engine.get(Register.RIP);
                pendingPc = -1;
                pendingFault = null;
                running = true;
                try {
                    if (stopRequested) {
                        break;
                    }
                    process.acquireCpu(this);
                    try {
                        // again, now that this thread holds the CPU: another thread may have unmapped meanwhile
                        memoryGeneration = process.space().sync(engine, memoryGeneration);
                        engine.run(pc);
                    } finally {
                        process.releaseCpu();
                    }
                } catch (EngineFault fault) {
                    running = false;
                    CpuException ex = pendingFault != null ? pendingFault
                            : new CpuException(Kind.OTHER, -1, engine.get(Register.RIP), Access.NONE,
                                    engine.get(Register.RIP));
                    if (!stopRequested) {
                        dispatchException(ex, fault.getMessage());
                    }
                } finally {
                    running = false;
                    if (engine != null) {
                        process.space().quiesce(engine);
                    }
                }
                if (outsideCallPending) {
                    outsideCallPending = false;
                    callOutside();
                } else if (outsideInterrupt >= 0) {
                    int vector = outsideInterrupt;
                    outsideInterrupt = -1;
                    long at = pendingPc;
                    inCall = true;
                    try {
                        dispatch(new CpuException(Kind.INTERRUPT, vector, at, Access.NONE, at), true);
                    } finally {
                        inCall = false;
                    }
                }
            }
        } catch (Throwable t) {
            kernel.log("pid " + process.pid() + " thread " + tid + ": kernel error: " + t);
            process.crash("kernel error: " + t);
        } finally {
            finalCpu = Math.max(0, CPU.getCurrentThreadCpuTime());
            synchronized (engineLock) {
                outside = false;
                if (engine != null) {
                    process.space().forget(engine);
                    engine.close();
                }
                if (saved != null) {
                    saved.close();
                    saved = null;
                }
            }
            process.threadEnded(this);
        }
    }

    private void runDeferred() {
        // actions a call deferred to its own thread continue that call: it is still "in call" (onSyscall left
        // inCallVolatile set), so no swap is between it and them; actions queued from other threads pass the
        // call gate like a new call
        continuing = inCallVolatile;
        try {
            while (!deferred.isEmpty() && !stopRequested) {
                if (!inCallVolatile) {
                    inCallVolatile = true;
                    if (process.parkRequested() || provider() == null) {
                        inCallVolatile = false;
                        if (!process.parkIfRequested(this)) {
                            return;
                        }
                        continue;
                    }
                }
                Deferred d = deferred.poll();
                if (d == null) {
                    break;
                }
                if (d.providerId() != process.providerId()) {
                    // queued by the provider that handed the process over: its closure knows the old state only
                    kernel.log("pid " + process.pid() + " thread " + tid + ": dropped an action deferred by the "
                            + "provider before a hot-swap (pending signals are delivered at the next call)");
                    continue;
                }
                inCall = true;
                try {
                    d.action().run();
                } catch (Throwable t) {
                    providerFailed("a deferred action", t);
                } finally {
                    inCall = false;
                }
            }
        } finally {
            continuing = false;
            synchronized (this) {
                inCallVolatile = false;
                if (parkInterrupted) {
                    Thread.interrupted();
                    parkInterrupted = false;
                }
            }
        }
    }

    /** The provider running this process now, or null while there is none. Never kept across calls. */
    private Provider provider() {
        ProviderRegistry.Entry e = kernel.registry().byId(process.providerId());
        return e == null ? null : e.provider();
    }

    /** Parks when a park is requested; the engine may be given back meanwhile. */
    private boolean parkOutside() {
        if (!process.parkRequested() && !suspendRequested) {
            return process.parkIfRequested(this);
        }
        beginOutside();
        try {
            return process.parkIfRequested(this);
        } finally {
            endOutside();
        }
    }

    /**
     * Whether a call runs outside the engine: calls that typically wait long (the kernel's
     * {@code engineReleaseCalls}), so that the engine can be given back while they wait.
     */
    private boolean runsOutside(long number) {
        if (!kernel.engineReleaseEnabled()) {
            return false;
        }
        long id = process.providerId();
        if (id != outsideCallsOf) {
            outsideCalls = kernel.outsideCalls(id);
            outsideCallsOf = id;
        }
        return number >= 0 && number < 4096 && outsideCalls != null && outsideCalls.get((int) number);
    }

    /**
     * A system call made after the engine's run returned (the syscall hook stopped it): the same as in
     * {@link #onSyscall}, but the engine can be given back while the provider waits.
     */
    private void callOutside() {
        inCallVolatile = true;
        Provider provider = process.parkRequested() || suspendRequested ? null : provider();
        if (provider == null) {
            // park first: the call runs again afterwards
            inCallVolatile = false;
            pendingPc = callRestartPc;
            return;
        }
        inCall = true;
        beginOutside();
        try {
            provider.systemCall(this);
        } catch (Throwable t) {
            providerFailed("system call", t);
        } finally {
            endOutside();
            if (callEnded() && !stopRequested) {
                set(Register.RAX, callNumber);
                pendingPc = callRestartPc;
            }
        }
    }

    @Override
    public void onSyscall() {
        long after = engine.get(Register.RIP);
        callRestartPc = after - 2;
        callNumber = engine.get(Register.RAX);
        if (runsOutside(callNumber)) {
            // leave the engine's run first; the run loop makes the call (callOutside)
            outsideCallPending = true;
            pendingPc = after;
            engine.stop();
            return;
        }
        // inside a call from here on; a park requested before this point is seen below, one requested after
        // it waits for the call (both flags are volatile: a parker sets its flag, then reads ours)
        inCallVolatile = true;
        Provider provider = process.parkRequested() || suspendRequested ? null : provider();
        if (provider == null) {
            // park first (hot-swap, suspension, or no provider): the call runs again afterwards
            inCallVolatile = false;
            pendingPc = callRestartPc;
            engine.stop();
            return;
        }
        inCall = true;
        process.releaseCpu();
        try {
            // inside the call the engine runs no guest code: it syncs again before it does (afterCall, run loop)
            memoryGeneration = process.space().syncQuiesced(engine, memoryGeneration);
            provider.systemCall(this);
        } catch (Throwable t) {
            providerFailed("system call", t);
        } finally {
            process.acquireCpu(this);
            if (callEnded()) {
                // undo its result and run it again under the next provider
                engine.set(Register.RAX, callNumber);
                pendingPc = callRestartPc;
            }
        }
        afterCall();
    }

    /**
     * Leaves a call (in the engine's hook or outside it): whether a park cut it short, so that its result is
     * undone and it runs again under the next provider.
     */
    private boolean callEnded() {
        inCall = false;
        synchronized (this) {
            // a call that deferred work to this thread (execve) is over only when that ran (runDeferred)
            inCallVolatile = !deferred.isEmpty() && !stopRequested;
            // A call that saw a park's interrupt (a blocking wait threw InterruptedException, which
            // clears the flag) was cut short; a call that finished first still has the flag set.
            boolean cutShort = parkInterrupted && !Thread.interrupted();
            parkInterrupted = false;
            return cutShort;
        }
    }

    private void afterCall() {
        if (!stopRequested) {
            // also before a stop: the engine may finish its block, and it must not do so with a stale mapping
            // whose host memory another thread's unmap may free once this engine counts as running again
            memoryGeneration = process.space().sync(engine, memoryGeneration);
        }
        if (stopRequested || pendingPc != -1 || !deferred.isEmpty() || process.parkRequested() || suspendRequested) {
            engine.stop();
        }
    }

    @Override
    public void onInterrupt(int vector) {
        long pc = engine.get(Register.RIP);
        if (vector >= 0x20 && mode != CpuMode.X86_64 && kernel.engineReleaseEnabled()) {
            // a software interrupt of a 32- or 16-bit personality (OS/2's API trap): like a call that may wait,
            // it is handled after the engine's run returned, so that a long wait can give the engine back
            outsideInterrupt = vector;
            pendingPc = pc;
            engine.stop();
            return;
        }
        Kind kind = switch (vector) {
            case 0 -> Kind.DIVIDE_ERROR;
            case 6 -> Kind.INVALID_INSTRUCTION;
            case 13 -> Kind.OTHER;
            default -> Kind.INTERRUPT;
        };
        inCall = true;
        try {
            dispatch(new CpuException(kind, vector, pc, Access.NONE, pc), false);
        } finally {
            inCall = false;
        }
        afterCall();
    }

    @Override
    public boolean onInvalidMemory(Kind kind, Access access, long address) {
        if (process.space().generation() != memoryGeneration) {
            memoryGeneration = process.space().sync(engine, memoryGeneration);
            if (process.space().isMapped(address, 1) && kind == Kind.UNMAPPED) {
                return true;
            }
        }
        long pc = engine.get(Register.RIP);
        pendingFault = new CpuException(kind, 14, address, access, pc);
        return false;
    }

    @Override
    public boolean onInvalidInstruction() {
        long pc = engine.get(Register.RIP);
        pendingFault = new CpuException(Kind.INVALID_INSTRUCTION, 6, pc, Access.NONE, pc);
        return false;
    }

    private void dispatchException(CpuException ex, String engineMessage) {
        kernel.trace(process, "fault: " + ex + " (" + engineMessage + ")");
        dispatch(ex, true);
        if (pendingPc == -1 && !stopRequested && ex.kind() != Kind.INTERRUPT) {
            // the provider resumed at the very instruction that faulted: it would fault again forever
            if (get(Register.RIP) == ex.pc()) {
                process.crash("provider resumed a faulting instruction: " + ex);
            }
        }
    }

    /** Hands a CPU exception to the provider; {@code outsideRun} when the engine's run has returned. */
    private void dispatch(CpuException ex, boolean outsideRun) {
        Provider provider;
        while ((provider = provider()) == null && !stopRequested) {
            // no provider now: wait (suspended) for one, the exception is then handled by it
            process.parkIfRequested(this);
        }
        if (provider == null) {
            return;
        }
        while (true) {
            inCallVolatile = true;
            if (!process.parkRequested() || stopRequested) {
                break;
            }
            // a hot-swap is parking the process: wait outside the call, then ask the (new) provider
            inCallVolatile = false;
            process.parkIfRequested(this);
            provider = provider();
            if (provider == null) {
                return;
            }
        }
        boolean held = process.holdsCpu();
        process.releaseCpu();
        process.space().quiesce(engine);
        if (outsideRun) {
            beginOutside();
        }
        try {
            provider.exception(this, ex);
        } catch (Throwable t) {
            providerFailed("CPU exception " + ex, t);
        } finally {
            if (outsideRun) {
                endOutside();
            }
            if (held) {
                process.acquireCpu(this);
            }
            boolean cutShort;
            synchronized (this) {
                inCallVolatile = !deferred.isEmpty() && !stopRequested;
                cutShort = parkInterrupted && !Thread.interrupted();
                parkInterrupted = false;
            }
            if (cutShort && ex.kind() == CpuException.Kind.INTERRUPT) {
                // a call made with `int N` (2 bytes) was cut short by a park: run it again afterwards
                pendingPc = ex.pc() - 2;
            }
        }
    }

    private void providerFailed(String what, Throwable t) {
        kernel.log("pid " + process.pid() + ": provider " + process.personality() + " failed handling " + what + ": "
                + t);
        process.crash("provider " + process.personality() + " failed: " + t);
    }

    @Override
    public String toString() {
        return "thread " + tid + " of pid " + process.pid();
    }
}
