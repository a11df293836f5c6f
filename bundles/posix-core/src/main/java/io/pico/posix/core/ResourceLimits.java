package io.pico.posix.core;

/**
 * A process's resource limits (getrlimit, setrlimit): a soft and a hard value per resource, numbered and with
 * defaults as the personality's ABI has them; what a limit does beyond being kept (Linux's RLIMIT_NOFILE and
 * RLIMIT_AS) is the personality's. Safe for concurrent use.
 *
 * @since 2.6
 */
public final class ResourceLimits {

    private final long[][] limits;

    /** Limits starting at these soft and hard values (copied), one pair per resource number. */
    public ResourceLimits(long[][] defaults) {
        limits = new long[defaults.length][];
        for (int i = 0; i < defaults.length; i++) {
            limits[i] = new long[] {defaults[i][0], defaults[i][1]};
        }
    }

    /** How many resources there are. */
    public int count() {
        return limits.length;
    }

    /** A limit: soft and hard (a copy). */
    public long[] get(int resource) {
        synchronized (limits) {
            return limits[resource].clone();
        }
    }

    /** Sets a limit. */
    public void set(int resource, long soft, long hard) {
        synchronized (limits) {
            limits[resource] = new long[] {soft, hard};
        }
    }

    /** Takes every limit of {@code other} (fork: the child's limits are the parent's). */
    public void copyFrom(ResourceLimits other) {
        long[][] copy = new long[other.limits.length][];
        synchronized (other.limits) {
            for (int i = 0; i < copy.length; i++) {
                copy[i] = other.limits[i].clone();
            }
        }
        synchronized (limits) {
            for (int i = 0; i < Math.min(copy.length, limits.length); i++) {
                limits[i] = copy[i];
            }
        }
    }
}
