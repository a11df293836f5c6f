package io.pico.linux.sys;

import io.pico.api.CallInfo;
import io.pico.api.Kernel;
import io.pico.api.MemoryFault;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.api.Support;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;
import io.pico.linux.SignalDelivery;
import io.pico.linux.SysError;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;

/**
 * The x86-64 system call table as data: one {@link Syscall} row per number, filled by the handler
 * families; numbers no family implements are MISSING rows that fail with ENOSYS.
 */
public final class SyscallTable {

    private static final Register[] ARG_REGS = {Register.RDI, Register.RSI, Register.RDX, Register.R10, Register.R8,
        Register.R9};

    private static final int SYS_EXIT_GROUP = 231;
    private final Syscall[] rows = new Syscall[SyscallNames.size()];

    /** The table with every family's handlers. */
    public SyscallTable() {
        ProcessCalls.register(this);
        CredCalls.register(this);
        MemoryCalls.register(this);
        RemapCalls.register(this);
        IoCalls.register(this);
        VectorCalls.register(this);
        FdCalls.register(this);
        TtyCalls.register(this);
        PathCalls.register(this);
        DirCalls.register(this);
        AttrCalls.register(this);
        XattrCalls.register(this);
        SysinfoCalls.register(this);
        TimeCalls.register(this);
        SignalCalls.register(this);
        ThreadCalls.register(this);
        PollCalls.register(this);
        EventCalls.register(this);
        NetCalls.register(this);
        MiscCalls.register(this);
        ExecCalls.register(this);
        ForkCalls.register(this);
        for (int nr = 0; nr < rows.length; nr++) {
            String name = SyscallNames.name(nr);
            if (rows[nr] == null && name != null) {
                rows[nr] = new Syscall(nr, name, "", null, Support.MISSING, "");
            }
        }
    }

    /** Adds a row; the name comes from the number. */
    void add(int nr, String args, Handler handler, Support support, String note) {
        String name = SyscallNames.name(nr);
        if (name == null || rows[nr] != null) {
            throw new IllegalStateException("bad or duplicate system call number " + nr);
        }
        rows[nr] = new Syscall(nr, name, args, handler, support, note);
    }

    /** Adds a fully supported row. */
    void full(int nr, String args, Handler handler) {
        add(nr, args, handler, Support.FULL, "");
    }

    /** Adds a partially supported row with a note saying what is covered. */
    void partial(int nr, String args, Handler handler, String note) {
        add(nr, args, handler, Support.PARTIAL, note);
    }

    /** The row of a number, or null when the number has no name. */
    public Syscall get(int nr) {
        return nr >= 0 && nr < rows.length ? rows[nr] : null;
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

    /** Runs the system call the thread trapped with and writes its result to RAX. */
    public void dispatch(Kernel kernel, PicoThread thread, LinuxProcess state) {
        long nr = thread.get(Register.RAX);
        Syscall sc = nr >= 0 && nr < rows.length ? rows[(int) nr] : null;
        int arity = sc == null || sc.handler() == null ? 0 : sc.arity();
        long[] args = new long[6];
        for (int i = 0; i < arity; i++) {
            args[i] = thread.get(ARG_REGS[i]);
        }
        run(kernel, thread, state, nr, sc, args, "");
    }

    /** i386 numbers of {@code int 0x80} that map onto x86-64 calls with the same arguments. */
    private static final int[][] I386 = {{1, 60}, {3, 0}, {4, 1}, {5, 2}, {6, 3}, {20, 39}, {24, 102}, {45, 12},
        {252, 231}};
    private static final Register[] I386_REGS = {Register.RBX, Register.RCX, Register.RDX, Register.RSI, Register.RDI,
        Register.RBP};

    /**
     * Runs an i386 system call made with {@code int 0x80} from 64-bit code, as Linux's IA-32 emulation
     * does: the few calls that need no structure translation; arguments and result are 32-bit.
     */
    public void dispatchI386(Kernel kernel, PicoThread thread, LinuxProcess state) {
        long nr = thread.get(Register.RAX) & 0xffff_ffffL;
        Syscall sc = null;
        for (int[] m : I386) {
            if (m[0] == nr) {
                sc = rows[m[1]];
            }
        }
        long[] args = new long[6];
        if (sc == null) {
            if (state.firstUnknown(-1000 - (int) Math.min(nr, 100000))) {
                kernel.log("linux: pid " + thread.process().pid() + ": unknown i386 system call " + nr
                        + " (int 0x80)");
            }
            thread.set(Register.RAX, -Errno.ENOSYS & 0xffff_ffffL);
            return;
        }
        for (int i = 0; i < sc.arity(); i++) {
            args[i] = thread.get(I386_REGS[i]) & 0xffff_ffffL;
        }
        run(kernel, thread, state, -1, sc, args, "[int 0x80] ");
        if (thread.process().exitStatus().isEmpty()) {
            thread.set(Register.RAX, thread.get(Register.RAX) & 0xffff_ffffL);
        }
    }

    private void run(Kernel kernel, PicoThread thread, LinuxProcess state, long nr, Syscall sc, long[] args,
            String prefix) {
        PrintStream trace = thread.process().trace().orElse(null);
        int pid = thread.process().pid();
        int tid = thread.tid();
        LinuxThread lt = LinuxThread.of(thread);
        lt.host(Thread.currentThread());
        io.pico.api.CallEvent event = kernel.observingCalls() ? new io.pico.api.CallEvent(pid, tid, "linux", "syscall",
                (int) (sc != null ? sc.number() : nr), sc != null ? sc.name() : "syscall_" + nr, args.clone()) : null;
        if (event != null) {
            kernel.callStarting(event);
        }
        if (sc == null || sc.handler() == null) {
            String name = sc == null ? "syscall_" + nr : sc.name();
            if (state.firstUnknown((int) Math.max(-1, Math.min(nr, Integer.MAX_VALUE)))) {
                kernel.log("linux: pid " + pid + ": unknown system call " + name + " (" + nr + ")");
            }
            if (trace != null) {
                trace.println(tid + " " + name + "(...)" + Strace.result(sc, -Errno.ENOSYS)
                        + " [unknown system call " + nr + "]");
            }
            thread.set(Register.RAX, -Errno.ENOSYS);
            if (event != null) {
                kernel.callEnded(event, -Errno.ENOSYS);
            }
            return;
        }
        String shown = trace == null ? null : prefix + Strace.call(sc, args, thread.process().memory());
        if (shown != null && sc.number() == SYS_EXIT_GROUP) {
            // shown before it runs: once the process has ended, whoever waits for it may read the trace at once
            trace.println(tid + " " + shown);
            trace.println(pid + " +++ exited with " + (args[0] & 0xff) + " +++");
            shown = null;
        }
        Call call = new Call(kernel, thread, state, sc.number(), args);
        long result;
        if (lt.takeSignalInterrupt()) {
            Thread.interrupted(); // a signal's wake-up that arrived after the call it was meant for
        }
        lt.inCall(true);
        if (SignalDelivery.deliverable(state, lt)) {
            // a signal is pending: a blocking call returns at once (EINTR), as on Linux
            lt.signalInterrupt();
            Thread.currentThread().interrupt();
        }
        try {
            result = sc.handler().call(call);
        } catch (SysError e) {
            result = -e.errno();
        } catch (io.pico.posix.core.SysError e) {
            result = -io.pico.linux.LinuxAbi.errno(e); // the core's descriptor table and special files
        } catch (MemoryFault e) {
            result = -Errno.EFAULT;
        } catch (io.pico.api.MemoryLimitException e) {
            result = -Errno.ENOMEM;
        } catch (InterruptedException e) {
            Thread.interrupted();
            result = -Errno.EINTR;
        } catch (ClosedByInterruptException e) {
            // a host file operation aborted by a signal's interrupt: it is run again
            Thread.interrupted();
            result = nr >= 0 ? -SignalDelivery.ERESTARTNOINTR : -Errno.EINTR;
        } catch (IOException e) {
            result = -Errno.of(e);
        } catch (java.io.UncheckedIOException e) {
            result = -Errno.of(e.getCause());
        } catch (java.nio.file.DirectoryIteratorException e) {
            result = -Errno.of(e.getCause());
        } catch (UnsupportedOperationException e) {
            result = -Errno.EOPNOTSUPP;
        } catch (java.nio.file.InvalidPathException e) {
            result = -Errno.ENOENT;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            kernel.log("linux: pid " + pid + ": " + sc.name() + " failed: " + e);
            result = -Errno.EIO;
        } finally {
            io.pico.posix.core.fs.GuestFs.endCall(); // the host names the call used are no longer valid
        }
        lt.inCall(false);
        if (call.returns()) {
            thread.set(Register.RAX, result);
        }
        if (shown != null) {
            // calls that do not return (exit, a successful execve) are shown without a result
            trace.println(tid + " " + shown + (call.returns() ? Strace.result(sc, result) : ""));
            thread.process().exitStatus().filter(st -> !st.signalled() && !call.returns())
                    .ifPresent(st -> trace.println(pid + " +++ exited with " + st.code() + " +++"));
        }
        if (event != null) {
            kernel.callEnded(event, call.returns() ? result : 0);
        }
        // signals: delivered when the call returns to the guest; an interrupted call returns EINTR or runs again
        if (call.returns()) {
            SignalDelivery.afterCall(kernel, thread, state, (int) nr, result);
        } else if (thread.process().exitStatus().isEmpty()) {
            if (sc.number() == SignalDelivery.SYS_RT_SIGRETURN) {
                SignalDelivery.afterCall(kernel, thread, state, -1, 0);
            } else if (sc.number() == 59 || sc.number() == 322) {
                // execve: once the new image is in place
                thread.defer(() -> SignalDelivery.afterCall(kernel, thread, LinuxProcess.of(thread.process()), -1, 0));
            }
        }
    }
}
