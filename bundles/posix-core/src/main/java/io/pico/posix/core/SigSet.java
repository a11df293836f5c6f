package io.pico.posix.core;

/**
 * A set of signals 1..128 (bit n-1 for signal n), immutable: wide enough for Linux's 64 and FreeBSD's 128.
 *
 * @param low signals 1..64
 * @param high signals 65..128
 */
public record SigSet(long low, long high) {

    /** The empty set. */
    public static final SigSet EMPTY = new SigSet(0, 0);

    /** A set of signals 1..64 from one word (Linux's sigset_t). */
    public static SigSet of(long low) {
        return new SigSet(low, 0);
    }

    /** A set from four 32-bit words (FreeBSD's sigset_t). */
    public static SigSet ofWords(int w0, int w1, int w2, int w3) {
        return new SigSet((w0 & 0xffff_ffffL) | (long) w1 << 32, (w2 & 0xffff_ffffL) | (long) w3 << 32);
    }

    /** Whether signal {@code sig} is in the set. */
    public boolean contains(int sig) {
        if (sig < 1 || sig > 128) {
            return false;
        }
        return sig <= 64 ? (low >>> (sig - 1) & 1) != 0 : (high >>> (sig - 65) & 1) != 0;
    }

    /** This set with {@code sig} added. */
    public SigSet with(int sig) {
        if (sig < 1 || sig > 128) {
            return this;
        }
        return sig <= 64 ? new SigSet(low | 1L << (sig - 1), high) : new SigSet(low, high | 1L << (sig - 65));
    }

    /** This set without {@code sig}. */
    public SigSet without(int sig) {
        if (sig < 1 || sig > 128) {
            return this;
        }
        return sig <= 64 ? new SigSet(low & ~(1L << (sig - 1)), high) : new SigSet(low, high & ~(1L << (sig - 65)));
    }

    /** The union. */
    public SigSet or(SigSet o) {
        return new SigSet(low | o.low, high | o.high);
    }

    /** This set without the signals of {@code o}. */
    public SigSet andNot(SigSet o) {
        return new SigSet(low & ~o.low, high & ~o.high);
    }

    /** The intersection. */
    public SigSet and(SigSet o) {
        return new SigSet(low & o.low, high & o.high);
    }

    /** Whether the set is empty. */
    public boolean isEmpty() {
        return low == 0 && high == 0;
    }

    /** The lowest signal in the set, 0 when empty. */
    public int first() {
        if (low != 0) {
            return Long.numberOfTrailingZeros(low) + 1;
        }
        return high != 0 ? Long.numberOfTrailingZeros(high) + 65 : 0;
    }

    /** Word {@code i} (0..3) of the set as 32 bits. */
    public int word(int i) {
        long w = i < 2 ? low : high;
        return (int) (i % 2 == 0 ? w : w >>> 32);
    }
}
