package io.pico.posix.core;

import io.pico.api.AddressSpace;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.posix.core.fs.GuestFs;
import java.nio.charset.StandardCharsets;

/**
 * One system call in progress: its thread, process, personality state and raw arguments. Handlers of every
 * Unix personality get one; the call table writes the result the personality's way.
 */
public class Call {

    /** The longest path accepted (PATH_MAX of Linux; FreeBSD's is 1024, checked by its handlers). */
    public static final int PATH_MAX = 4096;

    private final Kernel kernel;
    private final PicoThread thread;
    private final PosixProcess state;
    private final long[] args;
    private final int number;
    private boolean noReturn;
    private boolean hasSecond;
    private long second;

    /** A call of the given number with the given raw arguments (six, unused ones 0). */
    public Call(Kernel kernel, PicoThread thread, PosixProcess state, int number, long[] args) {
        this.kernel = kernel;
        this.thread = thread;
        this.state = state;
        this.number = number;
        this.args = args;
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

    /** The call's number in the personality's table. */
    public int number() {
        return number;
    }

    /** The process's state, as the personality's subclass. */
    @SuppressWarnings("unchecked")
    public <T extends PosixProcess> T state() {
        return (T) state;
    }

    /** The calling thread's state, as the personality's subclass. */
    public <T extends PosixThread> T threadState() {
        return state.thread(thread);
    }

    /** The personality's numbers. */
    public Abi abi() {
        return state.abi();
    }

    /** The guest file system of the process. */
    public GuestFs fs() {
        return state.fs();
    }

    /** The descriptor table of the process. */
    public FdTable fds() {
        return state.fds();
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

    /** Argument {@code i} as a C unsigned int. */
    public long uintArg(int i) {
        return args[i] & 0xffff_ffffL;
    }

    /** Argument {@code i} as a size capped at {@code cap}; EINVAL for negative sizes. */
    public int sizeArg(int i, int cap) {
        long v = args[i];
        if (v < 0) {
            throw Errno.EINVAL.error();
        }
        return (int) Math.min(v, cap);
    }

    /** The raw arguments (a copy). */
    public long[] args() {
        return args.clone();
    }

    /** The NUL-terminated path argument {@code i}; EFAULT for NULL, ENAMETOOLONG beyond PATH_MAX. */
    public String path(int i) {
        return string(args[i], PATH_MAX);
    }

    /** A NUL-terminated string of at most {@code max} bytes with its NUL at a guest address. */
    public String string(long address, int max) {
        if (address == 0) {
            throw Errno.EFAULT.error();
        }
        byte[] b = mem().getCString(address, max + 1);
        if (b.length > max - 1) {
            throw Errno.ENAMETOOLONG.error();
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

    /** Marks the call as not returning to the guest (exit, a successful execve): no result is written. */
    public void noReturn() {
        noReturn = true;
    }

    /** Whether the call returns a result to the guest. */
    public boolean returns() {
        return !noReturn;
    }

    /** Sets the second result (rdx on FreeBSD: pipe's write end, fork's child flag). */
    public void secondResult(long value) {
        hasSecond = true;
        second = value;
    }

    /** Whether a second result was set. */
    public boolean hasSecondResult() {
        return hasSecond;
    }

    /** The second result. */
    public long secondResult() {
        return second;
    }

    /** Logs a line to the runtime log, prefixed with the personality and pid. */
    public void log(String message) {
        kernel.log(abi().personality() + ": pid " + process().pid() + ": " + message);
    }
}
