package io.pico.posix;

import io.pico.posix.core.Abi;
import io.pico.posix.core.Errno;
import io.pico.posix.core.OpenFlags;
import io.pico.posix.core.SignalTable;
import io.pico.posix.core.SignalTable.Action;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** FreeBSD amd64's numbers for the POSIX core: error numbers, signals, open flags, address space. */
public final class FreeBsdAbi implements Abi {

    /** The one instance. */
    public static final FreeBsdAbi INSTANCE = new FreeBsdAbi();

    /** Where the stack ends: USRSTACK, below the shared page. */
    public static final long USRSTACK = 0x7fff_ffff_f000L;
    /** The shared page (timekeep), at the top of the user address space. */
    public static final long SHARED_PAGE = 0x7fff_ffff_f000L;

    private static final Map<Errno, Integer> ERRNO = new EnumMap<>(Errno.class);
    private static final String[] ERRNO_NAMES = new String[97];

    static {
        def(Errno.EPERM, 1);
        def(Errno.ENOENT, 2);
        def(Errno.ESRCH, 3);
        def(Errno.EINTR, 4);
        def(Errno.EIO, 5);
        def(Errno.ENXIO, 6);
        def(Errno.E2BIG, 7);
        def(Errno.ENOEXEC, 8);
        def(Errno.EBADF, 9);
        def(Errno.ECHILD, 10);
        def(Errno.EDEADLK, 11);
        def(Errno.ENOMEM, 12);
        def(Errno.EACCES, 13);
        def(Errno.EFAULT, 14);
        def(Errno.EBUSY, 16);
        def(Errno.EEXIST, 17);
        def(Errno.EXDEV, 18);
        def(Errno.ENODEV, 19);
        def(Errno.ENOTDIR, 20);
        def(Errno.EISDIR, 21);
        def(Errno.EINVAL, 22);
        def(Errno.ENFILE, 23);
        def(Errno.EMFILE, 24);
        def(Errno.ENOTTY, 25);
        def(Errno.ETXTBSY, 26);
        def(Errno.EFBIG, 27);
        def(Errno.ENOSPC, 28);
        def(Errno.ESPIPE, 29);
        def(Errno.EROFS, 30);
        def(Errno.EMLINK, 31);
        def(Errno.EPIPE, 32);
        def(Errno.ERANGE, 34);
        def(Errno.EAGAIN, 35);
        def(Errno.ENOTSOCK, 38);
        def(Errno.EOPNOTSUPP, 45);
        def(Errno.EAFNOSUPPORT, 47);
        def(Errno.ETIMEDOUT, 60);
        def(Errno.ELOOP, 62);
        def(Errno.ENAMETOOLONG, 63);
        def(Errno.ENOTEMPTY, 66);
        def(Errno.ENOSYS, 78);
        def(Errno.EOVERFLOW, 84);
        def(Errno.ENODATA, 87); // ENOATTR
    }

    private static void def(Errno e, int n) {
        ERRNO.put(e, n);
        ERRNO_NAMES[n] = e == Errno.ENODATA ? "ENOATTR" : e.name();
    }

    /** FreeBSD's signals (sys/signal.h) with their default actions. */
    private static final SignalTable SIGNALS = new SignalTable(List.of(
            SignalTable.signal(1, "HUP", "Hangup", Action.TERMINATE),
            SignalTable.signal(2, "INT", "Interrupt", Action.TERMINATE),
            SignalTable.signal(3, "QUIT", "Quit", Action.CORE),
            SignalTable.signal(4, "ILL", "Illegal instruction", Action.CORE),
            SignalTable.signal(5, "TRAP", "Trace/BPT trap", Action.CORE),
            SignalTable.signal(6, "ABRT", "Abort trap", Action.CORE),
            SignalTable.signal(7, "EMT", "EMT trap", Action.CORE),
            SignalTable.signal(8, "FPE", "Floating point exception", Action.CORE),
            SignalTable.signal(9, "KILL", "Killed", Action.TERMINATE),
            SignalTable.signal(10, "BUS", "Bus error", Action.CORE),
            SignalTable.signal(11, "SEGV", "Segmentation fault", Action.CORE),
            SignalTable.signal(12, "SYS", "Bad system call", Action.CORE),
            SignalTable.signal(13, "PIPE", "Broken pipe", Action.TERMINATE),
            SignalTable.signal(14, "ALRM", "Alarm clock", Action.TERMINATE),
            SignalTable.signal(15, "TERM", "Terminated", Action.TERMINATE),
            SignalTable.signal(16, "URG", "Urgent I/O condition", Action.IGNORE),
            SignalTable.signal(17, "STOP", "Suspended (signal)", Action.STOP),
            SignalTable.signal(18, "TSTP", "Suspended", Action.STOP),
            SignalTable.signal(19, "CONT", "Continued", Action.CONTINUE),
            SignalTable.signal(20, "CHLD", "Child exited", Action.IGNORE),
            SignalTable.signal(21, "TTIN", "Stopped (tty input)", Action.STOP),
            SignalTable.signal(22, "TTOU", "Stopped (tty output)", Action.STOP),
            SignalTable.signal(23, "IO", "I/O possible", Action.IGNORE),
            SignalTable.signal(24, "XCPU", "Cputime limit exceeded", Action.CORE),
            SignalTable.signal(25, "XFSZ", "Filesize limit exceeded", Action.CORE),
            SignalTable.signal(26, "VTALRM", "Virtual timer expired", Action.TERMINATE),
            SignalTable.signal(27, "PROF", "Profiling timer expired", Action.TERMINATE),
            SignalTable.signal(28, "WINCH", "Window size changes", Action.IGNORE),
            SignalTable.signal(29, "INFO", "Information request", Action.IGNORE),
            SignalTable.signal(30, "USR1", "User defined signal 1", Action.TERMINATE),
            SignalTable.signal(31, "USR2", "User defined signal 2", Action.TERMINATE),
            SignalTable.signal(32, "THR", "Thread Scheduler", Action.TERMINATE),
            SignalTable.signal(33, "LIBRT", "Real-time library", Action.TERMINATE)),
            65, 126, Map.of("IOT", "ABRT", "CLD", "CHLD", "POLL", "IO", "LWP", "THR"));

    private FreeBsdAbi() {
    }

    @Override
    public String personality() {
        return "posix";
    }

    @Override
    public int errno(Errno errno) {
        Integer n = ERRNO.get(errno);
        return n == null ? 5 : n;
    }

    @Override
    public String errnoName(int number) {
        return number > 0 && number < ERRNO_NAMES.length && ERRNO_NAMES[number] != null ? ERRNO_NAMES[number]
                : "E" + number;
    }

    @Override
    public SignalTable signals() {
        return SIGNALS;
    }

    @Override
    public OpenFlags openFlags() {
        return OpenFlags.FREEBSD;
    }

    @Override
    public long mmapBase() {
        return 0x8_0000_0000L;
    }

    @Override
    public long userTop() {
        return USRSTACK;
    }

    @Override
    public long saRestart() {
        return 0x2;
    }

    @Override
    public long saNoCldStop() {
        return 0x8;
    }

    @Override
    public long saResetHand() {
        return SignalFrame.SA_RESETHAND;
    }

    @Override
    public long saNoDefer() {
        return SignalFrame.SA_NODEFER;
    }

    @Override
    public Errno unlinkDirectoryError() {
        return Errno.EPERM;
    }
}
