package io.pico.unicorn;

/**
 * Called for each interrupt or CPU exception ({@code int N}: N; divide error: 0; {@code int3}: 3; invalid
 * opcode: 6 when no invalid-instruction hook handles it; general protection: 13 ...). Runs on the thread running
 * {@link Unicorn#emuStart}; execution resumes after the instruction unless the hook changes RIP or stops.
 */
@FunctionalInterface
public interface InterruptHook {
    void onInterrupt(Unicorn uc, int intno);
}
