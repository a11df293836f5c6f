package io.pico.unicorn;

/** Called before each instruction ({@link Unicorn#hookCode}) or basic block ({@link Unicorn#hookBlock}). */
@FunctionalInterface
public interface CodeHook {
    void onCode(Unicorn uc, long address, int size);
}
