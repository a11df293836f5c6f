package io.pico.examples.dos;

import io.pico.api.CallInfo;
import io.pico.api.ExitStatus;
import io.pico.api.IoObject;
import io.pico.api.Support;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DOS API: {@code int 21h} with the function number in AH. A table of functions as data (it is also
 * the support matrix {@code pico:syscalls dos} prints); each reads its arguments from registers and guest
 * memory, works with kernel objects and returns its results in registers, with the carry flag set and an
 * error code in AX on failure.
 */
final class Int21 {

    /** A DOS function. */
    interface Handler {
        void call(Call c) throws DosError, IOException, InterruptedException;
    }

    /**
     * One row of the table. {@code args} says what the trace shows: {@code z} ASCIZ at DS:DX, {@code $}
     * string at DS:DX, {@code h} handle BX, {@code n} count CX, {@code a} AL, {@code l} DL, {@code p} DS:DX,
     * {@code x} BX paragraphs, {@code e} segment ES.
     */
    record Function(int number, String name, Support support, String note, String args, Handler handler) {
    }

    static final String TABLE = "int21h";

    private final Map<Integer, Function> functions = new TreeMap<>();

    Int21() {
        add(0x00, "terminate", Support.FULL, "", "", c -> c.process.exit(ExitStatus.exited(0)));
        add(0x01, "read_char_echo", Support.FULL, "stdin; ^Z at the end", "", this::readCharEcho);
        add(0x02, "write_char", Support.FULL, "", "l", c -> {
            c.writeChar(c.cpu.dl());
            c.cpu.al(c.cpu.dl());
        });
        add(0x06, "direct_console_io", Support.FULL, "", "l", this::directConsole);
        add(0x07, "read_char_raw", Support.FULL, "stdin, no echo", "", this::readCharRaw);
        add(0x08, "read_char", Support.FULL, "stdin, no echo", "", this::readCharRaw);
        add(0x09, "write_string", Support.FULL, "", "$", c -> {
            byte[] s = c.dollarString(c.cpu.dsdx());
            c.write(1, s, s.length);
            c.cpu.al('$');
        });
        add(0x0A, "buffered_input", Support.FULL, "a line of stdin; the terminal echoes", "p", this::bufferedInput);
        add(0x0B, "input_status", Support.FULL, "", "", c -> c.cpu.al(c.inputReady() ? 0xff : 0));
        add(0x0E, "select_drive", Support.PARTIAL, "only C: exists", "l", c -> c.cpu.al(3));
        add(0x19, "current_drive", Support.FULL, "always C:", "", c -> c.cpu.al(2));
        add(0x1A, "set_dta", Support.FULL, "", "p", c -> c.dos.dta = c.cpu.dsdx());
        add(0x25, "set_vector", Support.PARTIAL, "stored in the vector table; int N still reaches the provider",
                "a", c -> {
                    c.putWord(c.cpu.al() * 4L, c.cpu.dx());
                    c.putWord(c.cpu.al() * 4L + 2, c.cpu.ds());
                });
        add(0x2A, "get_date", Support.FULL, "host local time", "", this::getDate);
        add(0x2C, "get_time", Support.FULL, "host local time", "", this::getTime);
        add(0x2F, "get_dta", Support.FULL, "", "", c -> {
            c.cpu.es((int) (c.dos.dta >> 4));
            c.cpu.bx((int) (c.dos.dta & 0xf));
        });
        add(0x30, "get_version", Support.FULL, "DOS 5.0", "", c -> {
            c.cpu.ax(0x0005);
            c.cpu.bx(0);
            c.cpu.cx(0);
        });
        add(0x33, "ctrl_break", Support.PARTIAL, "reports checking off, ignores changes", "a", c -> {
            if (c.cpu.al() == 0) {
                c.cpu.dx(c.cpu.dx() & 0xff00);
            }
        });
        add(0x35, "get_vector", Support.FULL, "", "a", c -> {
            c.cpu.bx(c.getWord(c.cpu.al() * 4L));
            c.cpu.es(c.getWord(c.cpu.al() * 4L + 2));
        });
        add(0x36, "free_space", Support.FULL, "of the root's file system, in 4 KB clusters", "l", this::freeSpace);
        add(0x39, "mkdir", Support.FULL, "", "z", c -> Files.createDirectory(host(c, c.cpu.dsdx())));
        add(0x3A, "rmdir", Support.FULL, "", "z", this::rmdir);
        add(0x3B, "chdir", Support.FULL, "", "z", this::chdir);
        add(0x3C, "create", Support.FULL, "attributes ignored", "z", c -> open(c, true, 2));
        add(0x3D, "open", Support.FULL, "sharing modes ignored", "za", c -> open(c, false, c.cpu.al() & 7));
        add(0x3E, "close", Support.FULL, "", "h", this::close);
        add(0x3F, "read", Support.FULL, "", "hnp", this::read);
        add(0x40, "write", Support.FULL, "CX=0 truncates", "hnp", this::write);
        add(0x41, "delete", Support.FULL, "", "z", this::delete);
        add(0x42, "seek", Support.FULL, "", "ha", this::seek);
        add(0x43, "attributes", Support.PARTIAL, "get: directory or archive; set is ignored", "za", this::attributes);
        add(0x44, "ioctl", Support.PARTIAL, "00h get and 01h set device information", "ha", this::ioctl);
        add(0x45, "dup", Support.FULL, "", "h", c -> {
            IoObject o = c.io(c.cpu.bx());
            c.cpu.ax(o == null ? c.dos.addHandle(DosProcess.NULL_DEVICE) : c.dos.addHandle(c.process.handles().add(o)));
        });
        add(0x46, "dup2", Support.FULL, "", "hn", this::dup2);
        add(0x47, "get_cwd", Support.FULL, "", "l", c -> c.putAsciz(Cpu.linear(c.cpu.ds(), c.cpu.si()),
                DosPaths.dosCwd(c.dos.cwd)));
        add(0x48, "allocate", Support.FULL, "", "x", c -> {
            try {
                c.cpu.ax(c.dos.allocate(c.cpu.bx()));
            } catch (DosError e) {
                c.cpu.bx(c.dos.largestFree());
                throw e;
            }
        });
        add(0x49, "free", Support.FULL, "", "e", c -> c.dos.free(c.cpu.es()));
        add(0x4A, "resize", Support.FULL, "", "ex", c -> {
            try {
                c.dos.resize(c.cpu.es(), c.cpu.bx());
            } catch (DosError e) {
                if (e.code == DosError.INSUFFICIENT_MEMORY) {
                    c.cpu.bx(c.dos.maxSize(c.cpu.es()));
                }
                throw e;
            }
        });
        add(0x4B, "exec", Support.MISSING, "", "z", c -> unsupported());
        add(0x4C, "exit", Support.FULL, "AL is the exit status", "a",
                c -> c.process.exit(ExitStatus.exited(c.cpu.al())));
        add(0x4D, "child_status", Support.PARTIAL, "no children: always 0", "", c -> c.cpu.ax(0));
        add(0x4E, "find_first", Support.MISSING, "", "z", c -> unsupported());
        add(0x4F, "find_next", Support.MISSING, "", "", c -> unsupported());
        add(0x56, "rename", Support.FULL, "", "z", this::rename);
        add(0x57, "file_time", Support.PARTIAL, "get; set is ignored", "ha", this::fileTime);
        add(0x62, "get_psp", Support.FULL, "", "", c -> c.cpu.bx(c.dos.psp));
    }

    private void add(int number, String name, Support support, String note, String args, Handler h) {
        functions.put(number, new Function(number, name, support, note, args, h));
    }

    private static void unsupported() throws DosError {
        throw new DosError(DosError.INVALID_FUNCTION);
    }

    /** The table as the support matrix. */
    List<CallInfo> calls() {
        List<CallInfo> result = new ArrayList<>();
        for (Function f : functions.values()) {
            result.add(new CallInfo(TABLE, f.number(), f.name(), f.support(), f.note()));
        }
        return result;
    }

    /** Runs the function in AH: results in registers, CF and AX on an error. */
    void dispatch(Call c) throws InterruptedException {
        int ah = c.cpu.ah();
        Function f = functions.get(ah);
        String args = f == null ? "" : describe(c, f.args());
        try {
            if (f == null || f.support() == Support.MISSING) {
                c.kernel.log("dos: pid " + c.process.pid() + ": int 21h function " + String.format("%02Xh", ah)
                        + (f == null ? "" : " (" + f.name() + ")") + " is not supported");
                throw new DosError(DosError.INVALID_FUNCTION);
            }
            if (ah == 0x00 || ah == 0x4C) {
                // the call does not return: its trace line comes first, as strace shows exit_group
                c.trace(String.format("int21 %02X %s(%s) = ?", ah, f.name(), args));
                f.handler().call(c);
                return;
            }
            f.handler().call(c);
            c.cpu.carry(false);
            c.trace(String.format("int21 %02X %s(%s) = 0x%04X", ah, f.name(), args, c.cpu.ax()));
        } catch (DosError e) {
            fail(c, e.code);
            c.trace(String.format("int21 %02X %s(%s) = CF error %d (%s)", ah, f == null ? "?" : f.name(), args,
                    e.code, e.getMessage()));
        } catch (IOException e) {
            int code = code(e);
            fail(c, code);
            c.trace(String.format("int21 %02X %s(%s) = CF error %d (%s: %s)", ah, f.name(), args, code,
                    DosError.text(code), e.getMessage()));
        }
    }

    private static void fail(Call c, int code) {
        c.cpu.ax(code);
        c.cpu.carry(true);
    }

    /** The DOS error for a host I/O error. */
    static int code(IOException e) {
        if (e instanceof NoSuchFileException) {
            return DosError.FILE_NOT_FOUND;
        }
        if (e instanceof NotDirectoryException) {
            return DosError.PATH_NOT_FOUND;
        }
        if (e instanceof FileAlreadyExistsException) {
            return DosError.FILE_EXISTS;
        }
        if (e instanceof AccessDeniedException || e instanceof DirectoryNotEmptyException) {
            return DosError.ACCESS_DENIED;
        }
        return DosError.ACCESS_DENIED;
    }

    private static String describe(Call c, String spec) {
        StringBuilder sb = new StringBuilder();
        for (char k : spec.toCharArray()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            switch (k) {
                case 'z' -> sb.append('"').append(printable(c.asciz(c.cpu.dsdx()).getBytes(StandardCharsets.ISO_8859_1)))
                        .append('"');
                case '$' -> sb.append('"').append(printable(c.dollarString(c.cpu.dsdx()))).append('"');
                case 'h' -> sb.append(c.cpu.bx());
                case 'n' -> sb.append(c.cpu.cx());
                case 'a' -> sb.append(String.format("0x%02X", c.cpu.al()));
                case 'l' -> sb.append(String.format("0x%02X", c.cpu.dl()));
                case 'p' -> sb.append(String.format("%04X:%04X", c.cpu.ds(), c.cpu.dx()));
                case 'x' -> sb.append(String.format("0x%04X", c.cpu.bx()));
                case 'e' -> sb.append(String.format("%04X", c.cpu.es()));
                default -> sb.append('?');
            }
        }
        return sb.toString();
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 48); i++) {
            int ch = b[i] & 0xff;
            switch (ch) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '"', '\\' -> sb.append('\\').append((char) ch);
                default -> sb.append(ch >= 0x20 && ch < 0x7f ? String.valueOf((char) ch) : String.format("\\x%02x", ch));
            }
        }
        return b.length > 48 ? sb + "..." : sb.toString();
    }

    // --- console --------------------------------------------------------------------------------------

    private void readCharEcho(Call c) throws DosError, IOException, InterruptedException {
        int ch = c.readChar();
        ch = ch < 0 ? 0x1A : ch;
        if (!isTerminal(c, 0)) {
            c.writeChar(ch); // a terminal echoes by itself
        }
        c.cpu.al(ch);
    }

    private void readCharRaw(Call c) throws DosError, IOException, InterruptedException {
        int ch = c.readChar();
        c.cpu.al(ch < 0 ? 0x1A : ch);
    }

    private void directConsole(Call c) throws DosError, IOException, InterruptedException {
        if (c.cpu.dl() != 0xff) {
            c.writeChar(c.cpu.dl());
            c.cpu.al(c.cpu.dl());
            return;
        }
        if (!c.inputReady()) {
            c.cpu.al(0);
            c.cpu.zero(true);
            return;
        }
        int ch = c.readChar();
        c.cpu.al(ch < 0 ? 0x1A : ch);
        c.cpu.zero(false);
    }

    private void bufferedInput(Call c) throws DosError, IOException, InterruptedException {
        long buf = c.cpu.dsdx();
        int max = c.memory.getByte(buf) & 0xff;
        int n = 0;
        while (true) {
            int ch = c.readChar();
            if (ch < 0 || ch == '\r' || ch == '\n') {
                break;
            }
            if (n < max - 1) {
                c.memory.putByte(buf + 2 + n++, (byte) ch);
            }
        }
        c.memory.putByte(buf + 1, (byte) n);
        c.memory.putByte(buf + 2 + n, (byte) '\r');
    }

    private static boolean isTerminal(Call c, int dosHandle) throws DosError {
        IoObject o = c.io(dosHandle);
        return o != null && o.isTerminal();
    }

    // --- date and time --------------------------------------------------------------------------------

    private void getDate(Call c) {
        LocalDateTime now = LocalDateTime.now(ZoneId.systemDefault());
        c.cpu.cx(now.getYear());
        c.cpu.dx(now.getMonthValue() << 8 | now.getDayOfMonth());
        c.cpu.al(now.getDayOfWeek().getValue() % 7); // 0 is Sunday
    }

    private void getTime(Call c) {
        LocalDateTime now = LocalDateTime.now(ZoneId.systemDefault());
        c.cpu.cx(now.getHour() << 8 | now.getMinute());
        c.cpu.dx(now.getSecond() << 8 | now.getNano() / 10_000_000);
    }

    // --- files ----------------------------------------------------------------------------------------

    /** The host file for the DOS name at the address, under the process's root. */
    static Path host(Call c, long nameAddress) throws DosError {
        return DosPaths.hostPath(c.process.root(), DosPaths.guestPath(c.dos.cwd, c.asciz(nameAddress)));
    }

    private void open(Call c, boolean create, int mode) throws DosError, IOException {
        if (mode > 2) {
            throw new DosError(DosError.INVALID_ACCESS);
        }
        Path file = host(c, c.cpu.dsdx());
        if (file.getParent() == null) {
            throw new DosError(DosError.ACCESS_DENIED); // the root directory itself
        }
        if (!create && !Files.exists(file)) {
            throw new DosError(Files.isDirectory(file.getParent()) ? DosError.FILE_NOT_FOUND : DosError.PATH_NOT_FOUND);
        }
        if (create && !Files.isDirectory(file.getParent())) {
            throw new DosError(DosError.PATH_NOT_FOUND);
        }
        if (Files.isDirectory(file)) {
            throw new DosError(DosError.ACCESS_DENIED);
        }
        boolean read = mode == 0 || mode == 2;
        boolean write = mode == 1 || mode == 2;
        IoObject o = c.kernel.openFile(file, read, write, false, create, create, false);
        try {
            int kernelHandle = c.process.handles().add(o);
            try {
                c.cpu.ax(c.dos.addHandle(kernelHandle));
            } catch (DosError e) {
                c.process.handles().close(kernelHandle);
                throw e;
            }
        } finally {
            o.release(); // the handle table holds its own reference
        }
    }

    private void close(Call c) throws DosError {
        int h = c.cpu.bx();
        int k = c.dos.kernelHandle(h);
        c.dos.handles.remove(h);
        if (k != DosProcess.NULL_DEVICE && !c.dos.handles.containsValue(k)) {
            c.process.handles().close(k);
        }
    }

    private void read(Call c) throws DosError, IOException, InterruptedException {
        int n = c.cpu.cx();
        byte[] buf = new byte[n];
        int got = n == 0 ? 0 : c.read(c.cpu.bx(), buf, n);
        c.memory.write(c.cpu.dsdx(), buf, 0, got);
        c.cpu.ax(got);
    }

    private void write(Call c) throws DosError, IOException, InterruptedException {
        int n = c.cpu.cx();
        if (n == 0) {
            // DOS: a write of nothing sets the file's size to the current position
            IoObject o = c.io(c.cpu.bx());
            if (o != null && o.hostPath() != null) {
                o.truncate(o.position());
            }
            c.cpu.ax(0);
            return;
        }
        byte[] buf = new byte[n];
        c.memory.read(c.cpu.dsdx(), buf, 0, n);
        c.cpu.ax(c.write(c.cpu.bx(), buf, n));
    }

    private void delete(Call c) throws DosError, IOException {
        Path file = host(c, c.cpu.dsdx());
        if (Files.isDirectory(file)) {
            throw new DosError(DosError.ACCESS_DENIED);
        }
        Files.delete(file);
    }

    private void seek(Call c) throws DosError, IOException {
        IoObject o = c.io(c.cpu.bx());
        long offset = (c.cpu.cx() << 16 | c.cpu.dx()); // signed 32-bit
        if (o == null || o.hostPath() == null) {
            c.cpu.ax(0); // devices have no position
            c.cpu.dx(0);
            return;
        }
        long base = switch (c.cpu.al()) {
            case 0 -> 0;
            case 1 -> o.position();
            case 2 -> o.size();
            default -> throw new DosError(DosError.INVALID_FUNCTION);
        };
        long pos = c.cpu.al() == 0 ? offset & 0xffff_ffffL : base + offset;
        if (pos < 0) {
            throw new DosError(DosError.INVALID_FUNCTION);
        }
        o.position(pos);
        c.cpu.ax((int) pos);
        c.cpu.dx((int) (pos >>> 16));
    }

    private void attributes(Call c) throws DosError {
        Path file = host(c, c.cpu.dsdx());
        if (!Files.exists(file)) {
            throw new DosError(DosError.FILE_NOT_FOUND);
        }
        if (c.cpu.al() == 0) {
            c.cpu.cx(Files.isDirectory(file) ? 0x10 : 0x20);
        }
    }

    private void ioctl(Call c) throws DosError {
        IoObject o = c.io(c.cpu.bx());
        switch (c.cpu.al()) {
            case 0 -> {
                if (o != null && o.hostPath() != null) {
                    c.cpu.dx(2); // a file on drive C:, not written yet
                } else {
                    int h = c.cpu.bx();
                    // a character device; the console (standard input and output) says so
                    c.cpu.dx(0x80 | (h == 0 ? 0x01 : 0) | (h == 1 || h == 2 ? 0x02 : 0) | (o == null ? 0x04 : 0));
                }
            }
            case 1 -> {
                // set device information: accepted, nothing to change
            }
            default -> throw new DosError(DosError.INVALID_FUNCTION);
        }
    }

    private void dup2(Call c) throws DosError {
        int from = c.cpu.bx();
        int to = c.cpu.cx();
        if (to >= DosProcess.MAX_HANDLES) {
            throw new DosError(DosError.INVALID_HANDLE);
        }
        int k = c.dos.kernelHandle(from);
        if (c.dos.handles.containsKey(to)) {
            int old = c.dos.handles.remove(to);
            if (old != DosProcess.NULL_DEVICE && !c.dos.handles.containsValue(old)) {
                c.process.handles().close(old);
            }
        }
        c.dos.handles.put(to, k == DosProcess.NULL_DEVICE ? k : c.process.handles().add(c.process.handles().get(k)));
    }

    private void rmdir(Call c) throws DosError, IOException {
        String guest = DosPaths.guestPath(c.dos.cwd, c.asciz(c.cpu.dsdx()));
        if (guest.equals(c.dos.cwd)) {
            throw new DosError(DosError.CURRENT_DIRECTORY);
        }
        Path dir = DosPaths.hostPath(c.process.root(), guest);
        if (!Files.isDirectory(dir)) {
            throw new DosError(DosError.PATH_NOT_FOUND);
        }
        Files.delete(dir);
    }

    private void chdir(Call c) throws DosError {
        String guest = DosPaths.guestPath(c.dos.cwd, c.asciz(c.cpu.dsdx()));
        if (!Files.isDirectory(DosPaths.hostPath(c.process.root(), guest))) {
            throw new DosError(DosError.PATH_NOT_FOUND);
        }
        c.dos.cwd = guest;
    }

    private void rename(Call c) throws DosError, IOException {
        Path from = host(c, c.cpu.dsdx());
        Path to = host(c, Cpu.linear(c.cpu.es(), c.cpu.di()));
        if (!Files.exists(from)) {
            throw new DosError(DosError.FILE_NOT_FOUND);
        }
        if (Files.exists(to)) {
            throw new DosError(DosError.ACCESS_DENIED);
        }
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    private void fileTime(Call c) throws DosError, IOException {
        IoObject o = c.io(c.cpu.bx());
        if (o == null || o.hostPath() == null) {
            throw new DosError(DosError.INVALID_HANDLE);
        }
        if (c.cpu.al() == 0) {
            LocalDateTime t = LocalDateTime.ofInstant(Files.getLastModifiedTime(o.hostPath()).toInstant(),
                    ZoneId.systemDefault());
            c.cpu.cx(t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2);
            c.cpu.dx(Math.max(0, t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth());
        }
    }

    private void freeSpace(Call c) throws IOException {
        java.nio.file.FileStore store = Files.getFileStore(c.process.root());
        c.cpu.ax(8); // sectors per cluster
        c.cpu.cx(512); // bytes per sector
        c.cpu.bx((int) Math.min(0xffff, store.getUsableSpace() / 4096));
        c.cpu.dx((int) Math.min(0xffff, store.getTotalSpace() / 4096));
    }
}
