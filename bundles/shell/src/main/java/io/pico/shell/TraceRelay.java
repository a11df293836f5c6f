package io.pico.shell;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Carries the trace lines that a process's guest threads write to the thread of the shell command that shows
 * them ({@code pico:strace}). Gogo's {@code System.out} sends each thread's output to that thread's session, and
 * guest threads belong to no session: written there directly, the lines would go to the JVM's standard output
 * instead of the session that asked for them (a remote or web shell, a test's session).
 */
final class TraceRelay extends OutputStream {

    private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (!closed) { // a line in flight when the command detached goes nowhere, and nothing piles up
            chunks.add(Arrays.copyOfRange(b, off, off + len));
        }
    }

    @Override
    public void close() {
        closed = true;
        chunks.clear();
    }

    /**
     * Copies what was written to {@code out} on the calling thread until {@code done} holds and nothing more
     * arrives for a moment (a last line written just after the end is still shown).
     */
    void pump(PrintStream out, BooleanSupplier done) throws InterruptedException {
        while (true) {
            boolean finished = done.getAsBoolean();
            byte[] chunk = chunks.poll(50, TimeUnit.MILLISECONDS);
            if (chunk != null) {
                out.write(chunk, 0, chunk.length);
                drain(out);
            } else if (finished) {
                return;
            }
        }
    }

    /** Copies what is waiting to {@code out}. */
    void drain(PrintStream out) {
        for (byte[] chunk; (chunk = chunks.poll()) != null;) {
            out.write(chunk, 0, chunk.length);
        }
        out.flush();
    }
}
