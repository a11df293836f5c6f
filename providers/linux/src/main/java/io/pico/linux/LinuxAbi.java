package io.pico.linux;

import io.pico.api.AddressSpace;
import io.pico.posix.core.fs.StatInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import io.pico.posix.core.Abi;
import io.pico.posix.core.OpenFlags;
import io.pico.posix.core.SignalTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Linux x86-64's numbers for the POSIX core: error numbers ({@link Errno}), signals ({@link Signals}) and open
 * flag bits. Open file descriptions keep the core's flags; Linux's bits are translated where a call takes or
 * returns them ({@link #core(int)}, {@link #guest(int)}).
 */
public final class LinuxAbi implements Abi {

    /** The one instance. */
    public static final LinuxAbi INSTANCE = new LinuxAbi();

    public static final int O_ACCMODE = 3;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;

    private static final SignalTable SIGNALS;

    static {
        List<SignalTable.Signal> signals = new ArrayList<>();
        for (int sig = 1; sig < 32; sig++) {
            if (Signals.name(sig) != null) {
                signals.add(SignalTable.signal(sig, Signals.name(sig), Signals.text(sig),
                        SignalTable.Action.valueOf(Signals.defaultAction(sig).name())));
            }
        }
        SIGNALS = new SignalTable(signals, Signals.SIGRTMIN, Signals.NSIG, Map.of("IOT", "ABRT", "POLL", "IO", "CLD",
                "CHLD", "UNUSED", "SYS"));
    }

    private LinuxAbi() {
    }

    /** The core's flags for Linux open(2) flags. */
    public static int core(int linuxFlags) {
        return OpenFlags.LINUX.toCore(linuxFlags);
    }

    /** Linux's open(2) flags for the core's flags (F_GETFL, hot-swap snapshots). */
    public static int guest(int coreFlags) {
        return OpenFlags.LINUX.toGuest(coreFlags);
    }

    /** The positive Linux errno of a core failure. */
    public static int errno(io.pico.posix.core.SysError e) {
        return e.number(INSTANCE);
    }

    @Override
    public String personality() {
        return "linux";
    }

    @Override
    public int errno(io.pico.posix.core.Errno errno) {
        int n = Errno.number(errno.name());
        if (n <= 0) {
            throw new IllegalStateException("no Linux number for " + errno);
        }
        return n;
    }

    @Override
    public long saNoCldStop() {
        return SignalDelivery.SA_NOCLDSTOP;
    }

    @Override
    public long saRestart() {
        return SignalDelivery.SA_RESTART;
    }

    @Override
    public long saResetHand() {
        return SignalDelivery.SA_RESETHAND;
    }

    @Override
    public long saNoDefer() {
        return SignalDelivery.SA_NODEFER;
    }

    /** Linux keeps an ignored signal pending while it is blocked (its disposition may change meanwhile). */
    @Override
    public boolean pendsIgnoredWhileBlocked() {
        return true;
    }

    @Override
    public SignalTable signals() {
        return SIGNALS;
    }

    @Override
    public OpenFlags openFlags() {
        return OpenFlags.LINUX;
    }

    @Override
    public int maxFds() {
        return 1024;
    }

    @Override
    public String errnoName(int number) {
        return Errno.name(number);
    }

    @Override
    public String errnoText(int number) {
        return Errno.text(number);
    }

    /** Writes Linux's x86-64 {@code struct stat} (144 bytes). */
    public static void writeStat(StatInfo s, AddressSpace mem, long address) {
        ByteBuffer b = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(s.dev()).putLong(s.ino()).putLong(s.nlink()).putInt(s.mode()).putInt(s.uid()).putInt(s.gid())
                .putInt(0).putLong(s.rdev()).putLong(s.size()).putLong(StatInfo.BLKSIZE).putLong(s.blocks());
        for (Instant t : new Instant[] {s.atime(), s.mtime(), s.ctime()}) {
            b.putLong(t.getEpochSecond()).putLong(t.getNano());
        }
        mem.write(address, b.array(), 0, 144);
    }

    /** Writes Linux's {@code struct statx} (256 bytes) with the basic fields. */
    public static void writeStatx(StatInfo s, AddressSpace mem, long address) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x7ff); // STATX_BASIC_STATS
        b.putInt(StatInfo.BLKSIZE);
        b.putLong(0);
        b.putInt((int) s.nlink()).putInt(s.uid()).putInt(s.gid()).putShort((short) s.mode()).putShort((short) 0);
        b.putLong(s.ino()).putLong(s.size()).putLong(s.blocks()).putLong(0);
        for (Instant t : new Instant[] {s.atime(), Instant.EPOCH, s.ctime(), s.mtime()}) {
            b.putLong(t.getEpochSecond()).putInt(t.getNano()).putInt(0);
        }
        b.putInt((int) StatInfo.major(s.rdev())).putInt((int) StatInfo.minor(s.rdev()))
                .putInt((int) StatInfo.major(s.dev())).putInt((int) StatInfo.minor(s.dev()));
        mem.write(address, b.array(), 0, 256);
    }
}
