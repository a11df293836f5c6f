package io.pico.unicorn;

import static io.pico.unicorn.Asm.code;
import static io.pico.unicorn.X86.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class UnicornTest {
    static final long CODE = 0x1000;
    static final long DATA = 0x3000;

    Unicorn uc;

    @BeforeEach
    void open() {
        uc = Unicorn.open(Unicorn.Mode.X86_64);
        uc.memMap(0x1000, 0x4000, UC_PROT_ALL); // 0x1000..0x5000: code at 0x1000, data at 0x3000
    }

    @AfterEach
    void close() {
        uc.close();
    }

    /** Writes {@code code} at CODE and runs it to its end. */
    static void run(Unicorn u, byte[] code) {
        u.memWrite(CODE, code);
        u.emuStart(CODE, CODE + code.length, 0, 0);
    }

    @Test
    void versionAndPath() {
        assertTrue(Unicorn.version().matches("2\\.\\d+\\.\\d+"), Unicorn.version());
        assertTrue(Unicorn.libraryPath().contains("libunicorn.so"), Unicorn.libraryPath());
        assertTrue(Files.isRegularFile(Paths.get(Unicorn.libraryPath())), Unicorn.libraryPath());
        System.out.println("unicorn " + Unicorn.version() + " from " + Unicorn.libraryPath());
    }

    @Test
    void mapWriteReadBack() {
        byte[] data = new byte[200];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        uc.memWrite(DATA + 5, data, 10, 150);
        byte[] back = new byte[170];
        uc.memRead(DATA + 5, back, 20, 150);
        for (int i = 0; i < 150; i++) {
            assertEquals(data[10 + i], back[20 + i], "byte " + i);
        }
        assertEquals(0, back[0]);
        uc.memWriteLong(DATA + 0x800, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, uc.memReadLong(DATA + 0x800));
        assertEquals(0x05060708, uc.memReadInt(DATA + 0x800));
        assertEquals(0x08, uc.memRead(DATA + 0x800, 1)[0]); // little-endian

        // larger than the 64 KiB transfer chunk
        uc.memMap(0x100000, 0x30000, UC_PROT_READ | UC_PROT_WRITE);
        byte[] big = new byte[0x30000 - 3];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i ^ (i >>> 8) ^ (i >>> 16));
        }
        uc.memWrite(0x100003, big);
        assertArrayEquals(big, uc.memRead(0x100003, big.length));

        UnicornException e = assertThrows(UnicornException.class, () -> uc.memRead(0x900000, new byte[4], 0, 4));
        assertEquals(UC_ERR_READ_UNMAPPED, e.code());
        e = assertThrows(UnicornException.class, () -> uc.memMap(0x1000, 0x1000, UC_PROT_ALL));
        assertEquals(UC_ERR_MAP, e.code());
        assertTrue(e.getMessage().contains("uc_mem_map(0x1000"), e.getMessage());
    }

    @Test
    void runsX86_64Code() {
        run(uc, code(
                "B8 34 12 00 00",                  // 0: mov eax,0x1234
                "BB 00 10 00 00",                  // 5: mov ebx,0x1000
                "48 01 D8",                        // a: add rax,rbx
                "48 6B C8 03",                     // d: imul rcx,rax,0x3
                "48 31 D2",                        // 11: xor rdx,rdx
                "48 8D 34 58"));                   // 14: lea rsi,[rax+rbx*2]
        assertEquals(0x2234, uc.regRead(UC_X86_REG_RAX));
        assertEquals(0x2234 * 3, uc.regRead(UC_X86_REG_RCX));
        assertEquals(0, uc.regRead(UC_X86_REG_RDX));
        assertEquals(0x2234 + 0x2000, uc.regRead(UC_X86_REG_RSI));
        assertEquals(CODE + 0x18, uc.regRead(UC_X86_REG_RIP));
        assertEquals(0x2234, uc.regRead(UC_X86_REG_EAX));
        assertEquals(0x34, uc.regRead(UC_X86_REG_AL));
        assertEquals(0x22, uc.regRead(UC_X86_REG_AH));
        assertEquals(0x2234, uc.regRead(UC_X86_REG_AX));
    }

    /** Register numbers of the loaded library agree with X86's constants, both directions, for all GPRs. */
    @Test
    void generalRegisterNumbersMatchTheLibrary() {
        int[] gprs = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RSI,
            UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP, UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_R10,
            UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15};
        long[] in = new long[gprs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = 0x0A0B0C0D00000000L | (i + 1) * 0x1111;
        }
        uc.regWriteBatch(gprs, in);
        run(uc, code(
                "48 89 04 25 00 30 00 00",         // 0: mov [0x3000],rax
                "48 89 1C 25 08 30 00 00",         // 8: mov [0x3008],rbx
                "48 89 0C 25 10 30 00 00",         // 10: mov [0x3010],rcx
                "48 89 14 25 18 30 00 00",         // 18: mov [0x3018],rdx
                "48 89 34 25 20 30 00 00",         // 20: mov [0x3020],rsi
                "48 89 3C 25 28 30 00 00",         // 28: mov [0x3028],rdi
                "48 89 2C 25 30 30 00 00",         // 30: mov [0x3030],rbp
                "48 89 24 25 38 30 00 00",         // 38: mov [0x3038],rsp
                "4C 89 04 25 40 30 00 00",         // 40: mov [0x3040],r8
                "4C 89 0C 25 48 30 00 00",         // 48: mov [0x3048],r9
                "4C 89 14 25 50 30 00 00",         // 50: mov [0x3050],r10
                "4C 89 1C 25 58 30 00 00",         // 58: mov [0x3058],r11
                "4C 89 24 25 60 30 00 00",         // 60: mov [0x3060],r12
                "4C 89 2C 25 68 30 00 00",         // 68: mov [0x3068],r13
                "4C 89 34 25 70 30 00 00",         // 70: mov [0x3070],r14
                "4C 89 3C 25 78 30 00 00"));       // 78: mov [0x3078],r15
        for (int i = 0; i < gprs.length; i++) {
            assertEquals(in[i], uc.memReadLong(DATA + 8L * i), "register #" + i + " (id " + gprs[i] + ")");
        }
        assertEquals(CODE + 0x80, uc.regRead(UC_X86_REG_RIP));

        run(uc, code(
                "48 B8 01 11 11 11 11 11 11 11",   // 0: movabs rax,0x1111111111111101
                "48 BB 02 11 11 11 11 11 11 11",   // a: movabs rbx,0x1111111111111102
                "48 B9 03 11 11 11 11 11 11 11",   // 14: movabs rcx,0x1111111111111103
                "48 BA 04 11 11 11 11 11 11 11",   // 1e: movabs rdx,0x1111111111111104
                "48 BE 05 11 11 11 11 11 11 11",   // 28: movabs rsi,0x1111111111111105
                "48 BF 06 11 11 11 11 11 11 11",   // 32: movabs rdi,0x1111111111111106
                "48 BD 07 11 11 11 11 11 11 11",   // 3c: movabs rbp,0x1111111111111107
                "48 BC 08 11 11 11 11 11 11 11",   // 46: movabs rsp,0x1111111111111108
                "49 B8 09 11 11 11 11 11 11 11",   // 50: movabs r8,0x1111111111111109
                "49 B9 0A 11 11 11 11 11 11 11",   // 5a: movabs r9,0x111111111111110a
                "49 BA 0B 11 11 11 11 11 11 11",   // 64: movabs r10,0x111111111111110b
                "49 BB 0C 11 11 11 11 11 11 11",   // 6e: movabs r11,0x111111111111110c
                "49 BC 0D 11 11 11 11 11 11 11",   // 78: movabs r12,0x111111111111110d
                "49 BD 0E 11 11 11 11 11 11 11",   // 82: movabs r13,0x111111111111110e
                "49 BE 0F 11 11 11 11 11 11 11",   // 8c: movabs r14,0x111111111111110f
                "49 BF 10 11 11 11 11 11 11 11")); // 96: movabs r15,0x1111111111111110
        long[] out = new long[gprs.length];
        uc.regReadBatch(gprs, out);
        for (int i = 0; i < gprs.length; i++) {
            assertEquals(0x1111111111111101L + i, out[i], "batch register #" + i);
            assertEquals(0x1111111111111101L + i, uc.regRead(gprs[i]), "register #" + i);
        }
        assertEquals(0x11111101L, uc.regRead(UC_X86_REG_EAX));
        assertEquals(0x1111110dL, uc.regRead(UC_X86_REG_R12D));
        assertEquals(0x110eL, uc.regRead(UC_X86_REG_R13W));
        assertEquals(0x0fL, uc.regRead(UC_X86_REG_R14B));
    }

    @Test
    void batchLargerThanInitialCapacity() {
        int[] ids = new int[40];
        long[] vals = new long[40];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 2 == 0 ? UC_X86_REG_R8 : UC_X86_REG_R9;
            vals[i] = i;
        }
        uc.regWriteBatch(ids, vals); // last writes win: r8 = 38, r9 = 39
        long[] back = new long[40];
        uc.regReadBatch(ids, back);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(i % 2 == 0 ? 38 : 39, back[i]);
        }
        assertThrows(IllegalArgumentException.class, () -> uc.regReadBatch(new int[] {UC_X86_REG_XMM0}, new long[1]));
        assertThrows(IllegalArgumentException.class, () -> uc.regRead(UC_X86_REG_XMM0));
    }

    @Test
    void syscallHookSeesAndSetsRax() {
        List<Long> seen = new ArrayList<>();
        long hh = uc.hookSyscall(u -> {
            seen.add(u.regRead(UC_X86_REG_RAX));
            u.regWrite(UC_X86_REG_RAX, 42);
        });
        run(uc, code(
                "B8 3C 00 00 00",                  // 0: mov eax,0x3c
                "0F 05",                           // 5: syscall
                "48 89 C3"));                      // 7: mov rbx,rax
        assertEquals(List.of(60L), seen);
        assertEquals(42, uc.regRead(UC_X86_REG_RBX));
        assertEquals(1, uc.hookCount());
        uc.hookDel(hh);
        assertEquals(0, uc.hookCount());
        run(uc, code(
                "B8 3C 00 00 00",                  // 0: mov eax,0x3c
                "0F 05",                           // 5: syscall
                "48 89 C3"));                      // 7: mov rbx,rax
        assertEquals(1, seen.size(), "deleted hook must not fire");
        assertEquals(60, uc.regRead(UC_X86_REG_RBX));
        assertThrows(IllegalArgumentException.class, () -> uc.hookDel(hh));
    }

    /**
     * Pins a unicorn quirk the kernel relies on (same in 2.0.1 and 2.1.4): inside the SYSCALL hook RIP still
     * points at the syscall instruction, and unicorn adds the instruction's length (2) after the hook returns, also
     * to a RIP the hook wrote.
     */
    @Test
    void ripInsideTheSyscallHook() {
        List<Long> rips = new ArrayList<>();
        uc.hookSyscall(u -> {
            rips.add(u.regRead(UC_X86_REG_RIP));
            u.regWrite(UC_X86_REG_RIP, 0x1100 - 2); // continue at 0x1100
        });
        uc.memWrite(0x1100, code(
                "B9 03 00 00 00"));                // 0x1100: mov ecx,0x3
        uc.memWrite(CODE, code(
                "B8 01 00 00 00",                  // 0: mov eax,0x1
                "0F 05",                           // 5: syscall
                "BB 02 00 00 00"));                // 7: mov ebx,0x2
        uc.emuStart(CODE, 0x1105, 0, 0);
        assertEquals(List.of(CODE + 5), rips);
        assertEquals(3, uc.regRead(UC_X86_REG_RCX));
        assertEquals(0, uc.regRead(UC_X86_REG_RBX), "the instruction after syscall was skipped");
        assertEquals(0x1105, uc.regRead(UC_X86_REG_RIP));
    }

    @Test
    void hookCallbacksSurviveGarbageCollection() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        uc.hookSyscall(u -> calls.incrementAndGet()); // the engine holds the only reference
        byte[] c = code(
                "B8 3C 00 00 00",                  // 0: mov eax,0x3c
                "0F 05");                          // 5: syscall
        uc.memWrite(CODE, c);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(10);
            byte[][] garbage = new byte[1000][];
            for (int j = 0; j < garbage.length; j++) {
                garbage[j] = new byte[1024];
            }
            uc.emuStart(CODE, CODE + c.length, 0, 0);
        }
        assertEquals(5, calls.get());
    }

    @Test
    void interruptHookGetsNumbers() {
        List<Integer> seen = new ArrayList<>();
        uc.hookInterrupt((u, intno) -> seen.add(intno));
        run(uc, code(
                "B8 01 00 00 00",                  // 0: mov eax,0x1
                "CD 80",                           // 5: int 0x80
                "CC",                              // 7: int3
                "BB 02 00 00 00"));                // 8: mov ebx,0x2
        assertEquals(List.of(0x80, 3), seen);
        assertEquals(2, uc.regRead(UC_X86_REG_RBX), "execution continues after the interrupts");
    }

    @Test
    void divideErrorIsInterruptZero() {
        AtomicInteger seen = new AtomicInteger(-1);
        uc.hookInterrupt((u, intno) -> {
            seen.set(intno);
            u.emuStop();
        });
        run(uc, code(
                "31 C9",                           // 0: xor ecx,ecx
                "B8 01 00 00 00",                  // 2: mov eax,0x1
                "F7 F1"));                         // 7: div ecx
        assertEquals(0, seen.get());
    }

    @Test
    void x86_32InterruptHook() {
        try (Unicorn u = Unicorn.open(Unicorn.Mode.X86_32)) {
            u.memMap(0x1000, 0x1000, UC_PROT_ALL);
            u.hookInterrupt((e, intno) -> {
                assertEquals(0x80, intno);
                assertEquals(4, e.regRead(UC_X86_REG_EAX));
                e.regWrite(UC_X86_REG_EAX, 99);
            });
            run(u, code(
                    "B8 04 00 00 00",              // 0: mov eax,0x4
                    "CD 80",                       // 5: int 0x80
                    "89 C3"));                     // 7: mov ebx,eax
            assertEquals(99, u.regRead(UC_X86_REG_EBX));
        }
    }

    @Test
    void jumpToUnmappedReachesHookThenThrows() {
        List<long[]> seen = new ArrayList<>();
        uc.hookMemInvalid((u, type, address, size, value) -> {
            seen.add(new long[] {type, address});
            return false;
        });
        byte[] c = code(
                "B8 07 00 00 00",                  // 0: mov eax,0x7
                "B9 00 00 90 00",                  // 5: mov ecx,0x900000
                "FF E1");                          // a: jmp rcx
        uc.memWrite(CODE, c);
        UnicornException e = assertThrows(UnicornException.class, () -> uc.emuStart(CODE, CODE + 0x100, 0, 0));
        assertEquals(UC_ERR_FETCH_UNMAPPED, e.code());
        String text = Unicorn.strerror(UC_ERR_FETCH_UNMAPPED);
        assertFalse(text.isBlank());
        assertTrue(e.getMessage().startsWith(text), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("fetch"), e.getMessage());
        assertTrue(e.getMessage().contains("uc_emu_start"), e.getMessage());
        assertEquals(1, seen.size());
        assertEquals(UC_MEM_FETCH_UNMAPPED, seen.get(0)[0]);
        assertEquals(0x900000, seen.get(0)[1]);
        assertEquals(7, uc.regRead(UC_X86_REG_RAX));
    }

    @Test
    void memHookReturningTrueAfterMappingRetries() {
        uc.hookMemInvalid((u, type, address, size, value) -> {
            assertEquals(UC_MEM_WRITE_UNMAPPED, type);
            assertEquals(0x7777, value);
            u.memMap(address & ~0xfffL, 0x1000, UC_PROT_READ | UC_PROT_WRITE);
            return true;
        });
        uc.regWrite(UC_X86_REG_RAX, 0x7777);
        uc.regWrite(UC_X86_REG_RDI, 0x800010);
        uc.regWrite(UC_X86_REG_RSI, 0x800010);
        run(uc, code(
                "48 89 07",                        // 0: mov QWORD PTR [rdi],rax
                "48 8B 1E"));                      // 3: mov rbx,QWORD PTR [rsi]
        assertEquals(0x7777, uc.regRead(UC_X86_REG_RBX));
        assertEquals(0x7777, uc.memReadLong(0x800010));
    }

    @Test
    void hostMemorySharedBetweenEngines() {
        long size = 0x10000;
        long host = HostMemory.allocate(size);
        try (Unicorn a = Unicorn.open(Unicorn.Mode.X86_64); Unicorn b = Unicorn.open(Unicorn.Mode.X86_64)) {
            for (Unicorn u : new Unicorn[] {a, b}) {
                u.memMap(0x1000, 0x1000, UC_PROT_ALL);
                u.memMapPtr(0x400000, size, UC_PROT_READ | UC_PROT_WRITE, host);
            }
            byte[] storeLoad = code(
                    "48 89 07",                    // 0: mov QWORD PTR [rdi],rax
                    "48 8B 1E");                   // 3: mov rbx,QWORD PTR [rsi]
            // engine a stores; the host and engine b see it
            a.regWrite(UC_X86_REG_RAX, 0xCAFEBABE12345678L);
            a.regWrite(UC_X86_REG_RDI, 0x400100);
            a.regWrite(UC_X86_REG_RSI, 0x400200);
            run(a, storeLoad);
            assertEquals(0xCAFEBABE12345678L, HostMemory.getLong(host + 0x100));
            b.regWrite(UC_X86_REG_RAX, 0x1111);
            b.regWrite(UC_X86_REG_RDI, 0x400200);
            b.regWrite(UC_X86_REG_RSI, 0x400100);
            run(b, storeLoad);
            assertEquals(0xCAFEBABE12345678L, b.regRead(UC_X86_REG_RBX), "b sees a's store");
            // and a sees b's
            run(a, storeLoad);
            assertEquals(0x1111, a.regRead(UC_X86_REG_RBX), "a sees b's store");
            // host writes are visible to the guest, and uc_mem_read goes to the same memory
            HostMemory.putLong(host + 0x200, 0x5555);
            assertEquals(0x5555, b.memReadLong(0x400200));
            b.memWriteLong(0x400300, 0x6666);
            assertEquals(0x6666, HostMemory.getLong(host + 0x300));
        } finally {
            HostMemory.free(host, size);
        }
    }

    @Test
    void readOnlyPageFaultsOnStore() {
        uc.memProtect(DATA, 0x1000, UC_PROT_READ);
        AtomicReference<long[]> seen = new AtomicReference<>();
        uc.hookMemInvalid((u, type, address, size, value) -> {
            seen.set(new long[] {type, address, size, value});
            return false;
        });
        uc.memWriteLong(DATA + 0x10, 0x99); // the host may still write
        uc.regWrite(UC_X86_REG_RAX, 0x1234);
        uc.regWrite(UC_X86_REG_RDI, DATA + 0x10);
        uc.regWrite(UC_X86_REG_RSI, DATA + 0x10);
        byte[] c = code(
                "48 8B 1E",                        // 0: mov rbx,QWORD PTR [rsi]
                "48 89 07");                       // 3: mov QWORD PTR [rdi],rax
        uc.memWrite(CODE, c);
        UnicornException e = assertThrows(UnicornException.class, () -> uc.emuStart(CODE, CODE + c.length, 0, 0));
        assertEquals(UC_ERR_WRITE_PROT, e.code());
        assertEquals(0x99, uc.regRead(UC_X86_REG_RBX), "the load before the store worked");
        assertArrayEquals(new long[] {UC_MEM_WRITE_PROT, DATA + 0x10, 8, 0x1234}, seen.get());
        assertEquals(0x99, uc.memReadLong(DATA + 0x10), "the store did not happen");
        // writable again: the same code runs
        uc.memProtect(DATA, 0x1000, UC_PROT_READ | UC_PROT_WRITE);
        uc.emuStart(CODE, CODE + c.length, 0, 0);
        assertEquals(0x1234, uc.memReadLong(DATA + 0x10));
    }

    @Test
    void contextSaveRestore() {
        uc.regWrite(UC_X86_REG_RAX, 1);
        uc.regWrite(UC_X86_REG_R15, 0xABCDEF);
        uc.regWrite(UC_X86_REG_RIP, CODE);
        try (Unicorn.Context ctx = uc.contextSave()) {
            uc.regWrite(UC_X86_REG_RAX, 2);
            uc.regWrite(UC_X86_REG_R15, 3);
            run(uc, code("B8 34 12 00 00"));  // 0: mov eax,0x1234
            assertEquals(0x1234, uc.regRead(UC_X86_REG_RAX));
            uc.contextRestore(ctx);
            assertEquals(1, uc.regRead(UC_X86_REG_RAX));
            assertEquals(0xABCDEF, uc.regRead(UC_X86_REG_R15));
            assertEquals(CODE, uc.regRead(UC_X86_REG_RIP));
            // into another engine of the same mode
            try (Unicorn other = Unicorn.open(Unicorn.Mode.X86_64)) {
                other.contextRestore(ctx);
                assertEquals(0xABCDEF, other.regRead(UC_X86_REG_R15));
            }
            // re-save into the same context
            uc.regWrite(UC_X86_REG_R15, 77);
            uc.contextSave(ctx);
            uc.regWrite(UC_X86_REG_R15, 78);
            uc.contextRestore(ctx);
            assertEquals(77, uc.regRead(UC_X86_REG_R15));
            try (Unicorn u32 = Unicorn.open(Unicorn.Mode.X86_32)) {
                assertThrows(IllegalArgumentException.class, () -> u32.contextRestore(ctx));
            }
        }
    }

    @Test
    void emuStopFromAnotherThreadStopsInfiniteLoop() throws Exception {
        uc.memWrite(CODE, code(
                "48 FF C0",                        // 0: inc rax
                "EB FB"));                         // 3: jmp 0x0
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                uc.emuStart(CODE, CODE + 0x100, 0, 0);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        Thread.sleep(50);
        // repeat: a stop that lands before emuStart has started running would be lost
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.isAlive() && System.nanoTime() < deadline) {
            uc.emuStop();
            t.join(20);
        }
        assertFalse(t.isAlive(), "emuStart did not return after emuStop");
        assertNull(failure.get());
        assertTrue(uc.regRead(UC_X86_REG_RAX) > 0, "the loop ran");
        long rip = uc.regRead(UC_X86_REG_RIP);
        assertTrue(rip == CODE || rip == CODE + 3, "stopped inside the loop: 0x" + Long.toHexString(rip));
    }

    @Test
    void timeoutAndCountStop() {
        uc.memWrite(CODE, code(
                "48 FF C0",                        // 0: inc rax
                "EB FB"));                         // 3: jmp 0x0
        long t0 = System.nanoTime();
        uc.emuStart(CODE, CODE + 0x100, 100_000, 0); // 100 ms
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 50 && ms < 5000, ms + " ms");
        // a count limit after a run without one (unicorn alone would ignore it on the cached loop and hang)
        uc.regWrite(UC_X86_REG_RAX, 0);
        uc.emuStart(CODE, CODE + 0x100, 0, 10);
        assertEquals(5, uc.regRead(UC_X86_REG_RAX), "10 instructions = 5 increments");
        uc.emuStart(CODE, CODE + 0x100, 0, 1000);
        assertEquals(505, uc.regRead(UC_X86_REG_RAX));
    }

    @Test
    void codeHookAddedAfterTheCodeRanStillFires() {
        byte[] c = code(
                "B8 34 12 00 00",                  // 0: mov eax,0x1234
                "BB 00 10 00 00",                  // 5: mov ebx,0x1000
                "48 01 D8");                       // a: add rax,rbx
        uc.memWrite(CODE, c);
        for (int i = 0; i < 3; i++) {
            uc.emuStart(CODE, CODE + c.length, 0, 0);
        }
        List<Long> seen = new ArrayList<>();
        uc.hookCode(1, 0, (u, address, size) -> seen.add(address));
        List<Long> blocks = new ArrayList<>();
        uc.hookBlock(1, 0, (u, address, size) -> blocks.add(address));
        uc.emuStart(CODE, CODE + c.length, 0, 0);
        assertEquals(List.of(CODE, CODE + 5, CODE + 10), seen);
        assertEquals(List.of(CODE), blocks);
    }

    @Test
    void flushAndRemoveCache() {
        byte[] c = code("B8 01 00 00 00"); // 0: mov eax,0x1
        run(uc, c);
        assertEquals(1, uc.regRead(UC_X86_REG_RAX));
        uc.flushTranslations();
        run(uc, code("B8 02 00 00 00"));  // 0: mov eax,0x2
        assertEquals(2, uc.regRead(UC_X86_REG_RAX));
        uc.removeCache(CODE, CODE + 0x1000);
        run(uc, code("B8 03 00 00 00"));  // 0: mov eax,0x3
        assertEquals(3, uc.regRead(UC_X86_REG_RAX));
    }

    @Test
    void x86_32Mode() {
        try (Unicorn u = Unicorn.open(Unicorn.Mode.X86_32)) {
            assertEquals(Unicorn.Mode.X86_32, u.mode());
            u.memMap(0x1000, 0x4000, UC_PROT_ALL);
            u.regWrite(UC_X86_REG_ESP, 0x4800);
            run(u, code(
                    "B8 05 00 00 00",              // 0: mov eax,0x5
                    "BB 07 00 00 00",              // 5: mov ebx,0x7
                    "01 D8",                       // a: add eax,ebx
                    "50",                          // c: push eax
                    "59",                          // d: pop ecx
                    "89 0D 00 30 00 00"));         // e: mov DWORD PTR ds:0x3000,ecx
            assertEquals(12, u.regRead(UC_X86_REG_EAX));
            assertEquals(12, u.regRead(UC_X86_REG_ECX));
            assertEquals(12, u.memReadInt(0x3000));
            assertEquals(0x4800, u.regRead(UC_X86_REG_ESP));
            assertEquals(CODE + 0x14, u.regRead(UC_X86_REG_EIP));
        }
    }

    @Test
    void fsAndGsBaseThroughMsrAndRegisters() {
        uc.memWriteLong(0x3100, 0x1122334455667788L);
        uc.memWriteLong(0x3208, 0x0102030405060708L);
        uc.msrWrite(MSR_FS_BASE, 0x3100);
        uc.regWrite(UC_X86_REG_GS_BASE, 0x3200);
        byte[] c = code(
                "64 48 8B 04 25 00 00 00 00",      // 0: mov rax,QWORD PTR fs:0x0
                "65 48 8B 1C 25 08 00 00 00");     // 9: mov rbx,QWORD PTR gs:0x8
        run(uc, c);
        assertEquals(0x1122334455667788L, uc.regRead(UC_X86_REG_RAX));
        assertEquals(0x0102030405060708L, uc.regRead(UC_X86_REG_RBX));
        assertEquals(0x3100, uc.regRead(UC_X86_REG_FS_BASE), "MSR write is seen as FS_BASE");
        assertEquals(0x3200, uc.msrRead(MSR_GS_BASE), "GS_BASE write is seen as the MSR");

        uc.regWrite(UC_X86_REG_FS_BASE, 0x3200 + 8);
        run(uc, c);
        assertEquals(0x0102030405060708L, uc.regRead(UC_X86_REG_RAX));
        assertEquals(0x3208, uc.msrRead(MSR_FS_BASE));
    }

    @Test
    void throwingHookSurfacesFromEmuStartAndEngineStaysUsable() {
        IllegalStateException boom = new IllegalStateException("boom");
        AtomicInteger calls = new AtomicInteger();
        long hh = uc.hookSyscall(u -> {
            calls.incrementAndGet();
            throw boom;
        });
        byte[] c = code(
                "B8 3C 00 00 00",                  // 0: mov eax,0x3c
                "0F 05",                           // 5: syscall
                "48 89 C3");                       // 7: mov rbx,rax
        uc.memWrite(CODE, c);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> uc.emuStart(CODE, CODE + c.length, 0, 0));
        assertSame(boom, e);
        assertEquals(1, calls.get());
        assertNotEquals(60, uc.regRead(UC_X86_REG_RBX), "stopped before the instruction after syscall ran");

        // a checked exception (sneaky-thrown) is wrapped
        uc.hookDel(hh);
        long hh2 = uc.hookSyscall(u -> Sneaky.<RuntimeException>sneakyThrow(new java.io.IOException("checked")));
        UnicornException w = assertThrows(UnicornException.class, () -> uc.emuStart(CODE, CODE + c.length, 0, 0));
        assertEquals(UnicornException.JAVA_CALLBACK, w.code());
        assertTrue(w.getCause() instanceof java.io.IOException);

        // an Error too (and the engine survives a StackOverflowError in a hook)
        Unicorn fresh = Unicorn.open(Unicorn.Mode.X86_64);
        try {
            fresh.memMap(0x1000, 0x1000, UC_PROT_ALL);
            fresh.hookSyscall(u -> recurse(0));
            fresh.memWrite(CODE, c);
            assertThrows(StackOverflowError.class, () -> fresh.emuStart(CODE, CODE + c.length, 0, 0));
        } finally {
            fresh.close();
        }

        // the engine whose hook threw runs normally once the hook is replaced
        uc.hookDel(hh2);
        uc.hookSyscall(x -> x.regWrite(UC_X86_REG_RAX, 5));
        uc.emuStart(CODE, CODE + c.length, 0, 0);
        assertEquals(5, uc.regRead(UC_X86_REG_RBX));
    }

    @Test
    void engineRunsNormallyAfterAHookThrew() {
        AtomicInteger mode = new AtomicInteger(1);
        uc.hookSyscall(u -> {
            if (mode.get() == 1) {
                throw new IllegalArgumentException("first");
            }
            u.regWrite(UC_X86_REG_RAX, 7);
        });
        byte[] c = code(
                "B8 3C 00 00 00",                  // 0: mov eax,0x3c
                "0F 05",                           // 5: syscall
                "48 89 C3");                       // 7: mov rbx,rax
        uc.memWrite(CODE, c);
        assertThrows(IllegalArgumentException.class, () -> uc.emuStart(CODE, CODE + c.length, 0, 0));
        mode.set(2);
        uc.emuStart(CODE, CODE + c.length, 0, 0);
        assertEquals(7, uc.regRead(UC_X86_REG_RBX));
    }

    @Test
    void throwingMemHookSurfaces() {
        uc.hookMemInvalid((u, type, address, size, value) -> {
            throw new UnsupportedOperationException("mem " + Long.toHexString(address));
        });
        byte[] c = code(
                "B8 07 00 00 00",                  // 0: mov eax,0x7
                "B9 00 00 90 00",                  // 5: mov ecx,0x900000
                "FF E1");                          // a: jmp rcx
        uc.memWrite(CODE, c);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> uc.emuStart(CODE, CODE + 0x100, 0, 0));
        assertEquals("mem 900000", e.getMessage());
    }

    static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    static final class Sneaky {
        @SuppressWarnings("unchecked")
        static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
            throw (T) t;
        }
    }

    @Test
    void codeAndBlockHooks() {
        List<Long> insns = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Long> blocks = new ArrayList<>();
        long hc = uc.hookCode(CODE, CODE + 0x7, (u, address, size) -> {
            insns.add(address);
            sizes.add(size);
        });
        uc.hookBlock(1, 0, (u, address, size) -> blocks.add(address));
        run(uc, code(
                "B8 34 12 00 00",                  // 0: mov eax,0x1234
                "BB 00 10 00 00",                  // 5: mov ebx,0x1000
                "48 01 D8",                        // a: add rax,rbx
                "48 6B C8 03"));                   // d: imul rcx,rax,0x3
        assertEquals(List.of(CODE, CODE + 5), insns, "only instructions in [begin, end]");
        assertEquals(List.of(5, 5), sizes);
        assertEquals(List.of(CODE), blocks);
        uc.hookDel(hc);
        insns.clear();
        run(uc, code("B8 34 12 00 00"));  // 0: mov eax,0x1234
        assertTrue(insns.isEmpty());
    }

    @Test
    void hookDeletingItselfWhileRunning() {
        AtomicInteger calls = new AtomicInteger();
        long[] handle = new long[1];
        handle[0] = uc.hookCode(1, 0, (u, address, size) -> {
            calls.incrementAndGet();
            u.hookDel(handle[0]);
        });
        System.gc();
        run(uc, code(
                "B8 34 12 00 00",                  // 0: mov eax,0x1234
                "BB 00 10 00 00",                  // 5: mov ebx,0x1000
                "48 01 D8"));                      // a: add rax,rbx
        assertEquals(1, calls.get());
        assertEquals(0x2234, uc.regRead(UC_X86_REG_RAX));
    }

    @Test
    void invalidInstructionHook() {
        AtomicInteger calls = new AtomicInteger();
        uc.hookInsnInvalid(u -> {
            calls.incrementAndGet();
            long rip = u.regRead(UC_X86_REG_RIP);
            assertEquals(CODE + 5, rip, "RIP points at the bad instruction");
            u.regWrite(UC_X86_REG_RIP, rip + 2); // skip ud2
            return true;
        });
        run(uc, code(
                "B8 01 00 00 00",                  // 0: mov eax,0x1
                "0F 0B",                           // 5: ud2
                "BB 02 00 00 00"));                // 7: mov ebx,0x2
        assertEquals(1, calls.get());
        assertEquals(2, uc.regRead(UC_X86_REG_RBX));
    }

    @Test
    void invalidInstructionWithoutHandlingThrows() {
        uc.hookInsnInvalid(u -> false);
        byte[] c = code(
                "B8 01 00 00 00",                  // 0: mov eax,0x1
                "0F 0B");                          // 5: ud2
        uc.memWrite(CODE, c);
        UnicornException e = assertThrows(UnicornException.class, () -> uc.emuStart(CODE, CODE + c.length, 0, 0));
        assertEquals(UC_ERR_INSN_INVALID, e.code());
    }

    @Test
    void cpuidHook() {
        uc.hookCpuid(u -> {
            u.regWrite(UC_X86_REG_RBX, 0x756e6547);
            return true;
        });
        run(uc, code(
                "31 C0",                           // 0: xor eax,eax
                "0F A2",                           // 2: cpuid
                "49 89 D8"));                      // 4: mov r8,rbx
        assertEquals(0x756e6547, uc.regRead(UC_X86_REG_R8));
    }

    @Test
    void portIoReachesTheHook() {
        java.util.List<String> seen = new java.util.ArrayList<>();
        uc.hookPortIo((u, out, port, size, value) -> {
            seen.add((out ? "out" : "in") + " " + Integer.toHexString(port) + " " + size + " " + value);
            return 0x5a;
        });
        run(uc, code(
                "B0 07",                           // 0: mov al,7
                "E6 80",                           // 2: out 0x80,al
                "E4 60",                           // 4: in al,0x60
                "49 89 C0"));                      // 6: mov r8,rax
        assertEquals(java.util.List.of("out 80 1 7", "in 60 1 0"), seen);
        assertEquals(0x5a, uc.regRead(UC_X86_REG_R8) & 0xff);
    }

    @Test
    void wideAndSystemRegisters() {
        uc.regWrite(UC_X86_REG_RAX, 0x1122334455667788L);
        byte[] x1 = new byte[16];
        for (int i = 0; i < 16; i++) {
            x1[i] = (byte) (0xA0 + i);
        }
        uc.regWriteBytes(UC_X86_REG_XMM1, x1);
        run(uc, code(
                "66 48 0F 6E C0",                  // 0: movq xmm0,rax
                "66 48 0F 7E CB"));                // 5: movq rbx,xmm1
        byte[] x0 = uc.regReadBytes(UC_X86_REG_XMM0, new byte[16]);
        assertEquals((byte) 0x88, x0[0]);
        assertEquals((byte) 0x11, x0[7]);
        assertEquals(0, x0[8], "movq zeroes the upper half");
        assertEquals(0xA7A6A5A4A3A2A1A0L, uc.regRead(UC_X86_REG_RBX));
        assertArrayEquals(x1, uc.regReadBytes(UC_X86_REG_XMM1, new byte[16]));

        uc.mmrWrite(UC_X86_REG_GDTR, new Unicorn.Mmr(0, 0x3000, 0xff, 0));
        Unicorn.Mmr gdtr = uc.mmrRead(UC_X86_REG_GDTR);
        assertEquals(0x3000, gdtr.base());
        assertEquals(0xff, gdtr.limit());

        // FPCW, MXCSR and EFLAGS numbers: written through the API, observed by the guest
        uc.regWrite(UC_X86_REG_FPCW, 0x27f);
        uc.regWrite(UC_X86_REG_MXCSR, 0x1fa0);
        uc.regWrite(UC_X86_REG_EFLAGS, 0x2 | 0x1 | 0x40 | 0x800); // CF, ZF, OF
        uc.regWrite(UC_X86_REG_RSP, 0x4800);
        run(uc, code(
                "D9 3C 25 00 30 00 00",            // 0: fnstcw WORD PTR ds:0x3000
                "0F AE 1C 25 08 30 00 00",         // 7: stmxcsr DWORD PTR ds:0x3008
                "9C",                              // f: pushf
                "58"));                            // 10: pop rax
        assertEquals(0x27f, uc.memReadInt(0x3000) & 0xffff);
        assertEquals(0x1fa0, uc.memReadInt(0x3008));
        assertEquals(0x843, uc.regRead(UC_X86_REG_RAX) & 0x8c3);
        assertEquals(0x27f, uc.regRead(UC_X86_REG_FPCW));
        assertEquals(0x1fa0, uc.regRead(UC_X86_REG_MXCSR));
        assertEquals(0x843, uc.regRead(UC_X86_REG_EFLAGS) & 0x8c3);
        assertEquals(1, uc.regRead(UC_X86_REG_CR0) & 1, "64-bit mode runs protected");
    }

    @Test
    void tcgBufferSize() {
        try (Unicorn u = Unicorn.open(Unicorn.Mode.X86_64)) {
            boolean set = u.setTcgBufferSize(16 << 20);
            if (Unicorn.isAtLeast21()) {
                assertTrue(set);
                long size = u.tcgBufferSize();
                assertTrue(size > 0 && size <= 32 << 20, "buffer " + size);
                u.memMap(0x1000, 0x1000, UC_PROT_ALL);
                run(u, code("B8 34 12 00 00")); // 0: mov eax,0x1234
                assertEquals(0x1234, u.regRead(UC_X86_REG_RAX));
            } else {
                assertFalse(set);
                assertEquals(-1, u.tcgBufferSize());
            }
            assertFalse(u.setTcgBufferSize(8 << 20), "too late after initialisation");
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        Unicorn u = Unicorn.open(Unicorn.Mode.X86_16);
        u.memMap(0, 0x1000, UC_PROT_ALL);
        u.hookInterrupt((x, n) -> { });
        Unicorn.Context ctx = u.contextSave();
        u.close();
        u.close();
        assertTrue(u.isClosed());
        u.emuStop(); // harmless
        UnicornException e = assertThrows(UnicornException.class, () -> u.regRead(UC_X86_REG_AX));
        assertEquals(UC_ERR_HANDLE, e.code());
        try (Unicorn other = Unicorn.open(Unicorn.Mode.X86_16)) {
            assertThrows(IllegalStateException.class, () -> other.contextRestore(ctx), "freed with its engine");
        }
        ctx.close();
    }

    @Test
    void x86_16Mode() {
        try (Unicorn u = Unicorn.open(Unicorn.Mode.X86_16)) {
            u.memMap(0, 0x2000, UC_PROT_ALL);
            // mov ax, 0x1234 ; add ax, 1
            u.memWrite(0x1000, code(
                    "B8 34 12",                    // 0: mov ax,0x1234
                    "05 01 00"));                  // 3: add ax,0x1
            u.emuStart(0x1000, 0x1006, 0, 0);
            assertEquals(0x1235, u.regRead(UC_X86_REG_AX));
            assertEquals(0x1006, u.regRead(UC_X86_REG_IP));
        }
    }
}
