package io.pico.kernel;

import io.pico.api.CpuMode;
import io.pico.api.ExitStatus;
import io.pico.api.HandleTable;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.ProcessState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** A pico process: address space, threads, handles, exit status. Knows no personality. */
final class KProcess implements PicoProcess {

    private final KernelImpl kernel;
    private final int pid;
    private final int parentPid;
    private final String personality;
    private final Path root;
    private volatile PrintStream trace;
    private final KAddressSpace space = new KAddressSpace();
    private final KHandleTable handles = new KHandleTable();
    private final List<KThread> threads = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();
    private volatile List<String> command;
    private volatile ProcessState state = ProcessState.STARTING;
    private volatile ExitStatus status;
    private volatile Object providerState;
    private boolean firstThread = true;
    private boolean released;
    private int suspendedThreads;
    /** The service id of the provider that runs this process. */
    private volatile long providerId;
    /** Threads stop at their next call or block boundary and wait while this is set (hot-swap). */
    private volatile boolean parkRequested;
    /** State exported by a provider that left without a successor, waiting for the next one. */
    private volatile java.util.Map<String, Object> pendingState;
    private volatile int pendingVersion;
    /**
     * The process's CPU, for an engine whose {@code lock}-prefixed instructions are not atomic with respect to
     * each other ({@link io.pico.kernel.engine.EngineFactory#parallelThreads}: unicorn without pico's atomics
     * patch): the threads of a multi-threaded process then run guest code one at a time, handing over at every
     * call (not time-sliced: unicorn cannot stop an engine from outside and resume it at a precise instruction).
     * Otherwise, and for separate processes always, threads run in parallel.
     */
    private final java.util.concurrent.locks.ReentrantLock cpu = new java.util.concurrent.locks.ReentrantLock(true);
    private volatile boolean serialized;

    KProcess(KernelImpl kernel, int pid, int parentPid, String personality, List<String> command, Path root,
            PrintStream trace) {
        this.kernel = kernel;
        this.pid = pid;
        this.parentPid = parentPid;
        this.personality = personality;
        this.command = List.copyOf(command);
        this.root = root;
        this.trace = trace;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public int parentPid() {
        return parentPid;
    }

    @Override
    public String personality() {
        return personality;
    }

    @Override
    public ProcessState state() {
        ProcessState s = state;
        if (s == ProcessState.RUNNING && pendingState != null && kernel.registry().byId(providerId) == null) {
            // its provider left without a successor: every thread waits at its next call for one
            return ProcessState.SUSPENDED;
        }
        return s;
    }

    @Override
    public Optional<String> provider() {
        ProviderRegistry.Entry e = kernel.registry().byId(providerId);
        return e == null ? Optional.empty() : Optional.of(e.bundle() + " " + e.version());
    }

    long providerId() {
        return providerId;
    }

    void providerId(long id) {
        providerId = id;
    }

    boolean parkRequested() {
        return parkRequested;
    }

    /** Asks every thread to park, or lets parked threads go on. */
    void requestPark(boolean park) {
        synchronized (this) {
            parkRequested = park;
            notifyAll();
        }

    }

    /**
     * Called by a thread at a block boundary: waits while a park is requested or no provider runs this
     * process; returns false when the thread should end instead.
     */
    boolean parkIfRequested(KThread t) {
        if (!parkRequested && !t.suspended() && kernel.registry().byId(providerId) != null) {
            return true;
        }
        boolean suspended = false;
        synchronized (this) {
            t.parked(true);
            notifyAll();
            try {
                while (!t.stopRequested()
                        && (parkRequested || t.suspended() || kernel.registry().byId(providerId) == null)) {
                    if (!parkRequested && !suspended) {
                        suspended = true;
                        suspended();
                    }
                    try {
                        wait(100);
                    } catch (InterruptedException e) {
                        // a signal or stop request: the loop condition decides
                    }
                }
            } finally {
                t.parked(false);
                if (suspended) {
                    resumed();
                }
            }
        }
        return !t.stopRequested();
    }

    /** Takes the process's CPU before running guest code (multi-threaded processes only). */
    void acquireCpu(KThread t) {
        if (!serialized) {
            return;
        }
        cpu.lock();
    }

    /** Whether the calling thread holds the process's CPU. */
    boolean holdsCpu() {
        return cpu.isHeldByCurrentThread();
    }

    /** Gives the CPU back (after guest code ran, or while a call is handled). */
    void releaseCpu() {
        if (cpu.isHeldByCurrentThread()) {
            cpu.unlock();
        }
    }

    /**
     * Whether no thread is inside a call now: threads running guest code need not stop (they hold no
     * personality state and wait at their next call); threads inside a call must leave it or park.
     */
    synchronized boolean allParked() {
        for (KThread t : threads) {
            if (t.started() && t.alive() && !t.isParked() && t.inCall()) {
                return false;
            }
        }
        return true;
    }

    java.util.Map<String, Object> pendingState() {
        return pendingState;
    }

    int pendingVersion() {
        return pendingVersion;
    }

    void pendingState(java.util.Map<String, Object> state, int version) {
        pendingState = state;
        pendingVersion = version;
    }

    @Override
    public List<String> command() {
        return command;
    }

    @Override
    public void command(List<String> command) {
        this.command = List.copyOf(command);
    }

    @Override
    public KAddressSpace memory() {
        return space;
    }

    KAddressSpace space() {
        return space;
    }

    @Override
    public List<PicoThread> threads() {
        return List.copyOf(threads);
    }

    @Override
    public synchronized PicoThread createThread(CpuMode mode) {
        if (status != null) {
            throw new IllegalStateException("process " + pid + " has ended");
        }
        if (threads.size() >= kernel.limits().maxThreads()) {
            throw new io.pico.api.ResourceLimitException("process " + pid + " has " + threads.size()
                    + " threads, the limit (pico.max.threads)");
        }
        if (!threads.isEmpty() && !kernel.engines().parallelThreads()) {
            serialized = true;
        }
        int tid = firstThread ? pid : kernel.nextId();
        firstThread = false;
        KThread t = new KThread(kernel, this, tid, mode);
        threads.add(t);
        if (state == ProcessState.STARTING) {
            state = ProcessState.RUNNING;
        }
        return t;
    }

    @Override
    public PicoThread cloneThread(PicoThread template) {
        KThread t = (KThread) createThread(template.mode());
        t.copyStateFrom((KThread) template);
        return t;
    }

    @Override
    public PicoProcess fork(PicoThread caller) {
        if (status != null) {
            throw new IllegalStateException("process " + pid + " has ended: no fork");
        }
        KProcess child = kernel.newProcess(personality, pid, command, root, trace);
        child.providerId = providerId;
        try {
            kernel.observerRegistry().starting(child, null, command);
            space.copyInto(child.space);
            handles.copyInto(child.handles);
            KThread t = (KThread) child.createThread(caller.mode());
            t.copyStateFrom((KThread) caller);
            if (status != null) {
                // killed while forking: whoever ended this process has seen the child in the table or must
                // not find it alive later (a fork bomb killed process by process would otherwise regrow)
                throw new IllegalStateException("process " + pid + " ended while forking");
            }
            return child;
        } catch (RuntimeException e) {
            child.exit(new ExitStatus(0, 9, "fork failed: " + e));
            for (KThread t : child.threads) {
                if (!t.started()) {
                    t.start(); // it ends at once (stop requested): its engine and the child's memory are released
                }
            }
            kernel.reap(child.pid());
            throw e;
        }
    }

    @Override
    public HandleTable handles() {
        return handles;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Optional<PrintStream> trace() {
        return Optional.ofNullable(trace);
    }

    @Override
    public void trace(PrintStream out) {
        trace = out;
    }

    @Override
    public Object providerState() {
        return providerState;
    }

    @Override
    public void providerState(Object state) {
        providerState = state;
    }

    /** Nanoseconds since the process was created. */
    long ageNanos() {
        return System.nanoTime() - startNanos;
    }

    @Override
    public void exit(ExitStatus exitStatus) {
        synchronized (this) {
            if (status != null) {
                return;
            }
            status = exitStatus;
            state = ProcessState.EXITED;
        }
        for (KThread t : threads) {
            t.requestStop();
        }
        space.writeBackShared(); // as Linux's exit: a parent that waits reads the file's new bytes
        kernel.processEnded(this);
        ended.countDown();
        if (threads.isEmpty()) {
            releaseResources();
        } else {
            kernel.ensureStopped(this);
        }
    }

    /** Ends the process because the kernel or its provider failed; the reason goes to the runtime log. */
    void crash(String reason) {
        exit(new ExitStatus(0, 9, reason));
    }

    private final java.util.concurrent.atomic.AtomicLong endedCpu = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public long cpuNanos() {
        long sum = endedCpu.get();
        for (KThread t : threads) {
            sum += t.cpuNanos();
        }
        return sum;
    }

    /** A thread has left its run loop. */
    void threadEnded(KThread t) {
        endedCpu.addAndGet(t.cpuNanos());
        threads.remove(t);
        kernel.threadEnded(t);
        if (threads.isEmpty()) {
            if (status == null) {
                exit(ExitStatus.exited(0));
            }
            releaseResources();
        }
    }

    private void releaseResources() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        handles.closeAll();
        space.release();
    }

    synchronized void suspended() {
        if (suspendedThreads++ == 0 && state == ProcessState.RUNNING) {
            state = ProcessState.SUSPENDED;
        }
    }

    synchronized void resumed() {
        if (--suspendedThreads == 0 && state == ProcessState.SUSPENDED) {
            state = ProcessState.RUNNING;
        }
    }

    @Override
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(status);
    }

    @Override
    public ExitStatus waitFor() throws InterruptedException {
        ended.await();
        return status;
    }

    /** The kernel threads, for the kernel's own bookkeeping. */
    List<KThread> kthreads() {
        return threads;
    }

    @Override
    public String toString() {
        return "pid " + pid + " (" + personality + ") " + String.join(" ", command);
    }
}
