package io.pico.examples.dos;

import io.pico.api.AddressSpace;
import io.pico.api.IoObject;
import io.pico.api.Kernel;
import io.pico.api.PicoProcess;
import io.pico.api.PicoThread;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One DOS or BIOS call in progress: the thread, its registers, its process's DOS state, guest memory and
 * the kernel. Also the I/O every call shares: reading and writing DOS handles, strings in guest memory.
 */
final class Call {

    final Kernel kernel;
    final PicoThread thread;
    final PicoProcess process;
    final DosProcess dos;
    final Cpu cpu;
    final AddressSpace memory;

    Call(Kernel kernel, PicoThread thread, DosProcess dos) {
        this.kernel = kernel;
        this.thread = thread;
        this.process = thread.process();
        this.dos = dos;
        this.cpu = new Cpu(thread);
        this.memory = process.memory();
    }

    /** The kernel object behind a DOS handle; null for the null devices AUX and PRN. */
    IoObject io(int dosHandle) throws DosError {
        int k = dos.kernelHandle(dosHandle);
        if (k == DosProcess.NULL_DEVICE) {
            return null;
        }
        IoObject o = process.handles().get(k);
        if (o == null) {
            throw new DosError(DosError.INVALID_HANDLE);
        }
        return o;
    }

    /** Writes all bytes to a DOS handle; returns how many were written. */
    int write(int dosHandle, byte[] data, int length) throws DosError, IOException, InterruptedException {
        IoObject o = io(dosHandle);
        if (o == null) {
            return length;
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        while (b.hasRemaining()) {
            if (o.write(b) <= 0) {
                break;
            }
        }
        return length - b.remaining();
    }

    /** Reads up to {@code length} bytes from a DOS handle; 0 at the end. */
    int read(int dosHandle, byte[] data, int length) throws DosError, IOException, InterruptedException {
        IoObject o = io(dosHandle);
        if (o == null) {
            return 0;
        }
        int n = o.read(ByteBuffer.wrap(data, 0, length));
        return Math.max(0, n);
    }

    /** Reads one byte from standard input; -1 at the end. */
    int readChar() throws DosError, IOException, InterruptedException {
        byte[] b = new byte[1];
        return read(0, b, 1) == 1 ? b[0] & 0xff : -1;
    }

    /** Writes one byte to standard output. */
    void writeChar(int ch) throws DosError, IOException, InterruptedException {
        write(1, new byte[] {(byte) ch}, 1);
    }

    /** Whether standard input has a byte ready. */
    boolean inputReady() throws DosError, IOException {
        IoObject o = io(0);
        return o != null && (o.available() > 0 || o.readable());
    }

    /** The ASCIZ string at a linear address (at most 128 bytes: a DOS path). */
    String asciz(long address) {
        return new String(memory.getCString(address, 128), StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a {@code $}-terminated string (without the {@code $}), at most one segment long. */
    byte[] dollarString(long address) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 0x10000; i++) {
            byte b = memory.getByte(address + i);
            if (b == '$') {
                break;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** Writes an ASCIZ string. */
    void putAsciz(long address, String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
        memory.write(address, b, 0, b.length);
    }

    void putWord(long address, int value) {
        memory.putByte(address, (byte) value);
        memory.putByte(address + 1, (byte) (value >> 8));
    }

    int getWord(long address) {
        return (memory.getByte(address) & 0xff) | (memory.getByte(address + 1) & 0xff) << 8;
    }

    /** A line on the process's system call trace, when it is traced. */
    void trace(String line) {
        process.trace().ifPresent(t -> t.println(process.pid() + " " + line));
    }
}
