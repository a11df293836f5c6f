package io.pico.api;

/**
 * A CPU exception raised by guest code, reported to the provider of the thread's process.
 *
 * @param kind what happened
 * @param vector the x86 interrupt vector (0 divide error, 6 invalid opcode, 14 page fault, N for int N)
 * @param address the faulting data address for memory faults, else the instruction address
 * @param access for memory faults, the access that failed
 * @param pc the address of the faulting instruction (for {@code int N}: of the instruction after it)
 */
public record CpuException(Kind kind, int vector, long address, Access access, long pc) {

    /** Kinds of CPU exceptions. */
    public enum Kind {
        /** Access to unmapped memory. */ UNMAPPED,
        /** Access violating the page protection. */ PROTECTION,
        /** An invalid or privileged instruction. */ INVALID_INSTRUCTION,
        /** Integer division by zero or overflow. */ DIVIDE_ERROR,
        /** A software interrupt ({@code int N}, {@code int3}). */ INTERRUPT,
        /** Any other CPU fault. */ OTHER
    }

    /** The memory access of a memory fault. */
    public enum Access {
        /** A load. */ READ,
        /** A store. */ WRITE,
        /** An instruction fetch. */ EXECUTE,
        /** Not a memory fault. */ NONE
    }

    @Override
    public String toString() {
        return switch (kind) {
            case UNMAPPED, PROTECTION -> String.format("%s %s at 0x%x (pc 0x%x)", kind.name().toLowerCase(),
                    access.name().toLowerCase(), address, pc);
            case INTERRUPT -> String.format("interrupt 0x%x (pc 0x%x)", vector, pc);
            default -> String.format("%s (vector %d) at pc 0x%x", kind.name().toLowerCase(), vector, pc);
        };
    }
}
