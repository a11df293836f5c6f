package io.pico.posix;

import io.pico.api.PicoThread;
import io.pico.posix.core.PosixThread;

/** The FreeBSD personality's state of a thread beyond the core's: its name (thr_set_name). */
public final class FreeBsdThread extends PosixThread {

    private volatile String name = "";

    /** State of a thread. */
    public FreeBsdThread(PicoThread thread) {
        super(thread, FreeBsdAbi.INSTANCE);
    }

    /** The thread's name. */
    public String name() {
        return name;
    }

    /** Names the thread. */
    public void name(String n) {
        name = n;
    }
}
