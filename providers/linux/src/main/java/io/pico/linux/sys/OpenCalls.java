package io.pico.linux.sys;

import io.pico.api.IoObject;
import io.pico.linux.Errno;
import io.pico.linux.LinuxAbi;
import io.pico.posix.core.Files;
import io.pico.posix.core.OpenFile;
import io.pico.posix.core.fs.GuestFs;
import io.pico.posix.core.sys.SyscallTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening files under the process root: open, openat, creat on the core's {@link Files} (with /proc and
 * /dev/tty), Linux's /proc/PID/fd reopening, openat2 and memfd_create.
 */
final class OpenCalls {

    static final int AT_FDCWD = -100;
    private static final int O_TMPFILE = 020000000;
    private static final Pattern FD_PATH = Pattern.compile("/proc/(\\d+)/fd/(\\d+)");

    private OpenCalls() {
    }

    static void register(SyscallTable<Call> t) {
        t.partial(2, "sOo", c -> open(c, AT_FDCWD, c.path(0), c.intArg(1), c.intArg(2)), NOTE);
        t.partial(257, "fsOo", c -> open(c, c.intArg(0), c.path(1), c.intArg(2), c.intArg(3)), NOTE);
        t.partial(85, "so", c -> open(c, AT_FDCWD, c.path(0),
                LinuxAbi.O_CREAT | LinuxAbi.O_WRONLY | LinuxAbi.O_TRUNC, c.intArg(1)), NOTE);
        t.partial(437, "fspu", OpenCalls::openat2, "resolve flags other than RESOLVE_NO_MAGICLINKS give EOPNOTSUPP");
        t.partial(319, "sx", OpenCalls::memfdCreate, "a deleted host temporary file; no sealing");
    }

    private static final String NOTE = "no O_TMPFILE; O_DIRECT, O_SYNC and O_NOATIME are ignored";

    /** Resolves a path argument of a *at call with the core ({@link Files#at}). */
    static GuestFs.Resolved at(Call c, int dirfd, String path, boolean follow) {
        return Files.at(c.core(), dirfd, path, follow);
    }

    /**
     * Implements Linux open(2), openat(2) and creat(2) on the core's {@link Files#open}, with Linux's flags
     * translated; /proc/PID/fd/N opens the described file again (Linux's own), O_TMPFILE is EOPNOTSUPP.
     */
    static long open(Call c, int dirfd, String path, int flags, int mode) throws IOException {
        if ((flags & O_TMPFILE) == O_TMPFILE) {
            return -Errno.EOPNOTSUPP;
        }
        GuestFs.Resolved last = at(c, dirfd, path, false);
        Matcher m = FD_PATH.matcher(last.guest());
        if (last.synthetic() && m.matches()) {
            return reopen(c, Integer.parseInt(m.group(1)), m.group(2), flags, mode);
        }
        return install(c, Files.open(c.core(), dirfd, path, last, LinuxAbi.core(flags), mode), flags);
    }

    private static long install(Call c, OpenFile f, int flags) {
        return c.state().fds().installNew(f, (flags & LinuxAbi.O_CLOEXEC) != 0);
    }

    /** Implements Linux openat2(2) for the resolve modes that need no change to path lookup. */
    private static long openat2(Call c) throws IOException {
        long how = c.arg(2);
        long size = c.arg(3);
        if (size < 24 || size > 4096) {
            return -Errno.EINVAL;
        }
        long flags = c.mem().getLong(how);
        long mode = c.mem().getLong(how + 8);
        long resolve = c.mem().getLong(how + 16);
        if ((flags >>> 32) != 0 || (mode & ~07777L) != 0
                || (mode != 0 && (flags & (LinuxAbi.O_CREAT | O_TMPFILE)) == 0)) {
            return -Errno.EINVAL;
        }
        if ((resolve & ~2L) != 0) { // only RESOLVE_NO_MAGICLINKS, which /proc links here never need
            return -Errno.EOPNOTSUPP;
        }
        return open(c, c.intArg(0), c.path(1), (int) flags, (int) mode);
    }

    /** Implements Linux memfd_create(2) with a host temporary file deleted at once. */
    private static long memfdCreate(Call c) throws IOException {
        String name = c.string(c.arg(0), 250);
        int flags = c.intArg(1);
        if ((flags & ~0x7) != 0) { // MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB
            return -Errno.EINVAL;
        }
        Path tmp = java.nio.file.Files.createTempFile("pico-memfd-", ".tmp");
        IoObject io;
        try {
            io = c.kernel().openFile(tmp, true, true, false, false, false, false);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
        OpenFile f = OpenFile.adopt(c.process(), io, "/memfd:" + name + " (deleted)", false,
                OpenFile.READ | OpenFile.WRITE);
        return install(c, f, (flags & 1) != 0 ? LinuxAbi.O_CLOEXEC : 0);
    }

    /** Opens /proc/PID/fd/N: the file again, or the same pipe or terminal. */
    private static long reopen(Call c, int pid, String fd, int flags, int mode) throws IOException {
        if (pid != c.process().pid()) {
            return -Errno.EACCES;
        }
        OpenFile src;
        try {
            src = c.state().fds().get(Integer.parseInt(fd));
        } catch (RuntimeException e) {
            return -Errno.ENOENT;
        }
        int kept = LinuxAbi.core(flags); // the core drops the open-only flags
        if (src.hostPath() != null && src.guestPath() != null) {
            // the file again by its guest path, never the host path: that may be a link, opened with O_PATH
            return install(c, Files.openResolved(c.core(), c.fs().described(src.guestPath(), src.hostPath()), kept,
                    mode), flags);
        }
        if (src.content() != null || src.io() == null) {
            return install(c, OpenFile.synthetic(c.process(), src.guestPath(), src.content(), src.directory()), flags);
        }
        return install(c, OpenFile.share(c.process(), src.io(), null, kept), flags);
    }
}
