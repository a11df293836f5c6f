package io.pico.posix;

import io.pico.api.AddressSpace;
import io.pico.api.ImageException;
import io.pico.api.MemoryLimitException;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.posix.core.Call;
import io.pico.posix.core.ElfProgram;
import io.pico.posix.core.ForeignExec;
import io.pico.posix.core.ImageLoader;
import io.pico.posix.core.PosixProcess;
import io.pico.posix.core.elf.ElfFile;
import io.pico.posix.core.elf.ElfLoader;
import io.pico.posix.core.elf.StackBuilder;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * Loads FreeBSD amd64 programs: ELF64 with OS/ABI FreeBSD (9), static or with their interpreter
 * ({@code /libexec/ld-elf.so.1}) resolved under the root, with FreeBSD's auxiliary vector (AT_EXECPATH,
 * AT_OSRELDATE, AT_CANARY, AT_NCPUS, AT_PAGESIZES, AT_TIMEKEEP, AT_STACKPROT, AT_EHDRFLAGS) and the shared
 * page holding the timekeep structure and the signal trampoline. Validation comes first, so a malformed
 * image leaves the process untouched.
 */
public final class Loader implements ImageLoader<ElfProgram> {

    /** The stand-in of a foreign exec reads, getpid, kill and exit with FreeBSD's numbers. */
    private static final ForeignExec.StandInCalls STAND_IN = new ForeignExec.StandInCalls(3, 20, 37, 1);

    // FreeBSD's own auxiliary vector types (the System V ones, AT_PHDR ... AT_ENTRY, are the core StackBuilder's)
    public static final int AT_EXECPATH = 15;
    public static final int AT_CANARY = 16;
    public static final int AT_CANARYLEN = 17;
    public static final int AT_OSRELDATE = 18;
    public static final int AT_NCPUS = 19;
    public static final int AT_PAGESIZES = 20;
    public static final int AT_PAGESIZESLEN = 21;
    public static final int AT_TIMEKEEP = 22;
    public static final int AT_STACKPROT = 23;
    public static final int AT_EHDRFLAGS = 24;
    /** The FreeBSD version the personality reports (12.3-RELEASE): AT_OSRELDATE, kern.osreldate. */
    public static final int OSRELDATE = 1203000;
    /** The ABI tag note: owner FreeBSD, type NT_FREEBSD_ABI_TAG, the osreldate the program was built for. */
    public static final int NT_FREEBSD_ABI_TAG = 1;
    /** Where a position-independent executable is loaded (ET_DYN_LOAD_ADDR on amd64). */
    public static final long PIE_BASE = 0x0102_1000L;
    /** Where the interpreter is placed from. */
    public static final long INTERP_BASE = 0x8_0020_0000L;
    /** The offset of the timekeep structure in the shared page. */
    public static final long TIMEKEEP_OFFSET = 0x100;
    /** The offset of the signal trampoline in the shared page. */
    public static final long SIGCODE_OFFSET = 0x0;
    /** The page sizes the machine offers (AT_PAGESIZES, hw.pagesizes). */
    public static final long[] PAGE_SIZES = {4096, 2L << 20, 1L << 30};

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Where the program starts.
     *
     * @param pc the first instruction (the interpreter's entry for dynamic programs)
     * @param stack the address of argc (rdi)
     * @param sp the stack pointer (rsp): 8 bytes below a 16-byte boundary, as after a call
     */
    public record Start(long pc, long stack, long sp) {
    }

    /** Whether the first bytes are a FreeBSD x86-64 ELF image (judged from OS/ABI 9, any class or machine). */
    public static boolean claimsHeader(byte[] h) {
        return h.length >= 8 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F'
                && h[7] == ElfFile.OSABI_FREEBSD;
    }

    @Override
    public boolean claims(byte[] header) {
        return claimsHeader(header);
    }

    /** An image another personality claims runs as a child process the caller stands in for (the core's). */
    @Override
    public long foreign(Call c, GuestFs.Resolved image, String name, List<String> argv, List<String> env)
            throws IOException {
        return ForeignExec.exec(c, image, name, argv, env, STAND_IN);
    }

    @Override
    public ElfProgram prepare(Call c, String name, GuestFs.Resolved image) throws ImageException {
        // read through names that follow no host link, valid until the program is loaded after the call
        return prepare(c.fs(), c.state().cwd(), name, image.guest(), c.fs().secure(image));
    }

    @Override
    public void load(Call c, ElfProgram p, List<String> argv, List<String> env) throws ImageException {
        Start start = load(p, c.state(), argv, env);
        c.state().reportImages(c.kernel());
        PicoThread t = c.thread();
        for (Register r : new Register[] {Register.RAX, Register.RBX, Register.RCX, Register.RDX, Register.RSI,
            Register.RBP, Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13,
            Register.R14, Register.R15, Register.FS_BASE, Register.GS_BASE}) {
            t.set(r, 0);
        }
        start(t, start);
    }

    /** Points a thread at the start of a loaded program. */
    public static void start(PicoThread t, Start start) {
        t.set(Register.RFLAGS, 0x202);
        t.set(Register.RDI, start.stack());
        t.set(Register.RSP, start.sp());
        t.set(Register.RIP, start.pc());
    }

    /** Parses and validates a FreeBSD program and its interpreter without touching any process. */
    public static ElfProgram prepare(GuestFs fs, String cwd, String name, String guest, Path host)
            throws ImageException {
        return ElfProgram.prepare(fs, cwd, name, guest, host, ElfFile.Brand.FREEBSD, e -> e.errno().text());
    }

    /** The stack's strings for an argument list, to refuse oversized ones early. */
    public static long stringBytes(String guest, List<String> argv, List<String> env) {
        return new StackBuilder().argv(argv).envp(env).auxString(AT_EXECPATH, guest).stringBytes();
    }

    /** Maps a prepared program into the (empty) memory of the process and builds its stack. */
    public static Start load(ElfProgram p, PosixProcess state, List<String> argv, List<String> env)
            throws ImageException {
        AddressSpace memory = state.process().memory();
        // the program first (a position-independent one at PIE_BASE), then the interpreter from INTERP_BASE
        ElfProgram.Mapped mapped = p.map(state, PIE_BASE, INTERP_BASE, false);
        ElfLoader.Loaded main = mapped.main();
        ElfLoader.Loaded interp = mapped.interp();
        try {
            mapSharedPage(memory);
        } catch (MemoryLimitException e) {
            throw new ImageException(p.name() + ": out of memory: " + e.getMessage());
        }
        byte[] canary = new byte[64];
        RANDOM.nextBytes(canary);
        ByteBuffer sizes = ByteBuffer.allocate(8 * PAGE_SIZES.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long s : PAGE_SIZES) {
            sizes.putLong(s);
        }
        boolean execStack = p.elf().executableStack();
        StackBuilder stack = new StackBuilder().argv(argv).envp(env)
                .program(main, interp)
                .aux(AT_EHDRFLAGS, 0)
                .auxString(AT_EXECPATH, p.guest())
                .aux(AT_OSRELDATE, OSRELDATE)
                .auxBytes(AT_CANARY, canary, 8)
                .aux(AT_CANARYLEN, canary.length)
                .aux(AT_NCPUS, Runtime.getRuntime().availableProcessors())
                .auxBytes(AT_PAGESIZES, sizes.array(), 8)
                .aux(AT_PAGESIZESLEN, sizes.capacity())
                .aux(AT_TIMEKEEP, FreeBsdAbi.SHARED_PAGE + TIMEKEEP_OFFSET)
                .aux(AT_STACKPROT, execStack ? 7 : 3);
        if (stack.stringBytes() > StackBuilder.MAX_STRINGS) {
            throw new ImageException(p.name() + ": argument list too long");
        }
        long argc;
        try {
            argc = stack.build(memory, FreeBsdAbi.USRSTACK, StackBuilder.STACK_SIZE, execStack);
        } catch (MemoryLimitException e) {
            throw new ImageException(p.name() + ": out of memory for the stack: " + e.getMessage());
        }
        return new Start(interp == null ? main.entry() : interp.entry(), argc, ((argc - 8) & ~0xfL) + 8);
    }

    /**
     * The shared page at the top of the address space: the signal trampoline (which calls sigreturn with the
     * ucontext of the frame on the stack) and a timekeep structure that is disabled, so that libc's
     * gettimeofday and clock_gettime fall back to system calls.
     */
    static void mapSharedPage(AddressSpace memory) {
        memory.map(FreeBsdAbi.SHARED_PAGE, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.WRITE);
        memory.write(FreeBsdAbi.SHARED_PAGE + SIGCODE_OFFSET, SignalFrame.SIGCODE, 0, SignalFrame.SIGCODE.length);
        memory.putInt(FreeBsdAbi.SHARED_PAGE + TIMEKEEP_OFFSET, 1); // tk_ver = VDSO_TK_VER_CURR
        memory.putInt(FreeBsdAbi.SHARED_PAGE + TIMEKEEP_OFFSET + 4, 0); // tk_enabled = 0
        memory.protect(FreeBsdAbi.SHARED_PAGE, AddressSpace.PAGE_SIZE, AddressSpace.READ | AddressSpace.EXEC);
    }
}
