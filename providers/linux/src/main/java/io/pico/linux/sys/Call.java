package io.pico.linux.sys;

import io.pico.api.Kernel;
import io.pico.api.PicoThread;
import io.pico.linux.LinuxProcess;
import io.pico.linux.LinuxThread;

/**
 * One Linux system call in progress: the POSIX core's {@link io.pico.posix.core.Call} (thread, process state, raw
 * arguments, result) with the process and thread state typed as Linux's. The core's table makes one for each
 * call ({@link Table}).
 */
public final class Call extends io.pico.posix.core.Call {

    Call(Kernel kernel, PicoThread thread, LinuxProcess state, long[] args) {
        this(kernel, thread, state, -1, args);
    }

    Call(Kernel kernel, PicoThread thread, LinuxProcess state, int number, long[] args) {
        super(kernel, thread, state, number, args);
    }

    /** The same call as the POSIX core's handlers take it: this object. */
    public io.pico.posix.core.Call core() {
        return this;
    }

    /** The process's Linux state. */
    @Override
    @SuppressWarnings("unchecked")
    public LinuxProcess state() {
        return super.state();
    }

    /** The calling thread's Linux state. */
    @Override
    @SuppressWarnings("unchecked")
    public LinuxThread threadState() {
        return LinuxThread.of(thread());
    }
}
