package io.pico.unicorn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.kenai.jffi.MemoryIO;

import io.pico.unicorn.internal.Native;
import io.pico.unicorn.internal.UcLib;

/**
 * One unicorn-engine x86 CPU (an {@code uc_engine}).
 *
 * <p>Not thread-safe: use an engine from one thread at a time (hooks run on the thread that called
 * {@link #emuStart}). Only {@link #emuStop()} may be called from any thread. Registers and memory go through
 * native buffers preallocated per engine, so the hot calls ({@link #regRead}, {@link #regWrite}, batches,
 * small {@link #memRead}/{@link #memWrite}) allocate nothing.
 *
 * <p>A Java hook callback that throws does not unwind through native code: the trampoline catches it, stops the
 * engine, and {@link #emuStart} rethrows it once unicorn has returned (unchecked exceptions and errors as they
 * are, checked ones wrapped in a {@link UnicornException} with code {@link UnicornException#JAVA_CALLBACK}).
 *
 * <p>{@link #close()} must be called: engines hold native memory (and reserve up to 1 GiB of address space for
 * translated code); there is no finalizer.
 */
public final class Unicorn implements AutoCloseable {

    /** x86 CPU modes: {@code UC_ARCH_X86} with {@code UC_MODE_16}, {@code UC_MODE_32} or {@code UC_MODE_64}. */
    public enum Mode {
        X86_16(X86.UC_MODE_16), X86_32(X86.UC_MODE_32), X86_64(X86.UC_MODE_64);

        final int ucMode;

        Mode(int ucMode) {
            this.ucMode = ucMode;
        }
    }

    /** A memory-management register (GDTR, IDTR, LDTR, TR): {@code struct uc_x86_mmr}. */
    public record Mmr(int selector, long base, int limit, int flags) {
    }

    /**
     * A saved CPU state ({@code uc_context}); restore it into an engine of the same mode. Freed by
     * {@link #close()}, or at the latest when its engine is closed.
     */
    public static final class Context implements AutoCloseable {
        private final Unicorn owner;
        private final Mode mode;
        private long ptr;

        Context(Unicorn owner, long ptr) {
            this.owner = owner;
            this.mode = owner.mode;
            this.ptr = ptr;
        }

        public Mode mode() {
            return mode;
        }

        long pointer() {
            if (ptr == 0) {
                throw new IllegalStateException("context is closed");
            }
            return ptr;
        }

        @Override
        public void close() {
            if (ptr != 0) {
                owner.lib.uc_context_free(ptr);
                ptr = 0;
                owner.contexts.remove(this);
            }
        }
    }

    // uc_ctl control word: type | nr_args << 26 | rw << 30 (unicorn.h UC_CTL()); UC_CTL_TCG_BUFFER_SIZE = 13 (2.1+)
    private static final int UC_CTL_TB_REMOVE_CACHE = 9;
    private static final int UC_CTL_TB_FLUSH = 10;
    private static final int UC_CTL_TLB_FLUSH = 11;
    private static final int UC_CTL_TCG_BUFFER_SIZE = 13;
    private static final int UC_CTL_IO_WRITE = 1;
    private static final int UC_CTL_IO_READ = 2;
    private static final int VERSION_2_1 = 2 << 16 | 1 << 8;

    // layout of the per-engine scratch block
    private static final int OFF_VALUE = 0; // 64 bytes: one register value (wide registers up to ZMM)
    private static final int OFF_OUT = 64; // 8 bytes: out-parameters (uc_hook, uc_context*, uc_engine*)
    private static final int OFF_STRUCT = 80; // 24 bytes: uc_x86_msr (16) or uc_x86_mmr (24)
    private static final int SCRATCH_SIZE = 128;
    private static final int IO_CHUNK = 64 * 1024;

    private static final MemoryIO IO = MemoryIO.getInstance();

    private final UcLib lib;
    private final jnr.ffi.Runtime runtime;
    private final Mode mode;
    private final boolean fastStores; // the store patch is in place: protect flushes the TLB
    private final Object stopLock = new Object();
    private volatile long handle;
    private final long scratch;
    private long ioBuf; // lazily allocated, IO_CHUNK bytes
    private long batchBuf; // int ids[cap] | void* ptrs[cap] | uint64 values[cap]
    private int batchCap;

    /** uc_hook handle -> callback, jnr closure and its native pointer: strong references while the hook lives. */
    private final Map<Long, HookRef> hooks = new HashMap<>();
    /** hooks deleted during emuStart: kept reachable until it returns. */
    private final List<HookRef> graveyard = new ArrayList<>();
    private final Map<Context, Boolean> contexts = new IdentityHashMap<>();
    private volatile boolean running;
    private boolean initialized; // some call that makes unicorn initialise its translator has happened
    private boolean ranBefore; // emuStart was called: translated blocks may be cached
    private boolean countHookLive; // unicorn keeps its internal instruction-count hook while runs use count > 0
    private boolean flushBeforeStart; // a code/block hook was added while running
    private Throwable pending; // thrown by a hook callback during emuStart
    private volatile boolean stopRequested; // emuStop() was called during the current emuStart
    private boolean insnInvalidHandled; // an invalid-instruction hook returned true during the current emuStart

    private Unicorn(Native.Loaded n, Mode mode) {
        this.lib = n.lib;
        this.runtime = n.runtime;
        this.mode = mode;
        this.fastStores = n.hasFastStores();
        this.scratch = IO.allocateMemory(SCRATCH_SIZE, true);
        if (scratch == 0) {
            throw new OutOfMemoryError("unicorn scratch buffer");
        }
        int err = lib.uc_open(X86.UC_ARCH_X86, mode.ucMode, scratch + OFF_OUT);
        if (err != X86.UC_ERR_OK) {
            IO.freeMemory(scratch);
            throw error(err, "uc_open(UC_ARCH_X86, " + mode + ")");
        }
        this.handle = IO.getAddress(scratch + OFF_OUT);
    }

    /** Opens a new x86 engine; loads the unicorn library on first use. */
    public static Unicorn open(Mode mode) {
        if (mode == null) {
            throw new NullPointerException("mode");
        }
        return new Unicorn(Native.unicorn(), mode);
    }

    /** The loaded unicorn's version as "major.minor.patch", e.g. "2.1.4" (from uc_version). */
    public static String version() {
        return Native.unicorn().version;
    }

    /** The full path of the loaded libunicorn.so.2. */
    public static String libraryPath() {
        return Native.unicorn().path;
    }

    /** uc_strerror: unicorn's text for a {@code UC_ERR_*} code. */
    public static String strerror(int code) {
        return Native.unicorn().lib.uc_strerror(code);
    }

    /**
     * True when guest stores to writable, non-executable memory take the engine's inline fast path: pico's patch
     * of libunicorn ({@code fast-stores.patch} in this bundle) is in place. Off with
     * {@code -Dpico.unicorn.fastStores=false}, and for a build of unicorn the patch does not fit.
     */
    public static boolean hasFastStores() {
        return Native.unicorn().hasFastStores();
    }

    /** What became of the store patch in the loaded library: APPLIED, ALREADY, NOT_THIS_BUILD or OFF. */
    public static String fastStoresOutcome() {
        return Native.unicorn().fastStores.name();
    }

    /**
     * True when x86 locked instructions (and xchg with memory) are atomic across engines that share memory, so
     * that threads of one process may run on several engines at once: pico's patch of libunicorn
     * ({@code parallel-atomics.patch} in this bundle) is in place. Off with
     * {@code -Dpico.unicorn.parallelAtomics=false}, and for a build of unicorn the patch does not fit.
     */
    public static boolean hasParallelAtomics() {
        return Native.unicorn().hasParallelAtomics();
    }

    /** What became of the atomics patch in the loaded library: APPLIED, ALREADY, NOT_THIS_BUILD or OFF. */
    public static String parallelAtomicsOutcome() {
        return Native.unicorn().parallelAtomics.name();
    }

    /** True when the loaded unicorn is 2.1 or newer (uc_ctl TCG buffer size, TLB type, context mode). */
    public static boolean isAtLeast21() {
        return Native.unicorn().versionCode >= VERSION_2_1;
    }

    public Mode mode() {
        return mode;
    }

    public boolean isClosed() {
        return handle == 0;
    }

    private long h() {
        long x = handle;
        if (x == 0) {
            throw new UnicornException(X86.UC_ERR_HANDLE, "engine is closed");
        }
        return x;
    }

    private UnicornException error(int code, String what) {
        String text;
        try {
            text = lib.uc_strerror(code);
        } catch (RuntimeException e) {
            text = "unicorn error " + code;
        }
        return new UnicornException(code, text + " (" + what + ")");
    }

    private void check(int err, String what) {
        if (err != X86.UC_ERR_OK) {
            throw error(err, what);
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    // ---------------------------------------------------------------- memory

    public void memMap(long address, long size, int perms) {
        initialized = true;
        int err = lib.uc_mem_map(h(), address, size, perms);
        if (err != 0) {
            throw error(err, "uc_mem_map(" + hex(address) + ", " + hex(size) + ", perms=" + perms + ")");
        }
    }

    /**
     * Maps host memory at {@code hostAddress} (page aligned, at least {@code size} bytes, e.g. from
     * {@link HostMemory#allocate}) into the guest. The host memory must outlive the mapping; several engines may
     * map the same host memory and then see each other's writes.
     */
    public void memMapPtr(long address, long size, int perms, long hostAddress) {
        initialized = true;
        int err = lib.uc_mem_map_ptr(h(), address, size, perms, hostAddress);
        if (err != 0) {
            throw error(err, "uc_mem_map_ptr(" + hex(address) + ", " + hex(size) + ", perms=" + perms + ", host="
                    + hex(hostAddress) + ")");
        }
    }

    public void memUnmap(long address, long size) {
        initialized = true;
        int err = lib.uc_mem_unmap(h(), address, size);
        if (err != 0) {
            throw error(err, "uc_mem_unmap(" + hex(address) + ", " + hex(size) + ")");
        }
    }

    public void memProtect(long address, long size, int perms) {
        initialized = true;
        long uc = h();
        int err = lib.uc_mem_protect(uc, address, size, perms);
        if (err != 0) {
            throw error(err, "uc_mem_protect(" + hex(address) + ", " + hex(size) + ", perms=" + perms + ")");
        }
        if (fastStores) {
            // a TLB entry keeps the permissions it was filled with: a data page made executable must take the
            // slow store path from now on (unicorn flushes on its own only when writability changes)
            check(lib.uc_ctl(uc, UC_CTL_TLB_FLUSH | UC_CTL_IO_WRITE << 30, 0L), "uc_ctl(UC_CTL_TLB_FLUSH)");
        }
    }

    private long ioBuffer() {
        if (ioBuf == 0) {
            ioBuf = IO.allocateMemory(IO_CHUNK, false);
            if (ioBuf == 0) {
                throw new OutOfMemoryError("unicorn I/O buffer");
            }
        }
        return ioBuf;
    }

    /** Reads guest memory (permissions are not checked: the host may read any mapped page). */
    public void memRead(long address, byte[] dst, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        long uc = h();
        long buf = ioBuffer();
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, IO_CHUNK);
            int err = lib.uc_mem_read(uc, address + done, buf, n);
            if (err != 0) {
                throw error(err, "uc_mem_read(" + hex(address + done) + ", " + n + ")");
            }
            IO.getByteArray(buf, dst, off + done, n);
            done += n;
        }
    }

    /** Writes guest memory (permissions are not checked: the host may write any mapped page). */
    public void memWrite(long address, byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        long uc = h();
        long buf = ioBuffer();
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, IO_CHUNK);
            IO.putByteArray(buf, src, off + done, n);
            int err = lib.uc_mem_write(uc, address + done, buf, n);
            if (err != 0) {
                throw error(err, "uc_mem_write(" + hex(address + done) + ", " + n + ")");
            }
            done += n;
        }
    }

    public byte[] memRead(long address, int len) {
        byte[] b = new byte[len];
        memRead(address, b, 0, len);
        return b;
    }

    public void memWrite(long address, byte[] src) {
        memWrite(address, src, 0, src.length);
    }

    /** Copies guest memory straight into native host memory at {@code hostAddress} (no Java array involved). */
    public void memReadNative(long address, long hostAddress, long len) {
        int err = lib.uc_mem_read(h(), address, hostAddress, len);
        if (err != 0) {
            throw error(err, "uc_mem_read(" + hex(address) + ", " + len + ")");
        }
    }

    /** Copies native host memory at {@code hostAddress} into guest memory. */
    public void memWriteNative(long address, long hostAddress, long len) {
        int err = lib.uc_mem_write(h(), address, hostAddress, len);
        if (err != 0) {
            throw error(err, "uc_mem_write(" + hex(address) + ", " + len + ")");
        }
    }

    /** Reads a little-endian 64-bit value from guest memory. */
    public long memReadLong(long address) {
        long uc = h();
        long v = scratch + OFF_VALUE;
        int err = lib.uc_mem_read(uc, address, v, 8);
        if (err != 0) {
            throw error(err, "uc_mem_read(" + hex(address) + ", 8)");
        }
        return IO.getLong(v);
    }

    /** Reads a little-endian 32-bit value from guest memory. */
    public int memReadInt(long address) {
        long uc = h();
        long v = scratch + OFF_VALUE;
        int err = lib.uc_mem_read(uc, address, v, 4);
        if (err != 0) {
            throw error(err, "uc_mem_read(" + hex(address) + ", 4)");
        }
        return IO.getInt(v);
    }

    public void memWriteLong(long address, long value) {
        long uc = h();
        long v = scratch + OFF_VALUE;
        IO.putLong(v, value);
        int err = lib.uc_mem_write(uc, address, v, 8);
        if (err != 0) {
            throw error(err, "uc_mem_write(" + hex(address) + ", 8)");
        }
    }

    public void memWriteInt(long address, int value) {
        long uc = h();
        long v = scratch + OFF_VALUE;
        IO.putInt(v, value);
        int err = lib.uc_mem_write(uc, address, v, 4);
        if (err != 0) {
            throw error(err, "uc_mem_write(" + hex(address) + ", 4)");
        }
    }

    // ---------------------------------------------------------------- registers

    /**
     * Reads a register of at most 64 bits ({@code X86.UC_X86_REG_*}); narrower registers come back
     * zero-extended. Wide registers (XMM, ST, GDTR, MSR ...) are refused: use {@link #regReadBytes},
     * {@link #mmrRead} or {@link #msrRead}.
     */
    public long regRead(int regId) {
        long uc = h();
        if (X86.isWide(regId)) {
            throw new IllegalArgumentException("register " + regId + " is wider than 64 bits");
        }
        long v = scratch + OFF_VALUE;
        IO.putLong(v, 0L);
        int err = lib.uc_reg_read(uc, regId, v);
        if (err != 0) {
            throw error(err, "uc_reg_read(" + regId + ")");
        }
        return IO.getLong(v);
    }

    /** Writes a register of at most 64 bits (only as many low bytes as the register has are used). */
    public void regWrite(int regId, long value) {
        long uc = h();
        if (X86.isWide(regId)) {
            throw new IllegalArgumentException("register " + regId + " is wider than 64 bits");
        }
        initialized = true;
        long v = scratch + OFF_VALUE;
        IO.putLong(v, value);
        int err = lib.uc_reg_write(uc, regId, v);
        if (err != 0) {
            throw error(err, "uc_reg_write(" + regId + ", " + hex(value) + ")");
        }
    }

    private void ensureBatch(int n) {
        if (n > batchCap) {
            int cap = Math.max(n, 32);
            long nb = IO.allocateMemory((long) cap * 20, true);
            if (nb == 0) {
                throw new OutOfMemoryError("unicorn register batch buffer");
            }
            long ptrs = nb + (long) cap * 4;
            long vals = ptrs + (long) cap * 8;
            for (int i = 0; i < cap; i++) {
                IO.putAddress(ptrs + (long) i * 8, vals + (long) i * 8);
            }
            if (batchBuf != 0) {
                IO.freeMemory(batchBuf);
            }
            batchBuf = nb;
            batchCap = cap;
        }
    }

    private void checkBatch(int[] regIds, long[] values) {
        if (values.length < regIds.length) {
            throw new IllegalArgumentException("values shorter than regIds");
        }
        for (int id : regIds) {
            if (X86.isWide(id)) {
                throw new IllegalArgumentException("register " + id + " is wider than 64 bits");
            }
        }
    }

    /** Reads {@code regIds.length} registers in one native call into {@code values} (zero-extended). */
    public void regReadBatch(int[] regIds, long[] values) {
        long uc = h();
        checkBatch(regIds, values);
        int n = regIds.length;
        ensureBatch(n);
        long ids = batchBuf;
        long ptrs = ids + (long) batchCap * 4;
        long vals = ptrs + (long) batchCap * 8;
        IO.putIntArray(ids, regIds, 0, n);
        IO.setMemory(vals, (long) n * 8, (byte) 0);
        int err = lib.uc_reg_read_batch(uc, ids, ptrs, n);
        if (err != 0) {
            throw error(err, "uc_reg_read_batch(" + n + " registers)");
        }
        IO.getLongArray(vals, values, 0, n);
    }

    /**
     * A fixed list of registers read in one native call ({@code uc_reg_read_batch}), with the id list and the
     * value pointers prepared once: a read is one downcall and plain memory loads, where {@link #regReadBatch}
     * copies the ids in and the values out with further native calls. For hooks that read the same registers on
     * every call (a system call's number and arguments). Close it before the engine.
     */
    public final class RegisterBatch implements AutoCloseable {
        private final int count;
        private long buffer;
        private final long pointers;
        private final long values;

        RegisterBatch(int[] regIds) {
            for (int id : regIds) {
                if (X86.isWide(id)) {
                    throw new IllegalArgumentException("register " + id + " is wider than 64 bits");
                }
            }
            count = regIds.length;
            buffer = IO.allocateMemory((long) count * 20 + 8, true);
            if (buffer == 0) {
                throw new OutOfMemoryError("unicorn register batch");
            }
            pointers = buffer + ((long) count * 4 + 7 & ~7L);
            values = pointers + (long) count * 8;
            for (int i = 0; i < count; i++) {
                IO.putInt(buffer + 4L * i, regIds[i]);
                IO.putAddress(pointers + 8L * i, values + 8L * i);
            }
        }

        /** Reads the registers into {@code out} (at least as long as the list; narrower ones zero-extended). */
        public void read(long[] out) {
            long uc = h();
            if (buffer == 0) {
                throw new IllegalStateException("register batch is closed");
            }
            for (int i = 0; i < count; i++) {
                IO.putLong(values + 8L * i, 0L);
            }
            int err = lib.uc_reg_read_batch(uc, buffer, pointers, count);
            if (err != 0) {
                throw error(err, "uc_reg_read_batch(" + count + " registers)");
            }
            for (int i = 0; i < count; i++) {
                out[i] = IO.getLong(values + 8L * i);
            }
        }

        @Override
        public void close() {
            if (buffer != 0) {
                IO.freeMemory(buffer);
                buffer = 0;
            }
        }
    }

    /** A prepared batch of registers of at most 64 bits; see {@link RegisterBatch}. */
    public RegisterBatch registerBatch(int... regIds) {
        return new RegisterBatch(regIds.clone());
    }

    /** Writes {@code regIds.length} registers in one native call. */
    public void regWriteBatch(int[] regIds, long[] values) {
        long uc = h();
        checkBatch(regIds, values);
        initialized = true;
        int n = regIds.length;
        ensureBatch(n);
        long ids = batchBuf;
        long ptrs = ids + (long) batchCap * 4;
        long vals = ptrs + (long) batchCap * 8;
        IO.putIntArray(ids, regIds, 0, n);
        IO.putLongArray(vals, values, 0, n);
        int err = lib.uc_reg_write_batch(uc, ids, ptrs, n);
        if (err != 0) {
            throw error(err, "uc_reg_write_batch(" + n + " registers)");
        }
    }

    /**
     * Reads any register as raw little-endian bytes into {@code dst} (XMM: 16, YMM: 32, ZMM: 64, ST/FP: 10; at most
     * 64 bytes are produced). Returns {@code dst}.
     */
    public byte[] regReadBytes(int regId, byte[] dst) {
        long uc = h();
        if (regId == X86.UC_X86_REG_MSR || (regId >= X86.UC_X86_REG_IDTR && regId <= X86.UC_X86_REG_TR)) {
            throw new IllegalArgumentException("use msrRead/mmrRead for register " + regId);
        }
        long v = scratch + OFF_VALUE;
        IO.setMemory(v, 64, (byte) 0);
        int err = lib.uc_reg_read(uc, regId, v);
        if (err != 0) {
            throw error(err, "uc_reg_read(" + regId + ")");
        }
        IO.getByteArray(v, dst, 0, Math.min(dst.length, 64));
        return dst;
    }

    /** Writes any register from raw little-endian bytes (up to 64; missing bytes are zero). */
    public void regWriteBytes(int regId, byte[] src) {
        long uc = h();
        if (regId == X86.UC_X86_REG_MSR || (regId >= X86.UC_X86_REG_IDTR && regId <= X86.UC_X86_REG_TR)) {
            throw new IllegalArgumentException("use msrWrite/mmrWrite for register " + regId);
        }
        initialized = true;
        long v = scratch + OFF_VALUE;
        IO.setMemory(v, 64, (byte) 0);
        IO.putByteArray(v, src, 0, Math.min(src.length, 64));
        int err = lib.uc_reg_write(uc, regId, v);
        if (err != 0) {
            throw error(err, "uc_reg_write(" + regId + ")");
        }
    }

    /** Reads a model-specific register ({@code UC_X86_REG_MSR} with {@code struct uc_x86_msr}). */
    public long msrRead(int msr) {
        long uc = h();
        long s = scratch + OFF_STRUCT;
        IO.putLong(s, 0L);
        IO.putInt(s, msr);
        IO.putLong(s + 8, 0L);
        int err = lib.uc_reg_read(uc, X86.UC_X86_REG_MSR, s);
        if (err != 0) {
            throw error(err, "uc_reg_read(MSR " + hex(msr & 0xffffffffL) + ")");
        }
        return IO.getLong(s + 8);
    }

    /** Writes a model-specific register, e.g. {@code X86.MSR_FS_BASE}. */
    public void msrWrite(int msr, long value) {
        long uc = h();
        initialized = true;
        long s = scratch + OFF_STRUCT;
        IO.putLong(s, 0L);
        IO.putInt(s, msr);
        IO.putLong(s + 8, value);
        int err = lib.uc_reg_write(uc, X86.UC_X86_REG_MSR, s);
        if (err != 0) {
            throw error(err, "uc_reg_write(MSR " + hex(msr & 0xffffffffL) + ", " + hex(value) + ")");
        }
    }

    /** Reads GDTR, IDTR, LDTR or TR ({@code struct uc_x86_mmr}). */
    public Mmr mmrRead(int regId) {
        long uc = h();
        checkMmr(regId);
        long s = scratch + OFF_STRUCT;
        IO.setMemory(s, 24, (byte) 0);
        int err = lib.uc_reg_read(uc, regId, s);
        if (err != 0) {
            throw error(err, "uc_reg_read(" + regId + ")");
        }
        return new Mmr(IO.getShort(s) & 0xffff, IO.getLong(s + 8), IO.getInt(s + 16), IO.getInt(s + 20));
    }

    /** Writes GDTR, IDTR, LDTR or TR. */
    public void mmrWrite(int regId, Mmr value) {
        long uc = h();
        checkMmr(regId);
        initialized = true;
        long s = scratch + OFF_STRUCT;
        IO.setMemory(s, 24, (byte) 0);
        IO.putShort(s, (short) value.selector());
        IO.putLong(s + 8, value.base());
        IO.putInt(s + 16, value.limit());
        IO.putInt(s + 20, value.flags());
        int err = lib.uc_reg_write(uc, regId, s);
        if (err != 0) {
            throw error(err, "uc_reg_write(" + regId + ", " + value + ")");
        }
    }

    private static void checkMmr(int regId) {
        if (regId < X86.UC_X86_REG_IDTR || regId > X86.UC_X86_REG_TR) {
            throw new IllegalArgumentException("not GDTR/IDTR/LDTR/TR: " + regId);
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs guest code from {@code begin} until the instruction at {@code until} is reached, {@code count}
     * instructions ran (0: no limit), {@code timeoutMicros} passed (0: none; unicorn starts a timer thread per
     * call when non-zero), {@link #emuStop()} was called, or an error happened.
     *
     * @throws UnicornException with the {@code UC_ERR_*} code on an emulation error
     * @throws RuntimeException or Error thrown by a hook callback during this run (after the engine stopped)
     */
    public void emuStart(long begin, long until, long timeoutMicros, long count) {
        long uc = h();
        if (running) {
            throw new IllegalStateException("emuStart called from inside a hook");
        }
        initialized = true;
        // unicorn (2.0.1 and 2.1.4) compiles UC_HOOK_CODE callbacks into translated blocks: a code hook added after
        // a block was translated never fires for that cached block. Its own instruction-count limit is such a hook,
        // added when a run with count > 0 follows runs without: drop the cached blocks first, or the limit is
        // ignored (an infinite loop then never returns).
        if (ranBefore && (flushBeforeStart || (count > 0 && !countHookLive))) {
            flushTranslations();
        }
        flushBeforeStart = false;
        countHookLive = count > 0;
        ranBefore = true;
        pending = null;
        stopRequested = false;
        insnInvalidHandled = false;
        running = true;
        int err;
        try {
            long from = begin;
            while (true) {
                err = lib.uc_emu_start(uc, from, until, timeoutMicros, count);
                // unicorn 2.0.x ends the run (without error) when an invalid-instruction hook returns true; 2.1
                // continues. Continue here too, where that is unambiguous (no count or timeout to account for).
                if (err != 0 || !insnInvalidHandled || pending != null || stopRequested || count != 0
                        || timeoutMicros != 0 || mode == Mode.X86_16 || isAtLeast21()) {
                    break;
                }
                insnInvalidHandled = false;
                long pc = regRead(mode == Mode.X86_64 ? X86.UC_X86_REG_RIP : X86.UC_X86_REG_EIP);
                if (pc == until) {
                    break;
                }
                from = pc;
            }
        } finally {
            running = false;
            graveyard.clear();
        }
        Throwable t = pending;
        if (t != null) {
            pending = null;
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new UnicornException(UnicornException.JAVA_CALLBACK, "hook callback threw " + t, t);
        }
        if (err != 0) {
            String rip = "";
            try {
                rip = ", pc=" + hex(regRead(mode == Mode.X86_64 ? X86.UC_X86_REG_RIP
                        : mode == Mode.X86_32 ? X86.UC_X86_REG_EIP : X86.UC_X86_REG_IP));
            } catch (RuntimeException e) {
                // keep the original error
            }
            throw error(err, "uc_emu_start(begin=" + hex(begin) + ", until=" + hex(until) + rip + ")");
        }
    }

    /** Whether emuStart is currently running on this engine (meaningful on the engine's thread). */
    public boolean isRunning() {
        return running;
    }

    /** Asks a running {@link #emuStart} to return; callable from any thread and from hooks. */
    public void emuStop() {
        synchronized (stopLock) {
            long uc = handle;
            if (uc != 0) {
                stopRequested = true;
                lib.uc_emu_stop(uc);
            }
        }
    }

    private void fail(Throwable t) {
        if (pending == null) {
            pending = t;
        } else if (pending != t) {
            pending.addSuppressed(t);
        }
        long uc = handle;
        if (uc != 0) {
            lib.uc_emu_stop(uc);
        }
    }

    // ---------------------------------------------------------------- hooks

    /** One live hook: strong references to the user callback and its native closure while the hook lives. */
    private static final class HookRef {
        final Object callback;
        Object closure;
        jnr.ffi.Pointer function;
        /** false once deleted: unicorn may still call a code hook deleted during the current run; we ignore it. */
        volatile boolean alive = true;

        HookRef(Object callback) {
            this.callback = callback;
        }
    }

    private long addHook(int type, HookRef ref, Class<?> closureType, Object closure, long begin, long end, int insn,
            String what) {
        long uc = h();
        initialized = true;
        @SuppressWarnings({"unchecked", "rawtypes"})
        jnr.ffi.Pointer fn = runtime.getClosureManager().getClosurePointer((Class) closureType, closure);
        ref.closure = closure;
        ref.function = fn;
        long out = scratch + OFF_OUT;
        IO.putLong(out, 0L);
        int err = lib.uc_hook_add(uc, out, type, fn.address(), 0L, begin, end, insn);
        if (err != 0) {
            throw error(err, "uc_hook_add(" + what + ")");
        }
        long hh = IO.getLong(out);
        hooks.put(hh, ref);
        return hh;
    }

    /** Hooks the SYSCALL instruction (UC_HOOK_INSN + UC_X86_INS_SYSCALL). Returns the hook handle. */
    public long hookSyscall(SyscallHook h) {
        return hookInsn(X86.UC_X86_INS_SYSCALL, h);
    }

    /** Hooks {@code UC_X86_INS_SYSCALL} or {@code UC_X86_INS_SYSENTER} with a syscall-shaped callback. */
    public long hookInsn(int insn, SyscallHook h) {
        if (insn != X86.UC_X86_INS_SYSCALL && insn != X86.UC_X86_INS_SYSENTER) {
            throw new IllegalArgumentException("hookInsn takes UC_X86_INS_SYSCALL or UC_X86_INS_SYSENTER");
        }
        java.util.Objects.requireNonNull(h);
        HookRef ref = new HookRef(h);
        UcLib.SyscallCallback cb = (uc, user) -> {
            if (ref.alive) {
                try {
                    h.onSyscall(this);
                } catch (Throwable t) {
                    fail(t);
                }
            }
        };
        return addHook(X86.UC_HOOK_INSN, ref, UcLib.SyscallCallback.class, cb, 1, 0, insn,
                insn == X86.UC_X86_INS_SYSCALL ? "SYSCALL" : "SYSENTER");
    }

    /** Hooks CPUID (UC_HOOK_INSN + UC_X86_INS_CPUID). */
    public long hookCpuid(CpuidHook h) {
        java.util.Objects.requireNonNull(h);
        HookRef ref = new HookRef(h);
        UcLib.CpuidCallback cb = (uc, user) -> {
            if (!ref.alive) {
                return 0;
            }
            try {
                return h.onCpuid(this) ? 1 : 0;
            } catch (Throwable t) {
                fail(t);
                return 1;
            }
        };
        return addHook(X86.UC_HOOK_INSN, ref, UcLib.CpuidCallback.class, cb, 1, 0, X86.UC_X86_INS_CPUID, "CPUID");
    }

    /**
     * Hooks the port I/O instructions {@code in} and {@code out} (UC_HOOK_INSN + UC_X86_INS_IN / _OUT): without
     * it unicorn runs them as no-ops at any privilege level (it skips the I/O permission check). Inside the
     * hook RIP is NOT the instruction's address: unicorn has not synchronised it (it reads as the start of the
     * translated block, measured on 2.0.1 and 2.1.4). Returns the two hook handles (in, out).
     */
    public long[] hookPortIo(PortIoHook h) {
        java.util.Objects.requireNonNull(h);
        HookRef inRef = new HookRef(h);
        UcLib.InCallback in = (uc, port, size, user) -> {
            if (!inRef.alive) {
                return 0;
            }
            try {
                return h.onPortIo(this, false, port & 0xffff, size, 0);
            } catch (Throwable t) {
                fail(t);
                return 0;
            }
        };
        long hin = addHook(X86.UC_HOOK_INSN, inRef, UcLib.InCallback.class, in, 1, 0, X86.UC_X86_INS_IN, "IN");
        HookRef outRef = new HookRef(h);
        UcLib.OutCallback out = (uc, port, size, value, user) -> {
            if (outRef.alive) {
                try {
                    h.onPortIo(this, true, port & 0xffff, size, value);
                } catch (Throwable t) {
                    fail(t);
                }
            }
        };
        long hout = addHook(X86.UC_HOOK_INSN, outRef, UcLib.OutCallback.class, out, 1, 0, X86.UC_X86_INS_OUT, "OUT");
        return new long[] {hin, hout};
    }

    /** Hooks interrupts and CPU exceptions (UC_HOOK_INTR). */
    public long hookInterrupt(InterruptHook h) {
        java.util.Objects.requireNonNull(h);
        HookRef ref = new HookRef(h);
        UcLib.InterruptCallback cb = (uc, intno, user) -> {
            if (ref.alive) {
                try {
                    h.onInterrupt(this, intno);
                } catch (Throwable t) {
                    fail(t);
                }
            }
        };
        return addHook(X86.UC_HOOK_INTR, ref, UcLib.InterruptCallback.class, cb, 1, 0, 0, "INTR");
    }

    /** Hooks accesses to unmapped or protected memory: reads, writes and fetches (UC_HOOK_MEM_INVALID). */
    public long hookMemInvalid(MemInvalidHook h) {
        java.util.Objects.requireNonNull(h);
        HookRef ref = new HookRef(h);
        UcLib.EventMemCallback cb = (uc, type, address, size, value, user) -> {
            if (!ref.alive) {
                return false;
            }
            try {
                return h.onInvalid(this, type, address, size, value);
            } catch (Throwable t) {
                fail(t);
                return false;
            }
        };
        return addHook(X86.UC_HOOK_MEM_INVALID, ref, UcLib.EventMemCallback.class, cb, 1, 0, 0, "MEM_INVALID");
    }

    /** Hooks undecodable instructions (UC_HOOK_INSN_INVALID). */
    public long hookInsnInvalid(InsnInvalidHook h) {
        java.util.Objects.requireNonNull(h);
        HookRef ref = new HookRef(h);
        UcLib.InsnInvalidCallback cb = (uc, user) -> {
            if (!ref.alive) {
                return false;
            }
            try {
                boolean handled = h.onInvalid(this);
                insnInvalidHandled |= handled;
                return handled;
            } catch (Throwable t) {
                fail(t);
                return false;
            }
        };
        return addHook(X86.UC_HOOK_INSN_INVALID, ref, UcLib.InsnInvalidCallback.class, cb, 1, 0, 0, "INSN_INVALID");
    }

    /**
     * Hooks every instruction whose address is in {@code [begin, end]} (both inclusive, as in unicorn;
     * {@code begin > end} means everywhere). Slows emulation down a lot.
     */
    public long hookCode(long begin, long end, CodeHook h) {
        return codeHook(X86.UC_HOOK_CODE, begin, end, h, "CODE");
    }

    /** Hooks every basic block starting in {@code [begin, end]} (inclusive; {@code begin > end}: everywhere). */
    public long hookBlock(long begin, long end, CodeHook h) {
        return codeHook(X86.UC_HOOK_BLOCK, begin, end, h, "BLOCK");
    }

    private long codeHook(int type, long begin, long end, CodeHook h, String what) {
        java.util.Objects.requireNonNull(h);
        HookRef ref = new HookRef(h);
        UcLib.CodeCallback cb = (uc, address, size, user) -> {
            if (ref.alive) {
                try {
                    h.onCode(this, address, size);
                } catch (Throwable t) {
                    fail(t);
                }
            }
        };
        long hh = addHook(type, ref, UcLib.CodeCallback.class, cb, begin, end, 0, what);
        // code and block hooks are compiled into translated blocks: make already translated code see this one
        if (running) {
            flushBeforeStart = true; // not mid-run: takes effect from the next emuStart
        } else if (ranBefore) {
            flushTranslations();
        }
        return hh;
    }

    /**
     * Removes a hook and releases its callback. Effective at once, also from inside a callback (the callback is
     * not called again); the references are dropped when a running emuStart returns.
     */
    public void hookDel(long handle) {
        long uc = h();
        HookRef ref = hooks.remove(handle);
        if (ref == null) {
            throw new IllegalArgumentException("no such hook: " + handle);
        }
        ref.alive = false;
        int err = lib.uc_hook_del(uc, handle);
        if (running) {
            graveyard.add(ref);
        }
        if (err != 0) {
            throw error(err, "uc_hook_del(" + handle + ")");
        }
    }

    /** Number of live hooks (for tests and diagnostics). */
    public int hookCount() {
        return hooks.size();
    }

    // ---------------------------------------------------------------- contexts

    /** Saves the CPU state (registers; not memory) into a new context. */
    public Context contextSave() {
        long uc = h();
        initialized = true;
        long out = scratch + OFF_OUT;
        IO.putLong(out, 0L);
        check(lib.uc_context_alloc(uc, out), "uc_context_alloc");
        long ptr = IO.getAddress(out);
        int err = lib.uc_context_save(uc, ptr);
        if (err != 0) {
            lib.uc_context_free(ptr);
            throw error(err, "uc_context_save");
        }
        Context c = new Context(this, ptr);
        contexts.put(c, Boolean.TRUE);
        return c;
    }

    /** Saves the CPU state into an existing context (re-using its memory). */
    public void contextSave(Context c) {
        if (c.mode() != mode) {
            throw new IllegalArgumentException("context of mode " + c.mode() + " on a " + mode + " engine");
        }
        check(lib.uc_context_save(h(), c.pointer()), "uc_context_save");
    }

    /** Restores the CPU state saved in {@code c} (from this or another engine of the same mode). */
    public void contextRestore(Context c) {
        if (c.mode() != mode) {
            throw new IllegalArgumentException("context of mode " + c.mode() + " on a " + mode + " engine");
        }
        initialized = true;
        check(lib.uc_context_restore(h(), c.pointer()), "uc_context_restore");
    }

    // ---------------------------------------------------------------- controls

    /**
     * Sets the size of the translated-code buffer (uc_ctl UC_CTL_TCG_BUFFER_SIZE, unicorn 2.1+). Unicorn uses it
     * when it initialises the translator, so call this right after {@link #open}, before mapping memory or adding
     * hooks. Returns false (no exception) on unicorn 2.0.x, after that initialisation, or when unicorn refuses.
     * The default reserves 1 GiB of address space per engine.
     */
    public boolean setTcgBufferSize(long bytes) {
        long uc = h();
        if (!isAtLeast21() || initialized || bytes <= 0 || bytes > 0xffffffffL) {
            return false;
        }
        int control = UC_CTL_TCG_BUFFER_SIZE | 1 << 26 | UC_CTL_IO_WRITE << 30;
        return lib.uc_ctl(uc, control, bytes) == X86.UC_ERR_OK;
    }

    /**
     * Drops all translated code (uc_ctl UC_CTL_TB_FLUSH); unicorn re-translates on demand. The binding does this
     * itself where unicorn needs it (code/block hooks added after code ran, instruction-count limits).
     */
    public void flushTranslations() {
        check(lib.uc_ctl(h(), UC_CTL_TB_FLUSH | UC_CTL_IO_WRITE << 30, 0L), "uc_ctl(UC_CTL_TB_FLUSH)");
    }

    /**
     * Drops translated code for guest addresses {@code [begin, end)} (uc_ctl UC_CTL_TB_REMOVE_CACHE), e.g. after
     * the host rewrote code the guest already ran.
     */
    public void removeCache(long begin, long end) {
        check(lib.uc_ctl(h(), UC_CTL_TB_REMOVE_CACHE | 2 << 26 | UC_CTL_IO_WRITE << 30, begin, end),
                "uc_ctl(UC_CTL_TB_REMOVE_CACHE, " + hex(begin) + ", " + hex(end) + ")");
    }

    /**
     * The translated-code buffer size unicorn uses (2.1+; initialises the translator), or -1 on 2.0.x.
     */
    public long tcgBufferSize() {
        long uc = h();
        if (!isAtLeast21()) {
            return -1;
        }
        initialized = true;
        long out = scratch + OFF_OUT;
        IO.putLong(out, 0L);
        int control = UC_CTL_TCG_BUFFER_SIZE | 1 << 26 | UC_CTL_IO_READ << 30;
        check(lib.uc_ctl(uc, control, out), "uc_ctl(UC_CTL_TCG_BUFFER_SIZE read)");
        return IO.getInt(out) & 0xffffffffL;
    }

    // ---------------------------------------------------------------- closing

    /**
     * Closes the engine (uc_close), frees its contexts, buffers and hooks. Idempotent. Must not be called while
     * emuStart runs (stop it and let it return first).
     */
    @Override
    public void close() {
        if (handle == 0) {
            return;
        }
        if (running) {
            throw new IllegalStateException("close() while emuStart is running; call emuStop() and let it return");
        }
        for (Context c : new ArrayList<>(contexts.keySet())) {
            c.close();
        }
        long uc;
        synchronized (stopLock) {
            uc = handle;
            handle = 0;
        }
        lib.uc_close(uc);
        hooks.clear();
        graveyard.clear();
        if (ioBuf != 0) {
            IO.freeMemory(ioBuf);
            ioBuf = 0;
        }
        if (batchBuf != 0) {
            IO.freeMemory(batchBuf);
            batchBuf = 0;
            batchCap = 0;
        }
        IO.freeMemory(scratch);
    }

    @Override
    public String toString() {
        return "Unicorn[" + mode + (handle == 0 ? ", closed" : "") + "]";
    }
}
