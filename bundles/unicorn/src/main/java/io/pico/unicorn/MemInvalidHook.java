package io.pico.unicorn;

/**
 * Called for an access to unmapped memory or one the page permissions forbid. {@code type} is one of
 * {@code X86.UC_MEM_READ_UNMAPPED, UC_MEM_WRITE_UNMAPPED, UC_MEM_FETCH_UNMAPPED, UC_MEM_READ_PROT,
 * UC_MEM_WRITE_PROT, UC_MEM_FETCH_PROT}; {@code value} is the value being written (writes only).
 * Return true when the hook fixed the cause (mapped the page or changed its permissions): the access is retried;
 * false: emulation stops and {@link Unicorn#emuStart} throws the matching {@code UC_ERR_*}.
 */
@FunctionalInterface
public interface MemInvalidHook {
    boolean onInvalid(Unicorn uc, int type, long address, int size, long value);
}
