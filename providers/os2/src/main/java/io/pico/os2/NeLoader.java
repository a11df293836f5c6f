package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.os2.lx.FormatException;
import io.pico.os2.lx.NeFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads 16-bit NE modules (OS/2 1.x programs): every segment gets a 64 KiB tile of its own, so its tiled LDT
 * selector is its selector; relocations (chained or additive; internal, by ordinal, by name) are applied, and
 * imports of system DLLs become 16-bit trap stubs. The first thread starts as OS/2 1.x starts a program: DS the
 * automatic data segment, AX the environment's selector, BX the command line's offset in it, CX the size of
 * the automatic data segment.
 */
final class NeLoader {

    /** Where the program start code goes in the 16-bit stub segment. */
    static final int BOOT_OFFSET = 0xff00;

    private NeLoader() {
    }

    static Module load(Os2Process p, Loader loader, Path host, String full, byte[] data, boolean program, int depth)
            throws Loader.LoadException {
        String shortName = full.substring(full.lastIndexOf('\\') + 1);
        NeFile ne;
        try {
            ne = NeFile.parse(data);
        } catch (FormatException e) {
            throw new Loader.LoadException(shortName + ": " + e.getMessage(), Err.BAD_EXE_FORMAT);
        }
        if (program && ne.library()) {
            throw new Loader.LoadException(shortName + ": is a DLL, not a program", Err.BAD_EXE_FORMAT);
        }
        Map<Integer, Long> exports = new HashMap<>();
        NeImage image = new NeImage(exports, ne.names());
        String name = ne.moduleName().isEmpty() ? shortName.replaceFirst("(?i)\\.(dll|exe)$", "").toUpperCase()
                : ne.moduleName();
        Module m = new Module(p.newModuleHandle(), name, full, host, null, null, image);
        synchronized (p) {
            p.modules.put(m.handle, m);
        }
        AddressSpace mem = p.mem;
        try {
            int n = ne.segments().size();
            m.base = new long[n];
            m.size = new long[n];
            for (NeFile.Segment s : ne.segments()) {
                long at = p.allocate(Layout.DLL_HINT, Layout.GRANULE, AddressSpace.READ | AddressSpace.WRITE
                        | AddressSpace.EXEC);
                m.base[s.number() - 1] = at;
                m.size[s.number() - 1] = Layout.GRANULE;
                if (s.dataLength() > 0) {
                    mem.write(at, data, (int) s.fileOffset(), s.dataLength());
                }
                if (s.code()) {
                    Descriptors.codeTiles(mem, at, Layout.GRANULE);
                }
            }
            for (NeFile.Entry e : ne.entries().values()) {
                if (e.segment() >= 1 && e.segment() <= n) {
                    exports.put(e.ordinal(), m.base[e.segment() - 1] + e.offset());
                }
            }
            m.imports = new Module[ne.modules().size()];
            for (int i = 0; i < m.imports.length; i++) {
                m.imports[i] = loader.module(ne.modules().get(i), depth + 1);
            }
            for (NeFile.Segment s : ne.segments()) {
                relocate(p, m, ne, s);
            }
            if (program) {
                m.entry = m.base[ne.cs() - 1] + ne.ip();
                m.stackBase = m.base[ne.ss() - 1];
                m.stackSize = Layout.GRANULE;
            }
            return m;
        } catch (Os2Exception e) {
            loader.unload(m);
            throw new Loader.LoadException(shortName + ": cannot be loaded (" + Err.name(e.code) + ")", e.code);
        }
    }

    private static void relocate(Os2Process p, Module m, NeFile ne, NeFile.Segment s) throws Os2Exception,
            Loader.LoadException {
        AddressSpace mem = p.mem;
        long base = m.base[s.number() - 1];
        int limit = s.dataLength();
        for (NeFile.Reloc r : s.relocs()) {
            long target;
            switch (r.kind()) {
                case INTERNAL -> {
                    if (r.a() == 0xff) {
                        Long a = ((NeImage) m.ne).exports().get(r.b());
                        if (a == null) {
                            throw new Loader.LoadException(m.name + ": relocation to missing entry " + r.b(),
                                    Err.BAD_EXE_FORMAT);
                        }
                        target = a;
                    } else {
                        if (r.a() < 1 || r.a() > m.base.length) {
                            throw new Loader.LoadException(m.name + ": relocation to segment " + r.a(),
                                    Err.BAD_EXE_FORMAT);
                        }
                        target = m.base[r.a() - 1] + r.b();
                    }
                }
                case IMPORT_ORDINAL -> target = importOrFail(p, m, m.imports[r.a() - 1], r.b(), null);
                case IMPORT_NAME -> target = importOrFail(p, m, m.imports[r.a() - 1], 0, r.name());
                default -> {
                    continue; // floating-point emulation fix-ups: a 386 has a coprocessor
                }
            }
            long far = Layout.far16(target);
            if (r.additive()) {
                long at = base + r.offset();
                if (r.offset() + 4 > 0x10000) {
                    continue;
                }
                switch (r.sourceType()) {
                    case 0 -> mem.putByte(at, (byte) (mem.getByte(at) + (byte) target));
                    case 2 -> put16(mem, at, get16(mem, at) + (int) (far >>> 16));
                    case 3 -> {
                        put16(mem, at, get16(mem, at) + (int) (far & 0xffff));
                        put16(mem, at + 2, get16(mem, at + 2) + (int) (far >>> 16));
                    }
                    case 5 -> put16(mem, at, get16(mem, at) + (int) (far & 0xffff));
                    default -> {
                    }
                }
                continue;
            }
            int offset = r.offset();
            for (int guard = 0; guard < 0x10000 && offset + 2 <= limit; guard++) {
                long at = base + offset;
                int next = get16(mem, at);
                switch (r.sourceType()) {
                    case 0 -> mem.putByte(at, (byte) target);
                    case 2 -> put16(mem, at, (int) (far >>> 16));
                    case 3 -> mem.putInt(at, (int) far);
                    case 5 -> put16(mem, at, (int) (far & 0xffff));
                    case 11 -> {
                        mem.putInt(at, (int) (far & 0xffff));
                        put16(mem, at + 4, (int) (far >>> 16));
                    }
                    case 13 -> mem.putInt(at, (int) (far & 0xffff));
                    default -> {
                    }
                }
                if (next == 0xffff || r.sourceType() == 11 || r.sourceType() == 13) {
                    break;
                }
                offset = next;
            }
        }
    }

    private static long importOrFail(Os2Process p, Module m, Module target, int ordinal, String name)
            throws Loader.LoadException, Os2Exception {
        try {
            return name == null ? target.export(p, ordinal, true, 0) : target.export(p, name, true, 0);
        } catch (Os2Exception e) {
            throw new Loader.LoadException(m.name + " imports " + target.name + "."
                    + (name == null ? String.valueOf(ordinal) : name) + ", which " + target.name + " does not export",
                    Err.PROC_NOT_FOUND);
        }
    }

    private static int get16(AddressSpace mem, long at) {
        return (mem.getByte(at) & 0xff) | (mem.getByte(at + 1) & 0xff) << 8;
    }

    private static void put16(AddressSpace mem, long at, int v) {
        mem.write(at, new byte[] {(byte) v, (byte) (v >> 8)}, 0, 2);
    }

    /** The first thread of an NE program, started by 16-bit code that sets the registers OS/2 1.x sets. */
    static Os2Thread firstThread(Os2Process p, Module exe) throws Os2Exception {
        NeFile ne;
        try {
            ne = NeFile.parse(java.nio.file.Files.readAllBytes(exe.host));
        } catch (java.io.IOException | FormatException e) {
            throw new Os2Exception(Err.BAD_EXE_FORMAT);
        }
        int autoSel = ne.autoData() == 0 ? 0 : Layout.tileSelector(exe.base[ne.autoData() - 1]);
        int autoSize = ne.autoData() == 0 ? 0 : ne.segments().get(ne.autoData() - 1).memoryLength();
        long ssBase = exe.base[ne.ss() - 1];
        int sp = ne.sp();
        if (sp == 0) {
            sp = ne.ss() == ne.autoData() ? Math.min(0xfffe, (autoSize + ne.stack() + 1) & ~1) : 0xfffe;
        }
        int envSel = Layout.tileSelector(p.env);
        int cmdOffset = (int) (p.cmd - p.env);
        int cs = Layout.tileSelector(exe.entry);
        int ip = (int) (exe.entry & 0xffff);
        byte[] code = {
            (byte) 0xb8, (byte) autoSel, (byte) (autoSel >> 8), // mov ax, auto data selector
            (byte) 0x8e, (byte) 0xd8, // mov ds, ax
            0x31, (byte) 0xc0, // xor ax, ax
            (byte) 0x8e, (byte) 0xc0, // mov es, ax
            (byte) 0xb8, (byte) envSel, (byte) (envSel >> 8), // mov ax, environment selector
            (byte) 0xbb, (byte) cmdOffset, (byte) (cmdOffset >> 8), // mov bx, command line offset
            (byte) 0xb9, (byte) autoSize, (byte) (autoSize >> 8), // mov cx, auto data size
            0x31, (byte) 0xd2, 0x31, (byte) 0xf6, 0x31, (byte) 0xff, 0x31, (byte) 0xed, // xor dx, si, di, bp
            (byte) 0xea, (byte) ip, (byte) (ip >> 8), (byte) cs, (byte) (cs >> 8) // jmp far cs:ip
        };
        p.mem.write(Layout.STUB16 + BOOT_OFFSET, code, 0, code.length);
        Os2Thread t = p.newThread(ssBase, Layout.GRANULE, ssBase + Layout.GRANULE, 0);
        t.prepare16(t.thread, Layout.tileSelector(Layout.STUB16), BOOT_OFFSET, Layout.tileSelector(ssBase), sp);
        p.traceLine(String.format("start %s at %04x:%04x (stack %04x:%04x, data %04x)", exe.name, cs, ip,
                Layout.tileSelector(ssBase), sp, autoSel));
        return t;
    }
}
