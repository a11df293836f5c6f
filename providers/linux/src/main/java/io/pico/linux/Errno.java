package io.pico.linux;

/** Linux x86-64 error numbers with their names and strerror(3) texts. */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int EPIPE = 32;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSOCK = 88;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int ETIMEDOUT = 110;
    // network error numbers (issue 12, sockets): the names the kernel's socket objects fail with
    public static final int EDESTADDRREQ = 89;
    public static final int EMSGSIZE = 90;
    public static final int EPROTOTYPE = 91;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ESOCKTNOSUPPORT = 94;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;

    private static final String[] NAMES = new String[134];
    private static final String[] TEXTS = new String[134];

    static {
        def(1, "EPERM", "Operation not permitted");
        def(2, "ENOENT", "No such file or directory");
        def(3, "ESRCH", "No such process");
        def(4, "EINTR", "Interrupted system call");
        def(5, "EIO", "Input/output error");
        def(6, "ENXIO", "No such device or address");
        def(7, "E2BIG", "Argument list too long");
        def(8, "ENOEXEC", "Exec format error");
        def(9, "EBADF", "Bad file descriptor");
        def(10, "ECHILD", "No child processes");
        def(11, "EAGAIN", "Resource temporarily unavailable");
        def(12, "ENOMEM", "Cannot allocate memory");
        def(13, "EACCES", "Permission denied");
        def(14, "EFAULT", "Bad address");
        def(15, "ENOTBLK", "Block device required");
        def(16, "EBUSY", "Device or resource busy");
        def(17, "EEXIST", "File exists");
        def(18, "EXDEV", "Invalid cross-device link");
        def(19, "ENODEV", "No such device");
        def(20, "ENOTDIR", "Not a directory");
        def(21, "EISDIR", "Is a directory");
        def(22, "EINVAL", "Invalid argument");
        def(23, "ENFILE", "Too many open files in system");
        def(24, "EMFILE", "Too many open files");
        def(25, "ENOTTY", "Inappropriate ioctl for device");
        def(26, "ETXTBSY", "Text file busy");
        def(27, "EFBIG", "File too large");
        def(28, "ENOSPC", "No space left on device");
        def(29, "ESPIPE", "Illegal seek");
        def(30, "EROFS", "Read-only file system");
        def(31, "EMLINK", "Too many links");
        def(32, "EPIPE", "Broken pipe");
        def(33, "EDOM", "Numerical argument out of domain");
        def(34, "ERANGE", "Numerical result out of range");
        def(35, "EDEADLK", "Resource deadlock avoided");
        def(36, "ENAMETOOLONG", "File name too long");
        def(37, "ENOLCK", "No locks available");
        def(38, "ENOSYS", "Function not implemented");
        def(39, "ENOTEMPTY", "Directory not empty");
        def(40, "ELOOP", "Too many levels of symbolic links");
        def(61, "ENODATA", "No data available");
        def(75, "EOVERFLOW", "Value too large for defined data type");
        def(88, "ENOTSOCK", "Socket operation on non-socket");
        def(95, "EOPNOTSUPP", "Operation not supported");
        def(97, "EAFNOSUPPORT", "Address family not supported by protocol");
        def(110, "ETIMEDOUT", "Connection timed out");
        // network error numbers (issue 12, sockets)
        def(89, "EDESTADDRREQ", "Destination address required");
        def(90, "EMSGSIZE", "Message too long");
        def(91, "EPROTOTYPE", "Protocol wrong type for socket");
        def(92, "ENOPROTOOPT", "Protocol not available");
        def(93, "EPROTONOSUPPORT", "Protocol not supported");
        def(94, "ESOCKTNOSUPPORT", "Socket type not supported");
        def(98, "EADDRINUSE", "Address already in use");
        def(99, "EADDRNOTAVAIL", "Cannot assign requested address");
        def(100, "ENETDOWN", "Network is down");
        def(101, "ENETUNREACH", "Network is unreachable");
        def(103, "ECONNABORTED", "Software caused connection abort");
        def(104, "ECONNRESET", "Connection reset by peer");
        def(105, "ENOBUFS", "No buffer space available");
        def(106, "EISCONN", "Transport endpoint is already connected");
        def(107, "ENOTCONN", "Transport endpoint is not connected");
        def(111, "ECONNREFUSED", "Connection refused");
        def(113, "EHOSTUNREACH", "No route to host");
        def(114, "EALREADY", "Operation already in progress");
        def(115, "EINPROGRESS", "Operation now in progress");
    }

    private Errno() {
    }

    private static void def(int n, String name, String text) {
        NAMES[n] = name;
        TEXTS[n] = text;
    }

    /** The symbolic name, e.g. {@code ENOENT}. */
    public static String name(int errno) {
        return errno > 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "E" + errno;
    }

    /** The number of a symbolic name such as {@code ENOENT}, or 0 when Linux has none. */
    public static int number(String name) {
        for (int i = 1; i < NAMES.length; i++) {
            if (name.equals(NAMES[i])) {
                return i;
            }
        }
        return 0;
    }

    /** The strerror text, e.g. {@code No such file or directory}. */
    public static String text(int errno) {
        return errno > 0 && errno < TEXTS.length && TEXTS[errno] != null ? TEXTS[errno] : "Unknown error " + errno;
    }

    /** The errno a kernel {@link java.io.IOException} message names ({@code EPIPE}, {@code ESPIPE}...), else EIO. */
    public static int fromMessage(String message) {
        if (message != null) {
            for (int i = 1; i < NAMES.length; i++) {
                if (message.equals(NAMES[i])) {
                    return i;
                }
            }
        }
        return EIO;
    }

    /** The errno of a host I/O failure: the kernel's {@code EPIPE}-style messages and the JDK's exceptions. */
    public static int of(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return ENOENT;
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return EEXIST;
        } else if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            return ENOTEMPTY;
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            return ENOTDIR;
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            return EACCES;
        } else if (e instanceof java.nio.file.FileSystemLoopException) {
            return ELOOP;
        } else if (e instanceof java.nio.file.NotLinkException) {
            return EINVAL;
        }
        String m = e.getMessage();
        if (m == null) {
            return EIO;
        }
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i] != null && (m.equals(NAMES[i]) || m.endsWith(TEXTS[i]))) {
                return i;
            }
        }
        return EIO;
    }

    /**
     * A failure with the errno, the POSIX core's {@link io.pico.posix.core.SysError} carrying Linux's number;
     * declared to return one so callers can write {@code throw}.
     */
    public static io.pico.posix.core.SysError error(int errno) {
        return io.pico.posix.core.SysError.raw(errno);
    }
}
