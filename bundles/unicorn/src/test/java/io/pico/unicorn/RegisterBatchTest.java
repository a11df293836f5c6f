package io.pico.unicorn;

import static io.pico.unicorn.X86.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Unicorn.RegisterBatch}: a prepared list of registers read in one downcall, as the syscall hook does. */
@Timeout(60)
class RegisterBatchTest {

    private static final int[] CALL = {UC_X86_REG_RAX, UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RDX,
        UC_X86_REG_R10, UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_RIP};

    @Test
    void readsWhatTheRegistersHoldEachTime() {
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_64); Unicorn.RegisterBatch batch = uc.registerBatch(CALL)) {
            long[] out = new long[CALL.length];
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < CALL.length; i++) {
                    uc.regWrite(CALL[i], 0x0102030405060700L * (round + 1) + i);
                }
                batch.read(out);
                for (int i = 0; i < CALL.length; i++) {
                    assertEquals(0x0102030405060700L * (round + 1) + i, out[i], "round " + round + ", register #" + i);
                }
            }
        }
    }

    @Test
    void narrowRegistersAreZeroExtendedAndWideOnesRefused() {
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_64);
                Unicorn.RegisterBatch batch = uc.registerBatch(UC_X86_REG_RAX, UC_X86_REG_EAX, UC_X86_REG_AX)) {
            uc.regWrite(UC_X86_REG_RAX, -1L);
            long[] out = new long[3];
            batch.read(out);
            assertArrayEquals(new long[] {-1L, 0xffff_ffffL, 0xffffL}, out);
            assertThrows(IllegalArgumentException.class, () -> uc.registerBatch(UC_X86_REG_XMM0));
        }
    }

    @Test
    void aSyscallHookSeesTheCallsArguments() {
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_64); Unicorn.RegisterBatch batch = uc.registerBatch(CALL)) {
            uc.memMap(0x1000, 0x1000, UC_PROT_ALL);
            // mov eax, 39; mov edi, 1; mov esi, 2; mov edx, 3; syscall
            byte[] code = Asm.code("B8 27 00 00 00", "BF 01 00 00 00", "BE 02 00 00 00", "BA 03 00 00 00", "0F 05");
            uc.memWrite(0x1000, code);
            uc.regWrite(UC_X86_REG_R10, 4);
            uc.regWrite(UC_X86_REG_R8, 5);
            uc.regWrite(UC_X86_REG_R9, 6);
            AtomicReference<long[]> seen = new AtomicReference<>();
            uc.hookSyscall(u -> {
                long[] out = new long[CALL.length];
                batch.read(out);
                seen.set(out);
            });
            uc.emuStart(0x1000, 0x1000 + code.length, 0, 0);
            // inside the hook RIP is still the syscall instruction's address
            assertArrayEquals(new long[] {39, 1, 2, 3, 4, 5, 6, 0x1000 + code.length - 2}, seen.get());
        }
    }

    @Test
    void aClosedBatchFailsClearly() {
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_64)) {
            Unicorn.RegisterBatch batch = uc.registerBatch(CALL);
            batch.close();
            batch.close();
            assertThrows(IllegalStateException.class, () -> batch.read(new long[CALL.length]));
        }
    }
}
