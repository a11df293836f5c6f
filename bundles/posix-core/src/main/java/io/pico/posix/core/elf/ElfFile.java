package io.pico.posix.core.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated ELF64 x86-64 image header with its program headers. {@link #parse} checks everything the
 * loader relies on before a byte of guest memory is allocated; each problem is reported as an
 * {@link ElfException} with a one-line message.
 */
public final class ElfFile {

    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int PT_LOAD = 1;
    public static final int PT_INTERP = 3;
    public static final int PT_PHDR = 6;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_STACK = 0x6474e551;
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;
    public static final int EM_X86_64 = 62;
    public static final int OSABI_SYSV = 0;
    public static final int OSABI_LINUX = 3;
    public static final int OSABI_FREEBSD = 9;
    public static final int PT_NOTE = 4;
    public static final int PHENT_SIZE = 56;
    /** Linux's limit on program headers: 64 KiB of them. */
    public static final int MAX_PHNUM = 65536 / PHENT_SIZE;
    /** The most address space the segments of one image may span. */
    public static final long MAX_SPAN = 4L << 30;
    /** The end of the x86-64 user address space. */
    public static final long USER_TOP = 0x7fff_ffff_f000L;
    static final long PAGE = 4096;

    /**
     * Which images a personality runs: the OS/ABI bytes it accepts and its name for messages.
     *
     * @param name the system's name, e.g. {@code Linux}
     * @param osabis the accepted values of the OS/ABI byte
     */
    public record Brand(String name, java.util.Set<Integer> osabis) {
        /** SysV or Linux images. */
        public static final Brand LINUX = new Brand("Linux", java.util.Set.of(OSABI_SYSV, OSABI_LINUX));
        /** FreeBSD images. */
        public static final Brand FREEBSD = new Brand("FreeBSD", java.util.Set.of(OSABI_FREEBSD));
    }

    /**
     * An ELF note of a PT_NOTE segment.
     *
     * @param name the owner, e.g. {@code FreeBSD}
     * @param type the note type
     * @param desc the descriptor bytes
     */
    public record Note(String name, int type, byte[] desc) {
        /** The descriptor as a little-endian 32-bit value (0 when shorter). */
        public int descInt() {
            return desc.length < 4 ? 0 : ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        }
    }

    /** One program header. */
    public record Segment(int index, int type, int flags, long offset, long vaddr, long filesz, long memsz,
            long align) {
        /** The end of its memory image. */
        public long end() {
            return vaddr + memsz;
        }
    }

    private final int type;
    private final int osabi;
    private final long entry;
    private final long phoff;
    private final List<Segment> segments;
    private final String interpreter;
    private final Segment tls;
    private final boolean executableStack;
    private final long minVaddr;
    private final long maxVaddr;
    private final List<Note> notes;

    private ElfFile(int type, int osabi, long entry, long phoff, List<Segment> segments, String interpreter,
            Segment tls, boolean executableStack, long minVaddr, long maxVaddr, List<Note> notes) {
        this.notes = notes;
        this.type = type;
        this.osabi = osabi;
        this.entry = entry;
        this.phoff = phoff;
        this.segments = segments;
        this.interpreter = interpreter;
        this.tls = tls;
        this.executableStack = executableStack;
        this.minVaddr = minVaddr;
        this.maxVaddr = maxVaddr;
    }

    /** Whether the first bytes are an ELF64 little-endian x86-64 image for SysV or Linux. */
    public static boolean claims(byte[] h) {
        return claims(h, Brand.LINUX);
    }

    /** Whether the first bytes are an ELF64 little-endian x86-64 image of the brand. */
    public static boolean claims(byte[] h, Brand brand) {
        return h.length >= 20 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F' && h[4] == 2 && h[5] == 1
                && brand.osabis().contains(h[7] & 0xff) && (h[18] & 0xff | (h[19] & 0xff) << 8) == EM_X86_64;
    }

    /** Parses and validates a SysV or Linux image. */
    public static ElfFile parse(ByteSource src) throws ElfException, IOException {
        return parse(src, Brand.LINUX);
    }

    /** Parses and validates an image of the brand; each problem is an {@link ElfException} with one line. */
    public static ElfFile parse(ByteSource src, Brand brand) throws ElfException, IOException {
        long size = src.size();
        if (size < 4) {
            throw new ElfException(size == 0 ? "empty file" : "not an ELF file (too short)");
        }
        byte[] magic = new byte[4];
        src.read(0, magic, 0, 4);
        if (magic[0] != 0x7f || magic[1] != 'E' || magic[2] != 'L' || magic[3] != 'F') {
            throw new ElfException("not an ELF file");
        }
        if (size < 64) {
            throw new ElfException("truncated ELF header (" + size + " of 64 bytes)");
        }
        byte[] hb = new byte[64];
        src.read(0, hb, 0, 64);
        ByteBuffer h = ByteBuffer.wrap(hb).order(ByteOrder.LITTLE_ENDIAN);
        int cls = hb[4];
        if (cls == 1) {
            throw new ElfException("32-bit ELF (ELFCLASS32) is not supported, only ELF64");
        } else if (cls != 2) {
            throw new ElfException("invalid ELF class " + cls);
        }
        if (hb[5] == 2) {
            throw new ElfException("big-endian ELF is not supported");
        } else if (hb[5] != 1) {
            throw new ElfException("invalid ELF data encoding " + hb[5]);
        }
        if (hb[6] != 1) {
            throw new ElfException("invalid ELF version " + hb[6]);
        }
        int osabi = hb[7] & 0xff;
        if (!brand.osabis().contains(osabi)) {
            throw new ElfException("ELF OS/ABI " + osabi + " (" + osabiName(osabi) + ") is not " + brand.name());
        }
        int type = h.getShort(16) & 0xffff;
        int machine = h.getShort(18) & 0xffff;
        if (machine != EM_X86_64) {
            throw new ElfException("ELF machine " + machine + " (" + machineName(machine) + ") is not x86-64");
        }
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ElfException("ELF type " + type + " (" + typeName(type) + ") is not an executable");
        }
        long entry = h.getLong(24);
        long phoff = h.getLong(32);
        int phentsize = h.getShort(54) & 0xffff;
        int phnum = h.getShort(56) & 0xffff;
        if (phnum == 0) {
            throw new ElfException("no ELF program headers");
        }
        if (phentsize != PHENT_SIZE) {
            throw new ElfException("bad ELF program header size " + phentsize + " (expected " + PHENT_SIZE + ")");
        }
        if (phnum > MAX_PHNUM) {
            throw new ElfException("too many ELF program headers (" + phnum + ", at most " + MAX_PHNUM + ")");
        }
        long tableSize = (long) phnum * PHENT_SIZE;
        if (phoff < 0 || phoff > size || tableSize > size - phoff) {
            throw new ElfException("truncated ELF program header table");
        }
        byte[] pb = new byte[(int) tableSize];
        src.read(phoff, pb, 0, pb.length);
        ByteBuffer p = ByteBuffer.wrap(pb).order(ByteOrder.LITTLE_ENDIAN);
        List<Segment> segments = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int o = i * PHENT_SIZE;
            segments.add(new Segment(i, p.getInt(o), p.getInt(o + 4), p.getLong(o + 8), p.getLong(o + 16),
                    p.getLong(o + 32), p.getLong(o + 40), p.getLong(o + 48)));
        }
        return validate(src, size, type, osabi, entry, phoff, segments);
    }

    private static ElfFile validate(ByteSource src, long size, int type, int osabi, long entry, long phoff,
            List<Segment> segments) throws ElfException, IOException {
        List<Segment> loads = new ArrayList<>();
        String interpreter = null;
        Segment tls = null;
        boolean execStack = true; // x86-64 without PT_GNU_STACK: executable stack
        List<Note> notes = new ArrayList<>();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (Segment s : segments) {
            String what = "segment " + s.index();
            switch (s.type()) {
                case PT_LOAD -> {
                    if (s.memsz() == 0) {
                        continue;
                    }
                    checkFileRange(s, size, what);
                    if (Long.compareUnsigned(s.filesz(), s.memsz()) > 0) {
                        throw new ElfException(String.format("%s: file size 0x%x larger than memory size 0x%x", what,
                                s.filesz(), s.memsz()));
                    }
                    if (s.vaddr() < 0 || s.memsz() < 0 || s.vaddr() > USER_TOP || s.memsz() > USER_TOP - s.vaddr()) {
                        throw new ElfException(String.format(
                                "%s: address range 0x%x+0x%x is outside the user address space", what, s.vaddr(),
                                s.memsz()));
                    }
                    if (((s.vaddr() - s.offset()) & (PAGE - 1)) != 0) {
                        throw new ElfException(String.format(
                                "%s: address 0x%x and file offset 0x%x differ modulo the page size", what, s.vaddr(),
                                s.offset()));
                    }
                    for (Segment other : loads) {
                        if (s.vaddr() < other.end() && other.vaddr() < s.end()) {
                            throw new ElfException("segments " + other.index() + " and " + s.index() + " overlap");
                        }
                    }
                    loads.add(s);
                    min = Math.min(min, s.vaddr() & -PAGE);
                    max = Math.max(max, (s.end() + PAGE - 1) & -PAGE);
                    if (max - min > MAX_SPAN) {
                        throw new ElfException(String.format(
                                "loadable segments span 0x%x bytes, more than the 4 GiB limit", max - min));
                    }
                }
                case PT_INTERP -> {
                    if (interpreter != null) {
                        continue;
                    }
                    checkFileRange(s, size, what + " (PT_INTERP)");
                    if (s.filesz() < 2 || s.filesz() > 4096) {
                        throw new ElfException("bad PT_INTERP size " + s.filesz());
                    }
                    byte[] name = new byte[(int) s.filesz()];
                    src.read(s.offset(), name, 0, name.length);
                    if (name[name.length - 1] != 0) {
                        throw new ElfException("PT_INTERP is not NUL-terminated");
                    }
                    interpreter = new String(name, 0, name.length - 1, StandardCharsets.UTF_8);
                    if (interpreter.indexOf('\0') >= 0 || interpreter.isEmpty()) {
                        throw new ElfException("bad PT_INTERP name");
                    }
                }
                case PT_TLS -> {
                    if (Long.compareUnsigned(s.filesz(), s.memsz()) > 0 || s.memsz() < 0 || s.memsz() > MAX_SPAN
                            || (s.align() != 0 && Long.bitCount(s.align()) != 1)) {
                        throw new ElfException(what + ": bad PT_TLS segment");
                    }
                    tls = s;
                }
                case PT_GNU_STACK -> execStack = (s.flags() & PF_X) != 0;
                case PT_NOTE -> {
                    checkFileRange(s, size, what + " (PT_NOTE)");
                    if (s.filesz() <= 65536) {
                        byte[] nb = new byte[(int) s.filesz()];
                        src.read(s.offset(), nb, 0, nb.length);
                        readNotes(nb, what, notes);
                    }
                }
                default -> {
                    // notes, relro, properties, eh_frame: nothing to load
                }
            }
        }
        if (loads.isEmpty()) {
            throw new ElfException("no loadable segments");
        }
        if (tls != null && !inside(loads, tls.vaddr(), tls.filesz())) {
            throw new ElfException(String.format("PT_TLS image at 0x%x is outside the loadable segments", tls.vaddr()));
        }
        if (!inside(loads, entry, 1)) {
            throw new ElfException(String.format("entry point 0x%x is outside the loadable segments", entry));
        }
        return new ElfFile(type, osabi, entry, phoff, List.copyOf(segments), interpreter, tls, execStack, min, max,
                List.copyOf(notes));
    }

    /** Reads the notes of a PT_NOTE segment: namesz, descsz, type, name and desc padded to 4 bytes. */
    private static void readNotes(byte[] nb, String what, List<Note> notes) throws ElfException {
        ByteBuffer b = ByteBuffer.wrap(nb).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at + 12 <= nb.length) {
            long namesz = b.getInt(at) & 0xffff_ffffL;
            long descsz = b.getInt(at + 4) & 0xffff_ffffL;
            int type = b.getInt(at + 8);
            long nameEnd = at + 12L + namesz;
            long descStart = at + 12L + ((namesz + 3) & ~3L);
            long descEnd = descStart + descsz;
            if (nameEnd > nb.length || descEnd > nb.length) {
                throw new ElfException(what + ": truncated note");
            }
            int len = (int) namesz;
            while (len > 0 && nb[at + 12 + len - 1] == 0) {
                len--;
            }
            String name = new String(nb, at + 12, len, StandardCharsets.UTF_8);
            notes.add(new Note(name, type, java.util.Arrays.copyOfRange(nb, (int) descStart, (int) descEnd)));
            at = (int) (descStart + ((descsz + 3) & ~3L));
        }
    }

    private static boolean inside(List<Segment> loads, long address, long length) {
        for (Segment s : loads) {
            if (address >= s.vaddr() && address - s.vaddr() <= s.memsz() - Math.max(length, 0)) {
                return true;
            }
        }
        return false;
    }

    private static void checkFileRange(Segment s, long size, String what) throws ElfException {
        if (s.offset() < 0 || s.filesz() < 0 || s.offset() > size || s.filesz() > size - s.offset()) {
            throw new ElfException(String.format("%s: file data at 0x%x+0x%x lies beyond the end of the file (0x%x)",
                    what, s.offset(), s.filesz(), size));
        }
    }

    static String osabiName(int osabi) {
        return switch (osabi) {
            case 0 -> "SysV";
            case 1 -> "HP-UX";
            case 2 -> "NetBSD";
            case 3 -> "Linux";
            case 6 -> "Solaris";
            case 9 -> "FreeBSD";
            case 12 -> "OpenBSD";
            case 97 -> "ARM";
            case 255 -> "standalone";
            default -> "unknown";
        };
    }

    static String machineName(int machine) {
        return switch (machine) {
            case 0 -> "none";
            case 2 -> "SPARC";
            case 3 -> "i386";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC64";
            case 22 -> "S390";
            case 40 -> "ARM";
            case 50 -> "IA-64";
            case 62 -> "x86-64";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            case 258 -> "LoongArch";
            default -> "unknown";
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case 0 -> "none";
            case 1 -> "relocatable";
            case 2 -> "executable";
            case 3 -> "shared object";
            case 4 -> "core";
            default -> "unknown";
        };
    }

    /** ET_EXEC or ET_DYN. */
    public int type() {
        return type;
    }

    /** The OS/ABI byte. */
    public int osabi() {
        return osabi;
    }

    /** The entry point, before relocation. */
    public long entry() {
        return entry;
    }

    /** The file offset of the program header table. */
    public long phoff() {
        return phoff;
    }

    /** The number of program headers. */
    public int phnum() {
        return segments.size();
    }

    /** All program headers in file order. */
    public List<Segment> segments() {
        return segments;
    }

    /** The loadable segments with memory, in file order. */
    public List<Segment> loads() {
        return segments.stream().filter(s -> s.type() == PT_LOAD && s.memsz() != 0).toList();
    }

    /** The program interpreter (PT_INTERP), or null for a static image. */
    public String interpreter() {
        return interpreter;
    }

    /** The notes of the PT_NOTE segments, in file order. */
    public List<Note> notes() {
        return notes;
    }

    /** The first note with the given owner and type, or null. */
    public Note note(String name, int type) {
        for (Note n : notes) {
            if (n.name().equals(name) && n.type() == type) {
                return n;
            }
        }
        return null;
    }

    /** The TLS template segment, or null. */
    public Segment tls() {
        return tls;
    }

    /** Whether the stack is to be executable (PT_GNU_STACK with PF_X, or no PT_GNU_STACK). */
    public boolean executableStack() {
        return executableStack;
    }

    /** The lowest page address of the loadable segments, before relocation. */
    public long minVaddr() {
        return minVaddr;
    }

    /** The end of the last page of the loadable segments, before relocation. */
    public long maxVaddr() {
        return maxVaddr;
    }

    /** The address of the program headers in memory before relocation, or -1 if none is loaded. */
    public long phdrVaddr() {
        for (Segment s : segments) {
            if (s.type() == PT_PHDR) {
                return s.vaddr();
            }
        }
        for (Segment s : loads()) {
            if (phoff >= s.offset() && phoff - s.offset() + (long) phnum() * PHENT_SIZE <= s.filesz()) {
                return s.vaddr() + (phoff - s.offset());
            }
        }
        return -1;
    }
}
