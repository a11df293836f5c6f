package io.pico.unicorn;

/**
 * Called for each {@code in} / {@code out} instruction. For {@code in} the returned value is what the guest
 * reads; for {@code out} {@code value} is what it wrote and the result is ignored. {@code size} is 1, 2 or 4.
 */
@FunctionalInterface
public interface PortIoHook {
    int onPortIo(Unicorn uc, boolean out, int port, int size, int value);
}
