package io.pico.posix.core.sys;

import io.pico.api.AddressSpace;
import io.pico.api.MemoryFault;
import io.pico.posix.core.Abi;
import java.nio.charset.StandardCharsets;

/**
 * Formats system calls the way {@code qemu-x86_64 -strace} does: {@code 1234 write(1,0x5ed210,6) = 6}.
 * Argument letters: {@code d} int, {@code l} long, {@code u} unsigned, {@code x} hex, {@code p} pointer,
 * {@code s} string, {@code f} directory fd, {@code o} octal mode, {@code S} signal number, {@code P} mmap
 * protection; a personality adds its own ({@link ArgFormat}).
 */
public final class Strace {

    private final Abi abi;
    private final ArgFormat extra;

    /** A formatter for the personality's numbers and letters. */
    public Strace(Abi abi, ArgFormat extra) {
        this.abi = abi;
        this.extra = extra;
    }

    /** {@code name(args)} for the call's arguments, read before the call runs. */
    public String call(Syscall sc, long[] args, AddressSpace mem) {
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
    public String result(Syscall sc, long result, int errno) {
        if (errno > 0) {
            return " = -1 errno=" + errno + " (" + abi.errnoText(errno) + ")";
        }
        return switch (sc == null ? 'd' : sc.result()) {
            case 'p', 'x' -> String.format(" = 0x%016x", result);
            default -> " = " + result;
        };
    }

    private void arg(StringBuilder sb, char kind, long v, AddressSpace mem) {
        if (extra.format(sb, kind, v, mem)) {
            return;
        }
        switch (kind) {
            case 'd' -> sb.append((int) v);
            case 'l' -> sb.append(v);
            case 'u' -> sb.append(Long.toUnsignedString(v));
            case 'x' -> sb.append("0x").append(Long.toHexString(v));
            case 'p' -> sb.append(v == 0 ? "NULL" : "0x" + Long.toHexString(v));
            case 's' -> string(sb, v, mem);
            case 'f' -> sb.append((int) v == abi.atFdCwd() ? "AT_FDCWD" : String.valueOf((int) v));
            case 'o' -> sb.append('0').append(Long.toOctalString(v & 07777777));
            case 'S' -> sb.append(abi.signals().valid((int) v) ? "SIG" + abi.signals().name((int) v)
                    : String.valueOf((int) v));
            case 'P' -> flags(sb, (int) v, new int[] {1, 2, 4}, new String[] {"PROT_READ", "PROT_WRITE", "PROT_EXEC"},
                    "PROT_NONE");
            default -> sb.append(v);
        }
    }

    /** Appends a quoted, escaped guest string (its address when unreadable). */
    public static void string(StringBuilder sb, long address, AddressSpace mem) {
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

    /**
     * Appends open(2) flags: the access mode ({@code O_RDONLY}, {@code O_WRONLY}, {@code O_RDWR}, the low two
     * bits in every Unix ABI), then the personality's other flag names joined by {@code |}.
     */
    public static void openFlags(StringBuilder sb, int v, int[] bits, String[] names) {
        sb.append(switch (v & 3) {
            case 0 -> "O_RDONLY";
            case 1 -> "O_WRONLY";
            case 2 -> "O_RDWR";
            default -> "O_ACCMODE";
        });
        if ((v & ~3) != 0) {
            sb.append('|');
            flags(sb, v & ~3, bits, names, "");
        }
    }

    /** Appends flag names joined by {@code |} (unknown bits in hex, {@code zero} for none). */
    public static void flags(StringBuilder sb, int v, int[] bits, String[] names, String zero) {
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
}
