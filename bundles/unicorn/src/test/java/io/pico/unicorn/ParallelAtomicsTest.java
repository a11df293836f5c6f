package io.pico.unicorn;

import static io.pico.unicorn.Asm.code;
import static io.pico.unicorn.X86.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Locked instructions on memory that two engines share, both running at once (pico's atomics patch,
 * {@link Unicorn#hasParallelAtomics}): a spin lock taken with {@code xchg} (whose helper this build of unicorn
 * compiled as a plain load and store) keeps its critical sections apart, and {@code lock cmpxchg} and
 * {@code lock xadd} lose no update; four engines, with the hooks pico's kernel installs.
 */
@Timeout(60)
class ParallelAtomicsTest {
    static final long CODE = 0x1000;
    static final long SHARED = 0x10000;
    static final int ROUNDS = 200_000;

    static final int ENGINES = 4;

    /** Runs {@code prog} at CODE on four engines at once, SHARED mapped to the same host memory; returns it. */
    static long runOnEngines(byte[] prog) throws Exception {
        long mem = HostMemory.allocate(0x1000);
        Thread[] ts = new Thread[ENGINES];
        Throwable[] err = new Throwable[ENGINES];
        for (int k = 0; k < ts.length; k++) {
            int id = k;
            ts[k] = new Thread(() -> {
                try (Unicorn u = Unicorn.open(Unicorn.Mode.X86_64)) {
                    u.hookMemInvalid((e, type, address, size, value) -> false);
                    u.hookInterrupt((e, intno) -> { });
                    u.hookSyscall(e -> { });
                    u.hookInsnInvalid(e -> false);
                    u.memMap(CODE, 0x1000, UC_PROT_READ | UC_PROT_EXEC);
                    u.memWrite(CODE, prog);
                    u.memMapPtr(SHARED, 0x1000, UC_PROT_READ | UC_PROT_WRITE, mem);
                    u.emuStart(CODE, CODE + prog.length, 0, 0);
                } catch (Throwable t) {
                    err[id] = t;
                }
            });
            ts[k].setDaemon(true);
            ts[k].start();
        }
        for (Thread t : ts) {
            t.join(50_000);
            assertFalse(t.isAlive(), "an engine still runs: a lock word left taken");
        }
        for (Throwable t : err) {
            assertNull(t);
        }
        return mem;
    }

    @org.junit.jupiter.api.RepeatedTest(3)
    void anXchgSpinLockKeepsCriticalSectionsApart() throws Exception {
        assumeTrue(Unicorn.hasParallelAtomics(), "atomics patch: " + Unicorn.parallelAtomicsOutcome());
        long mem = runOnEngines(code(
                "B9 40 0D 03 00",                    // 0: mov ecx,200000
                "B8 01 00 00 00",                    // 5: take: mov eax,1
                "87 04 25 00 00 01 00",              // a: xchg [0x10000],eax
                "85 C0",                             // 11: test eax,eax
                "75 F0",                             // 13: jnz take
                "48 FF 04 25 08 00 01 00",           // 15: inc qword [0x10008] (not locked: the lock guards it)
                "C7 04 25 00 00 01 00 00 00 00 00",  // 1d: mov dword [0x10000],0
                "FF C9",                             // 28: dec ecx
                "75 D9"));                           // 2a: jnz take
        assertEquals((long) ENGINES * ROUNDS, HostMemory.getLong(mem + 8), "increments inside the lock");
        assertEquals(0, HostMemory.getInt(mem));
    }

    @Test
    void lockedCompareExchangeAndAddLoseNoUpdate() throws Exception {
        assumeTrue(Unicorn.hasParallelAtomics(), "atomics patch: " + Unicorn.parallelAtomicsOutcome());
        long mem = runOnEngines(code(
                "B9 40 0D 03 00",                    // 0: mov ecx,200000
                "8B 04 25 10 00 01 00",              // 5: again: mov eax,[0x10010]
                "8D 50 01",                          // c: lea edx,[rax+1]
                "F0 0F B1 14 25 10 00 01 00",        // f: lock cmpxchg [0x10010],edx
                "75 EB",                             // 18: jnz again (5)
                "48 89 CA",                          // 1a: mov rdx,rcx
                "F0 48 0F C1 14 25 18 00 01 00",     // 1d: lock xadd [0x10018],rdx
                "FF C9",                             // 27: dec ecx
                "75 DA"));                           // 29: jnz again (5)
        assertEquals(ENGINES * ROUNDS, HostMemory.getInt(mem + 0x10), "lock cmpxchg increments");
        long sum = (long) ROUNDS * (ROUNDS + 1) / 2;
        assertEquals(ENGINES * sum, HostMemory.getLong(mem + 0x18), "lock xadd sums");
    }
}
