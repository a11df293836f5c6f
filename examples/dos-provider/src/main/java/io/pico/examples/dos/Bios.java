package io.pico.examples.dos;

import io.pico.api.CallInfo;
import io.pico.api.Support;
import java.io.IOException;
import java.time.LocalTime;
import java.util.List;

/**
 * The little of the PC BIOS that .COM programs use for text: video teletype output (int 10h), the keyboard
 * (int 16h) and the clock (int 1Ah), all on standard input and output. There is no screen: cursor and
 * mode calls are answered as an 80x25 colour text screen would answer them.
 */
final class Bios {

    static List<CallInfo> calls() {
        return List.of(
                new CallInfo("int10h", 0x00, "set_mode", Support.PARTIAL, "accepted, nothing changes"),
                new CallInfo("int10h", 0x02, "set_cursor", Support.PARTIAL, "accepted, nothing changes"),
                new CallInfo("int10h", 0x03, "get_cursor", Support.PARTIAL, "always row 0, column 0"),
                new CallInfo("int10h", 0x09, "write_char_attr", Support.PARTIAL, "CX times AL to stdout"),
                new CallInfo("int10h", 0x0A, "write_char", Support.PARTIAL, "CX times AL to stdout"),
                new CallInfo("int10h", 0x0E, "teletype", Support.FULL, "AL to stdout"),
                new CallInfo("int10h", 0x0F, "get_mode", Support.FULL, "mode 3, 80 columns"),
                new CallInfo("int16h", 0x00, "read_key", Support.PARTIAL, "a byte of stdin, scan code 0"),
                new CallInfo("int16h", 0x01, "key_status", Support.PARTIAL, "whether stdin has a byte"),
                new CallInfo("int16h", 0x10, "read_key_ext", Support.PARTIAL, "as 00h"),
                new CallInfo("int16h", 0x11, "key_status_ext", Support.PARTIAL, "as 01h"),
                new CallInfo("int1Ah", 0x00, "get_ticks", Support.FULL, "18.2 ticks per second since midnight"));
    }

    /** int 10h: video. */
    static void video(Call c) throws DosError, IOException, InterruptedException {
        switch (c.cpu.ah()) {
            case 0x0E -> c.writeChar(c.cpu.al());
            case 0x09, 0x0A -> {
                byte[] b = new byte[c.cpu.cx()];
                java.util.Arrays.fill(b, (byte) c.cpu.al());
                c.write(1, b, b.length);
            }
            case 0x0F -> {
                c.cpu.ax(80 << 8 | 0x03);
                c.cpu.bx(c.cpu.bx() & 0x00ff);
            }
            case 0x03 -> {
                c.cpu.cx(0x0607);
                c.cpu.dx(0);
            }
            default -> {
                // set mode, cursor, palette ...: nothing to do without a screen
            }
        }
    }

    /** int 16h: keyboard, read from standard input. */
    static void keyboard(Call c) throws DosError, IOException, InterruptedException {
        switch (c.cpu.ah()) {
            case 0x00, 0x10 -> {
                int ch = c.dos.pendingKey >= 0 ? c.dos.pendingKey : c.readChar();
                c.dos.pendingKey = -1;
                c.cpu.ax(ch < 0 ? 0x1A : ch); // scan code 0
            }
            case 0x01, 0x11 -> {
                if (c.dos.pendingKey < 0 && c.inputReady()) {
                    c.dos.pendingKey = c.readChar();
                }
                c.cpu.zero(c.dos.pendingKey < 0);
                if (c.dos.pendingKey >= 0) {
                    c.cpu.ax(c.dos.pendingKey);
                }
            }
            case 0x02 -> c.cpu.al(0); // no shift keys down
            default -> {
                // nothing else
            }
        }
    }

    /** int 1Ah: the clock. */
    static void clock(Call c) {
        if (c.cpu.ah() == 0x00) {
            long ticks = (long) (LocalTime.now().toNanoOfDay() / 1e9 * 1_193_180.0 / 65_536.0);
            c.cpu.cx((int) (ticks >> 16));
            c.cpu.dx((int) ticks);
            c.cpu.al(0);
        }
    }

    private Bios() {
    }
}
