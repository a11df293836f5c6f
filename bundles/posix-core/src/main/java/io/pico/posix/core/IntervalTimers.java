package io.pico.posix.core;

import io.pico.api.AddressSpace;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The interval timers of a process as Unix personalities share them (Linux's alarm(2), setitimer(2),
 * getitimer(2); FreeBSD's setitimer(2), getitimer(2)): ITIMER_REAL on the core's timer thread, ITIMER_VIRTUAL
 * and ITIMER_PROF from the process's CPU time ({@link PicoProcess#cpuNanos()}, both count it), checked every
 * 10 ms. Each sends its signal (SIGALRM, SIGVTALRM, SIGPROF, by name in the process's numbering) as the kernel
 * does ({@link SigInfo#kernel}: SI_KERNEL, which each personality lays out its own way). The timers survive
 * execve, a forked child starts without them, they end with the process ({@link PosixProcess#ended}) and hot-swap
 * snapshots carry them ({@link #export}, {@link #restore}). The rows read and write their ABI's struct itimerval
 * and check its numbers.
 *
 * @since 2.4
 */
public final class IntervalTimers {

    /** The timer of real time: SIGALRM. */
    public static final int REAL = 0;
    /** The timer of the process's CPU time (user time on Unix): SIGVTALRM. */
    public static final int VIRTUAL = 1;
    /** The timer of the process's CPU time (user and system time on Unix): SIGPROF. */
    public static final int PROF = 2;

    private static final String[] SIGNALS = {"ALRM", "VTALRM", "PROF"};
    private static final long CPU_CHECK_MILLIS = 10;

    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pico-posix-timers");
        t.setDaemon(true);
        return t;
    });

    /**
     * A timer's setting: the time until it fires ({@code value}, 0 when off) and the period after that
     * ({@code interval}, 0 for once), in nanoseconds.
     */
    public record Value(long interval, long value) {
        /** A timer that is off. */
        public static final Value OFF = new Value(0, 0);
    }

    private final PosixProcess state;
    private Future<?> real;
    private long realDue;
    private long realInterval;
    /** ITIMER_VIRTUAL and ITIMER_PROF: {due process CPU nanoseconds, interval}, 0 when off. */
    private final long[][] cpu = new long[2][2];
    private Future<?> cpuTask;

    IntervalTimers(PosixProcess state) {
        this.state = state;
    }

    /** Schedules a task on the core's timer thread after the delay; the future cancels it. */
    static Future<?> schedule(Runnable task, long nanos) {
        return TIMERS.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    /** Schedules a task on the core's timer thread after {@code first} nanoseconds, then every {@code period}. */
    static Future<?> scheduleEvery(Runnable task, long first, long period) {
        return TIMERS.scheduleAtFixedRate(task, first, period, TimeUnit.NANOSECONDS);
    }

    /** Sends the timer's signal as the kernel, unless the process has ended. */
    private void fire(Kernel kernel, int which) {
        PicoProcess p = state.process();
        if (p.exitStatus().isEmpty()) {
            state.raise(kernel, SigInfo.kernel(state.abi().signals().number(SIGNALS[which])), null);
        }
    }

    private static void check(int which) {
        if (which < REAL || which > PROF) {
            throw Errno.EINVAL.error();
        }
    }

    /**
     * getitimer(2): the timer now; a running timer never reads as expired (at least 1 ns of real time, 1 us of
     * CPU time).
     *
     * @throws SysError EINVAL for an unknown timer
     */
    public synchronized Value get(int which) {
        check(which);
        if (which == REAL) {
            boolean off = real == null || real.isCancelled() || (real.isDone() && realInterval == 0);
            return new Value(realInterval, off ? 0 : Math.max(1, realDue - System.nanoTime()));
        }
        long[] t = cpu[which - 1];
        return new Value(t[1], t[0] == 0 ? 0 : Math.max(1000, t[0] - state.process().cpuNanos()));
    }

    /**
     * setitimer(2): replaces the timer (a value of 0 turns it off; an interval of 0 makes it fire once) and returns
     * the old setting.
     *
     * @throws SysError EINVAL for an unknown timer
     */
    public synchronized Value set(Kernel kernel, int which, Value v) {
        Value old = get(which);
        long value = Math.max(0, v.value());
        long interval = value == 0 ? 0 : Math.max(0, v.interval());
        if (which == REAL) {
            if (real != null) {
                real.cancel(false);
            }
            real = null;
            realDue = System.nanoTime() + value;
            realInterval = interval;
            if (value != 0) {
                real = interval == 0 ? schedule(() -> fire(kernel, REAL), value) : scheduleEvery(() -> {
                    synchronized (this) {
                        realDue = System.nanoTime() + interval;
                    }
                    fire(kernel, REAL);
                }, value, interval);
            }
            return old;
        }
        long[] t = cpu[which - 1];
        t[0] = value == 0 ? 0 : state.process().cpuNanos() + value;
        t[1] = interval;
        startCpuCheck(kernel);
        return old;
    }

    /**
     * alarm(2): ITIMER_REAL once after {@code seconds} (0 cancels it); returns the nanoseconds the old ITIMER_REAL
     * had left, which each ABI rounds to seconds its own way.
     */
    public Value alarm(Kernel kernel, long seconds) {
        return set(kernel, REAL, new Value(0, TimeUnit.SECONDS.toNanos(seconds)));
    }

    /** (Re)starts the check of the CPU-time timers every 10 ms, or stops it when both are off. */
    private void startCpuCheck(Kernel kernel) {
        if (cpuTask != null) {
            cpuTask.cancel(false);
            cpuTask = null;
        }
        if (cpu[0][0] != 0 || cpu[1][0] != 0) {
            long period = TimeUnit.MILLISECONDS.toNanos(CPU_CHECK_MILLIS);
            cpuTask = scheduleEvery(() -> checkCpu(kernel), period, period);
        }
    }

    /** Fires the CPU-time timers that are due. */
    private void checkCpu(Kernel kernel) {
        PicoProcess p = state.process();
        if (p.exitStatus().isPresent()) {
            throw new IllegalStateException("ended"); // stops the periodic task
        }
        long now = p.cpuNanos();
        for (int i = 0; i < 2; i++) {
            boolean due;
            synchronized (this) {
                long[] t = cpu[i];
                due = t[0] != 0 && now >= t[0];
                if (due) {
                    t[0] = t[1] == 0 ? 0 : now + t[1];
                }
            }
            if (due) {
                fire(kernel, i + 1);
            }
        }
    }

    /** Stops every timer (the process ended). */
    public synchronized void cancel() {
        if (real != null) {
            real.cancel(false);
        }
        real = null;
        realInterval = 0;
        if (cpuTask != null) {
            cpuTask.cancel(false);
        }
        cpuTask = null;
    }

    /** Replaces ITIMER_REAL by a task scheduled elsewhere (the deprecated {@link PosixProcess#alarm}). */
    synchronized long replaceReal(Future<?> next, long dueNanos) {
        long left = get(REAL).value();
        if (real != null) {
            real.cancel(false);
        }
        real = next;
        realDue = dueNanos;
        realInterval = 0;
        return left;
    }

    /**
     * Writes the timers into a snapshot and stops them (the successor schedules them again): {@code alarmNanos}
     * (ITIMER_REAL's time left), {@code realTimerInterval}, {@code cpuTimers} (due CPU time and interval of
     * ITIMER_VIRTUAL and ITIMER_PROF), the keys Linux's snapshots always had.
     */
    public synchronized void export(Map<String, Object> m) {
        Value r = get(REAL);
        m.put("alarmNanos", r.value());
        m.put("realTimerInterval", r.interval());
        m.put("cpuTimers", List.of(cpu[0][0], cpu[0][1], cpu[1][0], cpu[1][1]));
        cancel();
    }

    /** Starts the timers of a snapshot ({@link #export}; missing keys leave a timer off). */
    public synchronized void restore(Kernel kernel, Map<String, Object> m) {
        if (m.get("cpuTimers") instanceof List<?> ct && ct.size() == 4) {
            for (int i = 0; i < 4; i++) {
                cpu[i / 2][i % 2] = ((Number) ct.get(i)).longValue();
            }
            startCpuCheck(kernel);
        }
        long left = m.get("alarmNanos") instanceof Number n ? n.longValue() : 0;
        if (left > 0) {
            long interval = m.get("realTimerInterval") instanceof Number n ? n.longValue() : 0;
            set(kernel, REAL, new Value(interval, left));
        }
    }

    /**
     * Writes a struct itimerval (it_interval, it_value: two struct timevals of 64-bit fields, Linux's and FreeBSD's
     * amd64 layout); a running timer's value is rounded up to a microsecond, so that it never reads as expired.
     */
    public static void write(AddressSpace mem, long address, Value v) {
        Clock.putTimeval(mem, address, v.interval() / 1000 * 1000);
        Clock.putTimeval(mem, address + 16, (v.value() + 999) / 1000 * 1000);
    }

    /** Reads a struct itimerval; EINVAL when a timeval is negative or malformed. */
    public static Value read(AddressSpace mem, long address) {
        return new Value(Clock.getTimeval(mem, address), Clock.getTimeval(mem, address + 16));
    }
}
