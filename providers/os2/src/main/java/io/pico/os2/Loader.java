package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.os2.lx.FormatException;
import io.pico.os2.lx.LxFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads LX (and NE) modules into a process: maps each object, fills its pages, loads the imported modules
 * (system DLLs become trap stubs; others are found in the program's directory and the LIBPATH), applies the
 * fixups (internal references, imports by ordinal and by name, entry table references; byte, 16-bit offset and
 * selector, 16:16, 16:32, 32-bit and self-relative targets) and gives the objects their protection.
 */
final class Loader {

    /** A module that cannot be loaded; the message is one line naming the module and the problem. */
    static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;
        final int error;

        LoadException(String message, int error) {
            super(oneLine(message));
            this.error = error;
        }
    }

    /** The longest load error message; a longer one (a corrupt name) is cut. */
    static final int MAX_MESSAGE = 300;

    /**
     * A message as one printable line: bytes of a corrupt image (control characters, line breaks, bytes above
     * 0x7e) become {@code \xNN}, and an absurdly long message is cut.
     */
    static String oneLine(String message) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < message.length() && sb.length() < MAX_MESSAGE; i++) {
            char c = message.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= MAX_MESSAGE) {
            sb.setLength(MAX_MESSAGE);
            sb.append("...");
        }
        return sb.toString();
    }

    private static final int MAX_DEPTH = 32;
    private final Os2Process p;
    private final AddressSpace mem;
    /** Directories searched for DLLs (host paths). */
    /** The DLL search path: OS/2 full names of directories, resolved again (without following links) per search. */
    private final List<String> libpath = new ArrayList<>();

    Loader(Os2Process p) {
        this.p = p;
        this.mem = p.mem;
    }

    /** Adds a directory (its OS/2 full name, {@code C:\\DIR}) to the DLL search path. */
    void addLibraryDirectory(String dir) {
        if (dir != null && !libpath.contains(dir)) {
            libpath.add(dir);
        }
    }

    /** Reads a module file, refusing files too large to be modules. */
    static byte[] read(Path host, String name) throws LoadException {
        try {
            long size = Files.size(host);
            if (size > LxFile.MAX_FILE) {
                throw new LoadException(name + ": too large for a module (" + size + " bytes)", Err.BAD_EXE_FORMAT);
            }
            return Files.readAllBytes(host);
        } catch (IOException e) {
            throw new LoadException(name + ": cannot read: " + e.getMessage(), Err.FILE_NOT_FOUND);
        }
    }

    /**
     * Reads a module file resolved by {@link Drives}, opened with O_NOFOLLOW in its directory opened the same way:
     * a link renamed over it, or over a directory on its way, since resolution is refused.
     */
    static byte[] read(Drives.Resolved r, String name) throws LoadException {
        long[] size = new long[1];
        byte[] data;
        try {
            data = r.open(java.util.Set.of(java.nio.file.StandardOpenOption.READ), same -> {
                size[0] = Files.size(same);
                return size[0] > LxFile.MAX_FILE ? null : Files.readAllBytes(same);
            });
        } catch (Os2Exception e) {
            throw new LoadException(name + ": refused: the file leads outside the root", Err.ACCESS_DENIED);
        } catch (IOException e) {
            throw new LoadException(name + ": cannot read: " + e.getMessage(), Err.FILE_NOT_FOUND);
        }
        if (data == null) {
            throw new LoadException(name + ": too large for a module (" + size[0] + " bytes)", Err.BAD_EXE_FORMAT);
        }
        return data;
    }

    /** Loads the program. */
    Module loadProgram(Path host, String os2Name, byte[] data) throws LoadException {
        return loadFile(host, os2Name, data, true, 0);
    }

    /**
     * A module by name (EMX, DOSCALLS) or by file name (C:\DIR\X.DLL), loading it when it is not loaded yet;
     * its reference count goes up.
     */
    Module module(String name, int depth) throws LoadException {
        String upper = name.toUpperCase(Locale.ROOT);
        boolean isPath = upper.contains("\\") || upper.contains("/") || upper.contains(":");
        String modName = upper;
        if (!isPath && modName.endsWith(".DLL")) {
            modName = modName.substring(0, modName.length() - 4);
        }
        synchronized (p) {
            for (Module m : p.modules.values()) {
                if (!isPath && m.name.equals(modName) || isPath && m.path.equalsIgnoreCase(name)) {
                    m.references++;
                    return m;
                }
            }
            if (!isPath) {
                ApiTable table = Apis.table(modName);
                if (table != null) {
                    Module m = new Module(p.newModuleHandle(), modName, modName, null, table, null, null);
                    p.modules.put(m.handle, m);
                    return m;
                }
            }
        }
        Drives.Resolved r;
        if (isPath) {
            try {
                r = p.drives.resolve(name);
            } catch (Os2Exception e) {
                throw new LoadException(name + ": path not found", Err.PATH_NOT_FOUND);
            }
            if (r.device() || !Files.isRegularFile(r.host(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new LoadException(name + ": not found", Err.FILE_NOT_FOUND);
            }
        } else {
            r = search(modName + ".DLL");
            if (r == null) {
                throw new LoadException("cannot find module " + modName + " (" + modName
                        + ".DLL is neither in the program's directory nor in LIBPATH)", Err.MOD_NOT_FOUND);
            }
        }
        String full = r.full();
        if (depth > MAX_DEPTH) {
            throw new LoadException(modName + ": modules import each other more than " + MAX_DEPTH + " deep",
                    Err.BAD_EXE_FORMAT);
        }
        byte[] data = read(r, isPath ? full : full.substring(full.lastIndexOf('\\') + 1));
        return loadFile(r.path(), full, data, false, depth);
    }

    /**
     * The DLL of a module name in the program's directory and the LIBPATH, as its real host path: a file found
     * through a symbolic link leading outside the root is refused (as DosOpen refuses it), not loaded.
     */
    private Drives.Resolved search(String fileName) throws LoadException {
        if (fileName.indexOf('\0') >= 0 || fileName.indexOf('/') >= 0 || fileName.indexOf('\\') >= 0
                || fileName.indexOf(':') >= 0 || fileName.startsWith("..")) {
            return null; // a corrupt module name: no file has it (and it must not name a path)
        }
        for (String dir : libpath) {
            Drives.Resolved r;
            try {
                // the O_NOFOLLOW walk of Drives: a link leading outside the root is refused, as DosOpen refuses it
                r = p.drives.resolve(dir + "\\" + fileName);
            } catch (Os2Exception e) {
                if (e.code == Err.ACCESS_DENIED) {
                    throw new LoadException(fileName + ": refused: the file leads outside the root", Err.ACCESS_DENIED);
                }
                continue;
            }
            if (!r.device() && Files.isRegularFile(r.host(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return r;
            }
        }
        return null;
    }

    /** Tells the process observers that a module's objects are mapped: its full name and the span they cover. */
    private Module loaded(Module m) {
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (int i = 0; m.base != null && i < m.base.length; i++) {
            if (m.size[i] > 0) {
                lo = Math.min(lo, m.base[i]);
                hi = Math.max(hi, m.base[i] + m.size[i]);
            }
        }
        if (hi > 0) {
            p.kernel.imageLoaded(p.process, m.path, lo, hi - lo);
        }
        return m;
    }

    private Module loadFile(Path host, String full, byte[] data, boolean program, int depth) throws LoadException {
        String shortName = full.substring(full.lastIndexOf('\\') + 1);
        int off;
        try {
            off = LxFile.headerOffset(new io.pico.os2.lx.Bytes(data));
        } catch (FormatException e) {
            throw new LoadException(shortName + ": " + e.getMessage(), Err.BAD_EXE_FORMAT);
        }
        if (data[off] == 'N' && data[off + 1] == 'E') {
            return loaded(NeLoader.load(p, this, host, full, data, program, depth));
        }
        LxFile lx;
        try {
            lx = LxFile.parse(data);
        } catch (FormatException e) {
            throw new LoadException(shortName + ": " + e.getMessage(), Err.BAD_EXE_FORMAT);
        }
        if (program && lx.isLibrary()) {
            throw new LoadException(shortName + ": is a DLL, not a program", Err.BAD_EXE_FORMAT);
        }
        if (!program && !lx.isLibrary()) {
            throw new LoadException(shortName + ": is a program, not a DLL", Err.BAD_EXE_FORMAT);
        }
        String name = lx.moduleName().isEmpty()
                ? shortName.replaceFirst("(?i)\\.(dll|exe)$", "").toUpperCase(Locale.ROOT) : lx.moduleName();
        Module m = new Module(p.newModuleHandle(), name, full, host, null, lx, null);
        synchronized (p) {
            p.modules.put(m.handle, m);
        }
        try {
            mapObjects(m, lx, program);
            List<String> importNames = lx.importModules();
            m.imports = new Module[importNames.size()];
            for (int i = 0; i < importNames.size(); i++) {
                try {
                    m.imports[i] = module(importNames.get(i), depth + 1);
                } catch (LoadException e) {
                    throw new LoadException(e.getMessage() + (e.getMessage().startsWith("cannot find")
                            ? ", needed by " + name : ""), e.error);
                }
            }
            applyFixups(m, lx);
            protect(m, lx);
            loaded(m);
            if (lx.eipObject() != 0) {
                m.entry = m.base[lx.eipObject() - 1] + lx.eip();
            }
            if (program) {
                int so = lx.espObject() - 1;
                m.stackBase = m.base[so];
                m.stackSize = m.size[so];
                m.stackTop = lx.esp() == 0 ? m.base[so] + m.size[so] : m.base[so] + lx.esp();
                if (m.stackTop > m.base[so] + m.size[so] || m.stackTop < m.base[so] + 64) {
                    throw new LoadException(shortName + ": corrupt LX header: the initial stack pointer is outside"
                            + " the stack object", Err.BAD_EXE_FORMAT);
                }
            } else if (m.entry != 0) {
                m.terminate = (lx.moduleFlags() & LxFile.FLAG_LIBTERM) != 0;
                synchronized (p) {
                    p.initOrder.add(m);
                }
            }
            return m;
        } catch (LoadException e) {
            unload(m);
            throw e;
        } catch (Os2Exception e) {
            unload(m);
            throw new LoadException(shortName + ": cannot be loaded (" + Err.name(e.code) + ")", e.code);
        } catch (FormatException e) {
            unload(m);
            throw new LoadException(shortName + ": " + e.getMessage(), Err.BAD_EXE_FORMAT);
        } catch (io.pico.api.MemoryLimitException e) {
            unload(m);
            throw new LoadException(shortName + ": not enough memory: " + e.getMessage(), Err.NOT_ENOUGH_MEMORY);
        }
    }

    /** Unmaps a module that failed to load and forgets it. */
    void unload(Module m) {
        synchronized (p) {
            p.modules.remove(m.handle);
            p.initOrder.remove(m);
        }
        if (m.base != null) {
            for (int i = 0; i < m.base.length; i++) {
                if (m.base[i] != 0 && m.size[i] != 0) {
                    mem.unmap(m.base[i], m.size[i]);
                }
            }
        }
    }

    private void mapObjects(Module m, LxFile lx, boolean program) throws LoadException, FormatException,
            Os2Exception {
        List<LxFile.Obj> objs = lx.objects();
        m.base = new long[objs.size()];
        m.size = new long[objs.size()];
        boolean fixed = program || (lx.moduleFlags() & LxFile.FLAG_NO_INTERNAL_FIXUPS) != 0;
        for (LxFile.Obj o : objs) {
            long size = Layout.pageUp(Math.max(Math.max(o.virtualSize(), (long) o.pageCount() * 4096), 1));
            long at;
            if (fixed) {
                at = o.baseAddress();
                if ((at & 0xfff) != 0 || at < Layout.GRANULE || at + size > Layout.TILED_END
                        || mem.findFree(at, size) != at) {
                    throw new LoadException(String.format("%s: object %d cannot be placed at its fixed address 0x%x"
                            + " (size 0x%x)", m.name, o.number(), at, size), Err.BAD_EXE_FORMAT);
                }
                mem.map(at, size, AddressSpace.READ | AddressSpace.WRITE);
            } else {
                at = p.allocate(Layout.DLL_HINT, size, AddressSpace.READ | AddressSpace.WRITE);
            }
            m.base[o.number() - 1] = at;
            m.size[o.number() - 1] = size;
            for (int k = 0; k < o.pageCount(); k++) {
                byte[] page = lx.pageData(o.firstPage() + k);
                mem.write(at + k * 4096L, page, 0, page.length);
            }
            if ((o.flags() & LxFile.OBJ_EXEC) != 0 && !o.big()) {
                Descriptors.codeTiles(mem, at, size);
            }
        }
    }

    private void protect(Module m, LxFile lx) {
        for (LxFile.Obj o : lx.objects()) {
            // as on a 386, readable means executable too; writable objects stay writable
            int prot = AddressSpace.READ | AddressSpace.EXEC;
            if ((o.flags() & LxFile.OBJ_WRITE) != 0) {
                prot |= AddressSpace.WRITE;
            }
            mem.protect(m.base[o.number() - 1], m.size[o.number() - 1], prot);
        }
    }

    /** A fixup target: its linear address and whether it is 16-bit code or data. */
    private record Target(long address, boolean sixteen) {
    }

    private void applyFixups(Module m, LxFile lx) throws LoadException, Os2Exception {
        for (LxFile.Obj o : lx.objects()) {
            long objBase = m.base[o.number() - 1];
            long objEnd = objBase + m.size[o.number() - 1];
            for (int k = 0; k < o.pageCount(); k++) {
                long page = objBase + k * 4096L;
                for (LxFile.Fixup f : lx.fixups(o.firstPage() + k)) {
                    Target target = resolve(m, lx, f);
                    for (int src : f.sources()) {
                        write(f, target, page + src, objBase, objEnd);
                    }
                }
            }
        }
    }

    private Target resolve(Module m, LxFile lx, LxFile.Fixup f) throws LoadException, Os2Exception {
        boolean wants16 = f.sourceType() == 2 || f.sourceType() == 3 || f.sourceType() == 5
                || f.alias() && f.sourceType() == 6;
        switch (f.kind()) {
            case INTERNAL -> {
                LxFile.Obj o = lx.objects().get(f.number() - 1);
                return new Target(m.base[f.number() - 1] + f.target() + f.additive(), !o.big());
            }
            case IMPORT_ORDINAL -> {
                Module target = m.imports[f.number() - 1];
                long a = exportOrFail(m, target, (int) f.target(), null, wants16);
                return new Target(a + f.additive(), wants16 || target.export16((int) f.target()));
            }
            case IMPORT_NAME -> {
                Module target = m.imports[f.number() - 1];
                long a = exportOrFail(m, target, 0, f.name(), wants16);
                return new Target(a + f.additive(), wants16);
            }
            default -> {
                long a = exportOrFail(m, m, f.number(), null, wants16);
                return new Target(a + f.additive(), m.export16(f.number()));
            }
        }
    }

    private long exportOrFail(Module importer, Module target, int ordinal, String name, boolean far16)
            throws LoadException, Os2Exception {
        try {
            return name == null ? target.export(p, ordinal, far16, 0) : target.export(p, name, far16, 0);
        } catch (Os2Exception e) {
            if (e.code != Err.PROC_NOT_FOUND) {
                throw e;
            }
            throw new LoadException(importer.name + " imports " + target.name + "."
                    + (name == null ? String.valueOf(ordinal) : name) + ", which " + target.name + " does not export",
                    Err.PROC_NOT_FOUND);
        }
    }

    private void write(LxFile.Fixup f, Target t, long at, long objBase, long objEnd) {
        int width = switch (f.sourceType()) {
            case 0 -> 1;
            case 2, 5 -> 2;
            case 6 -> 6;
            default -> 4;
        };
        if (at < objBase || at + width > objEnd) {
            return; // the part of a fixup that crosses into the next page is listed there again
        }
        long a = t.address();
        switch (f.sourceType()) {
            case 0 -> mem.putByte(at, (byte) a);
            case 2 -> put16(at, Layout.tileSelector(a));
            case 3 -> mem.putInt(at, (int) Layout.far16(a));
            case 5 -> put16(at, (int) (a & 0xffff));
            case 6 -> {
                if (t.sixteen() || f.alias()) {
                    mem.putInt(at, (int) (a & 0xffff));
                    put16(at + 4, Layout.tileSelector(a));
                } else {
                    mem.putInt(at, (int) a);
                    put16(at + 4, Layout.SEL_FLAT_CODE);
                }
            }
            case 8 -> mem.putInt(at, (int) (a - (at + 4)));
            default -> mem.putInt(at, (int) a);
        }
    }

    private void put16(long at, int v) {
        mem.write(at, new byte[] {(byte) v, (byte) (v >> 8)}, 0, 2);
    }
}
