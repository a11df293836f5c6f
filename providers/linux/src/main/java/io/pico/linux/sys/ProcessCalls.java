package io.pico.linux.sys;

import io.pico.api.ExitStatus;
import io.pico.api.Register;
import io.pico.linux.Errno;
import io.pico.posix.core.HostIds;
import io.pico.linux.Signals;
import io.pico.posix.core.sys.SyscallTable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Process and thread life and identity: exit, pids and tids, arch_prctl, prctl, robust lists. */
final class ProcessCalls {

    private static final int ARCH_SET_GS = 0x1001;
    private static final int ARCH_SET_FS = 0x1002;
    private static final int ARCH_GET_FS = 0x1003;
    private static final int ARCH_GET_GS = 0x1004;
    private static final long CANONICAL_END = 0x8000_0000_0000L;

    private ProcessCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(60, "d=!", ProcessCalls::exit);
        t.full(231, "d=X", ProcessCalls::exitGroup);
        t.full(39, "", c -> c.process().pid());
        t.full(110, "", c -> c.state().orphaned() ? 1 : c.process().parentPid());
        t.full(186, "", c -> c.thread().tid());
        t.full(218, "p", ProcessCalls::setTidAddress);
        t.full(273, "pu", ProcessCalls::setRobustList);
        t.partial(274, "dpp", ProcessCalls::getRobustList, "own threads only");
        t.full(158, "xp", ProcessCalls::archPrctl);
        t.partial(157, "dxxxx", ProcessCalls::prctl, "names, pdeathsig, dumpable, no_new_privs, VMA names ignored");
        t.full(95, "o", c -> {
            int old = c.state().umask();
            c.state().umask(c.intArg(0));
            return old;
        });
        t.partial(135, "x", c -> (c.arg(0) & 0xffff_ffffL) == 0xffff_ffffL || c.arg(0) == 0 ? 0 : -Errno.EINVAL,
                "PER_LINUX only");
        t.full(24, "", c -> {
            Thread.yield();
            return 0;
        });
        t.partial(334, "pudd", c -> -Errno.ENOSYS, "registration refused (ENOSYS): C libraries fall back");
        t.partial(140, "dd", c -> 20 - HostIds.nice(), "every process has the nice value of the runtime");
        t.partial(141, "ddd", c -> c.intArg(2) <= 0 ? 0 : -Errno.EACCES, "accepted, no effect");
    }

    /** Implements Linux exit(2): ends the calling thread, and the process with its last thread. */
    private static long exit(Call c) {
        c.noReturn();
        if (c.process().threads().size() <= 1) {
            c.process().exit(ExitStatus.exited(c.intArg(0)));
        } else {
            long tidAddress = c.threadState().clearChildTid();
            if (tidAddress != 0) {
                try {
                    c.mem().putInt(tidAddress, 0);
                    c.state().waits().wake(tidAddress, 1, -1);
                } catch (io.pico.api.MemoryFault e) {
                    // the thread unmapped its own tid word: nothing to clear, as on Linux
                }
            }
            c.thread().exit();
        }
        return 0;
    }

    /** Implements Linux exit_group(2): ends every thread of the process with the status. */
    private static long exitGroup(Call c) {
        c.noReturn();
        c.process().exit(ExitStatus.exited(c.intArg(0)));
        return 0;
    }

    /** Implements Linux set_tid_address(2). */
    private static long setTidAddress(Call c) {
        c.threadState().clearChildTid(c.arg(0));
        return c.thread().tid();
    }

    /** Implements Linux set_robust_list(2). */
    private static long setRobustList(Call c) {
        if (c.arg(1) != 24) {
            return -Errno.EINVAL;
        }
        c.threadState().robustList(c.arg(0), c.arg(1));
        return 0;
    }

    /** Implements Linux get_robust_list(2). */
    private static long getRobustList(Call c) {
        if (c.intArg(0) != 0 && c.intArg(0) != c.thread().tid()) {
            return -Errno.ESRCH;
        }
        long[] list = c.threadState().robustList();
        c.mem().putLong(c.arg(1), list[0]);
        c.mem().putLong(c.arg(2), list[1]);
        return 0;
    }

    /** Implements Linux arch_prctl(2): the FS and GS base registers. */
    private static long archPrctl(Call c) {
        long address = c.arg(1);
        switch (c.intArg(0)) {
            case ARCH_SET_FS, ARCH_SET_GS -> {
                if (Long.compareUnsigned(address, CANONICAL_END) >= 0) {
                    return -Errno.EPERM;
                }
                c.thread().set(c.intArg(0) == ARCH_SET_FS ? Register.FS_BASE : Register.GS_BASE, address);
                return 0;
            }
            case ARCH_GET_FS, ARCH_GET_GS -> {
                c.mem().putLong(address,
                        c.thread().get(c.intArg(0) == ARCH_GET_FS ? Register.FS_BASE : Register.GS_BASE));
                return 0;
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
    }

    /** Implements Linux prctl(2) for process names, the parent-death signal and a few flags. */
    private static long prctl(Call c) {
        switch (c.intArg(0)) {
            case 1 -> { // PR_SET_PDEATHSIG
                int sig = c.intArg(1);
                if (sig < 0 || sig > Signals.NSIG) {
                    return -Errno.EINVAL;
                }
                c.state().deathSignal(sig);
                return 0;
            }
            case 2 -> { // PR_GET_PDEATHSIG
                c.mem().putInt(c.arg(1), c.state().deathSignal());
                return 0;
            }
            case 3 -> { // PR_GET_DUMPABLE
                return 1;
            }
            case 4, 38, 0x53564d41 -> { // PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_VMA
                return 0;
            }
            case 15 -> { // PR_SET_NAME
                byte[] name = c.mem().getCString(c.arg(1), 15);
                c.state().comm(new String(name, StandardCharsets.UTF_8));
                return 0;
            }
            case 16 -> { // PR_GET_NAME
                byte[] name = Arrays.copyOf(c.state().comm().getBytes(StandardCharsets.UTF_8), 16);
                name[15] = 0;
                c.write(c.arg(1), name);
                return 0;
            }
            case 21, 39 -> { // PR_GET_SECCOMP, PR_GET_NO_NEW_PRIVS
                return 0;
            }
            default -> {
                return -Errno.EINVAL;
            }
        }
    }
}
