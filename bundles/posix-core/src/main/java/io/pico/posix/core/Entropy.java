package io.pico.posix.core;

import java.security.SecureRandom;

/** Random bytes from the host's secure random source, for every Unix personality's getrandom(2). */
public final class Entropy {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Entropy() {
    }

    /**
     * Implements getrandom(2) for both tables (buffer, length, flags): flags outside {@code validFlags} are EINVAL
     * (each ABI's GRND_* bits), the length is capped at {@code cap}; returns the number of bytes written.
     */
    public static long getrandom(Call c, int validFlags, int cap) {
        if ((c.intArg(2) & ~validFlags) != 0) {
            throw Errno.EINVAL.error();
        }
        int n = c.sizeArg(1, cap);
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        c.write(c.arg(0), b);
        return n;
    }
}
