package io.pico.posix;

import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.PosixThread;
import io.pico.posix.core.ResourceLimits;
import io.pico.posix.core.fs.GuestFs;
import java.util.List;

/**
 * The FreeBSD personality's state of a process beyond the POSIX core's: resource limits (FreeBSD's
 * numbering), terminal settings as the guest last set them, and the address of the program's ps_strings.
 */
public final class FreeBsdProcess extends PosixProcess {

    /** RLIM_INFINITY. */
    public static final long INFINITY = Long.MAX_VALUE;
    /** The number of resource limits (RLIM_NLIMITS). */
    public static final int NLIMITS = 15;
    /** The size of struct termios. */
    public static final int TERMIOS_SIZE = 44;

    private final ResourceLimits limits = new ResourceLimits(defaultLimits());
    private final byte[] termios = defaultTermios();

    /** State for a process started from the executable at guest path {@code exe}. */
    public FreeBsdProcess(PicoProcess process, GuestFs fs, String exe, String cwd, List<String> argv,
            List<String> env) {
        super(process, FreeBsdAbi.INSTANCE, fs, exe, cwd, argv, env);
    }

    /** The state of a process this provider runs. */
    public static FreeBsdProcess of(PicoProcess process) {
        return PosixProcess.of(process);
    }

    @Override
    protected PosixProcess createChild(PicoProcess child) {
        FreeBsdProcess c = new FreeBsdProcess(child, fs().with(fs().overlay()), exe(), cwd(), argv(),
                env());
        c.limits.copyFrom(limits);
        c.termios(termios());
        return c;
    }

    @Override
    protected PosixThread createThreadState(PicoThread thread) {
        return new FreeBsdThread(thread);
    }

    private static long[][] defaultLimits() {
        long[][] l = new long[NLIMITS][];
        for (int i = 0; i < l.length; i++) {
            l[i] = new long[] {INFINITY, INFINITY};
        }
        l[2] = new long[] {32L << 30, 32L << 30}; // DATA
        l[3] = new long[] {8L << 20, 512L << 20}; // STACK
        l[4] = new long[] {0, INFINITY}; // CORE
        l[7] = new long[] {6000, 6000}; // NPROC
        l[8] = new long[] {FreeBsdAbi.INSTANCE.maxFds(), FreeBsdAbi.INSTANCE.maxFds()}; // NOFILE
        l[6] = new long[] {64L << 10, 64L << 10}; // MEMLOCK
        return l;
    }

    /** A resource limit: soft and hard. */
    public long[] limit(int resource) {
        return limits.get(resource);
    }

    /** The resource limits (the core's getrlimit/setrlimit rule, {@link ResourceLimits#exchange}). */
    public ResourceLimits limits() {
        return limits;
    }

    /** Sets a resource limit. */
    public void limit(int resource, long soft, long hard) {
        limits.set(resource, soft, hard);
    }

    private static byte[] defaultTermios() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(TERMIOS_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        // c_iflag BRKINT|ICRNL|IXON|IMAXBEL|IXANY, c_oflag OPOST|ONLCR, c_cflag CREAD|CS8|HUPCL,
        // c_lflag ECHOKE|ECHOE|ECHOK|ECHO|ECHOCTL|ISIG|ICANON|IEXTEN
        b.putInt(0x2b02).putInt(0x3).putInt(0x4b00).putInt(0x5cb);
        byte[] cc = {4, -1, -1, 127, 23, 21, 18, 8, 3, 28, 26, 25, 17, 19, 22, 15, 1, 0, 20, -1};
        b.put(cc);
        b.putInt(9600).putInt(9600);
        return b.array();
    }

    /** The terminal settings the guest last set (struct termios, 44 bytes): recorded, not applied. */
    public byte[] termios() {
        synchronized (termios) {
            return termios.clone();
        }
    }

    /** Records terminal settings. */
    public void termios(byte[] value) {
        synchronized (termios) {
            System.arraycopy(value, 0, termios, 0, Math.min(value.length, termios.length));
        }
    }
}
