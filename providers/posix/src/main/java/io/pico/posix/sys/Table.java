package io.pico.posix.sys;

import io.pico.posix.FreeBsdAbi;
import io.pico.posix.FreeBsdConvention;
import io.pico.posix.core.Call;
import io.pico.posix.core.sys.SyscallTable;

/** The FreeBSD amd64 system call table: every handler family's rows, the rest MISSING (ENOSYS). */
public final class Table {

    private Table() {
    }

    /** A complete table. */
    public static SyscallTable<Call> create() {
        SyscallTable<Call> t = new SyscallTable<>(FreeBsdAbi.INSTANCE, new FreeBsdConvention(), SyscallNames.size(),
                SyscallNames::name, Format.INSTANCE);
        ProcessCalls.register(t);
        IdCalls.register(t);
        IoCalls.register(t);
        FdCalls.register(t);
        PathCalls.register(t);
        DirCalls.register(t);
        AttrCalls.register(t);
        MemoryCalls.register(t);
        SignalCalls.register(t);
        SigWaitCalls.register(t);
        ThreadCalls.register(t);
        UmtxCalls.register(t);
        SysctlCalls.register(t);
        TimeCalls.register(t);
        MiscCalls.register(t);
        t.complete();
        return t;
    }
}
