package io.pico.posix.core;

/**
 * What a process does with a signal, as sigaction(2) records it. The handler values SIG_DFL (0) and SIG_IGN
 * (1) are the same in every Unix personality here.
 *
 * @param handler the handler address, {@link #SIG_DFL} or {@link #SIG_IGN}
 * @param flags the personality's SA_* flags, kept as given
 * @param mask the signals blocked while the handler runs
 * @param restorer the return trampoline (Linux's sa_restorer), 0 when the personality has none
 */
public record Disposition(long handler, long flags, SigSet mask, long restorer) {

    /** The default action. */
    public static final long SIG_DFL = 0;
    /** Ignore the signal. */
    public static final long SIG_IGN = 1;
    /** The default disposition. */
    public static final Disposition DEFAULT = new Disposition(SIG_DFL, 0, SigSet.EMPTY, 0);

    /** Whether the signal is ignored explicitly. */
    public boolean ignored() {
        return handler == SIG_IGN;
    }

    /** Whether a handler of the guest's is installed. */
    public boolean caught() {
        return handler != SIG_DFL && handler != SIG_IGN;
    }
}
