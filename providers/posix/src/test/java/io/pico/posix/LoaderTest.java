package io.pico.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pico.api.AddressSpace;
import io.pico.posix.core.FakeMemory;
import io.pico.api.ImageException;
import io.pico.api.PicoProcess;
import io.pico.posix.core.elf.ByteSource;
import io.pico.posix.core.elf.ElfException;
import io.pico.posix.core.elf.ElfFile;
import io.pico.posix.core.elf.StackBuilder;
import io.pico.posix.core.fs.GuestFs;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FreeBSD loader on the real corpus programs and on broken copies of them. */
class LoaderTest {

    private static Path corpus;
    private static byte[] hello;

    @TempDir
    Path dir;

    @BeforeAll
    static void corpus() throws Exception {
        String prop = System.getProperty("pico.corpus", "../../../shared/corpus");
        corpus = Path.of(prop).resolve("freebsd");
        assumeTrue(Files.isDirectory(corpus), "the FreeBSD corpus is not at " + corpus);
        hello = Files.readAllBytes(corpus.resolve("bin/x8664_hello_static"));
    }

    private static ElfFile parse(Path p) throws Exception {
        try (ByteSource src = ByteSource.open(p)) {
            return ElfFile.parse(src, ElfFile.Brand.FREEBSD);
        }
    }

    @Test
    void theCorpusProgramsAreFreeBsdImages() throws Exception {
        ElfFile asm = parse(corpus.resolve("bin/x8664_hello_asm"));
        assertEquals(ElfFile.ET_EXEC, asm.type());
        assertNull(asm.interpreter());
        assertEquals(0x201000, asm.entry());
        assertTrue(asm.notes().isEmpty(), "no .note.tag");

        ElfFile stat = parse(corpus.resolve("bin/x8664_hello_static"));
        assertNull(stat.interpreter());
        assertNotNull(stat.tls(), "PT_TLS");
        ElfFile.Note tag = stat.note("FreeBSD", Loader.NT_FREEBSD_ABI_TAG);
        assertNotNull(tag, ".note.tag");
        assertEquals(1200086, tag.descInt());

        ElfFile dyn = parse(corpus.resolve("bin/x8664_hello"));
        assertEquals("/libexec/ld-elf.so.1", dyn.interpreter());
        assertEquals(1200086, dyn.note("FreeBSD", Loader.NT_FREEBSD_ABI_TAG).descInt());

        ElfFile rtld = parse(corpus.resolve("libexec/ld-elf.so.1"));
        assertEquals(ElfFile.ET_DYN, rtld.type());
        assertEquals(ElfFile.ET_DYN, parse(corpus.resolve("lib/libc.so.7")).type());
    }

    @Test
    void theProviderClaimsFreeBsdImagesOnly() throws Exception {
        assertTrue(Loader.claimsHeader(Arrays.copyOf(hello, 64)));
        byte[] linux = Arrays.copyOf(hello, 64);
        linux[7] = 3;
        assertFalse(Loader.claimsHeader(linux));
        assertFalse(Loader.claimsHeader(new byte[] {0x7f, 'E', 'L', 'F'}));
        assertFalse(Loader.claimsHeader("#!/bin/sh\n".getBytes()));
    }

    /** The one-line message of parsing a mutated copy of the static hello. */
    private static String error(Consumer<ByteBuffer> mutation) {
        byte[] copy = hello.clone();
        mutation.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        ElfException e = assertThrows(ElfException.class, () -> ElfFile.parse(ByteSource.of(copy),
                ElfFile.Brand.FREEBSD));
        assertFalse(e.getMessage().contains("\n"), e::getMessage);
        return e.getMessage();
    }

    private static int ph(int i, int field) {
        return 64 + i * ElfFile.PHENT_SIZE + field;
    }

    @Test
    void brokenCopiesFailWithOneLineNamingTheProblem() {
        assertEquals("ELF OS/ABI 3 (Linux) is not FreeBSD", error(b -> b.put(7, (byte) 3)));
        assertEquals("32-bit ELF (ELFCLASS32) is not supported, only ELF64", error(b -> b.put(4, (byte) 1)));
        assertTrue(error(b -> b.putShort(18, (short) 183)).contains("is not x86-64"));
        assertTrue(error(b -> b.putShort(54, (short) 32)).contains("program header size"));
        assertTrue(error(b -> b.putLong(ph(0, 8), 1L << 40)).contains("beyond the end of the file"));
        assertTrue(error(b -> b.putLong(24, 0x10)).contains("entry point"));
        assertTrue(error(b -> b.putLong(ph(1, 16), 0x400410)).contains("overlap"));
        ElfException truncated = assertThrows(ElfException.class,
                () -> ElfFile.parse(ByteSource.of(Arrays.copyOf(hello, 40)), ElfFile.Brand.FREEBSD));
        assertTrue(truncated.getMessage().startsWith("truncated ELF header"), truncated::getMessage);
    }

    @Test
    void aBrokenImageIsAnImageExceptionWithStatus126NamingTheProgram() throws Exception {
        Path bad = dir.resolve("bad");
        byte[] copy = hello.clone();
        copy[5] = 2; // big-endian
        Files.write(bad, copy);
        GuestFs fs = new GuestFs(dir, DevFd.INSTANCE);
        ImageException e = assertThrows(ImageException.class, () -> Loader.prepare(fs, "/", "/bad", "/bad", bad));
        assertEquals(ImageException.NOT_EXECUTABLE, e.status());
        assertEquals("/bad: big-endian ELF is not supported", e.getMessage());
    }

    @Test
    void aMissingInterpreterIsStatus127() throws Exception {
        Path exe = dir.resolve("hello");
        Files.copy(corpus.resolve("bin/x8664_hello"), exe);
        GuestFs fs = new GuestFs(dir, DevFd.INSTANCE);
        ImageException e = assertThrows(ImageException.class, () -> Loader.prepare(fs, "/", "/hello", "/hello", exe));
        assertEquals(ImageException.NOT_FOUND, e.status());
        assertTrue(e.getMessage().contains("/libexec/ld-elf.so.1"), e::getMessage);
    }

    /** A process with just a pid and memory, enough for the loader. */
    private static PicoProcess process(AddressSpace memory) {
        return (PicoProcess) Proxy.newProxyInstance(LoaderTest.class.getClassLoader(), new Class<?>[] {PicoProcess.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "pid" -> 42;
                    case "memory" -> memory;
                    case "hashCode" -> 42;
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    @Test
    void aDynamicProgramIsLoadedWithItsInterpreterAndFreeBsdsAuxiliaryVector() throws Exception {
        Path root = dir.resolve("root");
        for (String f : new String[] {"libexec/ld-elf.so.1", "lib/libc.so.7", "bin/x8664_hello"}) {
            Files.createDirectories(root.resolve(f).getParent());
            Files.copy(corpus.resolve(f), root.resolve(f));
        }
        GuestFs fs = new GuestFs(root, DevFd.INSTANCE);
        io.pico.posix.core.ElfProgram p = Loader.prepare(fs, "/", "/bin/x8664_hello", "/bin/x8664_hello",
                root.resolve("bin/x8664_hello"));
        assertEquals("/libexec/ld-elf.so.1", p.interpGuest());
        FakeMemory mem = new FakeMemory();
        FreeBsdProcess state = new FreeBsdProcess(process(mem), fs, "/bin/x8664_hello", "/",
                List.of("x8664_hello", "a"), List.of("HOME=/"));
        Loader.Start start = Loader.load(p, state, List.of("x8664_hello", "a"), List.of("HOME=/"));

        assertEquals(0, start.stack() % 16);
        assertEquals(start.stack() - 8, start.sp(), "rsp is 8 below argc's 16-byte boundary");
        assertEquals(2, mem.getLong(start.stack()));
        long at = start.stack() + 8 * 6; // argc, 2 argv, NULL, 1 envp, NULL
        Map<Long, Long> aux = new HashMap<>();
        for (long type; (type = mem.getLong(at)) != 0; at += 16) {
            aux.put(type, mem.getLong(at + 8));
        }
        assertEquals((long) Loader.OSRELDATE, aux.get((long) Loader.AT_OSRELDATE));
        assertEquals(4096L, aux.get((long) StackBuilder.AT_PAGESZ));
        assertEquals(0x400460L, aux.get((long) StackBuilder.AT_ENTRY));
        assertEquals(0x400040L, aux.get((long) StackBuilder.AT_PHDR));
        assertEquals(8L, aux.get((long) StackBuilder.AT_PHNUM));
        assertEquals("/bin/x8664_hello", mem.getString(aux.get((long) Loader.AT_EXECPATH), 100));
        assertEquals(64L, aux.get((long) Loader.AT_CANARYLEN));
        assertEquals(24L, aux.get((long) Loader.AT_PAGESIZESLEN));
        assertEquals(4096L, mem.getLong(aux.get((long) Loader.AT_PAGESIZES)));
        assertEquals((long) Runtime.getRuntime().availableProcessors(), aux.get((long) Loader.AT_NCPUS));
        assertEquals(3L, aux.get((long) Loader.AT_STACKPROT));
        long timekeep = aux.get((long) Loader.AT_TIMEKEEP);
        assertEquals(1, mem.getInt(timekeep), "tk_ver");
        assertEquals(0, mem.getInt(timekeep + 4), "tk_enabled: libc falls back to system calls");
        long base = aux.get((long) StackBuilder.AT_BASE);
        assertEquals(base + 0x8000, start.pc(), "the interpreter's entry");
        assertTrue(mem.isMapped(0x400000, 0x1000) && mem.isMapped(base, 0x1000));
        assertEquals(0x7f, mem.getByte(0x400000) & 0xff);
        assertEquals(AddressSpace.READ | AddressSpace.EXEC, mem.protection(FreeBsdAbi.SHARED_PAGE));
    }
}
