package io.pico.api;

/**
 * The registers a provider reads and writes. In 32-bit and 16-bit modes the 64-bit names address the
 * narrower registers of that mode (RAX is EAX or AX, RIP is EIP or IP).
 */
public enum Register {
    /** Accumulator. */ RAX,
    /** Base. */ RBX,
    /** Counter. */ RCX,
    /** Data. */ RDX,
    /** Source index. */ RSI,
    /** Destination index. */ RDI,
    /** Frame pointer. */ RBP,
    /** Stack pointer. */ RSP,
    /** General register 8. */ R8,
    /** General register 9. */ R9,
    /** General register 10. */ R10,
    /** General register 11. */ R11,
    /** General register 12. */ R12,
    /** General register 13. */ R13,
    /** General register 14. */ R14,
    /** General register 15. */ R15,
    /** Instruction pointer. */ RIP,
    /** Flags. */ RFLAGS,
    /** Code segment selector. */ CS,
    /** Data segment selector. */ DS,
    /** Extra segment selector. */ ES,
    /** FS segment selector. */ FS,
    /** GS segment selector. */ GS,
    /** Stack segment selector. */ SS,
    /** FS base address (thread pointer of x86-64 Linux). */ FS_BASE,
    /** GS base address. */ GS_BASE
}
