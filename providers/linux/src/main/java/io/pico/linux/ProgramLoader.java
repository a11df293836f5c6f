package io.pico.linux;

import io.pico.api.AddressSpace;
import io.pico.api.ImageException;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import io.pico.posix.core.Call;
import io.pico.posix.core.ElfProgram;
import io.pico.posix.core.HostIds;
import io.pico.posix.core.ImageLoader;
import io.pico.posix.core.elf.ElfFile;
import io.pico.posix.core.elf.ElfLoader;
import io.pico.posix.core.elf.StackBuilder;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * Loads a program into a process: validates the image and its interpreter first (so that a failure
 * leaves the process untouched), then maps both, builds the stack and says where to start. Used when
 * a process starts and, as the POSIX core's {@link ImageLoader}, by execve (the core's {@code Exec}): what
 * only Linux does there is here (its auxiliary vector, the size check of the arguments once the file is found,
 * the vfork parent let go, the thread's clear-child-tid, robust list and signal stack reset, the registers
 * cleared, images of other personalities run by the given {@link Foreign}).
 */
public final class ProgramLoader implements ImageLoader<ElfProgram> {

    /** CPUID(1).EDX of the emulated CPU (unicorn's, measured: fpu ... sse2, no vme), what AT_HWCAP carries. */
    private static final long HWCAP = 0x078bfbfdL;
    private static final SecureRandom RANDOM = new SecureRandom();

    // Linux's own auxiliary vector types (the System V ones, AT_PHDR ... AT_ENTRY, are the core StackBuilder's)
    public static final int AT_UID = 11;
    public static final int AT_EUID = 12;
    public static final int AT_GID = 13;
    public static final int AT_EGID = 14;
    public static final int AT_PLATFORM = 15;
    public static final int AT_HWCAP = 16;
    public static final int AT_CLKTCK = 17;
    public static final int AT_SECURE = 23;
    public static final int AT_RANDOM = 25;
    public static final int AT_HWCAP2 = 26;
    public static final int AT_EXECFN = 31;

    /** Where the new program starts: instruction and stack pointer. */
    public record Start(long pc, long sp) {
    }

    /** How execve runs an image another personality claims; a failure is a thrown error. */
    @FunctionalInterface
    public interface Foreign {
        /** Runs the image: the call's result (the call returns to no one when it succeeds). */
        long exec(GuestFs.Resolved image, String name, List<String> argv, List<String> env) throws IOException;
    }

    /** The registers a new program starts with cleared. */
    private static final Register[] CLEARED = {Register.RAX, Register.RBX, Register.RCX, Register.RDX, Register.RSI,
        Register.RDI, Register.RBP, Register.R8, Register.R9, Register.R10, Register.R11, Register.R12, Register.R13,
        Register.R14, Register.R15, Register.FS_BASE, Register.GS_BASE};

    private final Foreign foreign;

    /** The loader of one execve, running images of other personalities by {@code foreign}. */
    public ProgramLoader(Foreign foreign) {
        this.foreign = foreign;
    }

    @Override
    public boolean claims(byte[] header) {
        return LinuxProvider.claimsHeader(header);
    }

    /** Linux counts the strings once the file is found (E2BIG before ENOEXEC), with AT_EXECFN. */
    @Override
    public void check(Call c, String name, GuestFs.Resolved image, List<String> argv, List<String> env) {
        if (stringBytes(name, argv, env) > StackBuilder.MAX_STRINGS) {
            throw io.pico.posix.core.Errno.E2BIG.error();
        }
    }

    @Override
    public long foreign(Call c, GuestFs.Resolved image, String name, List<String> argv, List<String> env)
            throws IOException {
        return foreign.exec(image, name, argv, env);
    }

    @Override
    public ElfProgram prepare(Call c, String name, GuestFs.Resolved image) throws ImageException {
        // read through names that follow no host link, valid until the program is loaded after the call
        return prepare(c.fs(), c.state().cwd(), name, image.guest(), c.fs().secure(image));
    }

    @Override
    public void load(Call c, ElfProgram program, List<String> argv, List<String> env) throws ImageException {
        LinuxProcess state = c.state();
        state.vforkRelease(); // a parent waiting in vfork goes on
        LinuxThread ts = LinuxThread.of(c.thread());
        ts.clearChildTid(0);
        ts.robustList(0, 0);
        ts.sigaltstack(0, 2, 0);
        Start start = load(program, state, argv, env);
        state.reportImages(c.kernel());
        PicoThread self = c.thread();
        for (Register reg : CLEARED) {
            self.set(reg, 0);
        }
        self.set(Register.RFLAGS, 0x202);
        self.set(Register.RSP, start.sp());
        self.set(Register.RIP, start.pc());
    }

    /** Parses and validates a Linux program and its interpreter without touching any process. */
    public static ElfProgram prepare(GuestFs fs, String cwd, String name, String guest, Path host)
            throws ImageException {
        return ElfProgram.prepare(fs, cwd, name, guest, host, ElfFile.Brand.LINUX,
                e -> Errno.text(LinuxAbi.errno(e)));
    }

    /** The total size of the strings the stack will hold, to refuse oversized argument lists early. */
    public static long stringBytes(String name, List<String> argv, List<String> env) {
        return stack(name, argv, env).stringBytes();
    }

    /** A stack with the arguments, the environment and AT_EXECFN, the entries the size limit counts. */
    static StackBuilder stack(String name, List<String> argv, List<String> env) {
        return new StackBuilder().argv(argv).envp(env).auxString(AT_EXECFN, name);
    }

    /** Maps a prepared program into the (empty) memory of the process and builds its stack. */
    public static Start load(ElfProgram p, LinuxProcess state, List<String> argv, List<String> env)
            throws ImageException {
        AddressSpace memory = state.process().memory();
        StackBuilder stack = stack(p.name(), argv, env);
        if (stack.stringBytes() > StackBuilder.MAX_STRINGS) {
            throw new ImageException(p.name() + ": argument list too long");
        }
        // the interpreter first, from the mmap base; a position-independent program at ElfLoader.PIE_BASE
        ElfProgram.Mapped mapped = p.map(state, ElfLoader.PIE_BASE, LinuxProcess.MMAP_BASE, true);
        ElfLoader.Loaded main = mapped.main();
        ElfLoader.Loaded interp = mapped.interp();
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        auxv(stack, main, interp, random);
        long sp;
        try {
            sp = stack.build(memory, p.elf().executableStack());
        } catch (io.pico.api.MemoryLimitException e) {
            throw new ImageException(p.name() + ": out of memory for the stack: " + e.getMessage());
        }
        return new Start(interp == null ? main.entry() : interp.entry(), sp);
    }

    /** Adds Linux's auxiliary vector for a loaded program (and interpreter, or null) to the stack. */
    static StackBuilder auxv(StackBuilder stack, ElfLoader.Loaded main, ElfLoader.Loaded interp, byte[] random) {
        return stack.program(main, interp)
                .aux(AT_UID, HostIds.uid())
                .aux(AT_EUID, HostIds.euid())
                .aux(AT_GID, HostIds.gid())
                .aux(AT_EGID, HostIds.egid())
                .aux(AT_SECURE, 0)
                .aux(AT_HWCAP, HWCAP)
                .aux(AT_HWCAP2, 0)
                .aux(AT_CLKTCK, 100)
                .auxBytes(AT_RANDOM, random, 16)
                .auxString(AT_PLATFORM, "x86_64");
    }
}
