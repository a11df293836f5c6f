package io.pico.unicorn;

/** Called for each SYSCALL (or SYSENTER) instruction, on the thread running {@link Unicorn#emuStart}. */
@FunctionalInterface
public interface SyscallHook {
    void onSyscall(Unicorn uc);
}
