package io.pico.unicorn;

import static io.pico.unicorn.Asm.code;
import static io.pico.unicorn.X86.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine must still do for guest stores, whichever path they take (pico's store patch sends stores to
 * writable, non-executable pages down the translated code's fast path: {@link Unicorn#hasFastStores}): refuse
 * them once the page is read-only, and find code written over, also in a page that only became executable after
 * the stores to it were translated.
 */
@Timeout(60)
class FastStoresTest {
    static final long CODE = UnicornTest.CODE;
    static final long DATA = 0x10000;
    static final long JIT = 0x20000;

    /** rcx = 1000; do { [DATA] = rcx } while (--rcx); */
    static final byte[] STORE_LOOP = code(
            "48 C7 C1 E8 03 00 00",            // mov rcx,1000
            "48 89 0C 25 00 00 01 00",         // mov [0x10000],rcx
            "48 FF C9",                        // dec rcx
            "75 F3");                          // jnz back to the store
    /** [JIT] = 0xB8 (mov eax,imm32); [JIT+1] = edi */
    static final byte[] WRITE_CODE = code(
            "C6 04 25 00 00 02 00 B8",         // mov byte [0x20000],0xb8
            "89 3C 25 01 00 02 00");           // mov [0x20001],edi

    Unicorn uc;

    @BeforeEach
    void open() {
        uc = Unicorn.open(Unicorn.Mode.X86_64);
        uc.memMap(CODE, 0x1000, UC_PROT_READ | UC_PROT_EXEC);
        System.out.println("data stores: " + Unicorn.fastStoresOutcome() + ", atomics: "
                + Unicorn.parallelAtomicsOutcome());
    }

    @AfterEach
    void close() {
        uc.close();
    }

    void run(byte[] code) {
        UnicornTest.run(uc, code);
    }

    /** Runs the guest code at JIT (one mov eax,imm32) and returns EAX. */
    long runJit() {
        uc.regWrite(UC_X86_REG_RAX, 0);
        uc.emuStart(JIT, JIT + 5, 0, 0);
        return uc.regRead(UC_X86_REG_RAX);
    }

    @Test
    void aPageMadeReadOnlyRefusesTheNextStore() {
        uc.memMap(DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE);
        run(STORE_LOOP);
        assertEquals(1, uc.memReadLong(DATA));
        uc.memProtect(DATA, 0x1000, UC_PROT_READ);
        UnicornException e = assertThrows(UnicornException.class, () -> run(STORE_LOOP));
        assertEquals(UC_ERR_WRITE_PROT, e.code());
        assertEquals(1, uc.memReadLong(DATA), "the refused store changed nothing");
        uc.memProtect(DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE);
        run(STORE_LOOP);
        assertEquals(1, uc.memReadLong(DATA));
        uc.memUnmap(DATA, 0x1000);
        e = assertThrows(UnicornException.class, () -> run(STORE_LOOP));
        assertEquals(UC_ERR_WRITE_UNMAPPED, e.code());
    }

    /** lock add dword [0x10000],1 */
    static final byte[] LOCKED_ADD = code("F0 83 04 25 00 00 01 00 01");
    /** mov dword [0x10000],1 */
    static final byte[] STORE = code("C7 04 25 00 00 01 00 01 00 00 00");

    @Test
    void aPageMappedReadOnlyRefusesStoresAndLockedStores() {
        for (boolean host : new boolean[] {false, true}) {
            for (byte[] code : new byte[][] {STORE, LOCKED_ADD}) {
                long mem = 0;
                if (host) {
                    mem = HostMemory.allocate(0x1000);
                    uc.memMapPtr(DATA, 0x1000, UC_PROT_READ, mem);
                } else {
                    uc.memMap(DATA, 0x1000, UC_PROT_READ);
                }
                String what = (code == STORE ? "store" : "locked add") + (host ? " (host memory)" : "");
                UnicornException e = assertThrows(UnicornException.class, () -> run(code), what);
                assertEquals(UC_ERR_WRITE_PROT, e.code(), what);
                assertEquals(0, uc.memReadInt(DATA), what);
                uc.memUnmap(DATA, 0x1000);
                if (host) {
                    HostMemory.free(mem, 0x1000);
                }
            }
        }
    }

    @Test
    void codeWrittenOverInAWritableExecutablePageRunsAsWritten() {
        uc.memMap(JIT, 0x1000, UC_PROT_ALL);
        uc.regWrite(UC_X86_REG_RDI, 1);
        run(WRITE_CODE);
        assertEquals(1, runJit());
        uc.regWrite(UC_X86_REG_RDI, 2);
        run(WRITE_CODE);
        assertEquals(2, runJit());
    }

    @Test
    void codeWrittenOverInAPageMadeExecutableAfterItsStoresRunsAsWritten() {
        uc.memMap(JIT, 0x1000, UC_PROT_READ | UC_PROT_WRITE);
        uc.regWrite(UC_X86_REG_RDI, 1);
        run(WRITE_CODE); // translated while the page is only writable
        uc.memProtect(JIT, 0x1000, UC_PROT_ALL);
        assertEquals(1, runJit());
        uc.regWrite(UC_X86_REG_RDI, 3);
        run(WRITE_CODE); // the same translated stores, now into a page with code translated from it
        assertEquals(3, runJit());
    }
}
