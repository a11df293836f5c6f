package io.pico.os2.lx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed LX module (32-bit OS/2 EXE or DLL): header, object table, object page map, fixup page and record
 * tables, entry table, resident and non-resident names, imported modules. Parsing checks every table against
 * the file and against sane limits, so a truncated or corrupt file is a {@link FormatException} with one line,
 * never an index exception or a huge allocation.
 */
public final class LxFile {

    /** Largest module file read (bigger files are refused before reading). */
    public static final long MAX_FILE = 256L << 20;
    /** Largest total size of a module's objects. */
    public static final long MAX_OBJECTS_SIZE = 1L << 30;
    static final int MAX_OBJECTS = 4096;
    static final int PAGE = 4096;

    /** Module flag: a library (DLL). */
    public static final int FLAG_LIBRARY = 0x8000;
    /** Module flag: the module has no internal fixups and must load at its objects' base addresses. */
    public static final int FLAG_NO_INTERNAL_FIXUPS = 0x10;
    /** Module flag: the module is not loadable (link errors). */
    public static final int FLAG_NOT_LOADABLE = 0x2000;
    /** Module flag: per-process library initialisation. */
    public static final int FLAG_LIBINIT = 0x4;
    /** Module flag: per-process library termination. */
    public static final int FLAG_LIBTERM = 0x4000_0000;

    /** Object flags. */
    public static final int OBJ_READ = 0x1;
    /** Writable. */
    public static final int OBJ_WRITE = 0x2;
    /** Executable. */
    public static final int OBJ_EXEC = 0x4;
    /** Resource object. */
    public static final int OBJ_RESOURCE = 0x8;
    /** Needs a 16:16 alias (a tiled selector). */
    public static final int OBJ_ALIAS16 = 0x1000;
    /** 32-bit (big/default) object. */
    public static final int OBJ_BIG = 0x2000;

    /** An object (segment) of the module. */
    public record Obj(int number, long virtualSize, long baseAddress, int flags, int firstPage, int pageCount) {
        /** Whether it holds 32-bit code or data. */
        public boolean big() {
            return (flags & OBJ_BIG) != 0;
        }
    }

    /** An entry of the object page map. */
    public record Page(long dataOffset, int dataSize, int flags) {
    }

    /** Target kinds of a fixup. */
    public enum TargetKind { INTERNAL, IMPORT_ORDINAL, IMPORT_NAME, ENTRY }

    /**
     * A fixup record of one page.
     *
     * @param sourceType the source type (0 byte, 2 selector, 3 16:16, 5 16-bit offset, 6 16:32, 7 32-bit offset,
     *     8 32-bit self-relative)
     * @param alias whether the fixup is to a 16:16 alias
     * @param sources the offsets in the page that receive the value (may be negative or cross the page end)
     * @param kind the target's kind
     * @param number object number (internal), module ordinal (imports) or entry ordinal (entry)
     * @param target target offset (internal), import ordinal, or import name
     * @param name the imported name for {@link TargetKind#IMPORT_NAME}
     * @param additive added to the target's address
     */
    public record Fixup(int sourceType, boolean alias, int[] sources, TargetKind kind, int number, long target,
            String name, long additive) {
    }

    /** Entry types. */
    public enum EntryType { ENTRY16, CALLGATE286, ENTRY32, FORWARDER }

    /**
     * An exported entry.
     *
     * @param ordinal the export ordinal
     * @param type its type
     * @param object the object number (not for forwarders)
     * @param offset the offset in the object, or for forwarders the import ordinal or the name's offset
     * @param flags entry flags (bit 0: exported; for forwarders bit 0: by ordinal)
     * @param module for forwarders, the module ordinal in the import module table
     */
    public record Entry(int ordinal, EntryType type, int object, long offset, int flags, int module) {
    }

    private final Bytes file;
    private final int lx;
    private final int moduleFlags;
    private final int eipObject;
    private final long eip;
    private final int espObject;
    private final long esp;
    private final int pageShift;
    private final int autoDataObject;
    private final long heapSize;
    private final long stackSize;
    private final long dataPages;
    private final long iterPages;
    private final List<Obj> objects;
    private final List<Page> pages;
    private final List<String> importModules;
    private final String moduleName;
    private final Map<String, Integer> names;
    private final Map<Integer, Entry> entries;
    private final List<List<Fixup>> fixups;
    private final long importProcTable;

    private LxFile(Bytes file, int lx) throws FormatException {
        this.file = file;
        this.lx = lx;
        if (file.u8(lx + 2, "LX byte order") != 0 || file.u8(lx + 3, "LX word order") != 0) {
            throw new FormatException("not a little-endian LX module");
        }
        long level = file.u32(lx + 4, "LX format level");
        if (level != 0) {
            throw new FormatException("unknown LX format level " + level);
        }
        int cpu = file.u16(lx + 8, "LX cpu type");
        if (cpu < 1 || cpu > 3) {
            throw new FormatException("LX module for an unknown CPU type " + cpu);
        }
        int os = file.u16(lx + 0xa, "LX OS type");
        if (os != 1) {
            throw new FormatException("LX module for OS type " + os + ", not OS/2");
        }
        moduleFlags = (int) file.u32(lx + 0x10, "LX module flags");
        if ((moduleFlags & FLAG_NOT_LOADABLE) != 0) {
            throw new FormatException("module is flagged not loadable (it had link errors)");
        }
        int type = moduleFlags & 0x38000;
        if (type != 0 && type != FLAG_LIBRARY) {
            throw new FormatException(String.format("not a program or DLL (module type 0x%x: a device driver?)", type));
        }
        int numPages = file.u32int(lx + 0x14, "LX page count");
        eipObject = file.u32int(lx + 0x18, "LX entry object");
        eip = file.u32(lx + 0x1c, "LX entry offset");
        espObject = file.u32int(lx + 0x20, "LX stack object");
        esp = file.u32(lx + 0x24, "LX stack offset");
        long pageSize = file.u32(lx + 0x28, "LX page size");
        if (pageSize != PAGE) {
            throw new FormatException("LX page size " + pageSize + " is not 4096");
        }
        pageShift = file.u32int(lx + 0x2c, "LX page offset shift");
        if (pageShift > 15) {
            throw new FormatException("corrupt LX page offset shift " + pageShift);
        }
        long objectTable = file.u32(lx + 0x40, "LX object table offset") + lx;
        int numObjects = file.u32int(lx + 0x44, "LX object count");
        long pageMap = file.u32(lx + 0x48, "LX object page map offset") + lx;
        long iter = file.u32(lx + 0x4c, "LX iterated pages offset");
        long residentNames = file.u32(lx + 0x58, "LX resident name table offset");
        long entryTable = file.u32(lx + 0x5c, "LX entry table offset");
        long fixupPageTable = file.u32(lx + 0x68, "LX fixup page table offset") + lx;
        long fixupRecords = file.u32(lx + 0x6c, "LX fixup record table offset") + lx;
        long importModTable = file.u32(lx + 0x70, "LX import module table offset") + lx;
        int numImports = file.u32int(lx + 0x74, "LX import module count");
        importProcTable = file.u32(lx + 0x78, "LX import procedure table offset") + lx;
        dataPages = file.u32(lx + 0x80, "LX data pages offset");
        iterPages = iter == 0 ? dataPages : iter;
        long nonResident = file.u32(lx + 0x88, "LX non-resident name table offset");
        long nonResidentLength = file.u32(lx + 0x8c, "LX non-resident name table length");
        autoDataObject = file.u32int(lx + 0x94, "LX auto data object");
        heapSize = file.u32(lx + 0xa8, "LX heap size");
        stackSize = file.u32(lx + 0xac, "LX stack size");

        // objects and page map
        if (numObjects <= 0 || numObjects > MAX_OBJECTS) {
            throw new FormatException("corrupt LX object count " + numObjects);
        }
        if ((long) numPages * 8 > file.length()) {
            throw new FormatException("corrupt LX page count " + numPages);
        }
        file.check(pageMap, (long) numPages * 8, "LX object page map");
        List<Page> pageList = new ArrayList<>(numPages);
        for (int i = 0; i < numPages; i++) {
            long p = pageMap + i * 8L;
            pageList.add(new Page(file.u32(p, "page map entry"), file.u16(p + 4, "page map entry"),
                    file.u16(p + 6, "page map entry")));
        }
        pages = Collections.unmodifiableList(pageList);
        file.check(objectTable, numObjects * 24L, "LX object table");
        List<Obj> objs = new ArrayList<>(numObjects);
        long total = 0;
        for (int i = 0; i < numObjects; i++) {
            long o = objectTable + i * 24L;
            long vsize = file.u32(o, "object table");
            long base = file.u32(o + 4, "object table");
            int flags = (int) file.u32(o + 8, "object table");
            int first = file.u32int(o + 12, "object table");
            int count = file.u32int(o + 16, "object table");
            if (count > 0 && (first < 1 || (long) first - 1 + count > numPages)) {
                throw new FormatException(String.format("corrupt LX object %d: pages %d+%d outside the %d-page map",
                        i + 1, first, count, numPages));
            }
            if ((long) count * PAGE > roundPage(vsize) + PAGE) {
                throw new FormatException(String.format("corrupt LX object %d: %d pages for %d bytes", i + 1, count,
                        vsize));
            }
            total += roundPage(Math.max(vsize, (long) count * PAGE));
            if (total > MAX_OBJECTS_SIZE) {
                throw new FormatException("LX objects need more than 1 GiB");
            }
            objs.add(new Obj(i + 1, vsize, base, flags, first, count));
        }
        objects = Collections.unmodifiableList(objs);
        if (eipObject < 0 || eipObject > numObjects) {
            throw new FormatException("corrupt LX entry object " + eipObject);
        }
        if (espObject < 0 || espObject > numObjects) {
            throw new FormatException("corrupt LX stack object " + espObject);
        }
        if (!isLibrary() && (eipObject == 0 || espObject == 0)) {
            throw new FormatException("LX program without " + (eipObject == 0 ? "an entry point" : "a stack object"));
        }

        // imported modules
        if (numImports < 0 || numImports > 4096) {
            throw new FormatException("corrupt LX import module count " + numImports);
        }
        List<String> mods = new ArrayList<>(numImports);
        long p = importModTable;
        for (int i = 0; i < numImports; i++) {
            int len = file.u8(p, "import module table");
            mods.add(file.ascii(p + 1, len, "import module name"));
            p += 1 + len;
        }
        importModules = Collections.unmodifiableList(mods);

        // names
        Map<String, Integer> nameMap = new LinkedHashMap<>();
        String modName = "";
        if (residentNames != 0) {
            modName = readNames(lx + residentNames, Long.MAX_VALUE, nameMap);
        }
        if (nonResident != 0 && nonResidentLength != 0) {
            file.check(nonResident, Math.min(nonResidentLength, file.length()), "non-resident name table");
            readNames(nonResident, nonResident + nonResidentLength, nameMap);
        }
        moduleName = modName;
        names = Collections.unmodifiableMap(nameMap);

        // entries
        entries = entryTable == 0 ? Map.of() : readEntries(lx + entryTable);

        // fixups: one list per page of the module
        file.check(fixupPageTable, (numPages + 1L) * 4, "LX fixup page table");
        List<List<Fixup>> all = new ArrayList<>(numPages);
        for (int i = 0; i < numPages; i++) {
            long from = file.u32(fixupPageTable + i * 4L, "fixup page table");
            long to = file.u32(fixupPageTable + i * 4L + 4, "fixup page table");
            if (to < from) {
                throw new FormatException(String.format("corrupt LX fixup page table at page %d", i + 1));
            }
            all.add(readFixups(fixupRecords + from, fixupRecords + to, i + 1));
        }
        fixups = Collections.unmodifiableList(all);
        for (Fixup f : all.stream().flatMap(List::stream).toList()) {
            if ((f.kind() == TargetKind.IMPORT_NAME || f.kind() == TargetKind.IMPORT_ORDINAL)
                    && (f.number() < 1 || f.number() > numImports)) {
                throw new FormatException("corrupt LX fixup: import module " + f.number() + " of " + numImports);
            }
            if (f.kind() == TargetKind.INTERNAL && (f.number() < 1 || f.number() > numObjects)) {
                throw new FormatException("corrupt LX fixup: object " + f.number() + " of " + numObjects);
            }
        }
    }

    static long roundPage(long size) {
        return (size + PAGE - 1) & -PAGE;
    }

    /**
     * Parses an LX module from the whole file.
     *
     * @throws FormatException when it is not an LX module or is malformed
     */
    public static LxFile parse(byte[] data) throws FormatException {
        Bytes file = new Bytes(data);
        int off = headerOffset(file);
        if (file.u8(off, "header") != 'L' || file.u8(off + 1, "header") != 'X') {
            throw new FormatException("no LX header at offset 0x" + Integer.toHexString(off));
        }
        file.check(off, 0xb0, "LX header");
        return new LxFile(file, off);
    }

    /** The offset of the new-style header named by the MZ header. */
    public static int headerOffset(Bytes file) throws FormatException {
        if (file.length() < 0x40 || file.u8(0, "MZ header") != 'M' || file.u8(1, "MZ header") != 'Z') {
            throw new FormatException(file.length() < 0x40 ? "truncated: shorter than an MZ header" : "no MZ header");
        }
        long off = file.u32(0x3c, "MZ e_lfanew");
        if (off < 0x40 || off > file.length() - 2) {
            throw new FormatException(String.format("corrupt MZ header: new header offset 0x%x is outside the file", off));
        }
        return (int) off;
    }

    private String readNames(long p, long end, Map<String, Integer> into) throws FormatException {
        String first = null;
        for (int n = 0; n < 65536 && p < end; n++) {
            int len = file.u8(p, "name table");
            if (len == 0) {
                break;
            }
            String name = file.ascii(p + 1, len, "name table");
            int ordinal = file.u16(p + 1 + len, "name table ordinal");
            if (first == null) {
                first = name;
            } else if (ordinal != 0) {
                into.putIfAbsent(name, ordinal);
            }
            p += 3 + len;
        }
        return first == null ? "" : first;
    }

    private Map<Integer, Entry> readEntries(long p) throws FormatException {
        Map<Integer, Entry> result = new TreeMap<>();
        int ordinal = 1;
        while (true) {
            int count = file.u8(p, "entry table");
            if (count == 0) {
                break;
            }
            int type = file.u8(p + 1, "entry table") & 0x7f;
            p += 2;
            switch (type) {
                case 0 -> ordinal += count;
                case 1, 2, 3 -> {
                    int object = file.u16(p, "entry table object");
                    p += 2;
                    int size = type == 1 ? 3 : type == 2 ? 5 : 5;
                    for (int i = 0; i < count; i++) {
                        int flags = file.u8(p, "entry");
                        long offset = type == 3 ? file.u32(p + 1, "entry") : file.u16(p + 1, "entry");
                        if (object < 1 || object > objects.size()) {
                            throw new FormatException("corrupt LX entry " + ordinal + ": object " + object);
                        }
                        result.put(ordinal, new Entry(ordinal, type == 1 ? EntryType.ENTRY16
                                : type == 2 ? EntryType.CALLGATE286 : EntryType.ENTRY32, object, offset, flags, 0));
                        ordinal++;
                        p += size;
                    }
                }
                case 4 -> {
                    p += 2;
                    for (int i = 0; i < count; i++) {
                        int flags = file.u8(p, "forwarder entry");
                        int module = file.u16(p + 1, "forwarder entry");
                        long target = file.u32(p + 3, "forwarder entry");
                        result.put(ordinal, new Entry(ordinal, EntryType.FORWARDER, 0, target, flags, module));
                        ordinal++;
                        p += 7;
                    }
                }
                default -> throw new FormatException("corrupt LX entry table: bundle type " + type);
            }
            if (ordinal > 65536) {
                throw new FormatException("corrupt LX entry table: more than 65535 ordinals");
            }
        }
        return Collections.unmodifiableMap(result);
    }

    private List<Fixup> readFixups(long p, long end, int page) throws FormatException {
        if (p == end) {
            return List.of();
        }
        file.check(p, end - p, "fixup records of page " + page);
        List<Fixup> list = new ArrayList<>();
        while (p < end) {
            int src = file.u8(p++, "fixup source type");
            int flags = file.u8(p++, "fixup flags");
            int sourceType = src & 0xf;
            if (sourceType == 1 || sourceType == 4 || sourceType > 8) {
                throw new FormatException(String.format("corrupt LX fixup on page %d: source type %d", page, sourceType));
            }
            int count = 0;
            int single = 0;
            if ((src & 0x20) != 0) {
                count = file.u8(p++, "fixup source count");
            } else {
                single = file.s16(p, "fixup source offset");
                p += 2;
            }
            boolean wide = (flags & 0x40) != 0;
            int number = wide ? file.u16(p, "fixup target") : file.u8(p, "fixup target");
            p += wide ? 2 : 1;
            TargetKind kind;
            long target = 0;
            String name = null;
            switch (flags & 3) {
                case 0 -> {
                    kind = TargetKind.INTERNAL;
                    if (sourceType != 2) {
                        if ((flags & 0x10) != 0) {
                            target = file.u32(p, "fixup target offset");
                            p += 4;
                        } else {
                            target = file.u16(p, "fixup target offset");
                            p += 2;
                        }
                    }
                }
                case 1 -> {
                    kind = TargetKind.IMPORT_ORDINAL;
                    if ((flags & 0x80) != 0) {
                        target = file.u8(p, "fixup import ordinal");
                        p += 1;
                    } else if ((flags & 0x10) != 0) {
                        target = file.u32(p, "fixup import ordinal");
                        p += 4;
                    } else {
                        target = file.u16(p, "fixup import ordinal");
                        p += 2;
                    }
                }
                case 2 -> {
                    kind = TargetKind.IMPORT_NAME;
                    if ((flags & 0x10) != 0) {
                        target = file.u32(p, "fixup import name");
                        p += 4;
                    } else {
                        target = file.u16(p, "fixup import name");
                        p += 2;
                    }
                    name = file.pascal(importProcTable + target, "imported procedure name");
                }
                default -> kind = TargetKind.ENTRY;
            }
            long additive = 0;
            if ((flags & 0x04) != 0) {
                if ((flags & 0x20) != 0) {
                    additive = file.u32(p, "fixup additive");
                    p += 4;
                } else {
                    additive = file.u16(p, "fixup additive");
                    p += 2;
                }
            }
            int[] sources;
            if ((src & 0x20) != 0) {
                sources = new int[count];
                for (int i = 0; i < count; i++) {
                    sources[i] = file.s16(p, "fixup source list");
                    p += 2;
                }
            } else {
                sources = new int[] {single};
            }
            if (p > end) {
                throw new FormatException("truncated or corrupt: fixup record overruns the records of page " + page);
            }
            list.add(new Fixup(sourceType, (src & 0x10) != 0, sources, kind, number, target, name, additive));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * The contents of a page of the module (1-based module page number), 4096 bytes, decompressed; zero for
     * zero-filled and invalid pages.
     */
    public byte[] pageData(int pageNumber) throws FormatException {
        Page page = pages.get(pageNumber - 1);
        byte[] out = new byte[PAGE];
        switch (page.flags()) {
            case 0 -> {
                long at = dataPages + (page.dataOffset() << pageShift);
                int n = Math.min(page.dataSize(), PAGE);
                file.check(at, n, "data of page " + pageNumber);
                System.arraycopy(file.array(), (int) at, out, 0, n);
            }
            case 1 -> {
                long at = iterPages + (page.dataOffset() << pageShift);
                file.check(at, page.dataSize(), "iterated data of page " + pageNumber);
                PageCodecs.iterated(file.array(), (int) at, page.dataSize(), out, pageNumber);
            }
            case 2, 3 -> {
                // invalid or zero-filled: zeros
            }
            case 5 -> {
                long at = dataPages + (page.dataOffset() << pageShift);
                file.check(at, page.dataSize(), "compressed data of page " + pageNumber);
                PageCodecs.exepack2(file.array(), (int) at, page.dataSize(), out, pageNumber);
            }
            default -> throw new FormatException("page " + pageNumber + " has an unsupported page type "
                    + page.flags());
        }
        return out;
    }

    /** The header's offset in the file. */
    public int headerOffset() {
        return lx;
    }

    /** The module flags. */
    public int moduleFlags() {
        return moduleFlags;
    }

    /** Whether this is a DLL. */
    public boolean isLibrary() {
        return (moduleFlags & 0x38000) == FLAG_LIBRARY;
    }

    /** Entry object (1-based, 0 for none) and offset. */
    public int eipObject() {
        return eipObject;
    }

    /** The entry point's offset in its object. */
    public long eip() {
        return eip;
    }

    /** The stack object (1-based, 0 for none). */
    public int espObject() {
        return espObject;
    }

    /** The initial stack pointer's offset in the stack object. */
    public long esp() {
        return esp;
    }

    /** The automatic data object (1-based, 0 for none). */
    public int autoDataObject() {
        return autoDataObject;
    }

    /** The heap size the linker recorded. */
    public long heapSize() {
        return heapSize;
    }

    /** The stack size the linker recorded. */
    public long stackSize() {
        return stackSize;
    }

    /** The objects in order. */
    public List<Obj> objects() {
        return objects;
    }

    /** The object page map. */
    public List<Page> pages() {
        return pages;
    }

    /** The imported module names, in module-ordinal order. */
    public List<String> importModules() {
        return importModules;
    }

    /** The module name from the resident name table (upper case), or empty. */
    public String moduleName() {
        return moduleName.toUpperCase(Locale.ROOT);
    }

    /** Exported names (resident and non-resident) to ordinals. */
    public Map<String, Integer> names() {
        return names;
    }

    /** Exported entries by ordinal. */
    public Map<Integer, Entry> entries() {
        return entries;
    }

    /** The fixups of a page (1-based module page number). */
    public List<Fixup> fixups(int pageNumber) {
        return fixups.get(pageNumber - 1);
    }

    /** A name of the import procedure table (forwarders by name). */
    public String importName(long offset) throws FormatException {
        return file.pascal(importProcTable + offset, "imported procedure name");
    }
}
