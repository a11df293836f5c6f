package io.pico.posix.core;

/**
 * A process's resource limits (getrlimit, setrlimit): a soft and a hard value per resource, numbered and with
 * defaults as the personality's ABI has them; what a limit does beyond being kept (Linux's RLIMIT_NOFILE and
 * RLIMIT_AS) is the personality's. Safe for concurrent use.
 *
 * @since 2.6
 */
public final class ResourceLimits {

    /** What a personality does when a limit is set (Linux: the descriptor table's size, the memory cap). */
    @FunctionalInterface
    public interface Effect {
        /** A limit was set to these values. */
        void set(int resource, long soft, long hard);
    }

    private final long[][] limits;
    private final Effect effect;

    /** Limits starting at these soft and hard values (copied), one pair per resource number. */
    public ResourceLimits(long[][] defaults) {
        this(defaults, (resource, soft, hard) -> {
        });
    }

    /** Limits starting at these values whose changes by {@link #set} have this effect (after they are kept). */
    public ResourceLimits(long[][] defaults, Effect effect) {
        this.effect = effect;
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

    /** Sets a limit, with the personality's effect. */
    public void set(int resource, long soft, long hard) {
        synchronized (limits) {
            limits[resource] = new long[] {soft, hard};
        }
        effect.set(resource, soft, hard);
    }

    /**
     * getrlimit, setrlimit and prlimit as Linux and FreeBSD share them (a {@code struct rlimit} of two 64-bit
     * values, soft and hard, in both): writes the current limit to {@code oldLimit} unless it is 0, then sets the
     * one at {@code newLimit} unless it is 0. EINVAL for an unknown resource or a soft limit above the hard one,
     * EPERM for raising the hard limit (no process is privileged here); nothing changes on an error.
     */
    public long exchange(Call c, int resource, long newLimit, long oldLimit) {
        if (resource < 0 || resource >= limits.length) {
            throw Errno.EINVAL.error();
        }
        long[] current = get(resource);
        long soft = 0;
        long hard = 0;
        if (newLimit != 0) {
            soft = c.mem().getLong(newLimit);
            hard = c.mem().getLong(newLimit + 8);
            if (Long.compareUnsigned(soft, hard) > 0) {
                throw Errno.EINVAL.error();
            }
            if (Long.compareUnsigned(hard, current[1]) > 0) {
                throw Errno.EPERM.error();
            }
        }
        if (oldLimit != 0) {
            c.mem().putLong(oldLimit, current[0]);
            c.mem().putLong(oldLimit + 8, current[1]);
        }
        if (newLimit != 0) {
            set(resource, soft, hard);
        }
        return 0;
    }

    /** Takes every limit of {@code other} (fork: the child's limits are the parent's), without the effect. */
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
