package io.pico.posix;

import io.pico.posix.core.SigInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * FreeBSD amd64's {@code siginfo_t} (80 bytes: si_signo, si_errno, si_code, si_pid, si_uid, si_status, si_addr,
 * si_value, the reason union) for the POSIX core's {@link SigInfo}, with FreeBSD's numbers for the origins the core
 * names (sys/signal.h: SI_USER 0x10001 ...); a signal's own reasons (CLD_*, SEGV_MAPERR ...) are written as they are.
 */
public final class FreeBsdSiginfo {

    /** sizeof(siginfo_t). */
    public static final int SIZE = 80;
    /** si_code: kill(2). */
    public static final int SI_USER = 0x10001;
    /** si_code: sigqueue(2). */
    public static final int SI_QUEUE = 0x10002;
    /** si_code: a timer. */
    public static final int SI_TIMER = 0x10003;
    /** si_code: the kernel. */
    public static final int SI_KERNEL = 0x10006;
    /** si_code: thr_kill(2), a signal to one thread. */
    public static final int SI_LWP = 0x10007;

    private FreeBsdSiginfo() {
    }

    /** FreeBSD's si_code of the core's. */
    public static int code(SigInfo info) {
        return switch (info.code()) {
            case SigInfo.SI_USER -> SI_USER;
            case SigInfo.SI_QUEUE -> SI_QUEUE;
            case SigInfo.SI_TIMER -> SI_TIMER;
            case SigInfo.SI_KERNEL -> SI_KERNEL;
            case SigInfo.SI_TKILL -> SI_LWP;
            default -> info.code();
        };
    }

    /** Writes the siginfo_t at {@code at} of the buffer (little-endian, {@link #SIZE} bytes, zeroed beforehand). */
    public static void write(ByteBuffer b, int at, SigInfo info) {
        b.putInt(at, info.signo());
        b.putInt(at + 8, code(info));
        if (info.fault(FreeBsdAbi.INSTANCE.signals())) {
            b.putLong(at + 24, info.addr());
            return;
        }
        b.putInt(at + 12, info.pid());
        b.putInt(at + 16, info.uid());
        if (info.child(FreeBsdAbi.INSTANCE.signals())) {
            b.putInt(at + 20, (int) info.status());
        } else {
            b.putLong(at + 32, info.value()); // si_value of sigqueue (0 otherwise)
        }
    }

    /** The siginfo_t as bytes. */
    public static byte[] bytes(SigInfo info) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        write(b, 0, info);
        return b.array();
    }
}
