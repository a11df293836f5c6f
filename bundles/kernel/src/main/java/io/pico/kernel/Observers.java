package io.pico.kernel;

import io.pico.api.CallEvent;
import io.pico.api.CallObserver;
import io.pico.api.ExitStatus;
import io.pico.api.Image;
import io.pico.api.ObserverInfo;
import io.pico.api.PicoProcess;
import io.pico.api.ProcessObserver;
import io.pico.api.VetoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The process and call observers, called in isolation: an observer that throws (a veto aside) or takes
 * longer than its time budget counts a fault, is logged, and after {@value #MAX_FAULTS} faults is no longer
 * called. The kernel and the guest carry on either way. Process observers run on a kernel thread of their
 * own while the caller waits: one that has not returned after {@link #HANG_NANOS} is disabled at once and
 * the process goes on without its answer (a hung observer cannot stop every process start or exit). Call
 * observers run on the guest's thread, as they are called for every call.
 */
final class Observers {

    /** How long one observer call may take. */
    static final long BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Faults after which an observer is disabled. */
    static final int MAX_FAULTS = 5;
    /** How long the kernel waits for a process observer before it disables it and goes on. */
    static final long HANG_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final java.util.concurrent.ExecutorService PROCESS_CALLS =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "pico-process-observer");
                t.setDaemon(true);
                return t;
            });

    /** An observer with its bookkeeping. */
    static final class Tracked<T> {
        final T observer;
        final String kind;
        final String bundle;
        final long id;
        final AtomicLong calls = new AtomicLong();
        final AtomicLong faults = new AtomicLong();
        volatile boolean disabled;

        Tracked(T observer, String kind, String bundle, long id) {
            this.observer = observer;
            this.kind = kind;
            this.bundle = bundle;
            this.id = id;
        }
    }

    private final KernelImpl kernel;
    private final List<Tracked<ProcessObserver>> processObservers = new CopyOnWriteArrayList<>();
    private final List<Tracked<CallObserver>> callObservers = new CopyOnWriteArrayList<>();

    Observers(KernelImpl kernel) {
        this.kernel = kernel;
    }

    void addProcessObserver(ProcessObserver o, String bundle, long id) {
        processObservers.add(new Tracked<>(o, "process", bundle, id));
    }

    void addCallObserver(CallObserver o, String bundle, long id) {
        callObservers.add(new Tracked<>(o, "call", bundle, id));
    }

    void remove(long id) {
        processObservers.removeIf(t -> t.id == id);
        callObservers.removeIf(t -> t.id == id);
    }

    boolean observingCalls() {
        return !callObservers.isEmpty();
    }

    private <T> void each(List<Tracked<T>> list, String what, Consumer<T> call) {
        for (Tracked<T> t : list) {
            if (t.disabled) {
                continue;
            }
            t.calls.incrementAndGet();
            long start = System.nanoTime();
            try {
                call.accept(t.observer);
            } catch (VetoException veto) {
                throw veto;
            } catch (Throwable e) {
                fault(t, what + " threw " + e);
                continue;
            }
            long took = System.nanoTime() - start;
            if (took > BUDGET_NANOS) {
                fault(t, what + " took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms, over its budget of "
                        + TimeUnit.NANOSECONDS.toMillis(BUDGET_NANOS) + " ms");
            }
        }
    }

    /**
     * Calls each process observer on an observer thread and waits for it (uninterruptibly: a signal to the
     * guest cannot cut a veto short) for at most {@link #HANG_NANOS}.
     */
    private void eachProcess(String what, boolean vetoable, Consumer<ProcessObserver> call) {
        for (Tracked<ProcessObserver> t : processObservers) {
            if (t.disabled) {
                continue;
            }
            t.calls.incrementAndGet();
            long start = System.nanoTime();
            java.util.concurrent.Future<?> f = PROCESS_CALLS.submit(() -> call.accept(t.observer));
            boolean interrupted = false;
            boolean faulted = false;
            try {
                while (true) {
                    long left = HANG_NANOS - (System.nanoTime() - start);
                    try {
                        f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (java.util.concurrent.TimeoutException e) {
                        f.cancel(true);
                        faulted = true;
                        t.disabled = true;
                        t.faults.incrementAndGet();
                        kernel.log(t.kind + " observer of " + t.bundle + ": " + what + " did not return within "
                                + TimeUnit.NANOSECONDS.toMillis(HANG_NANOS) + " ms; disabled, the process goes on");
                        break;
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (vetoable && e.getCause() instanceof VetoException veto) {
                            throw veto;
                        }
                        faulted = true;
                        fault(t, what + " threw " + e.getCause());
                        break;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            long took = System.nanoTime() - start;
            if (!faulted && took > BUDGET_NANOS) {
                fault(t, what + " took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms, over its budget of "
                        + TimeUnit.NANOSECONDS.toMillis(BUDGET_NANOS) + " ms");
            }
        }
    }

    private void fault(Tracked<?> t, String what) {
        long faults = t.faults.incrementAndGet();
        boolean disable = faults >= MAX_FAULTS;
        if (disable) {
            t.disabled = true;
        }
        kernel.log(t.kind + " observer of " + t.bundle + ": " + what + (disable ? "; disabled after " + faults
                + " faults" : ""));
    }

    /** @throws VetoException when an observer refuses the image */
    void starting(PicoProcess process, Image image, List<String> argv) {
        eachProcess("starting", true, o -> o.starting(process, image, argv));
    }

    void imageLoaded(PicoProcess process, String path, long base, long size) {
        eachProcess("imageLoaded", false, o -> o.imageLoaded(process, path, base, size));
    }

    void exited(PicoProcess process, ExitStatus status) {
        eachProcess("exited", false, o -> o.exited(process, status));
    }

    void before(CallEvent call) {
        each(callObservers, "before", o -> o.before(call));
    }

    void after(CallEvent call, long result) {
        each(callObservers, "after", o -> o.after(call, result));
    }

    List<ObserverInfo> describe() {
        List<ObserverInfo> result = new ArrayList<>();
        for (Tracked<?> t : processObservers) {
            result.add(new ObserverInfo(t.kind, t.bundle, t.calls.get(), t.faults.get(), t.disabled));
        }
        for (Tracked<?> t : callObservers) {
            result.add(new ObserverInfo(t.kind, t.bundle, t.calls.get(), t.faults.get(), t.disabled));
        }
        return result;
    }
}
