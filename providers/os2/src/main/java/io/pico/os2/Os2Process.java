package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.api.CpuMode;
import io.pico.api.ExitStatus;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OS/2 personality's state of one process: its modules, threads, file handles, memory objects,
 * semaphores, thread-local words, exit list, drives and current directories, and the process and
 * environment blocks in guest memory.
 */
final class Os2Process {

    /** PIB offsets. */
    static final int PIB_PID = 0x00;
    static final int PIB_PPID = 0x04;
    static final int PIB_HMTE = 0x08;
    static final int PIB_CMD = 0x0c;
    static final int PIB_ENV = 0x10;
    static final int PIB_STATUS = 0x14;
    static final int PIB_TYPE = 0x18;

    final Os2Provider provider;
    final Kernel kernel;
    final PicoProcess process;
    final AddressSpace mem;
    final Drives drives;
    final Stubs stubs;
    final Files files;
    final Semaphores sems;
    final Loader loader;
    /** Loaded modules by handle. */
    final Map<Integer, Module> modules = new TreeMap<>();
    /** DLLs whose initialisation routine has to run, in dependency order. */
    final List<Module> initOrder = new ArrayList<>();
    Module exe;
    final Map<Integer, Os2Thread> threads = new ConcurrentHashMap<>();
    /** Every thread not yet waited for with DosWaitThread, ended or not. */
    final Map<Integer, Os2Thread> known = new ConcurrentHashMap<>();
    private int nextTid = 1;
    private int nextModule = 1;
    /** Memory objects of DosAllocMem: base to size. */
    final TreeMap<Long, Long> allocations = new TreeMap<>();
    /** Named "shared" memory objects of this process. */
    final Map<String, Long> named = new TreeMap<>();
    /** Timers of DosAsyncTimer/DosStartTimer. */
    final Map<Integer, java.util.concurrent.ScheduledFuture<?>> timers = new TreeMap<>();
    /** Sub-allocation pools by base. */
    final Map<Long, Memory.Pool> pools = new TreeMap<>();
    /** Attributes each memory object was allocated with (for PAG_DEFAULT). */
    final Map<Long, Integer> allocationFlags = new TreeMap<>();
    final boolean[] tlsUsed = new boolean[Layout.TLS_WORDS];
    /** Blocks of DosAllocThreadLocalMemory: first word to number of words. */
    final Map<Integer, Integer> tlsBlocks = new TreeMap<>();
    /** Exit list routines: order (high byte of the order code) and address, in registration order. */
    final List<long[]> exitList = new ArrayList<>();
    long pib;
    long env;
    long cmd;
    /** Child processes started with DosExecPgm, and their results once reaped. */
    final Map<Integer, PicoProcess> children = new ConcurrentHashMap<>();
    private volatile boolean exiting;
    private Os2Thread exitThread;
    private int exitCode;
    private final Deque<long[]> exitQueue = new ArrayDeque<>();

    Os2Process(Os2Provider provider, Kernel kernel, PicoProcess process, Drives drives) {
        this.provider = provider;
        this.kernel = kernel;
        this.process = process;
        this.mem = process.memory();
        this.drives = drives;
        this.stubs = new Stubs(mem);
        this.files = new Files(this);
        this.sems = new Semaphores(this);
        this.loader = new Loader(this);
    }

    static Os2Process of(PicoProcess p) {
        return (Os2Process) p.providerState();
    }

    /** Maps the stubs, the LDT and the thread-local page. */
    void installSystemAreas() {
        stubs.install();
        mem.map(Layout.LDT, Layout.LDT_BYTES, AddressSpace.READ | AddressSpace.WRITE);
        Descriptors.fillLdt(mem);
        Descriptors.codeTiles(mem, Layout.STUB16, Layout.GRANULE);
        // DosAllocThreadLocalMemory's words stay unmapped (findFree never hands out the system area): every
        // access faults and is emulated per thread. (A mapped page without access would not do: once the
        // CPU's TLB holds the page for one access, unicorn lets the next ones through.)
    }

    synchronized int newModuleHandle() {
        return nextModule++;
    }

    /** Finds a free, 64 KiB aligned range below 512 MiB at or above the hint, or -1. */
    long findFree(long hint, long size) {
        long want = Layout.granuleUp(size);
        synchronized (mem) {
            long at = hint;
            while (true) {
                long f = mem.findFree(at, want + Layout.GRANULE);
                if (f < 0) {
                    return -1;
                }
                long aligned = Layout.granuleUp(f);
                if (aligned + want > Layout.SYSTEM_AREA) {
                    return hint > Layout.GRANULE ? findFreeLow(want) : -1;
                }
                if (mem.findFree(aligned, want) == aligned) {
                    return aligned;
                }
                at = aligned + Layout.GRANULE;
            }
        }
    }

    private long findFreeLow(long want) {
        long f = mem.findFree(Layout.GRANULE, want + Layout.GRANULE);
        if (f < 0) {
            return -1;
        }
        long aligned = Layout.granuleUp(f);
        return aligned + want <= Layout.SYSTEM_AREA && mem.findFree(aligned, want) == aligned ? aligned : -1;
    }

    /** Maps a new, zeroed range (64 KiB aligned) with the given protection, or throws ERROR_NOT_ENOUGH_MEMORY. */
    long allocate(long hint, long size, int protection) throws Os2Exception {
        synchronized (mem) {
            long at = findFree(hint, size);
            if (at < 0) {
                throw new Os2Exception(Err.NOT_ENOUGH_MEMORY);
            }
            try {
                mem.map(at, Layout.pageUp(size), protection);
            } catch (RuntimeException e) {
                throw new Os2Exception(Err.NOT_ENOUGH_MEMORY);
            }
            return at;
        }
    }

    /**
     * Writes the environment (at the start of a 64 KiB tile, as 16-bit programs expect it at offset 0 of its
     * segment), the program's full name and the command line after it, and the process information block.
     */
    void buildEnvironment(List<String> variables, String program, String arguments) throws Os2Exception {
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        for (String e : variables) {
            block.writeBytes(e.getBytes(StandardCharsets.ISO_8859_1));
            block.write(0);
        }
        if (variables.isEmpty()) {
            block.write(0);
        }
        block.write(0);
        // as OS/2 1.x does, the program's full name follows the environment (16-bit runtimes take argv[0] there)
        block.writeBytes((exe == null ? program : exe.path).getBytes(StandardCharsets.ISO_8859_1));
        block.write(0);
        int cmdOffset = block.size();
        block.writeBytes(program.getBytes(StandardCharsets.ISO_8859_1));
        block.write(0);
        block.writeBytes(arguments.getBytes(StandardCharsets.ISO_8859_1));
        block.write(0);
        block.write(0);
        byte[] data = block.toByteArray();
        int pibOffset = (data.length + 15) & ~15;
        long base = allocate(Layout.SYSTEM_HINT, pibOffset + 0x40, AddressSpace.READ | AddressSpace.WRITE);
        env = base;
        cmd = base + cmdOffset;
        pib = base + pibOffset;
        mem.write(env, data, 0, data.length);
        mem.putInt(pib + PIB_PID, process.pid());
        mem.putInt(pib + PIB_PPID, process.parentPid());
        mem.putInt(pib + PIB_HMTE, exe == null ? 0 : exe.handle);
        mem.putInt(pib + PIB_CMD, (int) cmd);
        mem.putInt(pib + PIB_ENV, (int) env);
        mem.putInt(pib + PIB_STATUS, 0);
        mem.putInt(pib + PIB_TYPE, 2);
    }

    /**
     * Creates an OS/2 thread (id, GDT, TIB; a stack of its own when {@code stackBase} is 0) and its kernel
     * thread, prepared to run from {@code target} with {@code words} pushed below the stack top {@code top}
     * (0: the top of its own stack), not started.
     */
    Os2Thread newThread(long stackBase, long stackSize, long top, long target, long... words) throws Os2Exception {
        boolean own = stackBase == 0;
        if (own) {
            stackSize = Layout.pageUp(Math.max(stackSize, 0x2000));
            stackBase = allocate(Layout.HEAP_HINT, stackSize, AddressSpace.READ | AddressSpace.WRITE
                    | AddressSpace.EXEC);
            top = stackBase + stackSize;
        }
        long block;
        try {
            block = allocate(Layout.SYSTEM_HINT, Layout.GDT_BYTES + AddressSpace.PAGE_SIZE,
                    AddressSpace.READ | AddressSpace.WRITE);
        } catch (Os2Exception e) {
            if (own) {
                mem.unmap(stackBase, stackSize);
            }
            throw e;
        }
        int tid;
        synchronized (this) {
            tid = nextTid++;
        }
        Os2Thread t = new Os2Thread(this, tid, block, stackBase, stackSize, own);
        t.initialise(mem);
        long esp = top - 4L * words.length;
        for (int i = 0; i < words.length; i++) {
            mem.putInt(esp + 4L * i, (int) words[i]);
        }
        PicoThread pt = process.createThread(CpuMode.X86_32);
        t.prepare(pt, target, esp);
        threads.put(tid, t);
        known.put(tid, t);
        return t;
    }

    /** A thread has ended: frees what the provider allocated for it. */
    void threadEnded(Os2Thread t) {
        threads.remove(t.tid);
        t.ended.countDown();
        if (!exiting && process.exitStatus().isEmpty()) {
            try {
                mem.unmap(t.block, Layout.GDT_BYTES + AddressSpace.PAGE_SIZE);
                if (t.ownStack) {
                    mem.unmap(t.stackBase, t.stackSize);
                }
            } catch (RuntimeException e) {
                // the process is going away
            }
        }
    }

    // ------------------------------------------------------------------------------------------ start

    /** The first thread arrived at the boot stub: runs DLL initialisation routines, then the program. */
    void boot(PicoThread t) {
        Os2Thread ot = Os2Thread.of(t);
        for (Module m : initOrder) {
            if (!m.initialized) {
                m.initialized = true;
                traceLine("init " + m.name + String.format(" at 0x%x", m.entry));
                ot.callGuest(t, m.entry, new long[] {m.handle, 0}, eax -> {
                    if (eax == 0) {
                        kernel.log("pid " + process.pid() + ": OS/2 DLL " + m.name + " failed its initialisation");
                        process.exit(new ExitStatus(255, 0, "DLL " + m.name + " failed to initialise"));
                        return;
                    }
                    boot(t);
                });
                return;
            }
        }
        enterProgram(t);
    }

    private void enterProgram(PicoThread t) {
        long sp = exe.stackTop & ~3L;
        sp -= 20;
        mem.putInt(sp, (int) Layout.STUB_EXIT_PROCESS);
        mem.putInt(sp + 4, exe.handle);
        mem.putInt(sp + 8, 0);
        mem.putInt(sp + 12, (int) env);
        mem.putInt(sp + 16, (int) cmd);
        for (Register r : new Register[] {Register.RAX, Register.RBX, Register.RCX, Register.RDX, Register.RSI,
            Register.RDI, Register.RBP}) {
            t.set(r, 0);
        }
        t.set(Register.RSP, sp);
        t.set(Register.RIP, exe.entry);
        traceLine(String.format("start %s at 0x%x", exe.name, exe.entry));
    }

    // ------------------------------------------------------------------------------------------ exit

    boolean exiting() {
        return exiting;
    }

    /**
     * Ends the process with the exit code, as DosExit(EXIT_PROCESS) does: the other threads end, the exit
     * list routines run on this thread, then the DLL termination routines, then the process is gone.
     */
    void exitProcess(PicoThread t, int code, int reason) {
        Os2Thread self = Os2Thread.of(t);
        synchronized (this) {
            if (exiting) {
                if (self != exitThread) {
                    t.exit();
                    return;
                }
            }
        }
        if (exiting) {
            // an exit routine ended the process itself: go on with the next routine
            self.abandonCall(t);
            runExitQueue(t);
            return;
        }
        synchronized (this) {
            exiting = true;
            exitThread = self;
            exitCode = code;
        }
        for (Os2Thread other : threads.values()) {
            if (other != self && other.thread != null) {
                other.thread.exit();
            }
        }
        synchronized (this) {
            exitList.stream().sorted(Comparator.comparingLong(e -> e[0]))
                    .forEach(e -> exitQueue.add(new long[] {e[1], reason}));
            List<Module> terms = new ArrayList<>(initOrder);
            java.util.Collections.reverse(terms);
            for (Module m : terms) {
                if (m.initialized && m.terminate && m.entry != 0) {
                    exitQueue.add(new long[] {m.entry, m.handle, 1});
                }
            }
        }
        runExitQueue(t);
    }

    /** Runs the next exit list or termination routine, or ends the process when none is left. */
    void runExitQueue(PicoThread t) {
        long[] next;
        synchronized (this) {
            next = exitQueue.poll();
        }
        if (next == null || Os2Thread.of(t) == null) {
            process.exit(ExitStatus.exited(exitCode & 0xff));
            return;
        }
        long[] args = java.util.Arrays.copyOfRange(next, 1, next.length);
        traceLine(String.format("exit routine at 0x%x", next[0]));
        Os2Thread.of(t).callGuest(t, next[0], args, eax -> runExitQueue(t));
    }

    int exitCode() {
        return exitCode;
    }

    /** Whether this thread runs the exit routines now. */
    synchronized boolean isExitThread(Os2Thread t) {
        return exiting && exitThread == t;
    }

    /**
     * Where this process's calls are traced now, or null: looked up at each use, since {@code pico:strace}
     * attaches a trace to a running process and detaches it again.
     */
    PrintStream trace() {
        return process.trace().orElse(null);
    }

    void traceLine(String line) {
        PrintStream trace = trace();
        if (trace != null) {
            trace.println(process.pid() + " " + line);
        }
    }
}
