package io.pico.os2;

import io.pico.api.CallEvent;
import io.pico.api.Kernel;
import io.pico.api.PicoThread;

/**
 * OS/2 API calls as the kernel's call observers see them: table is the module (DOSCALLS, MSG ...), number the
 * ordinal, arguments the 32-bit (or 16-bit) stack arguments; the result is the APIRET, 0 for calls that set
 * the registers themselves or do not return (DosExit).
 */
final class CallReports {

    private CallReports() {
    }

    /** Reports a call about to run; returns its event, or null when nobody observes calls. */
    static CallEvent starting(Kernel kernel, PicoThread thread, Call c, Fn fn) {
        if (!kernel.observingCalls()) {
            return null;
        }
        long[] args = new long[fn.params().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = c.arg(i);
        }
        CallEvent event = new CallEvent(thread.process().pid(), thread.tid(), "os2", fn.module(), fn.ordinal(),
                fn.name(), args);
        kernel.callStarting(event);
        return event;
    }

    /** Reports a call's result (nothing when it was not reported as starting). */
    static void ended(Kernel kernel, CallEvent event, long result) {
        if (event != null) {
            kernel.callEnded(event, result == Call.NO_RESULT ? 0 : result);
        }
    }
}
