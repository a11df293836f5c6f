package io.pico.unicorn;

import static io.pico.unicorn.Asm.code;
import static io.pico.unicorn.X86.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rough speed measurements, printed; the assertions only catch a binding that is broken-slow (10x and more below
 * what this machine does), not normal machine variation.
 */
@Timeout(120)
class PerformanceTest {

    @Test
    void syscallRoundTripsAndRegisterAccess() {
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_64)) {
            uc.memMap(0x1000, 0x1000, UC_PROT_ALL);
            byte[] loop = code(
                    "B8 27 00 00 00",              // 0: mov eax,0x27
                    "0F 05",                       // 5: syscall
                    "49 FF CC",                    // 7: dec r12
                    "75 F4");                      // a: jne 0x0
            uc.memWrite(0x1000, loop);
            AtomicLong calls = new AtomicLong();
            AtomicLong sum = new AtomicLong();
            uc.hookSyscall(u -> {
                calls.incrementAndGet();
                sum.addAndGet(u.regRead(UC_X86_REG_RAX));
                u.regWrite(UC_X86_REG_RAX, 1234);
            });
            long best = Long.MAX_VALUE;
            int n = 200_000;
            for (int round = 0; round < 5; round++) {
                uc.regWrite(UC_X86_REG_R12, n);
                long t0 = System.nanoTime();
                uc.emuStart(0x1000, 0x1000 + loop.length, 0, 0);
                best = Math.min(best, System.nanoTime() - t0);
            }
            assertEquals(5L * n, calls.get());
            assertEquals(5L * n * 39, sum.get());
            assertEquals(1234, uc.regRead(UC_X86_REG_RAX));
            double nsPerSyscall = (double) best / n;
            System.out.printf("unicorn %s: syscall hook round trip (regRead + regWrite inside) %.0f ns = %.2f M/s%n",
                    Unicorn.version(), nsPerSyscall, 1000.0 / nsPerSyscall);
            assertTrue(nsPerSyscall < 5_000, nsPerSyscall + " ns per syscall");

            int m = 2_000_000;
            long t0 = System.nanoTime();
            long x = 0;
            for (int i = 0; i < m; i++) {
                uc.regWrite(UC_X86_REG_RBX, i);
                x += uc.regRead(UC_X86_REG_RBX);
            }
            double nsPerPair = (double) (System.nanoTime() - t0) / m;
            assertEquals((long) m * (m - 1) / 2, x);
            int[] ids = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI,
                UC_X86_REG_RDI, UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_R10, UC_X86_REG_RIP};
            long[] vals = new long[ids.length];
            t0 = System.nanoTime();
            for (int i = 0; i < m / 10; i++) {
                uc.regReadBatch(ids, vals);
            }
            double nsPerBatch = (double) (System.nanoTime() - t0) / (m / 10);
            System.out.printf("regWrite+regRead pair %.0f ns; regReadBatch of %d registers %.0f ns%n", nsPerPair,
                    ids.length, nsPerBatch);
            assertTrue(nsPerPair < 5_000, nsPerPair + " ns");
        }
    }

    @Test
    void guestLoopSpeed() {
        try (Unicorn uc = Unicorn.open(Unicorn.Mode.X86_64)) {
            uc.memMap(0x1000, 0x1000, UC_PROT_ALL);
            byte[] loop = code(
                    "48 01 C8",                    // 0: add rax,rcx
                    "48 83 F0 55",                 // 3: xor rax,0x55
                    "48 FF C9",                    // 7: dec rcx
                    "75 F4");                      // a: jne 0x0
            uc.memWrite(0x1000, loop);
            long iterations = 50_000_000;
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                uc.regWrite(UC_X86_REG_RCX, iterations);
                uc.regWrite(UC_X86_REG_RAX, 0);
                long t0 = System.nanoTime();
                uc.emuStart(0x1000, 0x1000 + loop.length, 0, 0);
                best = Math.min(best, System.nanoTime() - t0);
            }
            assertEquals(0, uc.regRead(UC_X86_REG_RCX));
            long rax = 0;
            for (long rcx = iterations; rcx != 0; rcx--) {
                rax = (rax + rcx) ^ 0x55;
            }
            assertEquals(rax, uc.regRead(UC_X86_REG_RAX), "the guest computed what the loop computes");
            double mips = 4.0 * iterations / best * 1000;
            System.out.printf("unicorn %s: register-only guest loop %.0f M instructions/s%n", Unicorn.version(), mips);
            assertTrue(mips > 20, mips + " M instructions/s");
        }
    }
}
