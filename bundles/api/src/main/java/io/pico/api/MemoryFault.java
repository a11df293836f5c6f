package io.pico.api;

/** Guest memory that the kernel was asked to read or write is not mapped. */
public class MemoryFault extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long address;

    /** A fault at the given guest address. */
    public MemoryFault(long address) {
        super(String.format("guest address 0x%x is not mapped", address));
        this.address = address;
    }

    /** The first unmapped guest address. */
    public long address() {
        return address;
    }
}
