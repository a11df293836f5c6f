package io.pico.os2;

import io.pico.api.PicoThread;
import io.pico.api.Register;
import java.util.ArrayList;
import java.util.List;

/** Dynamic linking: DosLoadModule, DosQueryProcAddr, DosQueryModuleName/Handle, DosFreeModule, DosQueryAppType. */
final class Modules {

    private Modules() {
    }

    /** DosLoadModule: loads a DLL and its imports, runs their initialisation routines, then returns. */
    static long load(Call c) throws Os2Exception {
        long pFail = c.arg(0);
        int cbFail = c.iarg(1);
        String name = c.str(Call.need(c.arg(2)));
        long phmod = Call.need(c.arg(3));
        c.detail = name;
        Os2Process p = c.p;
        Module m;
        try {
            m = p.loader.module(name, 0);
        } catch (Loader.LoadException e) {
            if (pFail != 0 && cbFail > 0) {
                String n = name.length() >= cbFail ? name.substring(0, cbFail - 1) : name;
                c.putString(pFail, n);
            }
            p.kernel.log("pid " + p.process.pid() + ": DosLoadModule(" + name + "): " + e.getMessage());
            throw new Os2Exception(e.error);
        }
        c.put32(phmod, m.handle);
        List<Module> pending = new ArrayList<>();
        synchronized (p) {
            for (Module x : p.initOrder) {
                if (!x.initialized) {
                    x.initialized = true;
                    pending.add(x);
                }
            }
        }
        if (pending.isEmpty()) {
            return Err.NO_ERROR;
        }
        // run the initialisation routines on this thread, then return to the caller with NO_ERROR
        long resume = c.thread.get(Register.RIP);
        runInits(c.t, c.thread, pending, 0, resume);
        return Call.NO_RESULT;
    }

    private static void runInits(Os2Thread t, PicoThread thread, List<Module> pending, int i, long resume) {
        if (i >= pending.size()) {
            thread.set(Register.RAX, Err.NO_ERROR);
            thread.set(Register.RIP, resume);
            return;
        }
        Module m = pending.get(i);
        t.p.traceLine("init " + m.name + String.format(" at 0x%x", m.entry));
        t.callGuest(thread, m.entry, new long[] {m.handle, 0}, eax -> {
            if (eax == 0) {
                thread.set(Register.RAX, Err.INVALID_FUNCTION);
                thread.set(Register.RIP, resume);
                return;
            }
            runInits(t, thread, pending, i + 1, resume);
        });
    }

    static Module module(Os2Process p, long handle) throws Os2Exception {
        synchronized (p) {
            Module m = p.modules.get((int) handle);
            if (m == null) {
                throw new Os2Exception(Err.INVALID_HANDLE);
            }
            return m;
        }
    }

    /** DosQueryProcAddr: by ordinal, or by name when the ordinal is 0. */
    static long procAddr(Call c) throws Os2Exception {
        Module m = module(c.p, c.arg(0));
        int ordinal = c.iarg(1);
        long pName = c.arg(2);
        long ppfn = Call.need(c.arg(3));
        long address;
        if (ordinal != 0) {
            address = m.export(c.p, ordinal, false, 0);
            if (m.export16(ordinal)) {
                address = Layout.far16(address);
            }
        } else {
            String name = c.str(Call.need(pName));
            c.detail = m.name + "." + name;
            address = m.export(c.p, name, false, 0);
        }
        c.put32(ppfn, address);
        return Err.NO_ERROR;
    }

    /** The OS/2 file name of a module (system DLLs live in C:\OS2\DLL). */
    static String fileName(Module m) {
        return m.system() ? "C:\\OS2\\DLL\\" + m.name + ".DLL" : m.path;
    }

    /** DosQueryModuleName. */
    static long moduleName(Call c) throws Os2Exception {
        Module m = module(c.p, c.arg(0));
        int cb = c.iarg(1);
        long buf = Call.need(c.arg(2));
        String name = fileName(m);
        if (name.length() + 1 > cb) {
            throw new Os2Exception(24); // ERROR_BAD_LENGTH
        }
        c.putString(buf, name);
        c.detail = name;
        return Err.NO_ERROR;
    }

    /** DosQueryModuleHandle. */
    static long moduleHandle(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        long ph = Call.need(c.arg(1));
        c.detail = name;
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        String bare = upper.endsWith(".DLL") && !upper.contains("\\") ? upper.substring(0, upper.length() - 4) : upper;
        synchronized (c.p) {
            for (Module m : c.p.modules.values()) {
                if (m.name.equals(bare) || fileName(m).equalsIgnoreCase(name)) {
                    c.put32(ph, m.handle);
                    return Err.NO_ERROR;
                }
            }
        }
        throw new Os2Exception(Err.MOD_NOT_FOUND);
    }

    /** DosFreeModule: drops a reference (modules stay mapped until the process ends). */
    static long free(Call c) throws Os2Exception {
        Module m = module(c.p, c.arg(0));
        synchronized (c.p) {
            if (m.references > 0) {
                m.references--;
            }
        }
        return Err.NO_ERROR;
    }

    /** DosQueryAppType: what kind of program a file is. */
    static long appType(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        long pFlags = Call.need(c.arg(1));
        c.detail = name;
        Drives.Resolved r = c.p.drives.resolve(name);
        java.nio.file.Path host = r.host();
        if (r.device() || !java.nio.file.Files.isRegularFile(host)) {
            Drives.Resolved exe = c.p.drives.resolve(name + ".EXE");
            if (exe.device() || !java.nio.file.Files.isRegularFile(exe.host())) {
                throw new Os2Exception(Err.FILE_NOT_FOUND);
            }
            host = exe.host();
        }
        byte[] head = new byte[0x40];
        int type;
        try (var in = java.nio.file.Files.newInputStream(host, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n < 2 || head[0] != 'M' || head[1] != 'Z') {
                throw new Os2Exception(Err.INVALID_EXE_SIGNATURE);
            }
            long off = n < 0x40 ? 0 : (head[0x3c] & 0xff) | (head[0x3d] & 0xff) << 8 | (head[0x3e] & 0xff) << 16;
            byte[] sig = new byte[0x12];
            in.skipNBytes(Math.max(0, off - n));
            int m = off >= 0x40 ? in.readNBytes(sig, 0, sig.length) : 0;
            if (m >= 2 && sig[0] == 'L' && sig[1] == 'X') {
                int flags = (sig[0x10] & 0xff) | (sig[0x11] & 0xff) << 8;
                type = (flags & 0x8000) != 0 ? 0x10 : (flags & 0x300) >> 8;
            } else if (m >= 2 && sig[0] == 'N' && sig[1] == 'E') {
                type = 0x2;
            } else {
                type = 0x20; // FAPPTYP_DOS
            }
        } catch (java.io.IOException e) {
            throw new Os2Exception(Err.FILE_NOT_FOUND);
        }
        c.put32(pFlags, type);
        return Err.NO_ERROR;
    }
}
