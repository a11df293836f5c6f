package io.pico.os2;

import io.pico.api.IoObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** MSG, NLS, VIOCALLS and KBDCALLS: messages, country information and case mapping, text output, keyboard. */
final class Console {

    private Console() {
    }

    // ------------------------------------------------------------------------------------------ MSG

    /** Texts of the system messages (OSO001.MSG) for the error codes the provider returns. */
    private static final Map<Integer, String> SYSTEM_MESSAGES = Map.ofEntries(
            Map.entry(1, "Incorrect function."),
            Map.entry(2, "The system cannot find the file specified."),
            Map.entry(3, "The system cannot find the path specified."),
            Map.entry(4, "The system cannot open the file."),
            Map.entry(5, "Access is denied."),
            Map.entry(6, "The handle is incorrect."),
            Map.entry(8, "Not enough memory is available to process this command."),
            Map.entry(15, "The system cannot find the drive specified."),
            Map.entry(18, "There are no more files."),
            Map.entry(32, "The process cannot access the file because it is being used by another process."),
            Map.entry(87, "The parameter is incorrect."),
            Map.entry(110, "The system cannot open the device or file specified."),
            Map.entry(112, "There is not enough space on the disk."),
            Map.entry(123, "The file name, directory name, or volume label syntax is incorrect."),
            Map.entry(126, "The specified module could not be found."),
            Map.entry(127, "The specified procedure could not be found."),
            Map.entry(193, "The file is not a valid OS/2 program."),
            Map.entry(318, "The message file %1 cannot be found."));

    /** DosPutMessage: writes a message to a handle. */
    static long putMessage(Call c) throws Os2Exception {
        IoObject io = c.p.files.io(c.arg(0));
        int n = (int) Math.min(c.arg(1), 1 << 20);
        byte[] data = c.bytes(Call.need(c.arg(2)), n);
        if (c.p.trace() != null) {
            c.detail = "\"" + Call.escape(new String(data, 0, Math.min(n, 64), StandardCharsets.ISO_8859_1))
                    + (n > 64 ? "\"..." : "\"");
        }
        Files.writeAll(io, data);
        return Err.NO_ERROR;
    }

    /** Substitutes %1 .. %9 from a table of strings. */
    static byte[] insert(Call c, long table, int count, byte[] message) throws Os2Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '%' && i + 1 < message.length && message[i + 1] >= '1' && message[i + 1] <= '9') {
                int k = message[i + 1] - '1';
                if (k < count && table != 0) {
                    String s = c.str(c.u32(table + 4L * k) & 0xffff_ffffL);
                    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
                }
                i++;
                continue;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** DosTrueGetMessage: system messages (OSO001.MSG) from the provider's table; other files are not found. */
    static long getMessage(Call c) throws Os2Exception {
        long table = c.arg(1);
        int count = c.iarg(2);
        long buf = Call.need(c.arg(3));
        int cb = c.iarg(4);
        int number = c.iarg(5);
        String file = c.str(Call.need(c.arg(6)));
        long pcb = Call.need(c.arg(7));
        c.detail = file + " #" + number;
        String base = file.substring(Math.max(file.lastIndexOf('\\'), file.lastIndexOf(':')) + 1);
        String text;
        int rc = Err.NO_ERROR;
        if (base.equalsIgnoreCase("OSO001.MSG")) {
            String t = SYSTEM_MESSAGES.get(number);
            if (t == null) {
                t = "Message " + number + " was not found.";
                rc = 317; // ERROR_MR_MID_NOT_FOUND
            }
            text = String.format("SYS%04d: %s\r\n", number, t);
        } else {
            text = String.format("SYS0318: The message file %s cannot be found.\r\n", file);
            rc = Err.FILE_NOT_FOUND;
        }
        byte[] msg = insert(c, table, count, text.getBytes(StandardCharsets.ISO_8859_1));
        int n = Math.min(msg.length, cb);
        c.write(buf, msg, 0, n);
        c.put32(pcb, n);
        return rc;
    }

    /** DosInsertMessage. */
    static long insertMessage(Call c) throws Os2Exception {
        long table = c.arg(0);
        int count = c.iarg(1);
        byte[] message = c.bytes(Call.need(c.arg(2)), (int) Math.min(c.arg(3), 65536));
        long buf = Call.need(c.arg(4));
        int cb = c.iarg(5);
        long pcb = Call.need(c.arg(6));
        if (count > 9) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        byte[] out = insert(c, table, count, message);
        if (out.length > cb) {
            c.write(buf, out, 0, cb);
            c.put32(pcb, cb);
            return 316; // ERROR_MR_MSG_TOO_LONG
        }
        c.write(buf, out);
        c.put32(pcb, out.length);
        return Err.NO_ERROR;
    }

    // ------------------------------------------------------------------------------------------ NLS

    /** DosQueryCtryInfo: the United States with code page 850. */
    static long countryInfo(Call c) throws Os2Exception {
        long cb = c.arg(0);
        long buf = Call.need(c.arg(2));
        long pActual = Call.need(c.arg(3));
        byte[] info = new byte[44];
        Files.putInt(info, 0, 1);
        Files.putInt(info, 4, 850);
        Files.putInt(info, 8, 0); // month-day-year
        info[12] = '$';
        info[17] = ',';
        info[19] = '.';
        info[21] = '-';
        info[23] = ':';
        info[25] = 0; // currency before, no space
        info[26] = 2; // decimal places
        info[27] = 0; // 12-hour clock
        info[32] = ',';
        int n = (int) Math.min(cb, info.length);
        c.write(buf, info, 0, n);
        c.put32(pActual, n);
        return n < info.length ? Err.INSUFFICIENT_BUFFER : Err.NO_ERROR;
    }

    /** DosQueryDBCSEnv: no double-byte character ranges. */
    static long dbcsEnv(Call c) throws Os2Exception {
        long cb = c.arg(0);
        long buf = Call.need(c.arg(2));
        if (cb < 2) {
            throw new Os2Exception(Err.BUFFER_OVERFLOW);
        }
        c.write(buf, new byte[2]);
        return Err.NO_ERROR;
    }

    /** Upper case of a code page 850 byte. */
    static int upper(int b) {
        if (b >= 'a' && b <= 'z') {
            return b - 32;
        }
        return switch (b) {
            case 0x81 -> 0x9a; case 0x82 -> 0x90; case 0x83 -> 0xb6; case 0x84 -> 0x8e; case 0x85 -> 0xb7;
            case 0x86 -> 0x8f; case 0x87 -> 0x80; case 0x88 -> 0xd2; case 0x89 -> 0xd3; case 0x8a -> 0xd4;
            case 0x8b -> 0xd8; case 0x8c -> 0xd7; case 0x8d -> 0xde; case 0x91 -> 0x92; case 0x93 -> 0xe2;
            case 0x94 -> 0x99; case 0x95 -> 0xe3; case 0x96 -> 0xea; case 0x97 -> 0xeb; case 0x98 -> 0x59;
            case 0x9b -> 0x9d; case 0xa0 -> 0xb5; case 0xa1 -> 0xd6; case 0xa2 -> 0xe0; case 0xa3 -> 0xe9;
            case 0xa4 -> 0xa5; case 0xc6 -> 0xc7; case 0xd0 -> 0xd1; case 0xe4 -> 0xe5; case 0xe7 -> 0xe8;
            case 0xec -> 0xed;
            default -> b;
        };
    }

    /** DosMapCase: upper-cases a string in place (code page 850). */
    static long mapCase(Call c) throws Os2Exception {
        int n = (int) Math.min(c.arg(0), 65536);
        long buf = Call.need(c.arg(2));
        byte[] b = c.bytes(buf, n);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) upper(b[i] & 0xff);
        }
        c.write(buf, b);
        return Err.NO_ERROR;
    }

    /** DosQueryCollate: the weight of each byte is its upper case. */
    static long collate(Call c) throws Os2Exception {
        long cb = c.arg(0);
        long buf = Call.need(c.arg(2));
        long pActual = Call.need(c.arg(3));
        byte[] t = new byte[256];
        for (int i = 0; i < 256; i++) {
            t[i] = (byte) upper(i);
        }
        int n = (int) Math.min(cb, 256);
        c.write(buf, t, 0, n);
        c.put32(pActual, n);
        return Err.NO_ERROR;
    }

    // ------------------------------------------------------------------------------------------ VIO / KBD

    /** VioWrtTTY: text to standard output. */
    static long wrtTty(Call c) throws Os2Exception {
        int n = (int) c.arg(1);
        byte[] data = c.bytes(c.ptr(0), n);
        if (c.p.trace() != null) {
            c.detail = "\"" + Call.escape(new String(data, 0, Math.min(n, 64), StandardCharsets.ISO_8859_1)) + "\"";
        }
        Files.writeAll(c.p.files.io(1), data);
        return Err.NO_ERROR;
    }

    /** VioGetMode: an 80x25 colour text mode. */
    static long getMode(Call c) throws Os2Exception {
        long buf = Call.need(c.ptr(0));
        int cb = c.u16(buf);
        byte[] info = new byte[Math.max(2, Math.min(cb, 34))];
        byte[] full = {34, 0, 1, 4, 80, 0, 25, 0, (byte) 0xd0, 2, (byte) 0x90, 1};
        System.arraycopy(full, 0, info, 0, Math.min(full.length, info.length));
        info[0] = (byte) info.length;
        c.write(buf, info);
        return Err.NO_ERROR;
    }

    /** VioGetCurPos: the cursor is where the terminal has it; this reports the top left. */
    static long getCurPos(Call c) throws Os2Exception {
        c.put16(c.ptr(0), 0);
        c.put16(c.ptr(1), 0);
        return Err.NO_ERROR;
    }

    /** KbdCharIn: one character from standard input. */
    static long charIn(Call c) throws Os2Exception {
        long info = Call.need(c.ptr(0));
        int wait = c.iarg(1);
        IoObject in = c.p.files.io(0);
        byte[] key = new byte[10];
        try {
            if (wait != 0 && in.available() == 0 && !in.readable()) {
                c.write(info, key);
                return Err.NO_ERROR;
            }
            ByteBuffer b = ByteBuffer.allocate(1);
            int n = in.read(b);
            if (n > 0) {
                key[0] = b.get(0);
                key[2] = 0x40;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        c.write(info, key);
        return Err.NO_ERROR;
    }

    /** KbdStringIn: a line from standard input. */
    static long stringIn(Call c) throws Os2Exception {
        long buf = Call.need(c.ptr(0));
        long length = Call.need(c.ptr(1));
        int max = c.u16(length);
        IoObject in = c.p.files.io(0);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try {
            ByteBuffer b = ByteBuffer.allocate(1);
            while (line.size() < max) {
                b.clear();
                if (in.read(b) <= 0) {
                    break;
                }
                byte ch = b.get(0);
                if (ch == '\n') {
                    break;
                }
                if (ch != '\r') {
                    line.write(ch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        } catch (IOException e) {
            throw new Os2Exception(Err.ACCESS_DENIED);
        }
        byte[] data = line.toByteArray();
        c.write(buf, data);
        c.put16(length + 2, data.length);
        return Err.NO_ERROR;
    }

    /** KbdGetStatus: echo on, cooked (ASCII) mode. */
    static long getStatus(Call c) throws Os2Exception {
        long buf = Call.need(c.ptr(0));
        c.put16(buf + 2, 0x9);
        c.put16(buf + 4, 0x0d);
        c.put16(buf + 6, 0);
        c.put16(buf + 8, 0);
        return Err.NO_ERROR;
    }

    /** KbdPeek: reports a key only when input is waiting (without taking it). */
    static long peek(Call c) throws Os2Exception {
        long info = Call.need(c.ptr(0));
        byte[] key = new byte[10];
        try {
            if (c.p.files.io(0).available() > 0) {
                key[2] = 0x40;
            }
        } catch (IOException e) {
            // nothing waiting
        }
        c.write(info, key);
        return Err.NO_ERROR;
    }
}
