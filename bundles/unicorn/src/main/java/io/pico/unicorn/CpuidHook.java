package io.pico.unicorn;

/**
 * Called for each CPUID instruction. Return true after setting EAX/EBX/ECX/EDX to skip the instruction (the
 * hook's values stand); false to let the emulated CPU execute it.
 */
@FunctionalInterface
public interface CpuidHook {
    boolean onCpuid(Unicorn uc);
}
