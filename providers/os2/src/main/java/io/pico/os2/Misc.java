package io.pico.os2;

import io.pico.api.Register;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** System information, environment, time, code pages, drives and directories, names, timers. */
final class Misc {

    private static final long BOOT = System.nanoTime();
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pico-os2-timers");
        t.setDaemon(true);
        return t;
    });

    private Misc() {
    }

    /** One QSV_ value of DosQuerySysInfo. */
    static long sysInfo(Os2Process p, int index) {
        Runtime rt = Runtime.getRuntime();
        return switch (index) {
            case 1 -> 260; // QSV_MAX_PATH_LENGTH
            case 2 -> 16; // QSV_MAX_TEXT_SESSIONS
            case 3 -> 16; // QSV_MAX_PM_SESSIONS
            case 4 -> 16; // QSV_MAX_VDM_SESSIONS
            case 5 -> 3; // QSV_BOOT_DRIVE: C:
            case 6 -> 1; // QSV_DYN_PRI_VARIATION
            case 7 -> 3; // QSV_MAX_WAIT
            case 8 -> 32; // QSV_MIN_SLICE
            case 9 -> 248; // QSV_MAX_SLICE
            case 10 -> 4096; // QSV_PAGE_SIZE
            case 11 -> 20; // QSV_VERSION_MAJOR
            case 12 -> 45; // QSV_VERSION_MINOR: Warp 4.5
            case 13 -> 0; // QSV_VERSION_REVISION
            case 14 -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - BOOT); // QSV_MS_COUNT
            case 15 -> System.currentTimeMillis() / 1000; // QSV_TIME_LOW
            case 16 -> 0; // QSV_TIME_HIGH
            case 17 -> 512L << 20; // QSV_TOTPHYSMEM
            case 18 -> 64L << 20; // QSV_TOTRESMEM
            case 19 -> 256L << 20; // QSV_TOTAVAILMEM
            case 20 -> 256L << 20; // QSV_MAXPRMEM
            case 21 -> 128L << 20; // QSV_MAXSHMEM
            case 22 -> 310; // QSV_TIMER_INTERVAL (tenths of ms)
            case 23 -> 255; // QSV_MAX_COMP_LENGTH
            case 24 -> 2; // QSV_FOREGROUND_FS_SESSION
            case 25 -> p.process.pid(); // QSV_FOREGROUND_PROCESS
            case 26 -> Math.max(1, rt.availableProcessors()); // QSV_NUMPROCESSORS
            default -> 0;
        };
    }

    /** DosQuerySysInfo. */
    static long querySysInfo(Call c) throws Os2Exception {
        int first = c.iarg(0);
        int last = c.iarg(1);
        long buf = c.arg(2);
        long cb = c.arg(3);
        if (first < 1 || last < first || last > 26) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        if (cb < 4L * (last - first + 1)) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        for (int i = first; i <= last; i++) {
            c.put32(Call.need(buf) + 4L * (i - first), sysInfo(c.p, i));
        }
        return Err.NO_ERROR;
    }

    /** DosScanEnv: a pointer to the value of a variable in the environment block. */
    static long scanEnv(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        long pp = Call.need(c.arg(1));
        c.detail = name;
        long e = c.p.env;
        for (int i = 0; i < 65536; i++) {
            String s = c.str(e);
            if (s.isEmpty()) {
                break;
            }
            int eq = s.indexOf('=');
            if (eq > 0 && s.substring(0, eq).equalsIgnoreCase(name)) {
                c.put32(pp, e + eq + 1);
                return Err.NO_ERROR;
            }
            e += s.getBytes(StandardCharsets.ISO_8859_1).length + 1;
        }
        throw new Os2Exception(Err.ENVVAR_NOT_FOUND);
    }

    /** DosGetDateTime. */
    static long dateTime(Call c) throws Os2Exception {
        long buf = Call.need(c.arg(0));
        ZonedDateTime t = ZonedDateTime.now(ZoneId.systemDefault());
        int tz = -t.getOffset().getTotalSeconds() / 60;
        byte[] b = {(byte) t.getHour(), (byte) t.getMinute(), (byte) t.getSecond(), (byte) (t.getNano() / 10_000_000),
            (byte) t.getDayOfMonth(), (byte) t.getMonthValue(), (byte) t.getYear(), (byte) (t.getYear() >> 8),
            (byte) tz, (byte) (tz >> 8), (byte) (t.getDayOfWeek().getValue() % 7)};
        c.write(buf, b);
        return Err.NO_ERROR;
    }

    /** DosBeep: traced, never sounded. */
    static long beep(Call c) throws Os2Exception {
        long freq = c.arg(0);
        if (freq < 0x25 || freq > 0x7fff) {
            throw new Os2Exception(395); // ERROR_INVALID_FREQUENCY
        }
        return Err.NO_ERROR;
    }

    /** DosQueryCp: code page 850, then 437. */
    static long queryCp(Call c) throws Os2Exception {
        long cb = c.arg(0);
        long buf = c.arg(1);
        long pActual = Call.need(c.arg(2));
        int[] cps = {850, 850, 437};
        int n = (int) Math.min(cps.length, cb / 4);
        if (n == 0) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        for (int i = 0; i < n; i++) {
            c.put32(buf + 4L * i, cps[i]);
        }
        c.put32(pActual, 4L * n);
        return Err.NO_ERROR;
    }

    /** DosSetProcessCp. */
    static long setCp(Call c) throws Os2Exception {
        long cp = c.arg(0);
        if (cp != 850 && cp != 437) {
            throw new Os2Exception(472); // ERROR_CPLIST_TOO_SMALL is 473; 472 ERROR_CP_NOT_MOVED
        }
        return Err.NO_ERROR;
    }

    /** DosSetMaxFH. */
    static long setMaxFH(Call c) throws Os2Exception {
        long n = c.arg(0);
        if (n < 20 || n > 32768) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        c.p.files.maxHandles((int) n);
        return Err.NO_ERROR;
    }

    /** DosSetRelMaxFH. */
    static long setRelMaxFH(Call c) throws Os2Exception {
        long pReq = Call.need(c.arg(0));
        long pCur = Call.need(c.arg(1));
        int delta = c.u32(pReq);
        int cur = c.p.files.maxHandles();
        if (delta != 0) {
            cur = c.p.files.maxHandles(Math.max(20, Math.min(32768, cur + delta)));
        }
        c.put32(pCur, cur);
        return Err.NO_ERROR;
    }

    /** DosDevConfig. */
    static long devConfig(Call c) throws Os2Exception {
        long buf = Call.need(c.arg(0));
        int item = c.iarg(1);
        switch (item) {
            case 0, 1, 2 -> c.put8(buf, 0);
            case 3 -> c.put8(buf, 1);
            case 4 -> c.put8(buf, 0);
            case 5 -> c.put8(buf, 0xfc);
            case 6 -> c.put8(buf, 1);
            default -> throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        return Err.NO_ERROR;
    }

    /** DosQueryCurrentDisk. */
    static long currentDisk(Call c) throws Os2Exception {
        c.put32(Call.need(c.arg(0)), c.p.drives.currentDrive());
        c.put32(Call.need(c.arg(1)), c.p.drives.driveMap());
        return Err.NO_ERROR;
    }

    /** DosSetDefaultDisk. */
    static long setDisk(Call c) throws Os2Exception {
        c.p.drives.setDrive(c.iarg(0));
        return Err.NO_ERROR;
    }

    /** DosQueryCurrentDir. */
    static long currentDir(Call c) throws Os2Exception {
        int disk = c.iarg(0);
        long buf = c.arg(1);
        long pcb = Call.need(c.arg(2));
        String dir = c.p.drives.currentDir(disk);
        int need = dir.length() + 1;
        if ((c.u32(pcb) & 0xffff_ffffL) < need) {
            c.put32(pcb, need);
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        c.putString(Call.need(buf), dir);
        c.put32(pcb, need);
        c.detail = dir;
        return Err.NO_ERROR;
    }

    /** DosSetCurrentDir. */
    static long setCurrentDir(Call c) throws Os2Exception {
        String dir = c.str(Call.need(c.arg(0)));
        c.detail = dir;
        c.p.drives.setCurrentDir(dir);
        return Err.NO_ERROR;
    }

    /** DosQueryFSInfo: allocation (level 1) and volume (level 2) information of the root's file system. */
    static long fsInfo(Call c) throws Os2Exception {
        int level = c.iarg(1);
        long buf = Call.need(c.arg(2));
        long cb = c.arg(3);
        if (level == 1) {
            if (cb < 18) {
                throw new Os2Exception(Err.BUFFER_OVERFLOW);
            }
            long total = 1L << 30;
            long avail = 1L << 29;
            try {
                java.nio.file.FileStore fs = java.nio.file.Files.getFileStore(c.p.drives.root());
                total = fs.getTotalSpace();
                avail = fs.getUsableSpace();
            } catch (java.io.IOException e) {
                // defaults
            }
            c.put32(buf, 0);
            c.put32(buf + 4, 8);
            c.put32(buf + 8, Math.min(total / 4096, 0xffff_ffffL));
            c.put32(buf + 12, Math.min(avail / 4096, 0xffff_ffffL));
            c.put16(buf + 16, 512);
            return Err.NO_ERROR;
        }
        if (level == 2) {
            if (cb < 17) {
                throw new Os2Exception(Err.BUFFER_OVERFLOW);
            }
            c.write(buf, new byte[17]);
            c.put32(buf, 0x50494330);
            c.put8(buf + 4, 4);
            c.write(buf + 5, "PICO\0".getBytes(StandardCharsets.ISO_8859_1));
            return Err.NO_ERROR;
        }
        throw new Os2Exception(Err.INVALID_LEVEL);
    }

    /** DosQueryFSAttach: drives are local HPFS-like drives. */
    static long fsAttach(Call c) throws Os2Exception {
        long pName = c.arg(0);
        long ordinal = c.arg(1);
        int level = c.iarg(2);
        long buf = Call.need(c.arg(3));
        long pcb = Call.need(c.arg(4));
        String dev;
        if (level == 1) {
            dev = c.str(Call.need(pName)).toUpperCase(java.util.Locale.ROOT);
        } else if (level == 2 || level == 3) {
            if (ordinal != 3) {
                throw new Os2Exception(Err.NO_MORE_FILES);
            }
            dev = "C:";
        } else {
            throw new Os2Exception(Err.INVALID_LEVEL);
        }
        if (dev.length() < 2 || dev.charAt(1) != ':' || (c.p.drives.driveMap() & (1L << (dev.charAt(0) - 'A'))) == 0) {
            throw new Os2Exception(Err.INVALID_DRIVE);
        }
        byte[] name = dev.substring(0, 2).getBytes(StandardCharsets.ISO_8859_1);
        byte[] fsd = "HPFS".getBytes(StandardCharsets.ISO_8859_1);
        int size = 8 + name.length + 1 + fsd.length + 1 + 1;
        if ((c.u32(pcb) & 0xffff_ffffL) < size) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        byte[] b = new byte[size];
        b[0] = 3; // FSAT_LOCALDRV
        b[2] = (byte) name.length;
        b[4] = (byte) fsd.length;
        System.arraycopy(name, 0, b, 8, name.length);
        System.arraycopy(fsd, 0, b, 8 + name.length + 1, fsd.length);
        c.write(buf, b);
        c.put32(pcb, size);
        return Err.NO_ERROR;
    }

    /** DosEditName: applies a wildcard edit string to a name (e.g. *.BAK to FOO.C gives FOO.BAK). */
    static long editName(Call c) throws Os2Exception {
        String source = c.str(Call.need(c.arg(1)));
        String edit = c.str(Call.need(c.arg(2)));
        long target = Call.need(c.arg(3));
        long cb = c.arg(4);
        String result = edit(source, edit);
        if (result.length() + 1 > cb) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        c.putString(target, result);
        c.detail = result;
        return Err.NO_ERROR;
    }

    static String edit(String source, String edit) {
        String[] sp = split(source);
        String[] ep = split(edit);
        String name = editPart(sp[0], ep[0]);
        if (ep[1] == null) {
            return name;
        }
        String ext = editPart(sp[1] == null ? "" : sp[1], ep[1]);
        return ext.isEmpty() ? name : name + "." + ext;
    }

    private static String[] split(String s) {
        int dot = s.lastIndexOf('.');
        return dot < 0 ? new String[] {s, null} : new String[] {s.substring(0, dot), s.substring(dot + 1)};
    }

    private static String editPart(String src, String edit) {
        StringBuilder sb = new StringBuilder();
        int j = 0;
        for (int i = 0; i < edit.length(); i++) {
            char ch = edit.charAt(i);
            if (ch == '*') {
                if (j < src.length()) {
                    sb.append(src.substring(j));
                }
                j = src.length();
            } else if (ch == '?') {
                if (j < src.length()) {
                    sb.append(src.charAt(j));
                }
                j++;
            } else {
                sb.append(ch);
                j++;
            }
        }
        return sb.toString();
    }

    /** DosSearchPath: finds a file in a list of directories (or one named by an environment variable). */
    static long searchPath(Call c) throws Os2Exception {
        int flags = c.iarg(0);
        String list = c.str(Call.need(c.arg(1)));
        String file = c.str(Call.need(c.arg(2)));
        long buf = Call.need(c.arg(3));
        long cb = c.arg(4);
        c.detail = file;
        if ((flags & 4) != 0) { // SEARCH_ENVIRONMENT: the list names a variable
            String value = null;
            long e = c.p.env;
            for (int i = 0; i < 65536; i++) {
                String s = c.str(e);
                if (s.isEmpty()) {
                    break;
                }
                int eq = s.indexOf('=');
                if (eq > 0 && s.substring(0, eq).equalsIgnoreCase(list)) {
                    value = s.substring(eq + 1);
                    break;
                }
                e += s.getBytes(StandardCharsets.ISO_8859_1).length + 1;
            }
            if (value == null) {
                throw new Os2Exception(Err.ENVVAR_NOT_FOUND);
            }
            list = value;
        }
        java.util.List<String> dirs = new java.util.ArrayList<>();
        if ((flags & 2) != 0) { // SEARCH_CUR_DIRECTORY
            dirs.add(".");
        }
        for (String d : list.split(";")) {
            if (!d.isBlank()) {
                dirs.add(d.trim());
            }
        }
        for (String d : dirs) {
            String candidate = d.endsWith("\\") || d.endsWith("/") || d.endsWith(":") ? d + file : d + "\\" + file;
            try {
                Drives.Resolved r = c.p.drives.resolve(candidate);
                if (!r.device() && java.nio.file.Files.exists(r.host())) {
                    if (r.full().length() + 1 > cb) {
                        throw new Os2Exception(Err.BUFFER_OVERFLOW);
                    }
                    c.putString(buf, r.full());
                    return Err.NO_ERROR;
                }
            } catch (Os2Exception e) {
                if (e.code == Err.BUFFER_OVERFLOW) {
                    throw e;
                }
            }
        }
        throw new Os2Exception(Err.FILE_NOT_FOUND);
    }

    /** DosFlatToSel: EAX (linear) to EAX (16:16), a register call. */
    static long flatToSel(Call c) {
        long linear = c.thread.get(Register.RAX);
        return Layout.far16(linear);
    }

    /** DosSelToFlat: EAX (16:16) to EAX (linear), a register call. */
    static long selToFlat(Call c) {
        return Layout.linear(c.thread.get(Register.RAX));
    }

    /** DosTmrQueryFreq: the 8254's 1.19 MHz. */
    static long tmrFreq(Call c) throws Os2Exception {
        c.put32(Call.need(c.arg(0)), 1193167);
        return Err.NO_ERROR;
    }

    /** DosTmrQueryTime. */
    static long tmrTime(Call c) throws Os2Exception {
        long ticks = (long) ((System.nanoTime() - BOOT) * 1.193167e-3);
        long p = Call.need(c.arg(0));
        c.put32(p, ticks);
        c.put32(p + 4, ticks >>> 32);
        return Err.NO_ERROR;
    }

    /** DosAsyncTimer (once) and DosStartTimer (repeating): post an event semaphore. */
    static long timer(Call c, boolean repeat) throws Os2Exception {
        long ms = Math.max(1, c.arg(0));
        long hsem = c.arg(1);
        long ph = Call.need(c.arg(2));
        Os2Process p = c.p;
        ScheduledFuture<?> f = repeat
                ? TIMERS.scheduleAtFixedRate(() -> p.sems.post(hsem), ms, ms, TimeUnit.MILLISECONDS)
                : TIMERS.schedule(() -> p.sems.post(hsem), ms, TimeUnit.MILLISECONDS);
        int h;
        synchronized (p.timers) {
            h = p.timers.size() + 1;
            while (p.timers.containsKey(h)) {
                h++;
            }
            p.timers.put(h, f);
        }
        c.put32(ph, h);
        return Err.NO_ERROR;
    }

    /** DosStopTimer. */
    static long stopTimer(Call c) throws Os2Exception {
        ScheduledFuture<?> f;
        synchronized (c.p.timers) {
            f = c.p.timers.remove(c.iarg(0));
        }
        if (f == null) {
            throw new Os2Exception(326); // ERROR_TS_HANDLE
        }
        f.cancel(false);
        return Err.NO_ERROR;
    }

    /** DosSetFileInfo/DosSetPathInfo level 1: sets the last write time when given. */
    static void setTimes(java.nio.file.Path host, byte[] info) {
        int date = (info[8] & 0xff) | (info[9] & 0xff) << 8;
        int time = (info[10] & 0xff) | (info[11] & 0xff) << 8;
        if (date == 0) {
            return;
        }
        try {
            LocalDateTime t = LocalDateTime.of(1980 + (date >> 9), Math.max(1, (date >> 5) & 0xf), Math.max(1, date & 0x1f),
                    time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2);
            java.nio.file.Files.getFileAttributeView(host, java.nio.file.attribute.BasicFileAttributeView.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).setTimes(java.nio.file.attribute.FileTime.from(
                    t.atZone(ZoneId.systemDefault()).toInstant()), null, null);
        } catch (java.io.IOException | java.time.DateTimeException e) {
            // ignored, as a file system without times would
        }
    }

    static long setFileInfo(Call c) throws Os2Exception {
        io.pico.api.IoObject io = c.p.files.io(c.arg(0));
        int level = c.iarg(1);
        if (level != 1 && level != 2) {
            throw new Os2Exception(Err.INVALID_LEVEL);
        }
        if (io.hostPath() != null && c.arg(3) >= 12) {
            // by the handle's name through the O_NOFOLLOW walk: the kernel's name of it was valid in its open only
            setTimes(c.p.files.hostOf(c.p.files.handle(c.arg(0))), c.bytes(Call.need(c.arg(2)), 12));
        }
        return Err.NO_ERROR;
    }

    static long setPathInfo(Call c) throws Os2Exception {
        String name = c.str(Call.need(c.arg(0)));
        int level = c.iarg(1);
        c.detail = name;
        Drives.Resolved r = c.p.drives.resolve(name);
        if (r.device() || !java.nio.file.Files.exists(r.host())) {
            throw new Os2Exception(Err.FILE_NOT_FOUND);
        }
        if (level != 1 && level != 2) {
            throw new Os2Exception(Err.INVALID_LEVEL);
        }
        if (c.arg(3) >= 12) {
            setTimes(r.host(), c.bytes(Call.need(c.arg(2)), 12));
        }
        return Err.NO_ERROR;
    }

    /** DosQueryNPHState: pipes report one instance in byte mode; other handles are not pipes. */
    static long npState(Call c) throws Os2Exception {
        io.pico.api.IoObject io = c.p.files.io(c.arg(0));
        if (!"pipe".equals(io.kind())) {
            throw new Os2Exception(230); // ERROR_BAD_PIPE
        }
        c.put32(Call.need(c.arg(1)), 0x0001);
        return Err.NO_ERROR;
    }

    /** DosCreatePipe: an anonymous pipe from the kernel. */
    static long createPipe(Call c) throws Os2Exception {
        long pr = Call.need(c.arg(0));
        long pw = Call.need(c.arg(1));
        io.pico.api.IoObject[] ends = c.p.kernel.pipe();
        try {
            int r = c.p.files.install(ends[0], "pipe", 0, false);
            int w = c.p.files.install(ends[1], "pipe", 1, false);
            c.put32(pr, r);
            c.put32(pw, w);
        } finally {
            ends[0].release();
            ends[1].release();
        }
        return Err.NO_ERROR;
    }
}
