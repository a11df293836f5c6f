package io.pico.linux.sys;

import io.pico.api.AddressSpace;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.linux.Errno;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;
import io.pico.posix.core.fs.GuestFs;
import java.nio.charset.StandardCharsets;

/** One system call in progress: its thread, process, personality state and arguments. */
public final class Call {

    /** Linux's PATH_MAX. */
    public static final int PATH_MAX = 4096;

    private final Kernel kernel;
    private final PicoThread thread;
    private final LinuxProcess state;
    private final long[] args;
    private final int number;
    private boolean noReturn;
    private io.pico.posix.core.Call core;

    Call(Kernel kernel, PicoThread thread, LinuxProcess state, long[] args) {
        this(kernel, thread, state, -1, args);
    }

    Call(Kernel kernel, PicoThread thread, LinuxProcess state, int number, long[] args) {
        this.kernel = kernel;
        this.thread = thread;
        this.state = state;
        this.number = number;
        this.args = args;
    }

    /**
     * The same call as the POSIX core's handlers take it (same thread, process state and raw arguments): the
     * rows whose meaning Linux shares with other personalities run the core's code with it.
     */
    public io.pico.posix.core.Call core() {
        if (core == null) {
            core = new io.pico.posix.core.Call(kernel, thread, state, number, args);
        }
        return core;
    }

    /** The kernel. */
    public Kernel kernel() {
        return kernel;
    }

    /** The calling thread. */
    public PicoThread thread() {
        return thread;
    }

    /** The calling process. */
    public PicoProcess process() {
        return thread.process();
    }

    /** The process's Linux state. */
    public LinuxProcess state() {
        return state;
    }

    /** The calling thread's Linux state. */
    public LinuxThread threadState() {
        return LinuxThread.of(thread);
    }

    /** The guest file system of the process. */
    public GuestFs fs() {
        return state.fs();
    }

    /** The process's memory. */
    public AddressSpace mem() {
        return thread.process().memory();
    }

    /** Argument {@code i} (0..5) as a 64-bit value. */
    public long arg(int i) {
        return args[i];
    }

    /** Argument {@code i} as a C int (the low 32 bits, sign-extended). */
    public int intArg(int i) {
        return (int) args[i];
    }

    /** Argument {@code i} as a size that must fit an int buffer; EINVAL for negative sizes. */
    public int sizeArg(int i, int cap) {
        long v = args[i];
        if (v < 0) {
            throw Errno.error(Errno.EINVAL);
        }
        return (int) Math.min(v, cap);
    }

    /** The NUL-terminated path argument {@code i}; EFAULT for NULL, ENAMETOOLONG beyond PATH_MAX. */
    public String path(int i) {
        return string(args[i], PATH_MAX);
    }

    /** A NUL-terminated string of at most {@code max} bytes at a guest address. */
    public String string(long address, int max) {
        if (address == 0) {
            throw Errno.error(Errno.EFAULT);
        }
        byte[] b = mem().getCString(address, max + 1);
        if (b.length > max - 1) {
            throw Errno.error(Errno.ENAMETOOLONG);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Reads guest memory. */
    public byte[] read(long address, int length) {
        byte[] b = new byte[length];
        if (length > 0) {
            mem().read(address, b, 0, length);
        }
        return b;
    }

    /** Writes guest memory. */
    public void write(long address, byte[] bytes) {
        if (bytes.length > 0) {
            mem().write(address, bytes, 0, bytes.length);
        }
    }

    /** Marks the call as not returning to the guest (exit): no result is written. */
    public void noReturn() {
        noReturn = true;
    }

    boolean returns() {
        return !noReturn;
    }
}
