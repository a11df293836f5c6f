package io.pico.linux.sys;

import io.pico.linux.Errno;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.sys.SyscallTable;
import java.util.Arrays;

/** Credentials and sessions: user and group ids (the host's), supplementary groups, process groups. */
final class CredCalls {

    private CredCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.full(102, "", c -> HostIds.uid());
        t.full(107, "", c -> HostIds.euid());
        t.full(104, "", c -> HostIds.gid());
        t.full(108, "", c -> HostIds.egid());
        t.full(118, "ppp", c -> putIds(c, HostIds.uids()));
        t.full(120, "ppp", c -> putIds(c, HostIds.gids()));
        t.full(115, "dp", CredCalls::getgroups);
        t.partial(105, "d", c -> sameIds(HostIds.uids(), c.intArg(0)), "only to the ids the process already has");
        t.partial(106, "d", c -> sameIds(HostIds.gids(), c.intArg(0)), "only to the ids the process already has");
        t.partial(113, "dd", c -> sameIds(HostIds.uids(), c.intArg(0), c.intArg(1)), "only to the current ids");
        t.partial(114, "dd", c -> sameIds(HostIds.gids(), c.intArg(0), c.intArg(1)), "only to the current ids");
        t.partial(117, "ddd", c -> sameIds(HostIds.uids(), c.intArg(0), c.intArg(1), c.intArg(2)),
                "only to the current ids");
        t.partial(119, "ddd", c -> sameIds(HostIds.gids(), c.intArg(0), c.intArg(1), c.intArg(2)),
                "only to the current ids");
        t.partial(122, "d", c -> HostIds.uids()[3], "reports the current id, changes nothing");
        t.partial(123, "d", c -> HostIds.gids()[3], "reports the current id, changes nothing");
        t.full(111, "", c -> c.state().pgid());
        t.full(121, "d", c -> linux(c, c.intArg(0)).pgid());
        t.full(124, "d", c -> linux(c, c.intArg(0)).sid());
        t.full(109, "dd", CredCalls::setpgid);
        t.full(112, "", CredCalls::setsid);
    }

    private static boolean self(Call c, int pid) {
        return pid == 0 || pid == c.process().pid();
    }

    /** Implements Linux getresuid(2) and getresgid(2). */
    private static long putIds(Call c, int[] ids) {
        for (int i = 0; i < 3; i++) {
            c.mem().putInt(c.arg(i), ids[i]);
        }
        return 0;
    }

    /** Implements Linux getgroups(2). */
    private static long getgroups(Call c) {
        int size = c.intArg(0);
        int[] groups = HostIds.groups();
        if (size == 0) {
            return groups.length;
        }
        if (size < groups.length || size < 0) {
            return -Errno.EINVAL;
        }
        for (int i = 0; i < groups.length; i++) {
            c.mem().putInt(c.arg(1) + 4L * i, groups[i]);
        }
        return groups.length;
    }

    /** Implements Linux setuid(2)-style calls for the ids the process already has. */
    private static long sameIds(int[] current, int... wanted) {
        for (int w : wanted) {
            if (w != -1 && Arrays.stream(current).noneMatch(id -> id == w)) {
                return -Errno.EPERM;
            }
        }
        return 0;
    }

    /** The Linux state of a live process by pid (0: the caller); ESRCH when there is none. */
    private static io.pico.linux.LinuxProcess linux(Call c, int pid) {
        if (pid < 0) {
            throw Errno.error(Errno.ESRCH);
        }
        if (self(c, pid)) {
            return c.state();
        }
        return c.kernel().process(pid).filter(p -> p.exitStatus().isEmpty())
                .map(p -> p.providerState() instanceof io.pico.linux.LinuxProcess lp ? lp : null)
                .orElseThrow(() -> Errno.error(Errno.ESRCH));
    }

    /** Implements Linux setpgid(2): the caller or a child of it, into a group of the same session. */
    private static long setpgid(Call c) {
        int pid = c.intArg(0) == 0 ? c.process().pid() : c.intArg(0);
        int pgid = c.intArg(1);
        if (pgid < 0) {
            return -Errno.EINVAL;
        }
        io.pico.linux.LinuxProcess target = linux(c, pid);
        if (target != c.state()) {
            if (target.process().parentPid() != c.process().pid() || target.orphaned()) {
                return -Errno.ESRCH;
            }
            if (target.sid() != c.state().sid()) {
                return -Errno.EPERM;
            }
            if (target.execed()) {
                return -Errno.EACCES;
            }
        }
        if (target.sid() == pid) {
            return -Errno.EPERM; // a session leader stays in its group
        }
        int group = pgid == 0 ? pid : pgid;
        if (group != pid && SignalCalls.group(c, group).stream().noneMatch(p -> p.providerState()
                instanceof io.pico.linux.LinuxProcess lp && lp.sid() == target.sid())) {
            return -Errno.EPERM;
        }
        target.pgid(group);
        return 0;
    }

    /** Implements Linux setsid(2): fails for a process group leader, as on Linux. */
    private static long setsid(Call c) {
        int pid = c.process().pid();
        if (c.state().pgid() == pid || !SignalCalls.group(c, pid).isEmpty()) {
            return -Errno.EPERM;
        }
        c.state().sid(pid);
        c.state().pgid(pid);
        c.state().ctty(null);
        return pid;
    }
}
