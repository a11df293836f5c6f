package io.pico.linux.sys;

import io.pico.api.AddressSpace;
import io.pico.api.MemoryFault;
import io.pico.linux.Errno;
import io.pico.linux.Signals;
import java.nio.charset.StandardCharsets;

/**
 * Formats system calls the way {@code qemu-x86_64 -strace} does: {@code 1234 write(1,0x5ed210,6) = 6}.
 * Argument letters: {@code d} int, {@code l} long, {@code u} unsigned, {@code x} hex, {@code p} pointer,
 * {@code s} string, {@code f} directory fd, {@code o} octal mode, {@code O} open flags, {@code P} mmap
 * protection, {@code M} mmap flags, {@code S} signal number.
 */
final class Strace {

    private Strace() {
    }

    /** {@code name(args)} for the call's arguments, read before the call runs. */
    static String call(Syscall sc, long[] args, AddressSpace mem) {
        StringBuilder sb = new StringBuilder(sc.name()).append('(');
        int n = sc.arity();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            arg(sb, sc.args().charAt(i), args[i], mem);
        }
        return sb.append(')').toString();
    }

    /** The result part: {@code  = 6}, {@code  = 0x4c6000} or {@code  = -1 errno=2 (No such file or directory)}. */
    static String result(Syscall sc, long result) {
        if (result < 0 && result >= -4095) {
            int errno = (int) -result;
            return " = -1 errno=" + errno + " (" + Errno.text(errno) + ")";
        }
        return switch (sc == null ? 'd' : sc.result()) {
            case 'p', 'x' -> String.format(" = 0x%016x", result);
            default -> " = " + result;
        };
    }

    private static void arg(StringBuilder sb, char kind, long v, AddressSpace mem) {
        switch (kind) {
            case 'd' -> sb.append((int) v);
            case 'l' -> sb.append(v);
            case 'u' -> sb.append(Long.toUnsignedString(v));
            case 'x' -> sb.append("0x").append(Long.toHexString(v));
            case 'p' -> sb.append(v == 0 ? "NULL" : "0x" + Long.toHexString(v));
            case 's' -> string(sb, v, mem);
            case 'f' -> sb.append((int) v == -100 ? "AT_FDCWD" : String.valueOf((int) v));
            case 'o' -> sb.append('0').append(Long.toOctalString(v & 07777777));
            case 'O' -> openFlags(sb, (int) v);
            case 'P' -> prot(sb, (int) v);
            case 'M' -> mapFlags(sb, (int) v);
            case 'S' -> sb.append((int) v > 0 && (int) v <= Signals.NSIG ? "SIG" + Signals.name((int) v)
                    : String.valueOf((int) v));
            default -> sb.append(v);
        }
    }

    private static void string(StringBuilder sb, long address, AddressSpace mem) {
        if (address == 0) {
            sb.append("NULL");
            return;
        }
        try {
            byte[] b = mem.getCString(address, 4097);
            sb.append('"');
            String s = new String(b, StandardCharsets.UTF_8);
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            sb.append(String.format("\\%03o", (int) ch));
                        } else {
                            sb.append(ch);
                        }
                    }
                }
            }
            sb.append('"');
        } catch (MemoryFault e) {
            sb.append(String.format("0x%x", address));
        }
    }

    private static void flags(StringBuilder sb, int v, int[] bits, String[] names, String zero) {
        int rest = v;
        boolean any = false;
        for (int i = 0; i < bits.length; i++) {
            if ((rest & bits[i]) == bits[i] && bits[i] != 0) {
                sb.append(any ? "|" : "").append(names[i]);
                rest &= ~bits[i];
                any = true;
            }
        }
        if (rest != 0) {
            sb.append(any ? "|" : "").append("0x").append(Integer.toHexString(rest));
        } else if (!any) {
            sb.append(zero);
        }
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
            flags(sb, rest, OPEN_BITS, OPEN_NAMES, "");
        }
    }

    private static void prot(StringBuilder sb, int v) {
        flags(sb, v, new int[] {1, 2, 4}, new String[] {"PROT_READ", "PROT_WRITE", "PROT_EXEC"}, "PROT_NONE");
    }

    private static void mapFlags(StringBuilder sb, int v) {
        flags(sb, v, new int[] {3, 1, 2, 0x10, 0x20, 0x100, 0x800, 0x1000, 0x2000, 0x4000, 0x8000, 0x10000, 0x20000,
            0x40000, 0x100000},
            new String[] {"MAP_SHARED_VALIDATE", "MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED", "MAP_ANONYMOUS",
                "MAP_GROWSDOWN", "MAP_DENYWRITE", "MAP_EXECUTABLE", "MAP_LOCKED", "MAP_NORESERVE", "MAP_POPULATE",
                "MAP_NONBLOCK", "MAP_STACK", "MAP_HUGETLB", "MAP_FIXED_NOREPLACE"}, "0");
    }
}
