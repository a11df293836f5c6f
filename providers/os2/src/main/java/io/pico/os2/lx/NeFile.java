package io.pico.os2.lx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed NE module (16-bit OS/2 1.x program or DLL): header, segment table with each segment's data and
 * relocations, entry table, names and imported modules. Checked against the file like {@link LxFile}.
 */
public final class NeFile {

    /** Segment flag: data (else code). */
    public static final int SEG_DATA = 0x1;
    /** Segment flag: has relocations. */
    public static final int SEG_RELOCS = 0x100;
    /** Module flag: library. */
    public static final int FLAG_LIBRARY = 0x8000;

    /** A segment: its data in the file (offset 0: none), sizes in bytes (0 means 64 KiB) and flags. */
    public record Segment(int number, long fileOffset, int length, int flags, int minAlloc, List<Reloc> relocs) {
        /** Whether it holds code. */
        public boolean code() {
            return (flags & SEG_DATA) == 0;
        }

        /** Bytes of data in the file. */
        public int dataLength() {
            return fileOffset == 0 ? 0 : length == 0 ? 0x10000 : length;
        }

        /** Bytes the segment takes in memory. */
        public int memoryLength() {
            int min = minAlloc == 0 ? 0x10000 : minAlloc;
            return Math.max(min, dataLength());
        }
    }

    /** Target kinds of a relocation. */
    public enum Kind { INTERNAL, IMPORT_ORDINAL, IMPORT_NAME, OS_FIXUP }

    /**
     * A relocation.
     *
     * @param sourceType 0 low byte, 2 selector, 3 16:16, 5 offset, 11 16:32, 13 32-bit offset
     * @param additive whether the target is added to the source (else the source is a chain of offsets)
     * @param offset the (first) source offset in the segment
     * @param kind the target kind
     * @param a segment number (internal; 0xFF: movable entry), module number (imports)
     * @param b offset (internal), entry ordinal (movable), import ordinal, or imported name offset
     * @param name the imported name for {@link Kind#IMPORT_NAME}
     */
    public record Reloc(int sourceType, boolean additive, int offset, Kind kind, int a, int b, String name) {
    }

    /** An exported entry: segment number and offset. */
    public record Entry(int ordinal, int segment, int offset) {
    }

    private final int ne;
    private final int flags;
    private final int autoData;
    private final int heap;
    private final int stack;
    private final int ip;
    private final int cs;
    private final int sp;
    private final int ss;
    private final List<Segment> segments;
    private final List<String> modules;
    private final Map<Integer, Entry> entries;
    private final Map<String, Integer> names;
    private final String moduleName;

    private NeFile(Bytes f, int ne) throws FormatException {
        this.ne = ne;
        f.check(ne, 0x40, "NE header");
        int entryTable = f.u16(ne + 0x04, "NE entry table offset") + ne;
        int entryLength = f.u16(ne + 0x06, "NE entry table length");
        flags = f.u16(ne + 0x0c, "NE flags");
        if ((flags & 0x2000) != 0) {
            throw new FormatException("module is flagged not loadable (it had link errors)");
        }
        autoData = f.u16(ne + 0x0e, "NE auto data segment");
        heap = f.u16(ne + 0x10, "NE heap size");
        stack = f.u16(ne + 0x12, "NE stack size");
        ip = f.u16(ne + 0x14, "NE entry IP");
        cs = f.u16(ne + 0x16, "NE entry CS");
        sp = f.u16(ne + 0x18, "NE entry SP");
        ss = f.u16(ne + 0x1a, "NE entry SS");
        int nseg = f.u16(ne + 0x1c, "NE segment count");
        int nmod = f.u16(ne + 0x1e, "NE module count");
        int segTable = f.u16(ne + 0x22, "NE segment table offset") + ne;
        int resident = f.u16(ne + 0x26, "NE resident names offset") + ne;
        int modRef = f.u16(ne + 0x28, "NE module reference table offset") + ne;
        int imported = f.u16(ne + 0x2a, "NE imported names offset") + ne;
        long nonResident = f.u32(ne + 0x2c, "NE non-resident names offset");
        int nonResidentLength = f.u16(ne + 0x20, "NE non-resident names length");
        int shift = f.u16(ne + 0x32, "NE alignment shift");
        if (shift > 15) {
            throw new FormatException("corrupt NE alignment shift " + shift);
        }
        if (nseg == 0 || nseg > 254) {
            throw new FormatException("corrupt NE segment count " + nseg);
        }
        f.check(segTable, nseg * 8L, "NE segment table");
        List<String> mods = new ArrayList<>();
        f.check(modRef, nmod * 2L, "NE module reference table");
        for (int i = 0; i < nmod; i++) {
            mods.add(f.pascal(imported + f.u16(modRef + 2 * i, "module reference"), "imported module name"));
        }
        modules = Collections.unmodifiableList(mods);
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < nseg; i++) {
            int e = segTable + 8 * i;
            long off = (long) f.u16(e, "segment table") << shift;
            int len = f.u16(e + 2, "segment table");
            int sflags = f.u16(e + 4, "segment table");
            int min = f.u16(e + 6, "segment table");
            int dataLen = off == 0 ? 0 : len == 0 ? 0x10000 : len;
            if (off != 0) {
                f.check(off, dataLen, "data of segment " + (i + 1));
            }
            List<Reloc> relocs = new ArrayList<>();
            if (off != 0 && (sflags & SEG_RELOCS) != 0) {
                long r = off + dataLen;
                int count = f.u16(r, "relocation count of segment " + (i + 1));
                f.check(r + 2, count * 8L, "relocations of segment " + (i + 1));
                for (int k = 0; k < count; k++) {
                    long at = r + 2 + 8L * k;
                    int st = f.u8(at, "relocation");
                    int fl = f.u8(at + 1, "relocation");
                    int so = f.u16(at + 2, "relocation");
                    int ta = f.u16(at + 4, "relocation");
                    int tb = f.u16(at + 6, "relocation");
                    Kind kind = switch (fl & 3) {
                        case 0 -> Kind.INTERNAL;
                        case 1 -> Kind.IMPORT_ORDINAL;
                        case 2 -> Kind.IMPORT_NAME;
                        default -> Kind.OS_FIXUP;
                    };
                    String name = null;
                    if (kind == Kind.INTERNAL) {
                        ta &= 0xff;
                    } else if (kind != Kind.OS_FIXUP && (ta < 1 || ta > nmod)) {
                        throw new FormatException("corrupt NE relocation: module " + ta + " of " + nmod);
                    }
                    if (kind == Kind.IMPORT_NAME) {
                        name = f.pascal(imported + tb, "imported procedure name");
                    }
                    relocs.add(new Reloc(st & 0xf, (fl & 4) != 0, so, kind, ta, tb, name));
                }
            }
            segs.add(new Segment(i + 1, off, len, sflags, min, Collections.unmodifiableList(relocs)));
        }
        segments = Collections.unmodifiableList(segs);
        if (!library()) {
            if (cs < 1 || cs > nseg || ss < 1 || ss > nseg) {
                throw new FormatException("corrupt NE header: entry CS " + cs + " or SS " + ss + " is no segment");
            }
        }
        if (autoData > nseg) {
            throw new FormatException("corrupt NE header: auto data segment " + autoData);
        }
        // entries
        Map<Integer, Entry> ents = new TreeMap<>();
        int p = entryTable;
        int end = entryTable + entryLength;
        int ordinal = 1;
        while (entryLength > 0 && p < end) {
            int count = f.u8(p, "entry table");
            if (count == 0) {
                break;
            }
            int type = f.u8(p + 1, "entry table");
            p += 2;
            if (type == 0) {
                ordinal += count;
                continue;
            }
            for (int i = 0; i < count; i++) {
                if (type == 0xff) {
                    int seg = f.u8(p + 3, "movable entry");
                    int off = f.u16(p + 4, "movable entry");
                    ents.put(ordinal, new Entry(ordinal, seg, off));
                    p += 6;
                } else {
                    ents.put(ordinal, new Entry(ordinal, type, f.u16(p + 1, "fixed entry")));
                    p += 3;
                }
                ordinal++;
            }
        }
        entries = Collections.unmodifiableMap(ents);
        Map<String, Integer> nameMap = new LinkedHashMap<>();
        String first = readNames(f, resident, Integer.MAX_VALUE, nameMap);
        if (nonResident != 0 && nonResidentLength != 0) {
            readNames(f, nonResident, nonResident + nonResidentLength, nameMap);
        }
        moduleName = first.toUpperCase(Locale.ROOT);
        names = Collections.unmodifiableMap(nameMap);
    }

    private static String readNames(Bytes f, long p, long end, Map<String, Integer> into) throws FormatException {
        String first = null;
        for (int n = 0; n < 65536 && p < end; n++) {
            int len = f.u8(p, "name table");
            if (len == 0) {
                break;
            }
            String name = f.ascii(p + 1, len, "name table");
            int ordinal = f.u16(p + 1 + len, "name table");
            if (first == null) {
                first = name;
            } else if (ordinal != 0) {
                into.putIfAbsent(name.toUpperCase(Locale.ROOT), ordinal);
            }
            p += 3 + len;
        }
        return first == null ? "" : first;
    }

    /** Parses an NE module from the whole file. */
    public static NeFile parse(byte[] data) throws FormatException {
        Bytes f = new Bytes(data);
        int off = LxFile.headerOffset(f);
        if (f.u8(off, "header") != 'N' || f.u8(off + 1, "header") != 'E') {
            throw new FormatException("no NE header at offset 0x" + Integer.toHexString(off));
        }
        int os = f.u8(off + 0x36, "NE target OS");
        if (os != 1 && os != 0) {
            throw new FormatException("NE module for target OS " + os + " (not OS/2)");
        }
        return new NeFile(f, off);
    }

    public boolean library() {
        return (flags & FLAG_LIBRARY) != 0;
    }

    public int flags() {
        return flags;
    }

    public int autoData() {
        return autoData;
    }

    public int heap() {
        return heap;
    }

    public int stack() {
        return stack;
    }

    public int ip() {
        return ip;
    }

    public int cs() {
        return cs;
    }

    public int sp() {
        return sp;
    }

    public int ss() {
        return ss;
    }

    public List<Segment> segments() {
        return segments;
    }

    public List<String> modules() {
        return modules;
    }

    public Map<Integer, Entry> entries() {
        return entries;
    }

    public Map<String, Integer> names() {
        return names;
    }

    public String moduleName() {
        return moduleName;
    }

    public int headerOffset() {
        return ne;
    }
}
