package io.pico.linux;

import io.pico.posix.core.HostIds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A queued signal with what Linux's {@code siginfo_t} tells its handler: who sent it and why.
 *
 * @param signo the signal number
 * @param code {@code si_code}: {@link #SI_USER}, {@link #SI_TKILL}, {@link #SI_KERNEL}, a CLD_* or SEGV_* code
 * @param pid the sending process (kill, SIGCHLD: the child)
 * @param uid the sender's user id
 * @param status SIGCHLD: the exit code or signal; sigqueue: the value
 * @param addr SIGSEGV, SIGBUS, SIGILL, SIGFPE: the faulting address
 */
public record SigInfo(int signo, int code, int pid, int uid, long status, long addr) {

    /** Sent by kill(2). */
    public static final int SI_USER = 0;
    /** Sent by the kernel. */
    public static final int SI_KERNEL = 0x80;
    /** Sent by sigqueue(3). */
    public static final int SI_QUEUE = -1;
    /** Sent by a timer expiring. */
    public static final int SI_TIMER = -2;
    /** Sent by tkill(2) or tgkill(2). */
    public static final int SI_TKILL = -6;
    public static final int CLD_EXITED = 1;
    public static final int CLD_KILLED = 2;
    public static final int CLD_DUMPED = 3;
    public static final int CLD_STOPPED = 5;
    public static final int CLD_CONTINUED = 6;
    public static final int SEGV_MAPERR = 1;
    public static final int SEGV_ACCERR = 2;
    public static final int ILL_ILLOPN = 2;
    public static final int FPE_INTDIV = 1;
    public static final int TRAP_BRKPT = 1;

    /** A signal sent by a process with kill(2) (or from outside pico, pid 0). */
    public static SigInfo user(int signo, int pid) {
        return new SigInfo(signo, SI_USER, pid, HostIds.uid(), 0, 0);
    }

    /** A signal the kernel raised. */
    public static SigInfo kernel(int signo) {
        return new SigInfo(signo, SI_KERNEL, 0, 0, 0, 0);
    }

    /** Whether the signal comes from a CPU fault, with an address. */
    public boolean fault() {
        return code > 0 && code < SI_KERNEL && (signo == Signals.SIGSEGV || signo == Signals.SIGBUS
                || signo == Signals.SIGILL || signo == Signals.SIGFPE || signo == Signals.SIGTRAP);
    }

    /** The 128-byte {@code siginfo_t} of x86-64 Linux. */
    public byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, signo);
        b.putInt(8, code);
        if (fault()) {
            b.putLong(16, addr);
        } else if (signo == Signals.SIGCHLD && code > 0 && code < SI_KERNEL) {
            b.putInt(16, pid);
            b.putInt(20, uid);
            b.putInt(24, (int) status);
        } else if (code == SI_TIMER) {
            b.putInt(16, pid); // timer id
            b.putLong(24, status);
        } else {
            b.putInt(16, pid);
            b.putInt(20, uid);
            b.putLong(24, status);
        }
        return b.array();
    }

    /** A siginfo read back from guest bytes (rt_sigqueueinfo). */
    public static SigInfo of(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new SigInfo(b.getInt(0), b.getInt(8), b.getInt(16), b.getInt(20), b.getLong(24), b.getLong(16));
    }

    /** How strace shows it: {@code {si_signo=SIGINT, si_code=SI_USER, si_pid=1, si_uid=0}}. */
    public String describe() {
        String name = "SIG" + Signals.name(signo);
        String c = switch (code) {
            case SI_USER -> "SI_USER";
            case SI_KERNEL -> "SI_KERNEL";
            case SI_QUEUE -> "SI_QUEUE";
            case SI_TIMER -> "SI_TIMER";
            case SI_TKILL -> "SI_TKILL";
            default -> String.valueOf(code);
        };
        if (fault()) {
            return String.format("{si_signo=%s, si_code=%s, si_addr=0x%x}", name, c, addr);
        }
        if (signo == Signals.SIGCHLD && code > 0 && code < SI_KERNEL) {
            String[] cld = {"?", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"};
            return "{si_signo=SIGCHLD, si_code=" + (code < cld.length ? cld[code] : c) + ", si_pid=" + pid + ", si_uid="
                    + uid + ", si_status=" + status + "}";
        }
        return "{si_signo=" + name + ", si_code=" + c + ", si_pid=" + pid + ", si_uid=" + uid + "}";
    }
}
