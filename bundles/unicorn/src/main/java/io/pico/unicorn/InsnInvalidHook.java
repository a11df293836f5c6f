package io.pico.unicorn;

/**
 * Called for an instruction the CPU cannot decode. Return true to continue (after moving RIP past it or
 * elsewhere), false to stop emulation with {@code UC_ERR_INSN_INVALID}.
 */
@FunctionalInterface
public interface InsnInvalidHook {
    boolean onInvalid(Unicorn uc);
}
