package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.sys.SyscallTable;

/** Calls that are accepted with no effect, or refused the way an unprivileged Linux process sees it. */
final class MiscCalls {

    private MiscCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(221, "dlld", c -> {
            c.state().fds().get(c.intArg(0));
            return 0;
        }, "advice accepted and ignored");
        t.partial(187, "dlu", c -> {
            c.state().fds().get(c.intArg(0));
            return 0;
        }, "accepted, no effect");
        t.partial(162, "", c -> 0, "host writes are already in the host's page cache");
        t.partial(306, "d", c -> {
            c.state().fds().get(c.intArg(0));
            return 0;
        }, "host writes are already in the host's page cache");
        t.partial(277, "dllx", c -> {
            c.state().fds().get(c.intArg(0));
            return 0;
        }, "host writes are already in the host's page cache");
        t.partial(145, "d", c -> 0, "every thread is SCHED_OTHER");
        t.partial(143, "dp", c -> {
            c.mem().putInt(c.arg(1), 0);
            return 0;
        }, "every thread is SCHED_OTHER with priority 0");
        t.partial(144, "ddp", c -> c.intArg(1) == 0 ? 0 : -Errno.EPERM, "SCHED_OTHER only");
        t.partial(142, "dp", c -> 0, "accepted, no effect");
        t.full(146, "d", c -> c.intArg(0) == 1 || c.intArg(0) == 2 ? 99 : c.intArg(0) >= 0 && c.intArg(0) <= 6 ? 0
                : -Errno.EINVAL);
        t.full(147, "d", c -> c.intArg(0) == 1 || c.intArg(0) == 2 ? 1 : c.intArg(0) >= 0 && c.intArg(0) <= 6 ? 0
                : -Errno.EINVAL);
        t.partial(125, "pp", MiscCalls::capget, "no capabilities");
        t.partial(126, "pp", c -> -Errno.EPERM, "no capabilities can be raised");
        t.partial(165, "sssxp", c -> -Errno.EPERM, "file systems cannot be mounted");
        t.partial(166, "sx", c -> -Errno.EPERM, "file systems cannot be unmounted");
        t.partial(161, "s", c -> -Errno.EPERM, "the root cannot be changed");
        t.partial(169, "xxxp", c -> -Errno.EPERM, "the host cannot be rebooted");
        t.partial(251, "ddd", c -> 0, "accepted, no effect");
        t.full(148, "dp", c -> {
            if (c.arg(1) != 0) {
                c.mem().putLong(c.arg(1), 0);
                c.mem().putLong(c.arg(1) + 8, 100_000_000L);
            }
            return 0;
        });
        t.partial(116, "dp", MiscCalls::setgroups, "only to the groups the process already has, and only when the "
                + "runtime runs as root (CAP_SETGID)");
        t.partial(103, "dpd", c -> -Errno.EPERM, "the kernel log is the host's: refused");
        t.partial(153, "", c -> -Errno.EPERM, "refused");
        t.partial(252, "dd", c -> 4 << 13, "every process has best-effort priority 4");
    }

    /** Implements Linux setgroups(2): the current list is accepted, any change refused. */
    private static long setgroups(Call c) {
        int n = c.intArg(0);
        if (n < 0 || n > 65536) {
            return -Errno.EINVAL;
        }
        int[] wanted = new int[n];
        for (int i = 0; i < n; i++) {
            wanted[i] = c.mem().getInt(c.arg(1) + 4L * i);
        }
        int[] have = io.pico.posix.core.HostIds.groups();
        java.util.Arrays.sort(wanted);
        java.util.Arrays.sort(have);
        // Linux asks for CAP_SETGID even to set the same list: only a runtime running as root has it
        return io.pico.posix.core.HostIds.euid() == 0 && java.util.Arrays.equals(wanted, have) ? 0 : -Errno.EPERM;
    }

    /** Implements Linux capget(2): version 3, no capabilities. */
    private static long capget(Call c) {
        if (c.arg(0) == 0) {
            return -Errno.EFAULT;
        }
        int version = c.mem().getInt(c.arg(0));
        if (version != 0x20080522 && version != 0x20071026 && version != 0x19980330) {
            c.mem().putInt(c.arg(0), 0x20080522);
            return c.arg(1) == 0 ? 0 : -Errno.EINVAL;
        }
        if (c.arg(1) != 0) {
            c.write(c.arg(1), new byte[version == 0x19980330 ? 12 : 24]);
        }
        return 0;
    }
}
