package io.pico.posix.core;

/**
 * A queued signal with what a handler or sigtimedwait(2) learns about it (its siginfo): who sent it and why. The
 * data is the POSIX core's; each personality lays it out in its own {@code siginfo_t} (Linux's 128 bytes,
 * FreeBSD's 80) and numbers its {@code si_code}s: the origins below ({@link #SI_USER}, {@link #SI_QUEUE},
 * {@link #SI_TIMER}, {@link #SI_TKILL}, {@link #SI_KERNEL}) have the core's values (Linux's, so old snapshots
 * read as they are), FreeBSD maps them onto its own; positive codes below {@link #SI_KERNEL} are a signal's own
 * reasons (CLD_* for SIGCHLD, the same in both; SEGV_MAPERR ... in the personality's numbering, which raises them).
 *
 * @param signo the signal number, in the personality's numbering
 * @param code the origin or reason ({@code si_code})
 * @param pid the sending process (kill, sigqueue), the child (SIGCHLD), 0 from the kernel
 * @param uid the sender's user id
 * @param status SIGCHLD: the exit code or signal; sigqueue: the value ({@link #value()})
 * @param addr a fault's address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP)
 * @since 2.3
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
    /** Sent to a thread: tkill(2), tgkill(2), thr_kill(2). */
    public static final int SI_TKILL = -6;
    /** SIGCHLD: the child exited. */
    public static final int CLD_EXITED = 1;
    /** SIGCHLD: the child was killed by a signal. */
    public static final int CLD_KILLED = 2;
    /** SIGCHLD: the child was killed and dumped core. */
    public static final int CLD_DUMPED = 3;
    /** SIGCHLD: the child stopped. */
    public static final int CLD_STOPPED = 5;
    /** SIGCHLD: the child went on. */
    public static final int CLD_CONTINUED = 6;

    /** A signal sent by a process with kill(2) (pid 0: from outside pico), by the runtime's user. */
    public static SigInfo user(int signo, int pid) {
        return new SigInfo(signo, SI_USER, pid, HostIds.uid(), 0, 0);
    }

    /** A signal the kernel raised (alarms, SIGPIPE, SIGTTIN ...). */
    public static SigInfo kernel(int signo) {
        return new SigInfo(signo, SI_KERNEL, 0, 0, 0, 0);
    }

    /** A signal a process queued with a value (sigqueue(3)). */
    public static SigInfo queued(int signo, int pid, long value) {
        return new SigInfo(signo, SI_QUEUE, pid, HostIds.uid(), value, 0);
    }

    /** A signal a process sent to one thread (tkill, tgkill, thr_kill). */
    public static SigInfo toThread(int signo, int pid) {
        return new SigInfo(signo, SI_TKILL, pid, HostIds.uid(), 0, 0);
    }

    /** The value of a queued signal ({@code si_value}). */
    public long value() {
        return status;
    }

    /** The same information for another signal number (a signal sent across personalities by name). */
    public SigInfo withSigno(int sig) {
        return new SigInfo(sig, code, pid, uid, status, addr);
    }

    /** Whether a personality's CPU fault raised it (a reason code and a fault signal of {@code table}). */
    public boolean fault(SignalTable table) {
        if (code <= 0 || code >= SI_KERNEL) {
            return false;
        }
        String name = table.name(signo);
        return name.equals("SEGV") || name.equals("BUS") || name.equals("ILL") || name.equals("FPE")
                || name.equals("TRAP");
    }

    /** Whether it tells of a child (SIGCHLD with a CLD_* code). */
    public boolean child(SignalTable table) {
        return code > 0 && code < SI_KERNEL && table.name(signo).equals("CHLD");
    }
}
