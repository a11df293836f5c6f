package io.pico.posix.core;

/**
 * Dispositions, masks and the alternate signal stack as Unix personalities share them, behind {@link Signals}:
 * sigaction's and sigprocmask's changes under the signal lock, sigaltstack's rule and its restore at sigreturn.
 */
final class SignalMasks {

    private SignalMasks() {
    }

    /**
     * sigprocmask(2) as Unix personalities share it: changes the thread's mask under the process's signal lock
     * (SIGKILL and SIGSTOP stay unblocked, {@link PosixThread#sigmask(SigSet)}) and returns the old one.
     *
     * @param set null to only read the mask
     * @since 2.1
     */
    static SigSet procmask(PosixProcess state, PosixThread thread, Signals.MaskHow how, SigSet set) {
        synchronized (state.signalLock()) {
            SigSet old = thread.sigmask();
            if (set != null) {
                thread.sigmask(switch (how) {
                    case BLOCK -> old.or(set);
                    case UNBLOCK -> old.andNot(set);
                    case SETMASK -> set;
                });
            }
            return old;
        }
    }

    /**
     * sigaction(2) as Unix personalities share it: replaces the disposition of {@code sig} under the process's
     * signal lock and returns the previous one; a signal that is ignored now (SIG_IGN, or the default of a signal
     * whose default is to ignore or continue) is discarded where it is pending, as POSIX asks: from the core's
     * pending set and, through {@code discard}, from a personality's own queues. The row checks what its ABI
     * refuses first (SIGKILL and SIGSTOP).
     *
     * @param action the new disposition, null to only read it
     * @since 2.1
     */
    static Disposition action(PosixProcess state, int sig, Disposition action,
            java.util.function.IntConsumer discard) {
        synchronized (state.signalLock()) {
            if (action == null) {
                return state.action(sig);
            }
            Disposition previous = state.action(sig, action);
            SignalTable.Action def = state.abi().signals().defaultAction(sig);
            if (action.ignored() || (!action.caught()
                    && (def == SignalTable.Action.IGNORE || def == SignalTable.Action.CONTINUE))) {
                state.removePending(sig);
                discard.accept(sig);
            }
            return previous;
        }
    }

    /**
     * sigaltstack(2) as Unix personalities share it: the thread's alternate stack before the call, after
     * replacing it with {@code set} (null to only read it). A thread running on its alternate stack ({@code sp})
     * cannot change it (EPERM); an enabled stack smaller than {@code minSize} is refused (ENOMEM). The row checks
     * its flags and decides what a disabled stack keeps of its address and size (Linux: nothing, FreeBSD: both).
     *
     * @since 2.3
     */
    static Signals.AltStack altStack(PosixThread thread, long sp, Signals.AltStack set, long minSize) {
        synchronized (thread) {
            Signals.AltStack old = new Signals.AltStack(thread.altStack(), thread.altStackSize(), thread.altStackDisabled());
            if (set != null) {
                if (thread.onAltStack(sp)) {
                    throw Errno.EPERM.error();
                }
                if (!set.disabled() && set.size() < minSize) {
                    throw Errno.ENOMEM.error();
                }
                thread.altStack(set.base(), set.size(), set.disabled());
            }
            return old;
        }
    }

    /**
     * Puts back the alternate stack a signal frame recorded (its uc_stack, which the handler may have changed) at
     * the frame's sigreturn, as Linux's rt_sigreturn does (restore_altstack): sigaltstack's rule ({@link #altStack})
     * with the restored stack pointer {@code sp}, where a refusal (the thread is back on its alternate stack, the
     * stack is too small) keeps the current stack without an error. FreeBSD's sigreturn does not call it: FreeBSD
     * keeps the thread's stack whatever the ucontext says (sys_sigreturn only looks at mc_onstack).
     *
     * @return whether the recorded stack is in force now
     * @since 2.4
     */
    static boolean restoreAltStack(PosixThread thread, long sp, Signals.AltStack recorded, long minSize) {
        try {
            altStack(thread, sp, recorded, minSize);
            return true;
        } catch (SysError e) {
            return false;
        }
    }
}
