package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.api.PicoThread;
import io.pico.api.Register;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongConsumer;

/**
 * An OS/2 thread: its thread id in the process (1 for the first), its own GDT (whose entry 0x150B is the
 * thread information block at FS:0), its stack, its thread-local words, and the guest calls the provider
 * has made on it and waits to see return.
 */
final class Os2Thread {

    /** TIB offsets. */
    static final int TIB_EXCHAIN = 0x00;
    static final int TIB_STACK = 0x04;
    static final int TIB_STACKLIMIT = 0x08;
    static final int TIB_TIB2 = 0x0c;
    static final int TIB_VERSION = 0x10;
    static final int TIB_ORDINAL = 0x14;
    /** The end of an exception handler chain. */
    static final int END_OF_CHAIN = -1;

    final Os2Process p;
    final int tid;
    /** GDT (two pages) followed by the TIB page. */
    final long block;
    final long stackBase;
    final long stackSize;
    /** Whether the provider allocated the stack (freed when the thread ends). */
    final boolean ownStack;
    final int[] tls = new int[Layout.TLS_WORDS];
    private final Deque<Frame> calls = new ArrayDeque<>();
    final CountDownLatch ended = new CountDownLatch(1);
    volatile PicoThread thread;
    volatile boolean started;
    /** DosEnterMustComplete nesting. */
    int mustComplete;
    /** Set while the thread is being dispatched to exception handlers (no nested dispatch of faults). */
    int exceptionDepth;

    /** A guest call the provider made: the stack pointer to restore and what to do with the result. */
    private record Frame(long savedEsp, LongConsumer then) {
    }

    Os2Thread(Os2Process p, int tid, long block, long stackBase, long stackSize, boolean ownStack) {
        this.p = p;
        this.tid = tid;
        this.block = block;
        this.stackBase = stackBase;
        this.stackSize = stackSize;
        this.ownStack = ownStack;
    }

    long gdt() {
        return block;
    }

    long tib() {
        return block + Layout.GDT_BYTES;
    }

    long tib2() {
        return tib() + 0x20;
    }

    /** Where the trampoline's far-return frame is built. */
    long frame() {
        return tib() + 0x100;
    }

    /** Fills this thread's GDT and TIB. */
    void initialise(AddressSpace m) {
        m.putLong(gdt() + 8L * (Layout.SEL_RING0_DATA >> 3), Descriptors.RING0_DATA);
        m.putLong(gdt() + 8L * (Layout.SEL_FLAT_DATA >> 3), Descriptors.FLAT_DATA);
        m.putLong(gdt() + 8L * (Layout.SEL_FLAT_CODE >> 3), Descriptors.FLAT_CODE);
        m.putLong(gdt() + 8L * (Layout.SEL_TIB >> 3), Descriptors.data32(tib(), 0xfff));
        long tib = tib();
        m.putInt(tib + TIB_EXCHAIN, END_OF_CHAIN);
        m.putInt(tib + TIB_STACK, (int) stackBase);
        m.putInt(tib + TIB_STACKLIMIT, (int) (stackBase + stackSize));
        m.putInt(tib + TIB_TIB2, (int) tib2());
        m.putInt(tib + TIB_VERSION, 20);
        m.putInt(tib + TIB_ORDINAL, tid);
        m.putInt(tib2(), tid);
        m.putInt(tib2() + 4, 0x200);
        m.putInt(tib2() + 8, 20);
        m.putInt(tib2() + 12, 0);
    }

    /**
     * Points a new kernel thread at this thread's descriptor tables and at the trampoline that loads OS/2's
     * selectors, drops to ring 3 and continues at {@code target} with the stack pointer {@code esp}.
     */
    void prepare(PicoThread t, long target, long esp) {
        AddressSpace m = p.mem;
        m.putInt(frame(), (int) target);
        m.putInt(frame() + 4, Layout.SEL_FLAT_CODE);
        m.putInt(frame() + 8, (int) esp);
        m.putInt(frame() + 12, Layout.SEL_FLAT_DATA);
        t.descriptorTables(gdt(), Layout.GDT_ENTRIES * 8 - 1, Layout.LDT, (int) Layout.LDT_BYTES - 1);
        t.set(Register.RSP, frame());
        t.set(Register.RIP, Layout.TRAMPOLINE);
        t.providerState(this);
        thread = t;
    }

    /** Points the thread at 16-bit code: the trampoline far-returns to {@code cs:ip} with the stack {@code ss:sp}. */
    void prepare16(PicoThread t, int cs, int ip, int ss, int sp) {
        AddressSpace m = p.mem;
        m.putInt(frame(), ip);
        m.putInt(frame() + 4, cs);
        m.putInt(frame() + 8, sp);
        m.putInt(frame() + 12, ss);
    }

    /**
     * Calls guest code with the _System convention: pushes the arguments and a return address into the
     * provider's call-return stub, and continues at {@code target}. When the code returns, the stack pointer is
     * restored and {@code then} receives EAX; it decides where the thread goes next.
     */
    void callGuest(PicoThread t, long target, long[] args, LongConsumer then) {
        long esp = t.get(Register.RSP);
        long sp = esp - 4L * args.length - 4;
        sp &= ~3L;
        for (int i = 0; i < args.length; i++) {
            p.mem.putInt(sp + 4 + 4L * i, (int) args[i]);
        }
        p.mem.putInt(sp, (int) Layout.STUB_CALL_RETURN);
        synchronized (calls) {
            calls.push(new Frame(esp, then));
        }
        t.set(Register.RSP, sp);
        t.set(Register.RIP, target);
    }

    /** The guest code of the innermost provider call returned: restores the stack and runs its continuation. */
    boolean returned(PicoThread t) {
        Frame f;
        synchronized (calls) {
            f = calls.poll();
        }
        if (f == null) {
            return false;
        }
        long eax = t.get(Register.RAX);
        t.set(Register.RSP, f.savedEsp);
        f.then.accept(eax);
        return true;
    }

    /** Drops the innermost provider call without running its continuation (exit list routines that leave). */
    boolean abandonCall(PicoThread t) {
        Frame f;
        synchronized (calls) {
            f = calls.poll();
        }
        if (f == null) {
            return false;
        }
        t.set(Register.RSP, f.savedEsp);
        return true;
    }

    /** How many provider calls are in progress. */
    int callDepth() {
        synchronized (calls) {
            return calls.size();
        }
    }

    static Os2Thread of(PicoThread t) {
        return (Os2Thread) t.providerState();
    }
}
