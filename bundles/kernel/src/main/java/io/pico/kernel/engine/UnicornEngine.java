package io.pico.kernel.engine;

import static io.pico.unicorn.X86.*;

import io.pico.api.CpuException.Access;
import io.pico.api.CpuException.Kind;
import io.pico.api.CpuMode;
import io.pico.api.Register;
import io.pico.unicorn.Unicorn;
import io.pico.unicorn.UnicornException;

/** The unicorn-engine CPU: one {@link Unicorn} instance with the kernel's hooks installed. */
final class UnicornEngine implements Engine {

    /** Register ids by {@link Register} ordinal, per mode. */
    private static final int[] REG64 = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX,
        UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_RBP, UC_X86_REG_RSP, UC_X86_REG_R8, UC_X86_REG_R9,
        UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
        UC_X86_REG_RIP, UC_X86_REG_EFLAGS, UC_X86_REG_CS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS,
        UC_X86_REG_GS, UC_X86_REG_SS, UC_X86_REG_FS_BASE, UC_X86_REG_GS_BASE};
    private static final int[] REG32 = {UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
        UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_EBP, UC_X86_REG_ESP, -1, -1, -1, -1, -1, -1, -1, -1,
        UC_X86_REG_EIP, UC_X86_REG_EFLAGS, UC_X86_REG_CS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS,
        UC_X86_REG_GS, UC_X86_REG_SS, -1, -1};
    private static final int[] REG16 = {UC_X86_REG_AX, UC_X86_REG_BX, UC_X86_REG_CX, UC_X86_REG_DX,
        UC_X86_REG_SI, UC_X86_REG_DI, UC_X86_REG_BP, UC_X86_REG_SP, -1, -1, -1, -1, -1, -1, -1, -1,
        UC_X86_REG_IP, UC_X86_REG_EFLAGS, UC_X86_REG_CS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS,
        UC_X86_REG_GS, UC_X86_REG_SS, -1, -1};
    private static final long MSR_FS_BASE = 0xC000_0100L;
    private static final long MSR_GS_BASE = 0xC000_0101L;

    private final CpuMode mode;
    private final Unicorn uc;
    private final int[] regs;
    private volatile EngineListener listener;
    /** A range mapped in unicorn: its end, host memory, protection and, for stable memory, the reference held. */
    private static final class Region {
        long end;
        final long host;
        int protection;
        final Stable stable;

        Region(long end, long host, int protection, Stable stable) {
            this.end = end;
            this.host = host;
            this.protection = protection;
            this.stable = stable;
        }
    }

    /** Guest ranges mapped now (start -> region), so that a pooled engine can be emptied. */
    private final java.util.TreeMap<Long, Region> mapped = new java.util.TreeMap<>();
    /**
     * Stable ranges the guest unmapped that are still mapped in unicorn, with the code translated from them: taken
     * back by an identical map (exec of the same image, the next process of a pooled engine), else unmapped at
     * {@link #settle()} (or, for a pooled engine, when its next user maps something else there).
     */
    private final java.util.TreeMap<Long, Region> kept = new java.util.TreeMap<>();
    /** Translations kept: maps taken back from {@link #kept} (statistics, tests). */
    static final java.util.concurrent.atomic.AtomicLong REUSED = new java.util.concurrent.atomic.AtomicLong();
    /** The CPU state right after creation, restored when the engine is re-used. */
    private final Unicorn.Context pristine;
    private final UnicornEngineFactory pool;
    /**
     * Inside the syscall hook unicorn's RIP still points at the {@code syscall} instruction (it adds the
     * instruction's length after the hook); the kernel's contract is the address after it.
     */
    private boolean inSyscallHook;
    /**
     * The registers a system call reads (number, six arguments, RIP), read in one downcall
     * ({@code uc_reg_read_batch}) when the syscall hook is entered and served from here during the call; a write
     * goes to the engine and here. Valid only inside the syscall hook.
     */
    private static final int[] CALL_REGS = {UC_X86_REG_RAX, UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RDX,
        UC_X86_REG_R10, UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_RIP};
    /** Index into {@link #callRegs} by {@link Register} ordinal, -1 for registers not read at entry. */
    private static final int[] CALL_INDEX = new int[Register.values().length];

    static {
        java.util.Arrays.fill(CALL_INDEX, -1);
        Register[] order = {Register.RAX, Register.RDI, Register.RSI, Register.RDX, Register.R10, Register.R8,
            Register.R9, Register.RIP};
        for (int i = 0; i < order.length; i++) {
            CALL_INDEX[order[i].ordinal()] = i;
        }
    }

    private final long[] callRegs = new long[CALL_REGS.length];
    private Unicorn.RegisterBatch callBatch;
    private boolean callRegsValid;
    /** Engines open now, for leak checks. */
    static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();
    private boolean closed;
    private static final int SYSCALL_LENGTH = 2;

    UnicornEngine(CpuMode mode, EngineListener listener, UnicornEngineFactory pool) {
        this.mode = mode;
        this.listener = listener;
        this.pool = pool;
        this.uc = Unicorn.open(switch (mode) {
            case X86_16 -> Unicorn.Mode.X86_16;
            case X86_32 -> Unicorn.Mode.X86_32;
            case X86_64 -> Unicorn.Mode.X86_64;
        });
        this.regs = switch (mode) {
            case X86_16 -> REG16;
            case X86_32 -> REG32;
            case X86_64 -> REG64;
        };
        try {
            if (mode == CpuMode.X86_64) {
                callBatch = uc.registerBatch(CALL_REGS);
                uc.hookSyscall(u -> {
                    inSyscallHook = true;
                    callBatch.read(callRegs);
                    callRegsValid = true;
                    try {
                        this.listener.onSyscall();
                    } finally {
                        callRegsValid = false;
                        inSyscallHook = false;
                    }
                });
            }
            uc.hookInterrupt((u, intno) -> this.listener.onInterrupt(intno));
            uc.hookMemInvalid((u, type, address, size, value) -> memInvalid(type, address));
            uc.hookInsnInvalid(u -> this.listener.onInvalidInstruction());
            if (mode == CpuMode.X86_64) {
                // in user mode (IOPL 0) in/out raise #GP natively; unicorn skips that check and runs them as no-ops.
                // The fault's RIP is the start of the translated block (unicorn does not sync it in this hook).
                uc.hookPortIo((u, out, port, size, value) -> {
                    this.listener.onInterrupt(13);
                    return 0;
                });
                this.listener = RING_SWITCH;
                enterUserMode(uc);
                this.listener = listener;
            }
            pristine = uc.contextSave();
        } catch (RuntimeException e) {
            if (callBatch != null) {
                callBatch.close();
            }
            uc.close();
            throw e;
        }
        OPEN.incrementAndGet();
    }

    /** Where {@link #enterUserMode} puts its descriptor table, stack and code for one instruction: page 1. */
    private static final long RING_SWITCH_PAGE = 0x1000;
    /** The selectors of Linux x86-64 user mode (__USER_DS, __USER_CS): RPL 3. */
    private static final long USER_DS = 0x2b;
    private static final long USER_CS = 0x33;

    /**
     * Puts a new 64-bit CPU into user mode (CPL 3) as an operating system's kernel does before it runs a
     * program: unicorn starts its CPU in ring 0, where {@code hlt}, {@code cli}, {@code mov cr0}, {@code wrmsr},
     * {@code lgdt} ... run instead of faulting, so guest code could rewrite the CPU's control state (EFER, CR0,
     * FS base behind the kernel's back). At CPL 3 they raise #GP, which reaches the provider as a CPU exception
     * (SIGSEGV on Linux, as natively). One {@code iretq} on a scratch page holding a descriptor table with a
     * user code and a user data segment makes the switch; the page is unmapped afterwards and the descriptor
     * table emptied (limit 0), so a guest cannot load other segments nor build a call gate back to ring 0.
     * System calls still reach the kernel: unicorn's {@code syscall} hook runs in place of the instruction and
     * leaves the privilege level alone. Contexts saved afterwards (pooled engines, fork) keep CPL 3.
     */
    /** The listener while {@link #enterUserMode} runs: its one instruction traps nothing. */
    private static final EngineListener RING_SWITCH = new EngineListener() {
        @Override
        public void onSyscall() {
            throw new IllegalStateException("system call while entering user mode");
        }

        @Override
        public void onInterrupt(int vector) {
            throw new IllegalStateException("interrupt " + vector + " while entering user mode");
        }

        @Override
        public boolean onInvalidMemory(Kind kind, Access access, long address) {
            throw new IllegalStateException(kind + " " + access + " at 0x" + Long.toHexString(address)
                    + " while entering user mode");
        }

        @Override
        public boolean onInvalidInstruction() {
            throw new IllegalStateException("invalid instruction while entering user mode");
        }
    };

    private static void enterUserMode(Unicorn uc) {
        long s = RING_SWITCH_PAGE;
        long flags = uc.regRead(UC_X86_REG_EFLAGS);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(0x1000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong((int) (USER_DS & ~7), 0x00CF_F300_0000_FFFFL); // data, DPL 3, present, writable, accessed
        b.putLong((int) (USER_CS & ~7), 0x00AF_FB00_0000_FFFFL); // code, DPL 3, present, 64-bit (L), accessed
        b.put(0x100, (byte) 0x48).put(0x101, (byte) 0xcf); // iretq
        // the iretq frame: RIP, CS, RFLAGS, RSP, SS
        b.putLong(0xf00, s + 0x102).putLong(0xf08, USER_CS).putLong(0xf10, flags | 0x2).putLong(0xf18, s + 0xff0)
                .putLong(0xf20, USER_DS);
        uc.memMap(s, 0x1000, 7);
        try {
            uc.memWrite(s, b.array());
            uc.mmrWrite(UC_X86_REG_GDTR, new Unicorn.Mmr(0, s, 0x37, 0));
            uc.regWrite(UC_X86_REG_RSP, s + 0xf00);
            uc.emuStart(s + 0x100, s + 0x102, 0, 0);
        } finally {
            uc.memUnmap(s, 0x1000);
        }
        if (uc.regRead(UC_X86_REG_CS) != USER_CS) {
            throw new IllegalStateException("could not enter user mode (CS " + uc.regRead(UC_X86_REG_CS) + ")");
        }
        uc.mmrWrite(UC_X86_REG_GDTR, new Unicorn.Mmr(0, 0, 0, 0));
        uc.regWrite(UC_X86_REG_RSP, 0);
        uc.regWrite(UC_X86_REG_RIP, 0);
        uc.regWrite(UC_X86_REG_EFLAGS, flags);
    }

    private boolean memInvalid(int type, long address) {
        Kind kind;
        Access access;
        switch (type) {
            case UC_MEM_READ_UNMAPPED -> { kind = Kind.UNMAPPED; access = Access.READ; }
            case UC_MEM_WRITE_UNMAPPED -> { kind = Kind.UNMAPPED; access = Access.WRITE; }
            case UC_MEM_FETCH_UNMAPPED -> { kind = Kind.UNMAPPED; access = Access.EXECUTE; }
            case UC_MEM_READ_PROT -> { kind = Kind.PROTECTION; access = Access.READ; }
            case UC_MEM_WRITE_PROT -> { kind = Kind.PROTECTION; access = Access.WRITE; }
            case UC_MEM_FETCH_PROT -> { kind = Kind.PROTECTION; access = Access.EXECUTE; }
            default -> { kind = Kind.OTHER; access = Access.NONE; }
        }
        return listener.onInvalidMemory(kind, access, address);
    }

    @Override
    public CpuMode mode() {
        return mode;
    }

    @Override
    public void map(long address, long size, int protection, long hostAddress) {
        map(address, size, protection, hostAddress, null);
    }

    @Override
    public void map(long address, long size, int protection, long hostAddress, Stable stable) {
        long end = address + size;
        Region k = kept.get(address);
        if (stable != null && k != null && k.end == end && k.host == hostAddress && k.stable == stable) {
            // the same memory again: unicorn keeps the region and the code translated from it
            kept.remove(address);
            mapped.put(address, k);
            if (k.protection != protection) {
                uc.memProtect(address, size, protection);
                k.protection = protection;
            }
            REUSED.incrementAndGet();
            return;
        }
        dropKept(address, end);
        Stable held = null;
        if (stable != null) {
            try {
                held = stable.retain();
            } catch (IllegalStateException e) {
                held = null; // already gone: a map replayed after the range was unmapped again; not kept
            }
        }
        try {
            uc.memMapPtr(address, size, protection, hostAddress);
        } catch (RuntimeException e) {
            if (held != null) {
                held.release();
            }
            throw e;
        }
        mapped.put(address, new Region(end, hostAddress, protection, held));
    }

    /** unicorn 2.0 keeps the translations of unmapped memory: they are removed first there. */
    private static final boolean KEEPS_STALE_CODE = !Unicorn.isAtLeast21();

    /** Unmaps [from, to) in unicorn, with the code translated from it. */
    private void unmapRange(long from, long to) {
        if (KEEPS_STALE_CODE) {
            dropCode(from, to);
        }
        uc.memUnmap(from, to - from);
    }

    /** Drops the code unicorn translated from [from, to) (all translations if it cannot drop just those). */
    private void dropCode(long from, long to) {
        try {
            uc.removeCache(from, to);
        } catch (UnicornException e) {
            uc.flushTranslations();
        }
    }

    /** Unmaps the kept ranges that overlap [from, to). */
    private void dropKept(long from, long to) {
        if (kept.isEmpty()) {
            return;
        }
        java.util.Map.Entry<Long, Region> below = kept.lowerEntry(from);
        Long first = below != null && below.getValue().end > from ? below.getKey() : Long.valueOf(from);
        // keys first: a TreeMap entry may take its successor's key and value when another entry is removed
        for (Long key : new java.util.ArrayList<>(kept.subMap(first, true, to, false).keySet())) {
            Region r = kept.remove(key);
            unmapRange(key, r.end);
            r.stable.release();
        }
    }

    @Override
    public void settle() {
        dropKept(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Override
    public void unmap(long address, long size) {
        long end = address + size;
        Region whole = mapped.get(address);
        if (whole != null && whole.end == end && whole.stable != null) {
            mapped.remove(address);
            kept.put(address, whole); // unmapped at settle unless mapped again
            return;
        }
        unmapRange(address, end);
        java.util.Map.Entry<Long, Region> below = mapped.lowerEntry(address);
        if (below != null && below.getValue().end > address) {
            Region r = below.getValue();
            long oldEnd = r.end;
            r.end = address;
            if (oldEnd > end) {
                mapped.put(end, piece(r, below.getKey(), end, oldEnd));
            }
        }
        for (Long key : new java.util.ArrayList<>(mapped.subMap(address, end).keySet())) {
            Region r = mapped.remove(key);
            if (r.end > end) {
                mapped.put(end, piece(r, key, end, r.end));
            }
            if (r.stable != null) {
                r.stable.release();
            }
        }
    }

    /** The part [from, to) of a region that starts at start, as a region of its own (stable memory counted again). */
    private static Region piece(Region r, long start, long from, long to) {
        Stable s = null;
        if (r.stable != null) {
            s = r.stable.retain();
        }
        return new Region(to, r.host + (from - start), r.protection, s);
    }

    /**
     * Empties the engine for re-use by another thread: no memory but stable ranges (kept with their translations
     * for the next user, who takes them back by mapping the same memory there or drops them), the pristine CPU
     * state.
     */
    boolean reset(EngineListener next) {
        try {
            boolean keep = false;
            while (!mapped.isEmpty()) {
                java.util.Map.Entry<Long, Region> e = mapped.pollFirstEntry(); // in one place only, even if this fails
                Region r = e.getValue();
                if (r.stable != null && !kept.containsKey(e.getKey())) {
                    kept.put(e.getKey(), r);
                    keep = true;
                } else {
                    if (r.stable != null) {
                        r.stable.release();
                    }
                    uc.memUnmap(e.getKey(), r.end - e.getKey());
                }
            }
            if (!keep && kept.isEmpty()) {
                uc.flushTranslations();
            }
            uc.contextRestore(pristine);
            inSyscallHook = false;
            callRegsValid = false;
            listener = next;
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Closes the engine for good. */
    void destroy() {
        for (Region r : kept.values()) {
            r.stable.release();
        }
        kept.clear();
        for (Region r : mapped.values()) {
            if (r.stable != null) {
                r.stable.release();
            }
        }
        mapped.clear();
        if (callBatch != null) {
            callBatch.close();
        }
        pristine.close();
        uc.close();
    }

    @Override
    public void protect(long address, long size, int protection) {
        long end = address + size;
        if ((protection & io.pico.api.AddressSpace.EXEC) == 0) {
            // unicorn keeps the code it translated from memory that stops being executable, and stores to a page
            // that is not executable do not look for it: the guest may now write there and make it executable
            // again (a JIT, a loader patching code), so that code goes
            dropCode(address, end);
        }
        uc.memProtect(address, size, protection);
        // what a kept region taken back compares with (map): this protection, or unknown where it covers a part
        java.util.Map.Entry<Long, Region> below = mapped.lowerEntry(address);
        if (below != null && below.getValue().end > address) {
            below.getValue().protection = -1;
        }
        for (java.util.Map.Entry<Long, Region> e : mapped.subMap(address, end).entrySet()) {
            e.getValue().protection = e.getValue().end <= end ? protection : -1;
        }
    }

    private int id(Register r) {
        int id = regs[r.ordinal()];
        if (id < 0) {
            throw new IllegalArgumentException(r + " does not exist in " + mode);
        }
        return id;
    }

    @Override
    public long get(Register register) {
        if (callRegsValid) {
            int i = CALL_INDEX[register.ordinal()];
            if (i >= 0) {
                // RIP still points at the syscall instruction inside the hook (see inSyscallHook)
                return register == Register.RIP ? callRegs[i] + SYSCALL_LENGTH : callRegs[i];
            }
        }
        if (mode != CpuMode.X86_64 && (register == Register.FS_BASE || register == Register.GS_BASE)) {
            return uc.msrRead((int) (register == Register.FS_BASE ? MSR_FS_BASE : MSR_GS_BASE));
        }
        long v = uc.regRead(id(register));
        if (inSyscallHook && register == Register.RIP) {
            v += SYSCALL_LENGTH;
        }
        return switch (mode) {
            case X86_64 -> v;
            case X86_32 -> v & 0xffff_ffffL;
            case X86_16 -> register == Register.RFLAGS ? v & 0xffff_ffffL : v & 0xffffL;
        };
    }

    @Override
    public void set(Register register, long value) {
        if (mode != CpuMode.X86_64 && (register == Register.FS_BASE || register == Register.GS_BASE)) {
            uc.msrWrite((int) (register == Register.FS_BASE ? MSR_FS_BASE : MSR_GS_BASE), value);
            return;
        }
        if (inSyscallHook && register == Register.RIP) {
            value -= SYSCALL_LENGTH;
        }
        uc.regWrite(id(register), value);
        if (callRegsValid) {
            int i = CALL_INDEX[register.ordinal()];
            if (i >= 0) {
                callRegs[i] = value;
            }
        }
    }

    /** Present, type LDT: the access byte of an LDT descriptor, as unicorn keeps it in the LDTR cache. */
    private static final int LDT_FLAGS = 0x8200;

    @Override
    public void descriptorTables(long gdtBase, int gdtLimit, long ldtBase, int ldtLimit) {
        if (mode == CpuMode.X86_64) {
            throw new UnsupportedOperationException("descriptor tables are for x86-32 and x86-16 threads");
        }
        uc.mmrWrite(UC_X86_REG_GDTR, new Unicorn.Mmr(0, gdtBase, gdtLimit, 0));
        uc.mmrWrite(UC_X86_REG_LDTR, new Unicorn.Mmr(0, ldtBase, ldtLimit, ldtLimit == 0 ? 0 : LDT_FLAGS));
    }

    @Override
    public byte[] fpuState() {
        if (mode == CpuMode.X86_16) {
            throw new UnsupportedOperationException("no FXSAVE state in 16-bit mode");
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) uc.regRead(UC_X86_REG_FPCW));
        b.putShort(2, (short) uc.regRead(UC_X86_REG_FPSW));
        int tags = (int) uc.regRead(UC_X86_REG_FPTAG);
        int abridged = 0;
        for (int i = 0; i < 8; i++) {
            if ((tags >> (2 * i) & 3) != 3) {
                abridged |= 1 << i;
            }
        }
        b.put(4, (byte) abridged);
        b.putInt(24, (int) uc.regRead(UC_X86_REG_MXCSR));
        b.putInt(28, 0xffff);
        byte[] reg = new byte[16];
        for (int i = 0; i < 8; i++) {
            uc.regReadBytes(UC_X86_REG_ST0 + i, reg);
            java.util.Arrays.fill(reg, 10, 16, (byte) 0);
            b.put(32 + 16 * i, reg);
        }
        int xmms = mode == CpuMode.X86_64 ? 16 : 8;
        for (int i = 0; i < xmms; i++) {
            uc.regReadBytes(UC_X86_REG_XMM0 + i, reg);
            b.put(160 + 16 * i, reg);
        }
        return b.array();
    }

    @Override
    public void fpuState(byte[] fxsave) {
        if (mode == CpuMode.X86_16) {
            throw new UnsupportedOperationException("no FXSAVE state in 16-bit mode");
        }
        if (fxsave.length < 416) {
            throw new IllegalArgumentException("an FXSAVE image has 512 bytes, not " + fxsave.length);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(fxsave).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        // the status word first: its TOP field decides which physical registers ST0-ST7 name
        uc.regWrite(UC_X86_REG_FPCW, b.getShort(0) & 0xffff);
        uc.regWrite(UC_X86_REG_FPSW, b.getShort(2) & 0xffff);
        byte[] reg = new byte[16];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(fxsave, 32 + 16 * i, reg, 0, 16);
            java.util.Arrays.fill(reg, 10, 16, (byte) 0);
            uc.regWriteBytes(UC_X86_REG_ST0 + i, reg);
        }
        int xmms = mode == CpuMode.X86_64 ? 16 : 8;
        for (int i = 0; i < xmms; i++) {
            System.arraycopy(fxsave, 160 + 16 * i, reg, 0, 16);
            uc.regWriteBytes(UC_X86_REG_XMM0 + i, reg);
        }
        int abridged = b.get(4) & 0xff;
        int tags = 0;
        for (int i = 0; i < 8; i++) {
            tags |= ((abridged >> i & 1) != 0 ? 0 : 3) << (2 * i);
        }
        uc.regWrite(UC_X86_REG_FPTAG, tags);
        uc.regWrite(UC_X86_REG_MXCSR, b.getInt(24) & 0xffff);
    }

    @Override
    public void copyStateFrom(Engine other) {
        if (!(other instanceof UnicornEngine u) || u.mode != mode) {
            throw new IllegalArgumentException("cannot copy state from " + other);
        }
        try (Unicorn.Context context = u.uc.contextSave()) {
            uc.contextRestore(context);
        }
        callRegsValid = false;
    }

    /**
     * A saved CPU: unicorn's context (the whole CPU state) and, in 64-bit mode, the FS and GS bases. The context
     * belongs to the factory's context keeper, not to this engine: unicorn frees an engine's contexts when it is
     * closed, and this one must outlive the engine.
     */
    private record Saved(CpuMode mode, Unicorn.Context context, long fsBase, long gsBase,
            UnicornEngineFactory factory) implements State {
        @Override
        public void close() {
            factory.freeContext(context);
        }
    }

    @Override
    public State save() {
        Unicorn.Context context = pool.newContext(mode);
        try {
            uc.contextSave(context);
        } catch (RuntimeException e) {
            pool.freeContext(context);
            throw e;
        }
        if (mode == CpuMode.X86_64) {
            return new Saved(mode, context, uc.regRead(UC_X86_REG_FS_BASE), uc.regRead(UC_X86_REG_GS_BASE), pool);
        }
        return new Saved(mode, context, 0, 0, pool);
    }

    @Override
    public void load(State state) {
        if (!(state instanceof Saved s) || s.mode() != mode) {
            throw new IllegalArgumentException("cannot load " + state + " into " + this);
        }
        uc.contextRestore(s.context());
        callRegsValid = false;
        if (mode == CpuMode.X86_64) {
            // as for fork (copyStateFrom's caller): the bases are set again explicitly
            uc.regWrite(UC_X86_REG_FS_BASE, s.fsBase());
            uc.regWrite(UC_X86_REG_GS_BASE, s.gsBase());
        }
    }

    @Override
    public void run(long pc) throws EngineFault {
        try {
            // in real mode unicorn takes the start as a linear address: CS * 16 + IP
            long begin = mode == CpuMode.X86_16 ? (uc.regRead(UC_X86_REG_CS) << 4) + pc : pc;
            uc.emuStart(begin, -1L, 0, 0);
        } catch (UnicornException e) {
            throw new EngineFault(e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        uc.emuStop();
    }

    /** Gives the engine back: to the factory's pool when there is room, else it is closed. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            OPEN.decrementAndGet();
            pool.release(this);
        }
    }

    /** Marks a pooled engine as in use again. */
    void reopen() {
        closed = false;
        OPEN.incrementAndGet();
    }

    @Override
    public String toString() {
        return "unicorn " + Unicorn.version() + " " + mode;
    }
}
