package io.pico.linux;

import io.pico.api.IoObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A terminal as the Linux personality sees it: one per kernel terminal object, shared by every process
 * that holds it (fork copies the handles, so parent and child see the same terminal). It keeps the
 * terminal's settings (struct termios), its foreground process group and the session it controls.
 *
 * <p>The kernel's terminals are the runtime's own standard streams. Settings the guest makes are applied
 * to the host terminal with {@code stty} (its {@code -g} format is exactly the termios fields), so that a
 * shell's line editing gets raw input and no host echo; the host's original settings come back when the
 * session that changed them ends.
 */
public final class Tty {

    private static final Map<IoObject, Tty> TERMINALS = Collections.synchronizedMap(new WeakHashMap<>());
    private static final String STTY = Files.isExecutable(Path.of("/bin/stty")) ? "/bin/stty" : "/usr/bin/stty";

    private final String hostPath;
    private byte[] termios;
    private String original;
    private String applied;
    private volatile int foreground;
    private volatile int session;
    private long winsizeAt;
    private byte[] winsize = {24, 0, 80, 0, 0, 0, 0, 0};

    private Tty(String hostPath) {
        this.hostPath = hostPath;
    }

    /** The state of a terminal object, created on first use. */
    public static Tty of(IoObject io) {
        synchronized (TERMINALS) {
            return TERMINALS.computeIfAbsent(io, k -> new Tty(hostTerminal()));
        }
    }

    /**
     * Makes terminal objects one terminal (the launcher's standard input, output and error are separate
     * kernel objects over the same host terminal); returns it.
     */
    public static Tty link(java.util.List<IoObject> objects) {
        synchronized (TERMINALS) {
            Tty tty = null;
            for (IoObject io : objects) {
                tty = TERMINALS.get(io);
                if (tty != null) {
                    break;
                }
            }
            if (tty == null) {
                tty = new Tty(hostTerminal());
            }
            for (IoObject io : objects) {
                TERMINALS.put(io, tty);
            }
            return tty;
        }
    }

    /** The host terminal of the runtime's standard streams (the first of 0, 1, 2 that is one), or null. */
    private static String hostTerminal() {
        for (int fd = 0; fd < 3; fd++) {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
                if (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console")) {
                    return target;
                }
            } catch (IOException | UnsupportedOperationException e) {
                // not a link: not a terminal
            }
        }
        return null;
    }

    /** The foreground process group, 0 when none was set. */
    public int foreground() {
        return foreground;
    }

    /** Sets the foreground process group. */
    public void foreground(int pgid) {
        foreground = pgid;
    }

    /** The session this terminal controls, 0 for none. */
    public int session() {
        return session;
    }

    /** Makes the terminal the controlling terminal of a session whose foreground group is {@code pgid}. */
    public void control(int sid, int pgid) {
        session = sid;
        foreground = pgid;
    }

    /** The settings (36 bytes of the kernel's struct termios). */
    public synchronized byte[] termios() {
        if (termios == null) {
            termios = defaultTermios();
            String g = stty("-g");
            if (g != null && fromStty(g.strip(), termios)) {
                original = g.strip();
                applied = original;
            }
        }
        return termios.clone();
    }

    /** Changes the settings and applies them to the host terminal. */
    public synchronized void termios(byte[] value) {
        termios();
        System.arraycopy(value, 0, termios, 0, Math.min(value.length, termios.length));
        if (original != null) {
            String g = toStty(termios);
            if (!g.equals(applied)) {
                stty(g);
                applied = g;
            }
        }
    }

    /** Gives the host terminal its original settings back, if a guest changed them. */
    public synchronized void restore() {
        if (original != null && !original.equals(applied)) {
            stty(original);
            applied = original;
            termios = null;
        }
    }

    /** The window size (struct winsize), from the host terminal, asked at most twice a second. */
    public synchronized byte[] winsize() {
        long now = System.nanoTime();
        if (hostPath != null && now - winsizeAt > TimeUnit.MILLISECONDS.toNanos(500)) {
            winsizeAt = now;
            String size = stty("size");
            if (size != null) {
                String[] rc = size.strip().split("\\s+");
                try {
                    int rows = Integer.parseInt(rc[0]);
                    int cols = Integer.parseInt(rc[1]);
                    if (rows > 0 && cols > 0) {
                        winsize = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) rows)
                                .putShort((short) cols).putInt(0).array();
                    }
                } catch (RuntimeException e) {
                    // keep the last size
                }
            }
        }
        return winsize.clone();
    }

    private String stty(String arg) {
        if (hostPath == null) {
            return null;
        }
        try {
            Process p = new ProcessBuilder(STTY, "-F", hostPath, arg).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                // e.g. stopped by SIGTTOU: the runtime is in the background of its terminal
                p.destroyForcibly();
                return null;
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** GNU stty's {@code -g} format: iflag:oflag:cflag:lflag, then 32 c_cc bytes, all in hex. */
    static String toStty(byte[] t) {
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sb.append(i == 0 ? "" : ":").append(Integer.toHexString(b.getInt(4 * i)));
        }
        for (int i = 0; i < 32; i++) {
            sb.append(':').append(Integer.toHexString(i < 19 ? t[17 + i] & 0xff : 0));
        }
        return sb.toString();
    }

    /** Reads the {@code -g} format into a kernel termios; false when it is not that format. */
    static boolean fromStty(String g, byte[] t) {
        String[] f = g.split(":");
        if (f.length < 4 + 17) {
            return false;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 4; i++) {
                b.putInt(4 * i, (int) Long.parseLong(f[i], 16));
            }
            t[16] = 0;
            for (int i = 0; i < 19 && 4 + i < f.length; i++) {
                t[17 + i] = (byte) Integer.parseInt(f[4 + i], 16);
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Linux's settings of a fresh terminal: cooked, echoing, signals on. */
    static byte[] defaultTermios() {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x500).putInt(0x5).putInt(0xbf).putInt(0x8a3b).put((byte) 0);
        b.put(new byte[] {3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0});
        return b.array();
    }
}
