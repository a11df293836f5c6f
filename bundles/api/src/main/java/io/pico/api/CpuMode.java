package io.pico.api;

/** The x86 mode a pico thread's CPU runs in. */
public enum CpuMode {
    /** 16-bit real mode (DOS). */ X86_16,
    /** 32-bit protected mode, flat (OS/2, i386). */ X86_32,
    /** 64-bit long mode (x86-64). */ X86_64
}
