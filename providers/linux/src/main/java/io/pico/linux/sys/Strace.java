package io.pico.linux.sys;

import io.pico.api.AddressSpace;
import io.pico.linux.LinuxAbi;
import io.pico.linux.Signals;

/**
 * Linux's traces on the core's {@code io.pico.posix.core.sys.Strace} (the qemu-style format the FreeBSD table
 * uses too): the core formats the shared letters ({@code d l u x p s f o P}) and errors with Linux's errno
 * texts ({@link LinuxAbi}); Linux adds its own letters: {@code O} open flags, {@code M} mmap flags and
 * {@code S} signal numbers in Linux's numbering.
 */
final class Strace {

    private static final io.pico.posix.core.sys.Strace CORE = new io.pico.posix.core.sys.Strace(LinuxAbi.INSTANCE,
            Strace::linuxArg);

    private Strace() {
    }

    /** {@code name(args)} for the call's arguments, read before the call runs. */
    static String call(Syscall sc, long[] args, AddressSpace mem) {
        return CORE.call(row(sc), args, mem);
    }

    /** The result part: {@code  = 6}, {@code  = 0x4c6000} or {@code  = -1 errno=2 (No such file or directory)}. */
    static String result(Syscall sc, long result) {
        int errno = result < 0 && result >= -4095 ? (int) -result : 0;
        return CORE.result(sc == null ? null : row(sc), result, errno);
    }

    /** The row as the core's tracer reads it (number, name, argument letters). */
    private static io.pico.posix.core.sys.Syscall row(Syscall sc) {
        return new io.pico.posix.core.sys.Syscall(sc.number(), sc.name(), sc.args(), null, sc.support(), sc.note());
    }

    /** Linux's own argument letters. */
    private static boolean linuxArg(StringBuilder sb, char kind, long v, AddressSpace mem) {
        switch (kind) {
            case 'O' -> openFlags(sb, (int) v);
            case 'M' -> mapFlags(sb, (int) v);
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

    private static void openFlags(StringBuilder sb, int v) {
        sb.append(switch (v & 3) {
            case 0 -> "O_RDONLY";
            case 1 -> "O_WRONLY";
            case 2 -> "O_RDWR";
            default -> "O_ACCMODE";
        });
        int rest = v & ~3;
        if (rest != 0) {
            sb.append('|');
            io.pico.posix.core.sys.Strace.flags(sb, rest, OPEN_BITS, OPEN_NAMES, "");
        }
    }

    private static void mapFlags(StringBuilder sb, int v) {
        io.pico.posix.core.sys.Strace.flags(sb, v, new int[] {3, 1, 2, 0x10, 0x20, 0x100, 0x800, 0x1000, 0x2000,
            0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x100000},
            new String[] {"MAP_SHARED_VALIDATE", "MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED", "MAP_ANONYMOUS",
                "MAP_GROWSDOWN", "MAP_DENYWRITE", "MAP_EXECUTABLE", "MAP_LOCKED", "MAP_NORESERVE", "MAP_POPULATE",
                "MAP_NONBLOCK", "MAP_STACK", "MAP_HUGETLB", "MAP_FIXED_NOREPLACE"}, "0");
    }
}
