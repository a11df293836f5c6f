package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Kernel;
import io.pico.api.KernelStatistics;
import io.pico.runtime.test.ReliabilityKit.Guest;
import io.pico.runtime.test.ReliabilityKit.Native;
import io.pico.runtime.test.ReliabilityKit.Run;
import io.pico.runtime.test.ReliabilityKit.Started;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 10, point 2: guest faults. A small C program (musl-gcc -static, built here) makes one fault per run:
 * a wild jump, a null write, a stack overflow by deep recursion, division by zero and its overflow twin,
 * privileged instructions (hlt, cli, sti, mov from and to cr0, lgdt, wrmsr), ud2, int3, int N, a jump into
 * non-executable data, and self-modifying code (new code written into an RWX mapping, patched in place,
 * patched inside the running block, and re-mapped JIT code). Each runs natively and in pico: the shell status
 * (128 + the Linux signal) and the output must be the same. A survivor process runs through all of it and
 * must still answer afterwards; the kernel's tables return to where they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ReliabilityGuestFaultsTest {

    /** The fault program: argv[1] names the fault. Output is unbuffered so that a fault loses nothing. */
    static final String FAULTS_C = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <unistd.h>
            static int depth(int n) { volatile char buf[256]; buf[0] = (char) n; return n == 0 ? 0 : depth(n + 1) + buf[0]; }
            typedef int (*fn)(void);
            int main(int argc, char **argv) {
                const char *m = argc > 1 ? argv[1] : "";
                setvbuf(stdout, NULL, _IONBF, 0);
                printf("start %s\\n", m);
                if (!strcmp(m, "wild")) { void (*f)(void) = (void (*)(void)) 0xdead0000UL; f(); }
                if (!strcmp(m, "kernel-address")) { void (*f)(void) = (void (*)(void)) 0xffffffff81000000UL; f(); }
                if (!strcmp(m, "null")) { volatile int *p = 0; *p = 1; }
                if (!strcmp(m, "stack")) { return depth(1); }
                if (!strcmp(m, "div0")) { volatile int a = 1, b = 0; return a / b; }
                if (!strcmp(m, "divov")) { volatile long a = (long) 1 << 63, b = -1; return (int) (a / b); }
                if (!strcmp(m, "hlt")) { __asm__ volatile("hlt"); }
                if (!strcmp(m, "cli")) { __asm__ volatile("cli"); }
                if (!strcmp(m, "sti")) { __asm__ volatile("sti"); }
                if (!strcmp(m, "in")) { __asm__ volatile("inb $0x60, %%al" ::: "eax"); }
                if (!strcmp(m, "out")) { __asm__ volatile("outb %%al, $0x80" ::: "eax"); }
                if (!strcmp(m, "read-cr0")) { unsigned long v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); printf("cr0=%lx\\n", v); }
                if (!strcmp(m, "write-cr0")) { unsigned long v = 0x80000011; __asm__ volatile("mov %0, %%cr0" :: "r"(v)); }
                if (!strcmp(m, "lgdt")) { char b[10] = {0}; __asm__ volatile("lgdt %0" :: "m"(b)); }
                if (!strcmp(m, "wrmsr")) { __asm__ volatile("wrmsr" :: "c"(0xc0000080), "a"(0), "d"(0)); }
                if (!strcmp(m, "rdmsr")) { unsigned a, d; __asm__ volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(0xc0000080)); printf("efer=%x\\n", a); }
                if (!strcmp(m, "ud2")) { __asm__ volatile("ud2"); }
                if (!strcmp(m, "int3")) { __asm__ volatile("int3"); }
                if (!strcmp(m, "int")) { __asm__ volatile("int $0x41"); }
                if (!strcmp(m, "nx")) { static unsigned char code[] = {0xc3}; ((void (*)(void)) code)(); }
                if (!strcmp(m, "smc")) {
                    unsigned char *p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                    int total = 0;
                    for (int i = 0; i < 5; i++) {
                        unsigned char code[] = {0xb8, (unsigned char) (40 + i), 0, 0, 0, 0xc3}; /* mov eax, 40+i; ret */
                        memcpy(p, code, sizeof code);
                        int r = ((fn) p)();
                        printf("smc %d\\n", r);
                        total += r;
                    }
                    p[1] = 7; /* patch the immediate of code that has run already */
                    int r = ((fn) p)();
                    printf("patched %d\\n", r);
                    return total + r - 210 - 7 + 3;
                }
                if (!strcmp(m, "smc-inline")) {
                    /* code that patches the immediate of its own next instruction: mov byte [rip+1], 99; mov eax, 1; ret */
                    unsigned char code[] = {0xc6, 0x05, 0x01, 0, 0, 0, 99, 0xb8, 1, 0, 0, 0, 0xc3};
                    unsigned char *p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                    memcpy(p, code, sizeof code);
                    int r = ((fn) p)();
                    printf("inline %d\\n", r);
                    return r == 99 ? 4 : 5;
                }
                if (!strcmp(m, "jit")) {
                    /* W^X JIT: write, make executable, run; unmap; map again at the same address with other code */
                    int sum = 0;
                    for (int i = 0; i < 4; i++) {
                        unsigned char *p = mmap((void *) 0x70000000, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
                        unsigned char code[] = {0xb8, (unsigned char) (10 * i + 1), 0, 0, 0, 0xc3};
                        memcpy(p, code, sizeof code);
                        mprotect(p, 4096, PROT_READ | PROT_EXEC);
                        int r = ((fn) p)();
                        printf("jit %d\\n", r);
                        sum += r;
                        munmap(p, 4096);
                    }
                    return sum == 64 ? 6 : 7;
                }
                printf("end\\n");
                return 0;
            }
            """;

    @InjectService(timeout = 10_000)
    Kernel kernel;

    private Path faults;
    private Path dir;
    private Started survivor;
    private KernelStatistics baseline;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @BeforeAll
    void build() throws Exception {
        faults = ReliabilityKit.cc("faults", FAULTS_C);
        dir = faults.getParent();
        ReliabilityKit.awaitBaseline(kernel, kernel.statistics());
        baseline = kernel.statistics();
        // a process that lives through every fault: busybox sh blocked reading its input
        survivor = ReliabilityKit.startWithPipe(kernel, Guest.of(Path.of("/"), ReliabilityKit.BUSYBOX, "sh", "-c",
                "read line; echo survived $line"));
    }

    @AfterAll
    void stop() throws Exception {
        pool.shutdownNow();
        if (survivor != null && survivor.process().exitStatus().isEmpty()) {
            ReliabilityKit.killAll(kernel, List.of(survivor.process().pid()));
        }
    }

    private Run pico(String mode) throws Exception {
        return ReliabilityKit.run(kernel, Guest.of(Path.of("/"), faults.toString(), mode).cwd(dir.toString()),
                ReliabilityKit.CASE_LIMIT_SECONDS);
    }

    /** Each fault ends the pico process as it ends the native one: same status, same output before it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wild", "kernel-address", "null", "stack", "div0", "divov", "hlt", "cli", "sti",
        "read-cr0", "write-cr0", "lgdt", "wrmsr", "rdmsr", "ud2", "int3", "int", "nx", "smc", "smc-inline", "jit"})
    void aFaultEndsTheProcessAsNatively(String mode) throws Exception {
        Native expected = ReliabilityKit.runNative(dir, faults.toString(), mode);
        Run run = pico(mode);
        assertEquals(expected.status(), run.shell(), () -> mode + ": native status " + expected.status() + ", pico "
                + run + " (native output: " + expected.out() + ")");
        assertEquals(expected.out(), run.out(), () -> mode + ": output differs from the native run");
        assertTrue(!run.killed(), () -> mode + " had to be killed: " + run);
    }

    /**
     * in/out at CPL 3 with IOPL 0 fault natively (SIGSEGV); unicorn runs them as no-ops (port reads give 0) even
     * in user mode, so the kernel's engine hooks UC_X86_INS_IN/OUT and raises #GP itself.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in", "out"})
    void portIoFaultsAsNatively(String mode) throws Exception {
        aFaultEndsTheProcessAsNatively(mode);
    }

    /**
     * One thread writes into a mapping while another unmaps it (and maps new memory): the writer must end with
     * SIGSEGV as natively or carry on, never write into freed host memory (which crashed the JVM: the kernel
     * freed an unmapped range while another thread's engine still had it mapped).
     */
    static final String UNMAP_RACE_C = """
            #include <pthread.h>
            #include <sched.h>
            #include <stdio.h>
            #include <sys/mman.h>
            #define SIZE (16 * 4096)
            static char *volatile p;
            static void *writer(void *a) {
                for (;;) {
                    char *q = p;
                    sched_yield();
                    for (int i = 0; i < 100000; i++) q[(i * 64) % SIZE] = (char) i;
                }
                return 0;
            }
            int main(void) {
                p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                pthread_t t;
                pthread_create(&t, 0, writer, 0);
                for (int k = 0; k < 3000; k++) {
                    char *old = p;
                    p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                    munmap(old, SIZE);
                }
                puts("survived");
                return 0;
            }
            """;

    @Test
    void unmappingMemoryAnotherThreadWritesNeverReachesFreedHostMemory() throws Exception {
        Path race = ReliabilityKit.cc("unmaprace", UNMAP_RACE_C, "-lpthread");
        for (int i = 0; i < 6; i++) {
            Run r = ReliabilityKit.run(kernel, Guest.of(Path.of("/"), race.toString()), ReliabilityKit.CASE_LIMIT_SECONDS);
            assertTrue(r.shell() == 139 || r.shell() == 0 && r.out().equals("survived\n"), r::toString);
        }
        Run echo = ReliabilityKit.run(kernel, Path.of("/"), ReliabilityKit.BUSYBOX, "echo", "alive");
        assertEquals("alive\n", echo.out());
    }

    /** Faults in parallel: eight faulting processes at once, two cores; every one ends with its own signal. */
    @Test
    void faultsInParallelEndOnlyTheirOwnProcess() throws Exception {
        String[] modes = {"wild", "stack", "div0", "ud2", "int3", "hlt", "smc", "null"};
        int[] expected = {139, 139, 136, 132, 133, 139, 3, 139};
        List<Future<Run>> runs = new ArrayList<>();
        for (String m : modes) {
            runs.add(pool.submit(() -> pico(m)));
        }
        for (int i = 0; i < modes.length; i++) {
            Run r = runs.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(expected[i], r.shell(), modes[i] + ": " + r);
        }
    }

    /** After all faults the survivor still runs and answers; nothing leaked. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void theSurvivorCarriesOnAndNothingLeaks() throws Exception {
        for (String m : new String[] {"stack", "hlt", "write-cr0", "wild"}) {
            pico(m);
        }
        assertTrue(survivor.process().exitStatus().isEmpty(), "the survivor was taken down: "
                + survivor.process().exitStatus());
        survivor.send("fine\n");
        Run r = ReliabilityKit.finish(kernel, survivor, 5_000);
        assertEquals(0, r.shell(), r::toString);
        assertEquals("survived fine\n", r.out());
        ReliabilityKit.assertBackToBaseline(kernel, baseline, "the faults");
    }
}
