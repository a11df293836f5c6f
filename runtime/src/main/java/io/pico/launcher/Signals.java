package io.pico.launcher;

import sun.misc.Signal;

/**
 * Host signals of the launcher's JVM (jdk.unsupported's {@code sun.misc.Signal}): instead of ending the JVM,
 * INT, TERM, HUP and QUIT are handed on, in the end to the guest.
 */
final class Signals {

    private Signals() {
    }

    /**
     * Runs the action whenever the JVM receives the signal (named without {@code SIG}). Returns false when the
     * signal cannot be handled here (QUIT is reserved by the JVM for thread dumps unless it runs with -Xrs).
     */
    static boolean forward(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), s -> action.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }
}
