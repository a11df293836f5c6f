package io.pico.kernel;

import io.pico.api.PicoThread;
import io.pico.api.Provider;
import io.pico.api.SwapReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Hot-swap: parks every thread of a set of processes at a block or call boundary, hands each process's
 * personality state from the provider that runs it to another and lets the threads go on. Kernel state
 * (engines, memory, registers, handles) never moves, so the pause is short.
 */
final class Swapper {

    /** How long resumed threads have to leave their park before the pause is taken anyway. */
    private static final long RESUME_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final KernelImpl kernel;
    /**
     * Held for writing while provider state changes hands; callers into a provider from outside a guest
     * thread (signals from the shell, exit notifications) hold it for reading, so that they never see a
     * process between two providers.
     */
    private final ReentrantReadWriteLock handOverLock = new ReentrantReadWriteLock();
    /** Held by a swap, a leaving and an arriving provider: they park and resume the same threads. */
    private final Object swapping = new Object();

    Swapper(KernelImpl kernel) {
        this.kernel = kernel;
    }

    /** The lock a caller into a process's provider from outside its threads holds while it calls. */
    Lock providerCalls() {
        return handOverLock.readLock();
    }

    /** Parks every thread of the processes; false (and nothing parked) when that took too long. */
    boolean park(List<KProcess> processes, long timeoutNanos) {
        processes.forEach(p -> p.requestPark(true));
        Set<KProcess> set = new java.util.HashSet<>(processes);
        long start = System.nanoTime();
        while (true) {
            boolean all = true;
            List<KThread> candidates = new ArrayList<>();
            for (KProcess p : processes) {
                // a child made by a call still in progress belongs to that call: a vfork parent waits inside
                // its call for the child's execve, so the child is parked only once the parent is out
                boolean hold = parentInCall(p, set);
                if (hold != !p.parkRequested()) {
                    p.requestPark(!hold);
                }
                if (hold) {
                    all = false;
                    continue;
                }
                if (p.allParked()) {
                    continue;
                }
                all = false;
                for (KThread t : p.kthreads()) {
                    if (t.parkCandidate() != -1) {
                        candidates.add(t);
                    }
                }
            }
            interruptWaiting(candidates);
            if (all) {
                return true;
            }
            if (System.nanoTime() - start > timeoutNanos) {
                processes.forEach(p -> p.requestPark(false));
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Interrupts the threads blocked in an interruptible wait inside their call (their calls are made again
     * after the swap); one that computes, does host I/O or waits for a lock finishes its call first. The
     * stacks of all candidates are sampled in one go (one stack walk each would cost a handshake each).
     */
    private static void interruptWaiting(List<KThread> candidates) {
        if (candidates.isEmpty()) {
            return;
        }
        long[] ids = candidates.stream().mapToLong(KThread::parkCandidate).filter(id -> id > 0).toArray();
        java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids, 8);
        Map<Long, KThread> byId = new HashMap<>();
        candidates.forEach(t -> byId.put(t.hostId(), t));
        for (java.lang.management.ThreadInfo info : infos) {
            KThread t = info == null ? null : byId.get(info.getThreadId());
            if (t != null && KThread.interruptible(info.getStackTrace())) {
                t.interruptForPark();
            }
        }
    }

    /** Whether the process's parent is one of the processes and has a thread inside a call. */
    private boolean parentInCall(KProcess p, Set<KProcess> processes) {
        KProcess parent = kernel.kprocess(p.parentPid());
        if (parent == null || parent == p || !processes.contains(parent)) {
            return false;
        }
        for (KThread t : parent.kthreads()) {
            if (t.started() && t.alive() && !t.isParked() && t.inCall()) {
                return true;
            }
        }
        return false;
    }

    /** Lets parked threads go on. */
    void resume(List<KProcess> processes) {
        processes.forEach(p -> p.requestPark(false));
    }

    /**
     * Lets parked threads go on and waits (a second at most) until every one has left its park, so that
     * the pause measured ends when the processes run again, not when they were told to.
     */
    void resumeAndAwait(List<KProcess> processes) {
        resume(processes);
        long deadline = System.nanoTime() + RESUME_WAIT_NANOS;
        for (KProcess p : processes) {
            for (KThread t : p.kthreads()) {
                while (t.isParked() && !t.stopRequested() && t.alive() && System.nanoTime() < deadline
                        && kernel.registry().byId(p.providerId()) != null && !t.suspended()) {
                    Thread.onSpinWait();
                    LockSupport.parkNanos(20_000);
                }
            }
        }
    }

    /**
     * Hands the processes (all parked) to the target provider. The source of each process's state is its
     * pending snapshot if it has one, else the given old provider. On any failure every process keeps
     * (or gets back) its previous provider state and the exception says why.
     */
    void handOver(List<KProcess> processes, Map<KProcess, Provider> oldProviders, ProviderRegistry.Entry target) {
        handOverLock.writeLock().lock();
        try {
            handOverLocked(processes, oldProviders, target);
        } finally {
            handOverLock.writeLock().unlock();
        }
    }

    private void handOverLocked(List<KProcess> processes, Map<KProcess, Provider> oldProviders,
            ProviderRegistry.Entry target) {
        Map<KProcess, Object> savedProcess = new HashMap<>();
        Map<PicoThread, Object> savedThreads = new HashMap<>();
        List<KProcess> done = new ArrayList<>();
        try {
            for (KProcess p : processes) {
                savedProcess.put(p, p.providerState());
                p.kthreads().forEach(t -> savedThreads.put(t, t.providerState()));
                try {
                    Map<String, Object> state = p.pendingState();
                    int version = p.pendingVersion();
                    if (state == null) {
                        Provider old = oldProviders.get(p);
                        state = old.exportState(p);
                        version = old.stateVersion();
                    }
                    p.providerState(null);
                    p.kthreads().forEach(t -> t.providerState(null));
                    target.provider().importState(p, version, state);
                    done.add(p);
                } catch (RuntimeException | Error e) {
                    if (p.exitStatus().isEmpty()) {
                        throw e;
                    }
                    // an ended process (kept for its parent's wait) that a provider cannot take: it stays with
                    // the provider it had, the live processes go on
                    p.providerState(savedProcess.remove(p));
                    kernel.log("pid " + p.pid() + " (ended, not yet waited for) stays with its provider: " + target.bundle()
                            + " " + target.version() + " did not take it: " + e);
                }
            }
        } catch (RuntimeException | Error e) {
            for (KProcess p : processes) {
                if (savedProcess.containsKey(p)) {
                    p.providerState(savedProcess.get(p));
                }
                p.kthreads().forEach(t -> {
                    if (savedThreads.containsKey(t)) {
                        t.providerState(savedThreads.get(t));
                    }
                });
            }
            throw new IllegalStateException(target.bundle() + " " + target.version() + " refused the state: " + e, e);
        }
        for (KProcess p : done) {
            p.providerId(target.serviceId());
            p.pendingState(null, 0);
        }
    }

    /** Swaps every live process of the personality that another provider runs to the current provider. */
    SwapReport swap(String personality, long timeoutMillis) {
        // one swap at a time: a second one would let the first one's parked threads go (or the reverse)
        synchronized (swapping) {
            return swapOnce(personality, timeoutMillis);
        }
    }

    private SwapReport swapOnce(String personality, long timeoutMillis) {
        long start = System.nanoTime();
        ProviderRegistry.Entry target = kernel.registry().current(personality)
                .orElseThrow(() -> new IllegalStateException("no provider for " + personality));
        List<KProcess> processes = new ArrayList<>();
        Map<KProcess, Provider> old = new HashMap<>();
        Set<String> from = new LinkedHashSet<>();
        String to = target.bundle() + " " + target.version();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        // parking may let a fork finish: its child runs under the old provider too, so collect until stable
        while (true) {
            List<KProcess> more = collect(personality, target, processes, old, from);
            if (more.isEmpty()) {
                break;
            }
            processes.addAll(more);
            if (!park(processes, Math.max(0, deadline - System.nanoTime()))) {
                throw new IllegalStateException("rolled back: the threads of " + personality
                        + " did not park within " + timeoutMillis + " ms");
            }
        }
        if (processes.isEmpty()) {
            return new SwapReport(personality, "", to, 0, System.nanoTime() - start);
        }
        long parked = System.nanoTime();
        try {
            handOver(processes, old, target);
        } catch (IllegalStateException e) {
            resume(processes);
            throw new IllegalStateException("rolled back: " + e.getMessage(), e);
        }
        long handedOver = System.nanoTime();
        resumeAndAwait(processes);
        long end = System.nanoTime();
        long pause = end - start;
        kernel.log("swapped " + processes.size() + " " + personality + " processes to " + to + " in "
                + TimeUnit.NANOSECONDS.toMicros(pause) + " us (park " + TimeUnit.NANOSECONDS.toMicros(parked - start)
                + ", hand-over " + TimeUnit.NANOSECONDS.toMicros(handedOver - parked) + ", resume "
                + TimeUnit.NANOSECONDS.toMicros(end - handedOver) + ")");
        return new SwapReport(personality, String.join(", ", from), to, processes.size(), pause);
    }

    /** The live processes of the personality not yet in the list that another provider than the target runs. */
    private List<KProcess> collect(String personality, ProviderRegistry.Entry target, List<KProcess> have,
            Map<KProcess, Provider> old, Set<String> from) {
        List<KProcess> more = new ArrayList<>();
        for (KProcess p : kernel.kprocesses()) {
            // ended processes not yet reaped too: their parent still waits for them through their state
            if (p.personality().equals(personality) && p.providerId() != target.serviceId() && !have.contains(p)) {
                ProviderRegistry.Entry e = kernel.registry().byId(p.providerId());
                if (e != null) {
                    old.put(p, e.provider());
                    from.add(e.bundle() + " " + e.version());
                } else if (p.pendingState() == null) {
                    continue; // still starting or already gone: nothing to hand over
                }
                more.add(p);
            }
        }
        return more;
    }

    /**
     * A provider is leaving: its processes go to the personality's next provider if there is one, else
     * they stay parked with their state exported until a provider comes.
     */
    void leaving(ProviderRegistry.Entry leaving) {
        synchronized (swapping) {
            leavingOnce(leaving);
        }
    }

    private void leavingOnce(ProviderRegistry.Entry leaving) {
        List<KProcess> processes = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // as in a swap: a fork that finishes while parking leaves a child the leaving provider runs too
        while (true) {
            List<KProcess> more = new ArrayList<>();
            for (KProcess p : kernel.kprocesses()) {
                if (p.providerId() == leaving.serviceId() && !processes.contains(p)) {
                    more.add(p);
                }
            }
            if (more.isEmpty()) {
                break;
            }
            processes.addAll(more);
            if (!park(processes, Math.max(0, deadline - System.nanoTime()))) {
                kernel.log("provider " + leaving.bundle() + " left while threads were still inside it; exporting anyway");
                processes.forEach(p -> p.requestPark(true));
                break;
            }
        }
        if (processes.isEmpty()) {
            return;
        }
        handOverLock.writeLock().lock();
        try {
            for (KProcess p : processes) {
                try {
                    p.pendingState(leaving.provider().exportState(p), leaving.provider().stateVersion());
                } catch (RuntimeException e) {
                    kernel.log("provider " + leaving.bundle() + " could not export pid " + p.pid() + ": " + e);
                    p.crash("provider " + leaving.bundle() + " left without handing the process over: " + e);
                }
            }
            // from here on the processes have no provider until the next one takes them
            kernel.registry().remove(leaving.serviceId());
        } finally {
            handOverLock.writeLock().unlock();
        }
        // another provider of the personality (one that shadowed it, or a successor started first) takes over
        // at once; without one the threads stay parked: parkIfRequested waits while the process has no provider
        ProviderRegistry.Entry next = kernel.registry().current(leaving.personality()).orElse(null);
        if (next != null) {
            List<KProcess> waiting = processes.stream().filter(p -> p.pendingState() != null).toList();
            try {
                handOver(waiting, Map.of(), next);
                kernel.log("provider " + leaving.bundle() + " " + leaving.version() + " left; " + next.bundle() + " "
                        + next.version() + " took over " + waiting.size() + " " + leaving.personality() + " processes");
            } catch (IllegalStateException e) {
                kernel.log(e.getMessage() + "; the processes stay suspended until a provider takes them");
            }
        }
        resume(processes);
    }

    /** A provider arrived: it takes over the processes of its personality that wait with exported state. */
    void arrived(ProviderRegistry.Entry entry) {
        synchronized (swapping) {
            arrivedOnce(entry);
        }
    }

    private void arrivedOnce(ProviderRegistry.Entry entry) {
        List<KProcess> waiting = new ArrayList<>();
        for (KProcess p : kernel.kprocesses()) {
            if (p.personality().equals(entry.personality()) && p.pendingState() != null
                    && kernel.registry().byId(p.providerId()) == null) {
                waiting.add(p);
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        try {
            handOver(waiting, Map.of(), entry);
            kernel.log("provider " + entry.bundle() + " " + entry.version() + " took over " + waiting.size() + " "
                    + entry.personality() + " processes");
        } catch (IllegalStateException e) {
            kernel.log(e.getMessage() + "; the processes stay suspended");
        }
        waiting.forEach(p -> p.requestPark(false));
    }
}
