package io.pico.linux.sys;

import io.pico.api.AddressSpace;
import io.pico.api.Kernel;
import io.pico.api.PicoThread;
import io.pico.linux.Errno;
import io.pico.linux.LinuxAbi;
import io.pico.linux.LinuxConvention;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;
import io.pico.linux.SignalDelivery;
import io.pico.linux.Signals;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.sys.CallHooks;
import io.pico.posix.core.sys.Strace;
import io.pico.posix.core.sys.Syscall;
import io.pico.posix.core.sys.SyscallTable;

/**
 * The Linux x86-64 system call table: the POSIX core's {@link SyscallTable} (rows as data, dispatch, ENOSYS,
 * strace, observers) with Linux's convention, names, trace letters and every family's rows; the rest MISSING.
 * Linux's hooks keep its signal bookkeeping around each call (a pending signal makes a blocking call return
 * EINTR; after the call {@link SignalDelivery} takes pending signals and restarts interrupted calls).
 */
public final class Table {

    private static final int SYS_EXECVE = 59;
    private static final int SYS_EXECVEAT = 322;

    /** i386 numbers of {@code int 0x80} that map onto x86-64 calls with the same arguments. */
    private static final int[][] I386 = {{1, 60}, {3, 0}, {4, 1}, {5, 2}, {6, 3}, {20, 39}, {24, 102}, {45, 12},
        {252, 231}};

    private Table() {
    }

    /** A complete table. */
    public static SyscallTable<Call> create() {
        SyscallTable<Call> t = new SyscallTable<>(LinuxAbi.INSTANCE, LinuxConvention.X86_64, SyscallNames.size(),
                SyscallNames::name, Table::format, new Hooks());
        ProcessCalls.register(t);
        CredCalls.register(t);
        MemoryCalls.register(t);
        RemapCalls.register(t);
        IoCalls.register(t);
        VectorCalls.register(t);
        FdCalls.register(t);
        TtyCalls.register(t);
        PathCalls.register(t);
        DirCalls.register(t);
        AttrCalls.register(t);
        XattrCalls.register(t);
        SysinfoCalls.register(t);
        TimeCalls.register(t);
        SignalCalls.register(t);
        ThreadCalls.register(t);
        PollCalls.register(t);
        EventCalls.register(t);
        NetCalls.register(t);
        MiscCalls.register(t);
        ExecCalls.register(t);
        ForkCalls.register(t);
        t.complete();
        return t;
    }

    /**
     * Runs an i386 system call made with {@code int 0x80} from 64-bit code, as Linux's IA-32 emulation does: the
     * few calls that need no structure translation, on the x86-64 rows; arguments and result are 32-bit.
     */
    public static void dispatchI386(SyscallTable<Call> table, Kernel kernel, PicoThread thread, LinuxProcess state) {
        long nr = LinuxConvention.I386.number(thread);
        Syscall sc = null;
        for (int[] m : I386) {
            if (m[0] == nr) {
                sc = table.get(m[1]);
            }
        }
        if (sc == null) {
            if (state.firstUnknown(-1000 - Math.min(nr, 100000))) {
                kernel.log("linux: pid " + thread.process().pid() + ": unknown i386 system call " + nr
                        + " (int 0x80)");
            }
            LinuxConvention.I386.complete(thread, 0, Errno.ENOSYS, false, 0);
            return;
        }
        long[] args = new long[6];
        LinuxConvention.I386.args(thread, sc.arity(), args);
        table.dispatch(kernel, thread, state, LinuxConvention.I386, sc.number(), args, "[int 0x80] ");
    }

    /** Linux's own trace letters: {@code O} open flags, {@code M} mmap flags, {@code S} Linux's signals. */
    private static boolean format(StringBuilder sb, char kind, long v, AddressSpace mem) {
        switch (kind) {
            case 'O' -> Strace.openFlags(sb, (int) v, OPEN_BITS, OPEN_NAMES);
            case 'M' -> Strace.flags(sb, (int) v, MAP_BITS, MAP_NAMES, "0");
            case 'S' -> sb.append((int) v > 0 && (int) v <= Signals.NSIG ? "SIG" + Signals.name((int) v)
                    : String.valueOf((int) v));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static final int[] OPEN_BITS = {0100, 0200, 0400, 01000, 02000, 04000, 010000, 020000, 040000, 0200000,
        0400000, 01000000, 02000000, 010000000, 020000000 | 0200000};
    private static final String[] OPEN_NAMES = {"O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND", "O_NONBLOCK",
        "O_DSYNC", "O_ASYNC", "O_DIRECT", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME", "O_CLOEXEC", "O_PATH", "O_TMPFILE"};
    private static final int[] MAP_BITS = {3, 1, 2, 0x10, 0x20, 0x100, 0x800, 0x1000, 0x2000, 0x4000, 0x8000, 0x10000,
        0x20000, 0x40000, 0x100000};
    private static final String[] MAP_NAMES = {"MAP_SHARED_VALIDATE", "MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED",
        "MAP_ANONYMOUS", "MAP_GROWSDOWN", "MAP_DENYWRITE", "MAP_EXECUTABLE", "MAP_LOCKED", "MAP_NORESERVE",
        "MAP_POPULATE", "MAP_NONBLOCK", "MAP_STACK", "MAP_HUGETLB", "MAP_FIXED_NOREPLACE"};

    /** Linux's signal bookkeeping around each call, and its calls typed with Linux's state. */
    private static final class Hooks implements CallHooks<Call> {

        @Override
        public Call call(Kernel kernel, PicoThread thread, PosixProcess state, int number, long[] args) {
            return new Call(kernel, thread, (LinuxProcess) state, number, args);
        }

        @Override
        public void entering(Call c) {
            LinuxThread lt = c.threadState();
            lt.host(Thread.currentThread());
            if (lt.takeSignalInterrupt()) {
                Thread.interrupted(); // a signal's wake-up that arrived after the call it was meant for
            }
            lt.inCall(true);
            if (SignalDelivery.deliverable(c.state(), lt)) {
                // a signal is pending: a blocking call returns at once (EINTR), as on Linux
                lt.signalInterrupt();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void left(Call c) {
            c.threadState().inCall(false);
        }

        @Override
        public int interrupted(Call c, boolean ownEntry) {
            // a host file operation aborted by a signal's wake-up is run again
            return ownEntry ? SignalDelivery.ERESTARTNOINTR : Errno.EINTR;
        }

        @Override
        public int ioError(Call c, java.io.IOException e) {
            return Errno.of(e);
        }

        @Override
        public void returned(Call c, Syscall row, long result, int errno, boolean ownEntry, Runnable restart) {
            PicoThread thread = c.thread();
            if (c.returns()) {
                // an interrupted call returns EINTR or runs again; a second entry's calls never run again
                SignalDelivery.afterCall(c.kernel(), thread, c.state(), ownEntry ? row.number() : -1,
                        errno > 0 ? -errno : result);
            } else if (thread.process().exitStatus().isEmpty()) {
                if (row.number() == SignalDelivery.SYS_RT_SIGRETURN) {
                    SignalDelivery.afterCall(c.kernel(), thread, c.state(), -1, 0);
                } else if (row.number() == SYS_EXECVE || row.number() == SYS_EXECVEAT) {
                    // once the new image is in place
                    thread.defer(() -> SignalDelivery.afterCall(c.kernel(), thread,
                            LinuxProcess.of(thread.process()), -1, 0));
                }
            }
        }
    }
}
