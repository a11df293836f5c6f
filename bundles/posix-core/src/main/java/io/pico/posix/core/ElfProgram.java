package io.pico.posix.core;

import io.pico.api.AddressSpace;
import io.pico.api.ImageException;
import io.pico.api.MemoryLimitException;
import io.pico.posix.core.elf.ByteSource;
import io.pico.posix.core.elf.ElfException;
import io.pico.posix.core.elf.ElfFile;
import io.pico.posix.core.elf.ElfLoader;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * An ELF program and its interpreter, validated without touching a process, and their mapping into a process's
 * emptied memory: the steps the Linux and FreeBSD loaders share. What stays per ABI: the brand, where the
 * interpreter and a position-independent program go, which is mapped first, the stack and its auxiliary vector.
 *
 * @param name the path as the guest named it (messages)
 * @param guest the program's guest path
 * @param host its host file (reached without following host links)
 * @param elf its headers
 * @param interpGuest the interpreter's guest path, or null
 * @param interpHost the interpreter's host file, or null
 * @param interp the interpreter's headers, or null
 * @since 2.6
 */
public record ElfProgram(String name, String guest, Path host, ElfFile elf, String interpGuest, Path interpHost,
        ElfFile interp) {

    /** The program and its interpreter (or null) as mapped. */
    public record Mapped(ElfLoader.Loaded main, ElfLoader.Loaded interp) {
    }

    /**
     * Parses and validates a program of this brand and its interpreter (found in {@code fs} from {@code cwd}, a
     * self-contained shared object) without touching any process.
     *
     * @param errorText the text of an error resolving the interpreter, in the personality's words
     * @throws ImageException when it cannot run; status {@link ImageException#NOT_FOUND} when the interpreter is
     *         missing
     */
    public static ElfProgram prepare(GuestFs fs, String cwd, String name, String guest, Path host, ElfFile.Brand brand,
            Function<SysError, String> errorText) throws ImageException {
        ElfFile elf = parse(name, host, "", brand);
        if (elf.interpreter() == null) {
            return new ElfProgram(name, guest, host, elf, null, null, null);
        }
        String interp = elf.interpreter();
        GuestFs.Resolved r;
        try {
            r = fs.resolve(cwd, interp, true);
        } catch (SysError e) {
            throw new ImageException(name + ": interpreter " + interp + ": " + errorText.apply(e),
                    ImageException.NOT_FOUND);
        }
        Path interpHost; // reached without following host links, valid until the program is loaded
        try {
            interpHost = r.synthetic() ? null : fs.secure(r);
        } catch (SysError e) {
            interpHost = null;
        }
        if (interpHost == null || !Files.isRegularFile(interpHost, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException(name + ": interpreter " + interp + " not found under the root",
                    ImageException.NOT_FOUND);
        }
        ElfFile ie = parse(name, interpHost, "interpreter " + interp + ": ", brand);
        if (ie.type() != ElfFile.ET_DYN || ie.interpreter() != null) {
            throw new ImageException(name + ": interpreter " + interp + " is not a self-contained shared object");
        }
        return new ElfProgram(name, guest, host, elf, r.guest(), interpHost, ie);
    }

    private static ElfFile parse(String name, Path host, String what, ElfFile.Brand brand) throws ImageException {
        try (ByteSource src = ByteSource.open(host)) {
            return ElfFile.parse(src, brand);
        } catch (ElfException e) {
            throw new ImageException(name + ": " + what + e.getMessage());
        } catch (IOException e) {
            throw new ImageException(name + ": " + what + "cannot read: " + e.getMessage());
        }
    }

    /**
     * Maps the program (a position-independent one so that its lowest address is {@code pieBase}) and its
     * interpreter (at the first free range from {@code interpBase}) into the process's memory, naming both
     * ranges, and sets the break after the program.
     *
     * @param interpFirst whether the interpreter is mapped first (Linux) or after the program (FreeBSD)
     * @throws ImageException when a file cannot be read or memory runs out
     */
    public Mapped map(PosixProcess state, long pieBase, long interpBase, boolean interpFirst) throws ImageException {
        AddressSpace memory = state.process().memory();
        ElfLoader.Loaded main = null;
        ElfLoader.Loaded in = null;
        try {
            if (!interpFirst) {
                main = mapMain(state, memory, pieBase);
            }
            if (interp != null) {
                long span = interp.maxVaddr() - interp.minVaddr();
                long base = memory.findFree(interpBase, span);
                if (base < 0) {
                    throw new ImageException(name + ": no room for interpreter " + interpGuest);
                }
                try (ByteSource src = ByteSource.open(interpHost)) {
                    in = ElfLoader.load(interp, src, memory, base - interp.minVaddr());
                }
                state.name(in.start(), in.end(), interpGuest);
            }
            if (interpFirst) {
                main = mapMain(state, memory, pieBase);
            }
        } catch (IOException e) {
            throw new ImageException(name + ": cannot read: " + e.getMessage());
        } catch (MemoryLimitException e) {
            throw new ImageException(name + ": out of memory: " + e.getMessage());
        }
        state.initBrk(main.end());
        return new Mapped(main, in);
    }

    private ElfLoader.Loaded mapMain(PosixProcess state, AddressSpace memory, long pieBase) throws IOException,
            ImageException {
        long bias = elf.type() == ElfFile.ET_DYN ? pieBase - elf.minVaddr() : 0;
        ElfLoader.Loaded main;
        try (ByteSource src = ByteSource.open(host)) {
            main = ElfLoader.load(elf, src, memory, bias);
        }
        state.name(main.start(), main.end(), guest);
        return main;
    }
}
