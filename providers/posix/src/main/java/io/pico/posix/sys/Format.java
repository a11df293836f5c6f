package io.pico.posix.sys;

import io.pico.api.AddressSpace;
import io.pico.posix.core.sys.ArgFormat;
import io.pico.posix.core.sys.Strace;

/** FreeBSD's own trace letters: {@code O} open flags, {@code M} mmap flags. */
final class Format implements ArgFormat {

    static final Format INSTANCE = new Format();

    private static final int[] OPEN_BITS = {0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800, 0x8000,
        0x10000, 0x20000, 0x40000, 0x100000, 0x200000, 0x400000};
    private static final String[] OPEN_NAMES = {"O_NONBLOCK", "O_APPEND", "O_SHLOCK", "O_EXLOCK", "O_ASYNC", "O_FSYNC",
        "O_NOFOLLOW", "O_CREAT", "O_TRUNC", "O_EXCL", "O_NOCTTY", "O_DIRECT", "O_DIRECTORY", "O_EXEC", "O_CLOEXEC",
        "O_VERIFY", "O_PATH"};
    private static final int[] MAP_BITS = {0x1, 0x2, 0x10, 0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x20000, 0x40000,
        0x80000};
    private static final String[] MAP_NAMES = {"MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED", "MAP_STACK", "MAP_NOSYNC",
        "MAP_ANON", "MAP_GUARD", "MAP_EXCL", "MAP_NOCORE", "MAP_PREFAULT_READ", "MAP_32BIT"};

    @Override
    public boolean format(StringBuilder sb, char kind, long value, AddressSpace mem) {
        int v = (int) value;
        switch (kind) {
            case 'O' -> {
                Strace.openFlags(sb, v, OPEN_BITS, OPEN_NAMES);
                return true;
            }
            case 'M' -> {
                int align = v >>> 24;
                Strace.flags(sb, v & 0xffffff, MAP_BITS, MAP_NAMES, "0");
                if (align != 0) {
                    sb.append("|MAP_ALIGNED(").append(align).append(')');
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}
