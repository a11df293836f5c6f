package io.pico.posix.sys;

import io.pico.api.PicoProcess;
import io.pico.posix.FreeBsdSiginfo;
import io.pico.posix.core.Call;
import io.pico.posix.core.Clock;
import io.pico.posix.core.Errno;
import io.pico.posix.core.SigInfo;
import io.pico.posix.core.SigSet;
import io.pico.posix.core.Signals;
import io.pico.posix.core.SysError;
import io.pico.posix.core.sys.SyscallTable;

/**
 * Queued signals and waiting for them: sigqueue, sigtimedwait, sigwaitinfo, sigwait. The queueing and the wait are
 * the POSIX core's ({@link Signals#send}, {@link Signals#await}), shared with Linux's rt_sigqueueinfo and
 * rt_sigtimedwait; the rows read FreeBSD's sigset_t and write its siginfo_t ({@link FreeBsdSiginfo}).
 */
final class SigWaitCalls {

    private SigWaitCalls() {
    }

    static void register(SyscallTable t) {
        t.full(456, "dSx", SigWaitCalls::sigqueue);
        t.full(345, "ppp", c -> sigtimedwait(c, c.arg(2) == 0 ? -1 : Clock.getTimespec(c.mem(), c.arg(2))));
        t.full(346, "pp", c -> sigtimedwait(c, -1));
        t.full(429, "pp", SigWaitCalls::sigwait);
    }

    /** Implements FreeBSD sigqueue(2): the signal with its value (SI_QUEUE) for a process of any personality. */
    private static long sigqueue(Call c) {
        int pid = c.intArg(0);
        int sig = c.intArg(1);
        if (sig != 0 && !c.abi().signals().valid(sig)) {
            throw Errno.EINVAL.error();
        }
        PicoProcess p = c.kernel().process(pid).filter(q -> q.exitStatus().isEmpty() && pid > 0)
                .orElseThrow(Errno.ESRCH::error);
        if (Signals.send(c.kernel(), p, c.abi(), SigInfo.queued(sig, c.process().pid(), c.arg(2)))
                && p == c.process()) {
            c.noReturn();
        }
        return 0;
    }

    /** The set a wait takes (SIGKILL and SIGSTOP cannot be waited for). */
    private static SigSet waitSet(Call c, long address) {
        return SignalCalls.read(c, address).without(c.abi().signals().number("KILL"))
                .without(c.abi().signals().number("STOP"));
    }

    /** Implements FreeBSD sigtimedwait(2) and sigwaitinfo(2): the core's wait, FreeBSD's siginfo_t. */
    private static long sigtimedwait(Call c, long timeout) throws InterruptedException {
        SigInfo info = Signals.await(c.state(), c.threadState(), waitSet(c, c.arg(0)), timeout);
        if (c.arg(1) != 0) {
            c.write(c.arg(1), FreeBsdSiginfo.bytes(info));
        }
        return info.signo();
    }

    /** Implements FreeBSD sigwait(2): the signal number stored, the error number returned (never set as errno). */
    private static long sigwait(Call c) {
        try {
            SigInfo info = Signals.await(c.state(), c.threadState(), waitSet(c, c.arg(0)), -1);
            c.mem().putInt(c.arg(1), info.signo());
            return 0;
        } catch (SysError e) {
            return e.number(c.abi());
        } catch (InterruptedException e) {
            return c.abi().errno(Errno.EINTR);
        }
    }
}
