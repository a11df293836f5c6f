package io.pico.os2;

import io.pico.os2.lx.FormatException;
import io.pico.os2.lx.LxFile;
import java.nio.file.Path;

/**
 * A module loaded into a process: an LX program or DLL mapped into memory, or one of the system DLLs whose
 * exports are trap stubs into the provider.
 */
final class Module {

    final int handle;
    final String name;
    /** The OS/2 full name of the file (C:\...), or the module name for system DLLs. */
    final String path;
    final Path host;
    final ApiTable table;
    final LxFile lx;
    final NeImage ne;
    /** Linear base of each object (index 0 = object 1). */
    long[] base;
    /** Mapped size of each object. */
    long[] size;
    Module[] imports = new Module[0];
    /** The entry point (program) or the initialisation/termination routine (DLL), 0 for none. */
    long entry;
    /** For programs: the initial stack pointer, the stack's lowest address and its size. */
    long stackTop;
    long stackBase;
    long stackSize;
    boolean initialized;
    boolean terminate;
    int references = 1;

    Module(int handle, String name, String path, Path host, ApiTable table, LxFile lx, NeImage ne) {
        this.handle = handle;
        this.name = name;
        this.path = path;
        this.host = host;
        this.table = table;
        this.lx = lx;
        this.ne = ne;
    }

    boolean system() {
        return table != null;
    }

    /** Whether a linear address lies in one of the module's objects. */
    boolean contains(long address) {
        if (base == null) {
            return false;
        }
        for (int i = 0; i < base.length; i++) {
            if (address >= base[i] && address < base[i] + size[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address of an export by ordinal. System DLLs give a trap stub (a 16-bit one when the importer
     * wants a 16:16 pointer); LX modules their entry's linear address (forwarders followed).
     *
     * @throws Os2Exception ERROR_PROC_NOT_FOUND when the module has no such export
     */
    long export(Os2Process p, int ordinal, boolean far16, int depth) throws Os2Exception {
        if (system()) {
            Fn fn = table.get(ordinal);
            if (fn == null) {
                fn = Apis.unknown(name, ordinal);
            }
            return far16 || fn.far16() ? p.stubs.stub16(fn) : p.stubs.stub32(fn);
        }
        if (ne != null) {
            return ne.export(ordinal);
        }
        LxFile.Entry e = lx.entries().get(ordinal);
        if (e == null) {
            throw new Os2Exception(Err.PROC_NOT_FOUND);
        }
        if (e.type() == LxFile.EntryType.FORWARDER) {
            if (depth > 32 || e.module() < 1 || e.module() > imports.length) {
                throw new Os2Exception(Err.PROC_NOT_FOUND);
            }
            Module target = imports[e.module() - 1];
            if ((e.flags() & 1) != 0) {
                return target.export(p, (int) e.offset(), far16, depth + 1);
            }
            try {
                return target.export(p, lx.importName(e.offset()), far16, depth + 1);
            } catch (FormatException ex) {
                throw new Os2Exception(Err.PROC_NOT_FOUND);
            }
        }
        return base[e.object() - 1] + e.offset();
    }

    /** The address of an export by name (case-sensitive for LX modules, as OS/2 does). */
    long export(Os2Process p, String procName, boolean far16, int depth) throws Os2Exception {
        if (system()) {
            Fn fn = table.byName(procName);
            if (fn == null) {
                throw new Os2Exception(Err.PROC_NOT_FOUND);
            }
            return far16 || fn.far16() ? p.stubs.stub16(fn) : p.stubs.stub32(fn);
        }
        Integer ordinal = ne != null ? ne.names().get(procName.toUpperCase(java.util.Locale.ROOT))
                : lx.names().get(procName);
        if (ordinal == null) {
            throw new Os2Exception(Err.PROC_NOT_FOUND);
        }
        return export(p, ordinal, far16, depth);
    }

    /** Whether an export is 16-bit code (an NE module, or a 16-bit entry of an LX module). */
    boolean export16(int ordinal) {
        if (ne != null) {
            return true;
        }
        if (lx == null) {
            Fn fn = table.get(ordinal);
            return fn != null && fn.far16();
        }
        LxFile.Entry e = lx.entries().get(ordinal);
        return e != null && e.type() != LxFile.EntryType.ENTRY32 && e.type() != LxFile.EntryType.FORWARDER;
    }

    @Override
    public String toString() {
        return name;
    }
}
