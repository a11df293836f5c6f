package io.pico.unicorn;

/**
 * Numeric constants of unicorn-engine's C API for x86, named exactly as in the C headers.
 *
 * <p>Generated from Debian 12's {@code /usr/include/unicorn/x86.h} and {@code unicorn.h} (unicorn 2.0.1) by
 * compiling a small C program that prints every enumerator, so the values are the compiler's, not copied by hand.
 * They hold for unicorn 2.1.4 too: its {@code unicorn.h} has the same error codes, memory types, permissions and
 * hook bits (2.1 only appends {@code UC_ERR_OVERFLOW = 22}, {@code UC_HOOK_TLB_FILL} and new {@code uc_ctl}
 * controls), and the unit tests check the register numbers they use (all GPRs and their 32/16/8-bit parts, RIP,
 * EFLAGS, FS/GS_BASE, MSR, GDTR, XMM, FPCW, MXCSR, CR0, 32- and 16-bit registers) against guest code on whichever
 * library is loaded; they pass on 2.0.1 and 2.1.4.
 *
 * <p>Registers narrower than 64 bits are read zero-extended by {@link Unicorn#regRead(int)}. Registers wider
 * than 64 bits ({@code UC_X86_REG_XMM*}, {@code YMM*}, {@code ZMM*}, {@code ST*}, {@code FP*}) need
 * {@link Unicorn#regReadBytes(int, byte[])}; {@code GDTR/IDTR/LDTR/TR} need {@link Unicorn#mmrRead(int)}; MSRs
 * go through {@link Unicorn#msrRead(int)}.
 */
public final class X86 {
    private X86() {
    }

    // ---- registers: enum uc_x86_reg, in numeric order ----
    public static final int UC_X86_REG_INVALID = 0;
    public static final int UC_X86_REG_AH = 1;
    public static final int UC_X86_REG_AL = 2;
    public static final int UC_X86_REG_AX = 3;
    public static final int UC_X86_REG_BH = 4;
    public static final int UC_X86_REG_BL = 5;
    public static final int UC_X86_REG_BP = 6;
    public static final int UC_X86_REG_BPL = 7;
    public static final int UC_X86_REG_BX = 8;
    public static final int UC_X86_REG_CH = 9;
    public static final int UC_X86_REG_CL = 10;
    public static final int UC_X86_REG_CS = 11;
    public static final int UC_X86_REG_CX = 12;
    public static final int UC_X86_REG_DH = 13;
    public static final int UC_X86_REG_DI = 14;
    public static final int UC_X86_REG_DIL = 15;
    public static final int UC_X86_REG_DL = 16;
    public static final int UC_X86_REG_DS = 17;
    public static final int UC_X86_REG_DX = 18;
    public static final int UC_X86_REG_EAX = 19;
    public static final int UC_X86_REG_EBP = 20;
    public static final int UC_X86_REG_EBX = 21;
    public static final int UC_X86_REG_ECX = 22;
    public static final int UC_X86_REG_EDI = 23;
    public static final int UC_X86_REG_EDX = 24;
    public static final int UC_X86_REG_EFLAGS = 25;
    public static final int UC_X86_REG_EIP = 26;
    public static final int UC_X86_REG_ES = 28;
    public static final int UC_X86_REG_ESI = 29;
    public static final int UC_X86_REG_ESP = 30;
    public static final int UC_X86_REG_FPSW = 31;
    public static final int UC_X86_REG_FS = 32;
    public static final int UC_X86_REG_GS = 33;
    public static final int UC_X86_REG_IP = 34;
    public static final int UC_X86_REG_RAX = 35;
    public static final int UC_X86_REG_RBP = 36;
    public static final int UC_X86_REG_RBX = 37;
    public static final int UC_X86_REG_RCX = 38;
    public static final int UC_X86_REG_RDI = 39;
    public static final int UC_X86_REG_RDX = 40;
    public static final int UC_X86_REG_RIP = 41;
    public static final int UC_X86_REG_RSI = 43;
    public static final int UC_X86_REG_RSP = 44;
    public static final int UC_X86_REG_SI = 45;
    public static final int UC_X86_REG_SIL = 46;
    public static final int UC_X86_REG_SP = 47;
    public static final int UC_X86_REG_SPL = 48;
    public static final int UC_X86_REG_SS = 49;
    public static final int UC_X86_REG_CR0 = 50;
    public static final int UC_X86_REG_CR1 = 51;
    public static final int UC_X86_REG_CR2 = 52;
    public static final int UC_X86_REG_CR3 = 53;
    public static final int UC_X86_REG_CR4 = 54;
    public static final int UC_X86_REG_CR8 = 58;
    public static final int UC_X86_REG_DR0 = 66;
    public static final int UC_X86_REG_DR1 = 67;
    public static final int UC_X86_REG_DR2 = 68;
    public static final int UC_X86_REG_DR3 = 69;
    public static final int UC_X86_REG_DR4 = 70;
    public static final int UC_X86_REG_DR5 = 71;
    public static final int UC_X86_REG_DR6 = 72;
    public static final int UC_X86_REG_DR7 = 73;
    public static final int UC_X86_REG_FP0 = 82;
    public static final int UC_X86_REG_FP1 = 83;
    public static final int UC_X86_REG_FP2 = 84;
    public static final int UC_X86_REG_FP3 = 85;
    public static final int UC_X86_REG_FP4 = 86;
    public static final int UC_X86_REG_FP5 = 87;
    public static final int UC_X86_REG_FP6 = 88;
    public static final int UC_X86_REG_FP7 = 89;
    public static final int UC_X86_REG_K0 = 90;
    public static final int UC_X86_REG_K1 = 91;
    public static final int UC_X86_REG_K2 = 92;
    public static final int UC_X86_REG_K3 = 93;
    public static final int UC_X86_REG_K4 = 94;
    public static final int UC_X86_REG_K5 = 95;
    public static final int UC_X86_REG_K6 = 96;
    public static final int UC_X86_REG_K7 = 97;
    public static final int UC_X86_REG_MM0 = 98;
    public static final int UC_X86_REG_MM1 = 99;
    public static final int UC_X86_REG_MM2 = 100;
    public static final int UC_X86_REG_MM3 = 101;
    public static final int UC_X86_REG_MM4 = 102;
    public static final int UC_X86_REG_MM5 = 103;
    public static final int UC_X86_REG_MM6 = 104;
    public static final int UC_X86_REG_MM7 = 105;
    public static final int UC_X86_REG_R8 = 106;
    public static final int UC_X86_REG_R9 = 107;
    public static final int UC_X86_REG_R10 = 108;
    public static final int UC_X86_REG_R11 = 109;
    public static final int UC_X86_REG_R12 = 110;
    public static final int UC_X86_REG_R13 = 111;
    public static final int UC_X86_REG_R14 = 112;
    public static final int UC_X86_REG_R15 = 113;
    public static final int UC_X86_REG_ST0 = 114;
    public static final int UC_X86_REG_ST1 = 115;
    public static final int UC_X86_REG_ST2 = 116;
    public static final int UC_X86_REG_ST3 = 117;
    public static final int UC_X86_REG_ST4 = 118;
    public static final int UC_X86_REG_ST5 = 119;
    public static final int UC_X86_REG_ST6 = 120;
    public static final int UC_X86_REG_ST7 = 121;
    public static final int UC_X86_REG_XMM0 = 122;
    public static final int UC_X86_REG_XMM1 = 123;
    public static final int UC_X86_REG_XMM2 = 124;
    public static final int UC_X86_REG_XMM3 = 125;
    public static final int UC_X86_REG_XMM4 = 126;
    public static final int UC_X86_REG_XMM5 = 127;
    public static final int UC_X86_REG_XMM6 = 128;
    public static final int UC_X86_REG_XMM7 = 129;
    public static final int UC_X86_REG_XMM8 = 130;
    public static final int UC_X86_REG_XMM9 = 131;
    public static final int UC_X86_REG_XMM10 = 132;
    public static final int UC_X86_REG_XMM11 = 133;
    public static final int UC_X86_REG_XMM12 = 134;
    public static final int UC_X86_REG_XMM13 = 135;
    public static final int UC_X86_REG_XMM14 = 136;
    public static final int UC_X86_REG_XMM15 = 137;
    public static final int UC_X86_REG_XMM16 = 138;
    public static final int UC_X86_REG_XMM17 = 139;
    public static final int UC_X86_REG_XMM18 = 140;
    public static final int UC_X86_REG_XMM19 = 141;
    public static final int UC_X86_REG_XMM20 = 142;
    public static final int UC_X86_REG_XMM21 = 143;
    public static final int UC_X86_REG_XMM22 = 144;
    public static final int UC_X86_REG_XMM23 = 145;
    public static final int UC_X86_REG_XMM24 = 146;
    public static final int UC_X86_REG_XMM25 = 147;
    public static final int UC_X86_REG_XMM26 = 148;
    public static final int UC_X86_REG_XMM27 = 149;
    public static final int UC_X86_REG_XMM28 = 150;
    public static final int UC_X86_REG_XMM29 = 151;
    public static final int UC_X86_REG_XMM30 = 152;
    public static final int UC_X86_REG_XMM31 = 153;
    public static final int UC_X86_REG_YMM0 = 154;
    public static final int UC_X86_REG_YMM1 = 155;
    public static final int UC_X86_REG_YMM2 = 156;
    public static final int UC_X86_REG_YMM3 = 157;
    public static final int UC_X86_REG_YMM4 = 158;
    public static final int UC_X86_REG_YMM5 = 159;
    public static final int UC_X86_REG_YMM6 = 160;
    public static final int UC_X86_REG_YMM7 = 161;
    public static final int UC_X86_REG_YMM8 = 162;
    public static final int UC_X86_REG_YMM9 = 163;
    public static final int UC_X86_REG_YMM10 = 164;
    public static final int UC_X86_REG_YMM11 = 165;
    public static final int UC_X86_REG_YMM12 = 166;
    public static final int UC_X86_REG_YMM13 = 167;
    public static final int UC_X86_REG_YMM14 = 168;
    public static final int UC_X86_REG_YMM15 = 169;
    public static final int UC_X86_REG_YMM16 = 170;
    public static final int UC_X86_REG_YMM17 = 171;
    public static final int UC_X86_REG_YMM18 = 172;
    public static final int UC_X86_REG_YMM19 = 173;
    public static final int UC_X86_REG_YMM20 = 174;
    public static final int UC_X86_REG_YMM21 = 175;
    public static final int UC_X86_REG_YMM22 = 176;
    public static final int UC_X86_REG_YMM23 = 177;
    public static final int UC_X86_REG_YMM24 = 178;
    public static final int UC_X86_REG_YMM25 = 179;
    public static final int UC_X86_REG_YMM26 = 180;
    public static final int UC_X86_REG_YMM27 = 181;
    public static final int UC_X86_REG_YMM28 = 182;
    public static final int UC_X86_REG_YMM29 = 183;
    public static final int UC_X86_REG_YMM30 = 184;
    public static final int UC_X86_REG_YMM31 = 185;
    public static final int UC_X86_REG_ZMM0 = 186;
    public static final int UC_X86_REG_ZMM1 = 187;
    public static final int UC_X86_REG_ZMM2 = 188;
    public static final int UC_X86_REG_ZMM3 = 189;
    public static final int UC_X86_REG_ZMM4 = 190;
    public static final int UC_X86_REG_ZMM5 = 191;
    public static final int UC_X86_REG_ZMM6 = 192;
    public static final int UC_X86_REG_ZMM7 = 193;
    public static final int UC_X86_REG_ZMM8 = 194;
    public static final int UC_X86_REG_ZMM9 = 195;
    public static final int UC_X86_REG_ZMM10 = 196;
    public static final int UC_X86_REG_ZMM11 = 197;
    public static final int UC_X86_REG_ZMM12 = 198;
    public static final int UC_X86_REG_ZMM13 = 199;
    public static final int UC_X86_REG_ZMM14 = 200;
    public static final int UC_X86_REG_ZMM15 = 201;
    public static final int UC_X86_REG_ZMM16 = 202;
    public static final int UC_X86_REG_ZMM17 = 203;
    public static final int UC_X86_REG_ZMM18 = 204;
    public static final int UC_X86_REG_ZMM19 = 205;
    public static final int UC_X86_REG_ZMM20 = 206;
    public static final int UC_X86_REG_ZMM21 = 207;
    public static final int UC_X86_REG_ZMM22 = 208;
    public static final int UC_X86_REG_ZMM23 = 209;
    public static final int UC_X86_REG_ZMM24 = 210;
    public static final int UC_X86_REG_ZMM25 = 211;
    public static final int UC_X86_REG_ZMM26 = 212;
    public static final int UC_X86_REG_ZMM27 = 213;
    public static final int UC_X86_REG_ZMM28 = 214;
    public static final int UC_X86_REG_ZMM29 = 215;
    public static final int UC_X86_REG_ZMM30 = 216;
    public static final int UC_X86_REG_ZMM31 = 217;
    public static final int UC_X86_REG_R8B = 218;
    public static final int UC_X86_REG_R9B = 219;
    public static final int UC_X86_REG_R10B = 220;
    public static final int UC_X86_REG_R11B = 221;
    public static final int UC_X86_REG_R12B = 222;
    public static final int UC_X86_REG_R13B = 223;
    public static final int UC_X86_REG_R14B = 224;
    public static final int UC_X86_REG_R15B = 225;
    public static final int UC_X86_REG_R8D = 226;
    public static final int UC_X86_REG_R9D = 227;
    public static final int UC_X86_REG_R10D = 228;
    public static final int UC_X86_REG_R11D = 229;
    public static final int UC_X86_REG_R12D = 230;
    public static final int UC_X86_REG_R13D = 231;
    public static final int UC_X86_REG_R14D = 232;
    public static final int UC_X86_REG_R15D = 233;
    public static final int UC_X86_REG_R8W = 234;
    public static final int UC_X86_REG_R9W = 235;
    public static final int UC_X86_REG_R10W = 236;
    public static final int UC_X86_REG_R11W = 237;
    public static final int UC_X86_REG_R12W = 238;
    public static final int UC_X86_REG_R13W = 239;
    public static final int UC_X86_REG_R14W = 240;
    public static final int UC_X86_REG_R15W = 241;
    public static final int UC_X86_REG_IDTR = 242;
    public static final int UC_X86_REG_GDTR = 243;
    public static final int UC_X86_REG_LDTR = 244;
    public static final int UC_X86_REG_TR = 245;
    public static final int UC_X86_REG_FPCW = 246;
    public static final int UC_X86_REG_FPTAG = 247;
    public static final int UC_X86_REG_MSR = 248;
    public static final int UC_X86_REG_MXCSR = 249;
    public static final int UC_X86_REG_FS_BASE = 250;
    public static final int UC_X86_REG_GS_BASE = 251;
    public static final int UC_X86_REG_FLAGS = 252;
    public static final int UC_X86_REG_RFLAGS = 253;
    public static final int UC_X86_REG_FIP = 254;
    public static final int UC_X86_REG_FCS = 255;
    public static final int UC_X86_REG_FDP = 256;
    public static final int UC_X86_REG_FDS = 257;
    public static final int UC_X86_REG_FOP = 258;

    // ---- instructions for UC_HOOK_INSN (enum uc_x86_insn) ----
    public static final int UC_X86_INS_SYSCALL = 699;
    public static final int UC_X86_INS_SYSENTER = 700;
    public static final int UC_X86_INS_CPUID = 113;
    public static final int UC_X86_INS_IN = 218;
    public static final int UC_X86_INS_OUT = 500;

    // ---- architecture and modes for uc_open ----
    public static final int UC_ARCH_X86 = 4;
    public static final int UC_MODE_16 = 2;
    public static final int UC_MODE_32 = 4;
    public static final int UC_MODE_64 = 8;

    // ---- memory permissions (enum uc_prot) ----
    public static final int UC_PROT_NONE = 0;
    public static final int UC_PROT_READ = 1;
    public static final int UC_PROT_WRITE = 2;
    public static final int UC_PROT_EXEC = 4;
    public static final int UC_PROT_ALL = 7;

    // ---- memory access types passed to memory hooks (enum uc_mem_type) ----
    public static final int UC_MEM_FETCH = 18;
    public static final int UC_MEM_FETCH_PROT = 24;
    public static final int UC_MEM_FETCH_UNMAPPED = 21;
    public static final int UC_MEM_READ = 16;
    public static final int UC_MEM_READ_AFTER = 25;
    public static final int UC_MEM_READ_PROT = 23;
    public static final int UC_MEM_READ_UNMAPPED = 19;
    public static final int UC_MEM_WRITE = 17;
    public static final int UC_MEM_WRITE_PROT = 22;
    public static final int UC_MEM_WRITE_UNMAPPED = 20;

    // ---- error codes (enum uc_err) ----
    public static final int UC_ERR_OK = 0;
    public static final int UC_ERR_NOMEM = 1;
    public static final int UC_ERR_ARCH = 2;
    public static final int UC_ERR_HANDLE = 3;
    public static final int UC_ERR_MODE = 4;
    public static final int UC_ERR_VERSION = 5;
    public static final int UC_ERR_READ_UNMAPPED = 6;
    public static final int UC_ERR_WRITE_UNMAPPED = 7;
    public static final int UC_ERR_FETCH_UNMAPPED = 8;
    public static final int UC_ERR_HOOK = 9;
    public static final int UC_ERR_INSN_INVALID = 10;
    public static final int UC_ERR_MAP = 11;
    public static final int UC_ERR_WRITE_PROT = 12;
    public static final int UC_ERR_READ_PROT = 13;
    public static final int UC_ERR_FETCH_PROT = 14;
    public static final int UC_ERR_ARG = 15;
    public static final int UC_ERR_READ_UNALIGNED = 16;
    public static final int UC_ERR_WRITE_UNALIGNED = 17;
    public static final int UC_ERR_FETCH_UNALIGNED = 18;
    public static final int UC_ERR_HOOK_EXIST = 19;
    public static final int UC_ERR_RESOURCE = 20;
    public static final int UC_ERR_EXCEPTION = 21;

    // ---- hook types (enum uc_hook_type and the combined UC_HOOK_MEM_* macros) ----
    public static final int UC_HOOK_INTR = 1;
    public static final int UC_HOOK_INSN = 2;
    public static final int UC_HOOK_CODE = 4;
    public static final int UC_HOOK_BLOCK = 8;
    public static final int UC_HOOK_MEM_READ_UNMAPPED = 0x10;
    public static final int UC_HOOK_MEM_WRITE_UNMAPPED = 0x20;
    public static final int UC_HOOK_MEM_FETCH_UNMAPPED = 0x40;
    public static final int UC_HOOK_MEM_READ_PROT = 0x80;
    public static final int UC_HOOK_MEM_WRITE_PROT = 0x100;
    public static final int UC_HOOK_MEM_FETCH_PROT = 0x200;
    public static final int UC_HOOK_MEM_READ = 0x400;
    public static final int UC_HOOK_MEM_WRITE = 0x800;
    public static final int UC_HOOK_MEM_FETCH = 0x1000;
    public static final int UC_HOOK_MEM_READ_AFTER = 0x2000;
    public static final int UC_HOOK_INSN_INVALID = 0x4000;
    public static final int UC_HOOK_EDGE_GENERATED = 0x8000;
    public static final int UC_HOOK_TCG_OPCODE = 0x10000;
    public static final int UC_HOOK_MEM_UNMAPPED = 0x70;
    public static final int UC_HOOK_MEM_PROT = 0x380;
    public static final int UC_HOOK_MEM_INVALID = 0x3f0;
    public static final int UC_HOOK_MEM_VALID = 0x1c00;

    /** Not an enumerator: UC_ERR_OVERFLOW exists only in unicorn 2.1+ (uc_reg_read2/uc_reg_write2). */
    public static final int UC_ERR_OVERFLOW = 22;

    // ---- model-specific register numbers (architectural, for msrRead/msrWrite) ----
    public static final int MSR_EFER = 0xC0000080;
    public static final int MSR_STAR = 0xC0000081;
    public static final int MSR_LSTAR = 0xC0000082;
    public static final int MSR_FS_BASE = 0xC0000100;
    public static final int MSR_GS_BASE = 0xC0000101;
    public static final int MSR_KERNEL_GS_BASE = 0xC0000102;

    /** Whether {@code regId} names a register that does not fit the 64-bit value of {@link Unicorn#regRead(int)}. */
    public static boolean isWide(int regId) {
        return (regId >= UC_X86_REG_FP0 && regId <= UC_X86_REG_FP7)
                || (regId >= UC_X86_REG_ST0 && regId <= UC_X86_REG_ST7)
                || (regId >= UC_X86_REG_XMM0 && regId <= UC_X86_REG_ZMM31)
                || (regId >= UC_X86_REG_IDTR && regId <= UC_X86_REG_TR)
                || regId == UC_X86_REG_MSR;
    }
}
