package io.pico.posix.core.sys;

import io.pico.api.CallEvent;
import io.pico.api.CallInfo;
import io.pico.api.Kernel;
import io.pico.api.MemoryFault;
import io.pico.api.MemoryLimitException;
import io.pico.api.PicoThread;
import io.pico.api.ResourceLimitException;
import io.pico.api.Support;
import io.pico.posix.core.Abi;
import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.SysError;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A system call table as data: one {@link Syscall} row per number, filled by a personality's handler families;
 * named numbers without a handler are MISSING rows that fail with ENOSYS (logged once per process in the
 * runtime log, never on the guest's output). Dispatch reads the call with the personality's
 * {@link Convention}, runs the handler, maps failures to the personality's error numbers, writes the outcome,
 * prints the trace line when the process is traced, reports to call observers, and lets the personality's
 * {@link CallHooks} deliver pending signals. Linux and FreeBSD dispatch through this one table type.
 *
 * @param <C> the call type the personality's handlers take
 */
public final class SyscallTable<C extends Call> {

    private final Abi abi;
    private final Convention convention;
    private final IntFunction<String> names;
    private final Syscall[] rows;
    private final Strace strace;
    private final CallHooks<C> hooks;

    /**
     * An empty table for numbers {@code 0..size-1}, whose names come from {@code names} (null for unused
     * numbers), with the core's {@link CallHooks#PLAIN} hooks: its handlers take the core's {@link Call}.
     */
    @SuppressWarnings("unchecked")
    public SyscallTable(Abi abi, Convention convention, int size, IntFunction<String> names, ArgFormat format) {
        this(abi, convention, size, names, format, (CallHooks<C>) CallHooks.PLAIN);
    }

    /** An empty table whose calls are made and surrounded by the personality's {@code hooks}. */
    public SyscallTable(Abi abi, Convention convention, int size, IntFunction<String> names, ArgFormat format,
            CallHooks<C> hooks) {
        this.abi = abi;
        this.convention = convention;
        this.names = names;
        this.rows = new Syscall[size];
        this.strace = new Strace(abi, format);
        this.hooks = hooks;
    }

    /** The personality's numbers. */
    public Abi abi() {
        return abi;
    }

    /** The trace formatter. */
    public Strace strace() {
        return strace;
    }

    /** Adds a row; the name comes from the number. */
    public void add(int nr, String args, Handler<? super C> handler, Support support, String note) {
        String name = nr >= 0 && nr < rows.length ? names.apply(nr) : null;
        if (name == null || rows[nr] != null) {
            throw new IllegalStateException("bad or duplicate system call number " + nr);
        }
        rows[nr] = new Syscall(nr, name, args, handler, support, note);
    }

    /** Adds a fully supported row. */
    public void full(int nr, String args, Handler<? super C> handler) {
        add(nr, args, handler, Support.FULL, "");
    }

    /** Adds a partially supported row with a note saying what is covered. */
    public void partial(int nr, String args, Handler<? super C> handler, String note) {
        add(nr, args, handler, Support.PARTIAL, note);
    }

    /** Adds a missing row with a note (why it is missing). */
    public void missing(int nr, String note) {
        add(nr, "", null, Support.MISSING, note);
    }

    /** Makes every named number without a row a MISSING row; call after the families registered. */
    public void complete() {
        for (int nr = 0; nr < rows.length; nr++) {
            String name = names.apply(nr);
            if (rows[nr] == null && name != null) {
                rows[nr] = new Syscall(nr, name, "", null, Support.MISSING, "");
            }
        }
    }

    /** The row of a number, or null when the number has no name. */
    public Syscall get(long nr) {
        return nr >= 0 && nr < rows.length ? rows[(int) nr] : null;
    }

    /** The table as the kernel's support matrix wants it. */
    public List<CallInfo> calls() {
        List<CallInfo> result = new ArrayList<>();
        for (Syscall s : rows) {
            if (s != null) {
                result.add(new CallInfo("syscall", s.number(), s.name(), s.support(), s.note()));
            }
        }
        return result;
    }

    /** Runs the system call the thread trapped with and writes its outcome. */
    public void dispatch(Kernel kernel, PicoThread thread, PosixProcess state) {
        long nr = convention.number(thread);
        Syscall sc = get(nr);
        long[] args = new long[6];
        convention.args(thread, sc == null || sc.handler() == null ? 0 : sc.arity(), args);
        run(kernel, thread, state, convention, nr, sc, args, "");
    }

    /**
     * Runs call {@code nr} of this table with arguments the caller read, writing the outcome with another
     * convention: for a second entry into the same handlers, such as Linux's {@code int 0x80} from 64-bit code
     * (i386 numbers mapped onto this table's, 32-bit results). Traces are prefixed with {@code prefix}; such
     * calls are never restarted after a signal handler.
     */
    public void dispatch(Kernel kernel, PicoThread thread, PosixProcess state, Convention with, long nr, long[] args,
            String prefix) {
        run(kernel, thread, state, with, nr, get(nr), java.util.Arrays.copyOf(args, 6), prefix);
    }

    @SuppressWarnings("unchecked")
    private void run(Kernel kernel, PicoThread thread, PosixProcess state, Convention convention, long nr,
            Syscall sc, long[] args, String prefix) {
        PrintStream trace = thread.process().trace().orElse(null);
        int pid = thread.process().pid();
        int tid = thread.tid();
        CallEvent event = null;
        if (kernel.observingCalls()) {
            event = new CallEvent(pid, tid, thread.process().personality(), "syscall", (int) nr,
                    sc == null ? "syscall_" + nr : sc.name(), args.clone());
            kernel.callStarting(event);
        }
        if (sc == null || sc.handler() == null) {
            unknown(kernel, thread, state, convention, nr, sc, prefix, trace, event);
            return;
        }
        String shown = trace == null ? null : prefix + strace.call(sc, args, thread.process().memory());
        if (shown != null && sc.result() == 'X') {
            // shown before it runs: once the process has ended, whoever waits for it may read the trace at once
            trace.println(tid + " " + shown);
            trace.println(pid + " +++ exited with " + (args[0] & 0xff) + " +++");
            shown = null;
        }
        boolean ownEntry = convention == this.convention;
        C call = hooks.call(kernel, thread, state, (int) nr, args);
        long result = 0;
        int errno = 0;
        boolean interrupted = false;
        hooks.entering(call);
        try {
            result = ((Handler<C>) sc.handler()).call(call);
            errno = convention.errorOf(result);
        } catch (Exception e) {
            errno = failure(call, sc, e, ownEntry);
            interrupted = e instanceof InterruptedException
                    || e instanceof ClosedByInterruptException && errno == abi.errno(Errno.EINTR);
        } finally {
            hooks.left(call);
            io.pico.posix.core.fs.GuestFs.endCall(); // the host names the call used are no longer valid
        }
        boolean returns = call.returns();
        if (returns) {
            convention.complete(thread, result, errno, call.hasSecondResult(), call.secondResult());
        }
        if (shown != null) {
            // calls that do not return (exit, a successful execve) are shown without a result
            trace.println(tid + " " + shown + (returns ? strace.result(sc, result, errno) : ""));
            thread.process().exitStatus().filter(st -> !st.signalled() && !returns)
                    .ifPresent(st -> trace.println(pid + " +++ exited with " + st.code() + " +++"));
        }
        if (event != null) {
            kernel.callEnded(event, !returns ? 0 : errno > 0 ? -errno : result);
        }
        hooks.returned(call, sc, result, errno, ownEntry, !(interrupted && ownEntry) ? null : () -> {
            convention.restart(thread, nr, java.util.Arrays.copyOf(args, sc.arity()));
            if (trace != null) {
                trace.println(tid + " (" + sc.name() + " restarted after the signal handler)");
            }
        });
    }

    /** An unknown number or a missing row: ENOSYS, one log line per process and number, the trace line. */
    private void unknown(Kernel kernel, PicoThread thread, PosixProcess state, Convention convention, long nr,
            Syscall sc, String prefix, PrintStream trace, CallEvent event) {
        int pid = thread.process().pid();
        int tid = thread.tid();
        String name = sc == null ? "syscall_" + nr : sc.name();
        if (state.firstUnknown(nr)) {
            kernel.log(abi.personality() + ": pid " + pid + ": unknown system call " + name + " (" + nr + ")");
        }
        int enosys = abi.errno(Errno.ENOSYS);
        if (trace != null) {
            trace.println(tid + " " + prefix + name + "(...)" + strace.result(sc, 0, enosys)
                    + " [unknown system call " + nr + "]");
        }
        convention.complete(thread, 0, enosys, false, 0);
        if (event != null) {
            kernel.callEnded(event, -enosys);
        }
    }

    /**
     * The personality's error number for a handler's failure; a {@link RuntimeException} that is no call's
     * failure (a bug) is thrown on, for the kernel to report.
     */
    private int failure(C call, Syscall sc, Exception e, boolean ownEntry) {
        if (e instanceof SysError s) {
            return s.number(abi);
        } else if (e instanceof MemoryFault) {
            return abi.errno(Errno.EFAULT);
        } else if (e instanceof MemoryLimitException) {
            return abi.errno(Errno.ENOMEM);
        } else if (e instanceof ResourceLimitException) {
            return abi.errno(Errno.EAGAIN);
        } else if (e instanceof InterruptedException) {
            Thread.interrupted();
            return abi.errno(Errno.EINTR);
        } else if (e instanceof ClosedByInterruptException) {
            // a host operation aborted by a signal's wake-up
            Thread.interrupted();
            return hooks.interrupted(call, ownEntry);
        } else if (e instanceof IOException io) {
            return hooks.ioError(call, io);
        } else if (e instanceof java.io.UncheckedIOException u) {
            return hooks.ioError(call, u.getCause());
        } else if (e instanceof java.nio.file.DirectoryIteratorException d) {
            return hooks.ioError(call, d.getCause());
        } else if (e instanceof UnsupportedOperationException) {
            return abi.errno(Errno.EOPNOTSUPP);
        } else if (e instanceof java.nio.file.InvalidPathException) {
            return abi.errno(Errno.ENOENT);
        } else if (e instanceof RuntimeException r) {
            throw r;
        }
        call.log(sc.name() + " failed: " + e);
        return abi.errno(Errno.EIO);
    }
}
