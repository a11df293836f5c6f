package io.pico.posix.sys;

import io.pico.api.PicoProcess;
import io.pico.posix.core.Call;
import io.pico.posix.core.Errno;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.sys.SyscallTable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** Identity: pids, process groups and sessions, user and group ids (the host user's), login name, umask. */
final class IdCalls {

    private static final String IDS_NOTE = "the host user's ids; changing to other ids gives EPERM";

    private IdCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(20, "", IdCalls::getpid);
        t.full(39, "", c -> c.process().parentPid());
        t.full(24, "", c -> HostIds.uid());
        t.full(25, "", c -> HostIds.euid());
        t.full(47, "", c -> HostIds.gid());
        t.full(43, "", c -> HostIds.egid());
        t.full(253, "", c -> 0);
        t.partial(23, "d", c -> same(c.intArg(0), HostIds.uid(), HostIds.euid()), IDS_NOTE);
        t.partial(183, "d", c -> same(c.intArg(0), HostIds.uid(), HostIds.euid()), IDS_NOTE);
        t.partial(181, "d", c -> same(c.intArg(0), HostIds.gid(), HostIds.egid()), IDS_NOTE);
        t.partial(182, "d", c -> same(c.intArg(0), HostIds.gid(), HostIds.egid()), IDS_NOTE);
        t.partial(126, "dd", c -> same2(c, HostIds.uid(), HostIds.euid()), IDS_NOTE);
        t.partial(127, "dd", c -> same2(c, HostIds.gid(), HostIds.egid()), IDS_NOTE);
        t.partial(311, "ddd", c -> same3(c, HostIds.uid(), HostIds.euid(), HostIds.suid()), IDS_NOTE);
        t.partial(312, "ddd", c -> same3(c, HostIds.gid(), HostIds.egid(), HostIds.sgid()), IDS_NOTE);
        t.full(360, "ppp", c -> three(c, HostIds.uid(), HostIds.euid(), HostIds.suid()));
        t.full(361, "ppp", c -> three(c, HostIds.gid(), HostIds.egid(), HostIds.sgid()));
        t.full(79, "dp", IdCalls::getgroups);
        t.partial(80, "dp", c -> fail(Errno.EPERM), "refused (EPERM), as for an unprivileged user");
        t.full(49, "pu", IdCalls::getlogin);
        t.partial(50, "s", c -> fail(Errno.EPERM), "refused (EPERM), as for an unprivileged user");
        t.full(60, "o", c -> {
            int old = c.state().umask();
            c.state().umask(c.intArg(0));
            return old;
        });
        t.full(81, "", c -> c.state().pgid());
        t.full(207, "d", c -> other(c, c.intArg(0)).pgid());
        t.partial(82, "dd", IdCalls::setpgid, "the caller and its children of this personality");
        t.full(147, "", IdCalls::setsid);
        t.full(310, "d", c -> other(c, c.intArg(0)).sid());
    }

    private static long fail(Errno e) {
        throw e.error();
    }

    /** Implements FreeBSD getpid(2); rdx gets the parent's pid, as with COMPAT_43. */
    private static long getpid(Call c) {
        c.secondResult(c.process().parentPid());
        return c.process().pid();
    }

    /** setuid and relatives: only to ids the process already has. */
    private static long same(int id, int real, int effective) {
        if (id != real && id != effective) {
            throw Errno.EPERM.error();
        }
        return 0;
    }

    private static long same2(Call c, int real, int effective) {
        for (int i = 0; i < 2; i++) {
            if (c.intArg(i) != -1) {
                same(c.intArg(i), real, effective);
            }
        }
        return 0;
    }

    private static long same3(Call c, int real, int effective, int saved) {
        for (int i = 0; i < 3; i++) {
            int id = c.intArg(i);
            if (id != -1 && id != real && id != effective && id != saved) {
                throw Errno.EPERM.error();
            }
        }
        return 0;
    }

    /** Implements getresuid(2) and getresgid(2). */
    private static long three(Call c, int a, int b, int d) {
        c.mem().putInt(c.arg(0), a);
        c.mem().putInt(c.arg(1), b);
        c.mem().putInt(c.arg(2), d);
        return 0;
    }

    /** Implements FreeBSD getgroups(2): the effective gid first, then the supplementary groups. */
    private static long getgroups(Call c) {
        int[] groups = HostIds.groups();
        int[] all = new int[groups.length + 1];
        all[0] = HostIds.egid();
        System.arraycopy(groups, 0, all, 1, groups.length);
        all = Arrays.stream(all).distinct().toArray();
        int n = c.intArg(0);
        if (n == 0) {
            return all.length;
        }
        if (n < all.length) {
            throw Errno.EINVAL.error();
        }
        for (int i = 0; i < all.length; i++) {
            c.mem().putInt(c.arg(1) + 4L * i, all[i]);
        }
        return all.length;
    }

    /** Implements FreeBSD getlogin(2): the host user's name. */
    private static long getlogin(Call c) {
        String name = HostIds.uid() == 0 ? "root" : System.getProperty("user.name", "user");
        byte[] b = (name + "\0").getBytes(StandardCharsets.UTF_8);
        if (c.arg(1) < b.length) {
            throw Errno.ERANGE.error();
        }
        c.write(c.arg(0), b);
        return 0;
    }

    /** The state of the caller (pid 0) or another process of this personality; ESRCH otherwise. */
    private static PosixProcess other(Call c, int pid) {
        if (pid == 0 || pid == c.process().pid()) {
            return c.state();
        }
        Optional<PicoProcess> p = c.kernel().process(pid);
        if (p.isEmpty() || !(p.get().providerState() instanceof PosixProcess s) || p.get().exitStatus().isPresent()) {
            throw Errno.ESRCH.error();
        }
        return s;
    }

    /** Implements FreeBSD setpgid(2) for the caller and its children. */
    private static long setpgid(Call c) {
        int pid = c.intArg(0);
        int pgid = c.intArg(1);
        if (pgid < 0) {
            throw Errno.EINVAL.error();
        }
        PosixProcess target = other(c, pid);
        if (target != c.state() && target.process().parentPid() != c.process().pid()) {
            throw Errno.ESRCH.error();
        }
        target.pgid(pgid == 0 ? target.process().pid() : pgid);
        return 0;
    }

    /** Implements FreeBSD setsid(2): EPERM for a process group leader. */
    private static long setsid(Call c) {
        PosixProcess s = c.state();
        if (s.pgid() == c.process().pid()) {
            throw Errno.EPERM.error();
        }
        s.sid(c.process().pid());
        s.pgid(c.process().pid());
        return c.process().pid();
    }
}
