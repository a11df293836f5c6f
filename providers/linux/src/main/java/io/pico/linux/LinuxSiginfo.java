package io.pico.linux;

import io.pico.posix.core.SigInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Linux's x86-64 {@code siginfo_t} (128 bytes) for the POSIX core's {@link SigInfo}, the fault reasons Linux raises,
 * and how strace shows a siginfo. The core's origin codes are Linux's own (SI_USER 0, SI_QUEUE -1, SI_TKILL -6,
 * SI_KERNEL 0x80), so they are written as they are.
 */
public final class LinuxSiginfo {

    public static final int SEGV_MAPERR = 1;
    public static final int SEGV_ACCERR = 2;
    public static final int ILL_ILLOPN = 2;
    public static final int FPE_INTDIV = 1;
    public static final int TRAP_BRKPT = 1;

    private LinuxSiginfo() {
    }

    /** Whether the signal comes from a CPU fault, with an address. */
    public static boolean fault(SigInfo info) {
        return info.fault(LinuxAbi.INSTANCE.signals());
    }

    /** The 128-byte {@code siginfo_t} of x86-64 Linux. */
    public static byte[] bytes(SigInfo info) {
        int signo = info.signo();
        int code = info.code();
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, signo);
        b.putInt(8, code);
        if (fault(info)) {
            b.putLong(16, info.addr());
        } else if (signo == Signals.SIGCHLD && code > 0 && code < SigInfo.SI_KERNEL) {
            b.putInt(16, info.pid());
            b.putInt(20, info.uid());
            b.putInt(24, (int) info.status());
        } else if (code == SigInfo.SI_TIMER) {
            b.putInt(16, info.pid()); // timer id
            b.putLong(24, info.status());
        } else {
            b.putInt(16, info.pid());
            b.putInt(20, info.uid());
            b.putLong(24, info.status());
        }
        return b.array();
    }

    /** A siginfo read back from guest bytes (rt_sigqueueinfo). */
    public static SigInfo of(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new SigInfo(b.getInt(0), b.getInt(8), b.getInt(16), b.getInt(20), b.getLong(24), b.getLong(16));
    }

    /** How strace shows it: {@code {si_signo=SIGINT, si_code=SI_USER, si_pid=1, si_uid=0}}. */
    public static String describe(SigInfo info) {
        int signo = info.signo();
        int code = info.code();
        String name = "SIG" + Signals.name(signo);
        String c = switch (code) {
            case SigInfo.SI_USER -> "SI_USER";
            case SigInfo.SI_KERNEL -> "SI_KERNEL";
            case SigInfo.SI_QUEUE -> "SI_QUEUE";
            case SigInfo.SI_TIMER -> "SI_TIMER";
            case SigInfo.SI_TKILL -> "SI_TKILL";
            default -> String.valueOf(code);
        };
        if (fault(info)) {
            return String.format("{si_signo=%s, si_code=%s, si_addr=0x%x}", name, c, info.addr());
        }
        if (signo == Signals.SIGCHLD && code > 0 && code < SigInfo.SI_KERNEL) {
            String[] cld = {"?", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
            return "{si_signo=SIGCHLD, si_code=" + (code < cld.length ? cld[code] : c) + ", si_pid=" + info.pid()
                    + ", si_uid=" + info.uid() + ", si_status=" + info.status() + "}";
        }
        return "{si_signo=" + name + ", si_code=" + c + ", si_pid=" + info.pid() + ", si_uid=" + info.uid() + "}";
    }
}
