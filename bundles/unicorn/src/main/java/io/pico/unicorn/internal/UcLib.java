package io.pico.unicorn.internal;

import jnr.ffi.annotations.Delegate;

/**
 * The libunicorn C API as seen by jnr-ffi. Every pointer is passed as a {@code long} address (our own
 * preallocated native buffers), so jnr can use its fastest call path (primitive arguments only, no marshalling).
 * Java {@code long} is a 64-bit integer in jnr, which on SysV x86-64 is passed exactly like a pointer or size_t.
 *
 * <p>Not API: this package is private to the bundle.
 */
public interface UcLib {
    int uc_version(long majorOut, long minorOut);

    int uc_open(int arch, int mode, long engineOut);

    int uc_close(long uc);

    int uc_errno(long uc);

    String uc_strerror(int code);

    int uc_query(long uc, int type, long resultOut);

    /** Variadic in C: {@code uc_ctl(uc, control, ...)}; one trailing 64-bit integer or pointer argument. */
    int uc_ctl(long uc, int control, long arg);

    /** {@code uc_ctl} with two trailing 64-bit arguments (e.g. UC_CTL_TB_REMOVE_CACHE). */
    int uc_ctl(long uc, int control, long arg1, long arg2);

    int uc_reg_write(long uc, int regId, long valuePtr);

    int uc_reg_read(long uc, int regId, long valuePtr);

    int uc_reg_write_batch(long uc, long regIdsPtr, long valuePtrsPtr, int count);

    int uc_reg_read_batch(long uc, long regIdsPtr, long valuePtrsPtr, int count);

    int uc_mem_map(long uc, long address, long size, int perms);

    int uc_mem_map_ptr(long uc, long address, long size, int perms, long hostPtr);

    int uc_mem_unmap(long uc, long address, long size);

    int uc_mem_protect(long uc, long address, long size, int perms);

    int uc_mem_read(long uc, long address, long hostPtr, long size);

    int uc_mem_write(long uc, long address, long hostPtr, long size);

    int uc_emu_start(long uc, long begin, long until, long timeoutMicros, long count);

    int uc_emu_stop(long uc);

    /**
     * Variadic in C ({@code uc_hook_add(uc, hh, type, callback, user_data, begin, end, ...)}); UC_HOOK_INSN takes
     * one trailing int (the instruction id). Declaring it always works on SysV x86-64: other hook types ignore it.
     */
    int uc_hook_add(long uc, long hookOut, int type, long callback, long userData, long begin, long end, int insn);

    int uc_hook_del(long uc, long hook);

    int uc_context_alloc(long uc, long contextOut);

    int uc_context_save(long uc, long context);

    int uc_context_restore(long uc, long context);

    int uc_context_free(long context);

    // ---- callback shapes (uc_engine* and void* user_data arrive as 64-bit integers) ----

    /** uc_cb_insn_syscall_t */
    interface SyscallCallback {
        @Delegate
        void call(long uc, long userData);
    }

    /** uc_cb_insn_cpuid_t: returns non-zero to skip the instruction */
    interface CpuidCallback {
        @Delegate
        int call(long uc, long userData);
    }

    /** uc_cb_insn_in_t: returns the value read from the port */
    interface InCallback {
        @Delegate
        int call(long uc, int port, int size, long userData);
    }

    /** uc_cb_insn_out_t */
    interface OutCallback {
        @Delegate
        void call(long uc, int port, int size, int value, long userData);
    }

    /** uc_cb_hookintr_t */
    interface InterruptCallback {
        @Delegate
        void call(long uc, int intno, long userData);
    }

    /** uc_cb_eventmem_t */
    interface EventMemCallback {
        @Delegate
        boolean call(long uc, int type, long address, int size, long value, long userData);
    }

    /** uc_cb_hookinsn_invalid_t */
    interface InsnInvalidCallback {
        @Delegate
        boolean call(long uc, long userData);
    }

    /** uc_cb_hookcode_t */
    interface CodeCallback {
        @Delegate
        void call(long uc, long address, int size, long userData);
    }
}
