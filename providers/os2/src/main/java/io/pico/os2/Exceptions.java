package io.pico.os2;

import io.pico.api.AddressSpace;
import io.pico.api.CpuException;
import io.pico.api.ExitStatus;
import io.pico.api.PicoThread;
import io.pico.api.Register;

/**
 * OS/2 exception handling: the chain of registration records at FS:0 (DosSetExceptionHandler,
 * DosUnsetExceptionHandler), DosRaiseException and DosUnwindException, and guest CPU faults dispatched to the
 * chain's handlers as OS/2 does (report record and context record on the thread's stack; a handler that
 * returns XCPT_CONTINUE_EXECUTION resumes the thread with the context record's registers).
 */
final class Exceptions {

    static final long XCPT_CONTINUE_SEARCH = 0;
    static final long XCPT_CONTINUE_EXECUTION = 0xffff_ffffL;
    static final long ACCESS_VIOLATION = 0xC0000005L;
    static final long ILLEGAL_INSTRUCTION = 0xC000001CL;
    static final long INTEGER_DIVIDE_BY_ZERO = 0xC000009BL;
    static final long INTEGER_OVERFLOW = 0xC000009CL;
    static final long PRIVILEGED_INSTRUCTION = 0xC000009DL;
    static final long BREAKPOINT = 0xC000009FL;
    static final long SINGLE_STEP = 0xC00000A0L;
    static final long ARRAY_BOUNDS_EXCEEDED = 0xC0000093L;
    static final long FLOAT_INVALID_OPERATION = 0xC0000097L;
    static final long UNWIND = 0xC0000026L;
    static final long PROCESS_TERMINATE = 0xC0010001L;
    static final int EH_NONCONTINUABLE = 0x1;
    static final int EH_UNWINDING = 0x2;
    static final int EH_EXIT_UNWIND = 0x4;
    static final int EH_NESTED_CALL = 0x10;
    static final long END = 0xffff_ffffL;

    /** CONTEXTRECORD offsets. */
    static final int CTX_FLAGS = 0;
    static final int CTX_GS = 112;
    static final int CTX_FS = 116;
    static final int CTX_ES = 120;
    static final int CTX_DS = 124;
    static final int CTX_EDI = 128;
    static final int CTX_ESI = 132;
    static final int CTX_EAX = 136;
    static final int CTX_EBX = 140;
    static final int CTX_ECX = 144;
    static final int CTX_EDX = 148;
    static final int CTX_EBP = 152;
    static final int CTX_EIP = 156;
    static final int CTX_CS = 160;
    static final int CTX_EFLAGS = 164;
    static final int CTX_ESP = 168;
    static final int CTX_SS = 172;
    static final int CTX_SIZE = 176;
    static final int REPORT_SIZE = 36;
    private static final int MAX_NESTING = 8;

    private Exceptions() {
    }

    /** DosSetExceptionHandler. */
    static long set(Call c) throws Os2Exception {
        long reg = Call.need(c.arg(0));
        long tib = c.t.tib();
        int head = c.u32(tib);
        c.put32(reg, head);
        c.put32(tib, reg);
        return Err.NO_ERROR;
    }

    /** DosUnsetExceptionHandler: unlinks the record (and any above it, as OS/2 does). */
    static long unset(Call c) throws Os2Exception {
        long reg = Call.need(c.arg(0));
        long tib = c.t.tib();
        long cur = c.u32(tib) & 0xffff_ffffL;
        for (int i = 0; i < 10000 && cur != END && cur != 0; i++) {
            if (cur == reg) {
                c.put32(tib, c.u32(reg));
                return Err.NO_ERROR;
            }
            cur = c.u32(cur) & 0xffff_ffffL;
        }
        throw new Os2Exception(Err.INVALID_PARAMETER);
    }

    /** Writes the thread's registers as a CONTEXTRECORD. */
    static void saveContext(AddressSpace m, PicoThread t, long ctx, long eip, long esp) {
        m.zero(ctx, CTX_SIZE);
        m.putInt(ctx + CTX_FLAGS, 0x7);
        Register[] seg = {Register.GS, Register.FS, Register.ES, Register.DS};
        for (int i = 0; i < seg.length; i++) {
            m.putInt(ctx + CTX_GS + 4L * i, (int) t.get(seg[i]));
        }
        m.putInt(ctx + CTX_EDI, (int) t.get(Register.RDI));
        m.putInt(ctx + CTX_ESI, (int) t.get(Register.RSI));
        m.putInt(ctx + CTX_EAX, (int) t.get(Register.RAX));
        m.putInt(ctx + CTX_EBX, (int) t.get(Register.RBX));
        m.putInt(ctx + CTX_ECX, (int) t.get(Register.RCX));
        m.putInt(ctx + CTX_EDX, (int) t.get(Register.RDX));
        m.putInt(ctx + CTX_EBP, (int) t.get(Register.RBP));
        m.putInt(ctx + CTX_EIP, (int) eip);
        m.putInt(ctx + CTX_CS, (int) t.get(Register.CS));
        m.putInt(ctx + CTX_EFLAGS, (int) t.get(Register.RFLAGS));
        m.putInt(ctx + CTX_ESP, (int) esp);
        m.putInt(ctx + CTX_SS, (int) t.get(Register.SS));
    }

    /** Resumes the thread with a CONTEXTRECORD's registers. */
    static void restoreContext(AddressSpace m, PicoThread t, long ctx) {
        t.set(Register.RDI, m.getInt(ctx + CTX_EDI) & 0xffff_ffffL);
        t.set(Register.RSI, m.getInt(ctx + CTX_ESI) & 0xffff_ffffL);
        t.set(Register.RAX, m.getInt(ctx + CTX_EAX) & 0xffff_ffffL);
        t.set(Register.RBX, m.getInt(ctx + CTX_EBX) & 0xffff_ffffL);
        t.set(Register.RCX, m.getInt(ctx + CTX_ECX) & 0xffff_ffffL);
        t.set(Register.RDX, m.getInt(ctx + CTX_EDX) & 0xffff_ffffL);
        t.set(Register.RBP, m.getInt(ctx + CTX_EBP) & 0xffff_ffffL);
        long flags = m.getInt(ctx + CTX_EFLAGS) & 0xffff_ffffL;
        t.set(Register.RFLAGS, (flags & 0xcd5) | 0x202);
        t.set(Register.RSP, m.getInt(ctx + CTX_ESP) & 0xffff_ffffL);
        t.set(Register.RIP, m.getInt(ctx + CTX_EIP) & 0xffff_ffffL);
    }

    /**
     * Dispatches an exception to the thread's handler chain. The records are built below the thread's stack
     * pointer; {@code unhandled} runs when every handler declined (or the chain is empty).
     */
    static void dispatch(Os2Thread t, PicoThread thread, long number, int flags, long address, long[] info,
            long eip, long esp, Runnable unhandled) {
        AddressSpace m = t.p.mem;
        if (t.exceptionDepth >= MAX_NESTING) {
            unhandled.run();
            return;
        }
        long base = ((esp - 0x400) & ~0xfL);
        long report = base;
        long ctx = base + 0x40;
        try {
            m.zero(report, REPORT_SIZE);
            m.putInt(report, (int) number);
            m.putInt(report + 4, flags | (t.exceptionDepth > 0 ? EH_NESTED_CALL : 0));
            m.putInt(report + 12, (int) address);
            m.putInt(report + 16, info.length);
            for (int i = 0; i < info.length && i < 4; i++) {
                m.putInt(report + 20 + 4L * i, (int) info[i]);
            }
            saveContext(m, thread, ctx, eip, esp);
        } catch (RuntimeException e) {
            unhandled.run(); // no stack to build the records on
            return;
        }
        t.exceptionDepth++;
        thread.set(Register.RSP, base - 0x10);
        long head = m.getInt(t.tib()) & 0xffff_ffffL;
        t.p.traceLine(String.format("exception 0x%08x at 0x%x (handler chain 0x%x)", number, address, head));
        next(t, thread, head, report, ctx, unhandled);
    }

    private static void next(Os2Thread t, PicoThread thread, long reg, long report, long ctx, Runnable unhandled) {
        AddressSpace m = t.p.mem;
        long handler;
        try {
            if (reg == END || reg == 0) {
                t.exceptionDepth--;
                unhandled.run();
                return;
            }
            handler = m.getInt(reg + 4) & 0xffff_ffffL;
        } catch (RuntimeException e) {
            t.exceptionDepth--;
            unhandled.run();
            return;
        }
        t.callGuest(thread, handler, new long[] {report, reg, ctx, 0}, eax -> {
            if (eax == XCPT_CONTINUE_EXECUTION && (m.getInt(report + 4) & EH_NONCONTINUABLE) == 0) {
                t.exceptionDepth--;
                restoreContext(m, thread, ctx);
                return;
            }
            long prev;
            try {
                prev = m.getInt(reg) & 0xffff_ffffL;
            } catch (RuntimeException e) {
                prev = END;
            }
            next(t, thread, prev, report, ctx, unhandled);
        });
    }

    /** A CPU fault of a guest thread: to the OS/2 handlers, and the process ends when none handles it. */
    static void fault(Os2Thread t, PicoThread thread, CpuException ex) {
        long number;
        long[] info = {};
        String what;
        int sig;
        switch (ex.kind()) {
            case UNMAPPED, PROTECTION -> {
                number = ACCESS_VIOLATION;
                int access = switch (ex.access()) {
                    case READ -> 1;
                    case WRITE -> 2;
                    case EXECUTE -> 8;
                    default -> 0;
                };
                info = new long[] {access, ex.address()};
                what = String.format("access violation (%s 0x%x)", ex.access().name().toLowerCase(), ex.address());
                sig = 11;
            }
            case INVALID_INSTRUCTION -> {
                number = ILLEGAL_INSTRUCTION;
                what = "illegal instruction";
                sig = 4;
            }
            case DIVIDE_ERROR -> {
                number = INTEGER_DIVIDE_BY_ZERO;
                what = "integer divide by zero";
                sig = 8;
            }
            case INTERRUPT -> {
                switch (ex.vector()) {
                    case 3 -> {
                        number = BREAKPOINT;
                        what = "breakpoint";
                        sig = 5;
                    }
                    case 1 -> {
                        number = SINGLE_STEP;
                        what = "single step";
                        sig = 5;
                    }
                    case 4 -> {
                        number = INTEGER_OVERFLOW;
                        what = "integer overflow";
                        sig = 8;
                    }
                    case 5 -> {
                        number = ARRAY_BOUNDS_EXCEEDED;
                        what = "array bounds exceeded";
                        sig = 11;
                    }
                    case 16 -> {
                        number = FLOAT_INVALID_OPERATION;
                        what = "floating point error";
                        sig = 8;
                    }
                    default -> {
                        number = ACCESS_VIOLATION;
                        info = new long[] {0, 0};
                        what = String.format("general protection fault (int 0x%x)", ex.vector());
                        sig = 11;
                    }
                }
            }
            default -> {
                number = ACCESS_VIOLATION;
                info = new long[] {0, 0};
                what = "general protection fault";
                sig = 11;
            }
        }
        boolean gp = ex.kind() == CpuException.Kind.OTHER || ex.kind() == CpuException.Kind.INVALID_INSTRUCTION
                || ex.kind() == CpuException.Kind.INTERRUPT && number == ACCESS_VIOLATION;
        if (gp && privileged(t.p.mem, ex.pc())) {
            // hlt, cli, mov cr0 ... at ring 3: OS/2 reports these general protection faults as their own kind
            number = PRIVILEGED_INSTRUCTION;
            info = new long[] {};
            what = "privileged instruction";
            sig = 11;
        }
        long eip = ex.pc();
        long esp = thread.get(Register.RSP);
        Os2Process p = t.p;
        String reason = String.format("SYS3175: %s at 0x%08x in thread %d", what, eip, t.tid);
        int signal = sig;
        Runnable unhandled = () -> {
            p.kernel.log("pid " + p.process.pid() + ": " + reason + " " + describe(p, eip));
            p.traceLine("--- " + reason + " ---");
            p.process.exit(ExitStatus.signalled(signal, reason));
        };
        if (p.exiting()) {
            if (p.isExitThread(t)) {
                // an exit routine crashed: go on with the next one
                t.abandonCall(thread);
                p.runExitQueue(thread);
            } else {
                thread.exit();
            }
            return;
        }
        dispatch(t, thread, number, 0, eip, info, eip, esp, unhandled);
    }

    /**
     * Whether the instruction at {@code pc} is one a program may not execute at ring 3 (hlt, cli, sti, in, out,
     * ins, outs, lgdt, lidt, lldt, ltr, lmsw, invlpg, clts, invd, wbinvd, mov to or from a control or debug
     * register, rdmsr, wrmsr, sysexit).
     */
    static boolean privileged(AddressSpace m, long pc) {
        byte[] b = new byte[6];
        try {
            m.read(pc, b, 0, b.length);
        } catch (RuntimeException e) {
            try {
                m.read(pc, b, 0, 3);
            } catch (RuntimeException e2) {
                return false;
            }
        }
        int i = 0;
        while (i < 3 && ((b[i] & 0xff) == 0x66 || (b[i] & 0xff) == 0x67 || (b[i] & 0xff) == 0xf3
                || (b[i] & 0xff) == 0xf2)) {
            i++;
        }
        int op = b[i] & 0xff;
        if (op == 0xf4 || op == 0xfa || op == 0xfb || op >= 0xe4 && op <= 0xe7 || op >= 0xec && op <= 0xef
                || op >= 0x6c && op <= 0x6f) {
            return true;
        }
        if (op != 0x0f) {
            return false;
        }
        int op2 = b[i + 1] & 0xff;
        int reg = (b[i + 2] >> 3) & 7;
        return switch (op2) {
            case 0x00 -> reg == 2 || reg == 3;
            case 0x01 -> (b[i + 2] & 0xc0) != 0xc0 ? reg == 2 || reg == 3 || reg == 6 || reg == 7 : reg == 6;
            case 0x06, 0x08, 0x09, 0x20, 0x21, 0x22, 0x23, 0x30, 0x32, 0x35 -> true;
            default -> false;
        };
    }

    /** Names the module a code address belongs to, for the log. */
    static String describe(Os2Process p, long eip) {
        synchronized (p) {
            for (Module m : p.modules.values()) {
                if (m.contains(eip)) {
                    for (int i = 0; i < m.base.length; i++) {
                        if (eip >= m.base[i] && eip < m.base[i] + m.size[i]) {
                            return String.format("(%s object %d + 0x%x)", m.name, i + 1, eip - m.base[i]);
                        }
                    }
                }
            }
        }
        if (eip >= Layout.STUB32 && eip < Layout.STUB32 + 2 * Layout.GRANULE) {
            return "(in a system DLL stub)";
        }
        return "(outside every module)";
    }

    /** DosRaiseException: dispatches the caller's report; a handler that continues makes the call return. */
    static long raise(Call c) throws Os2Exception {
        long src = Call.need(c.arg(0));
        byte[] report = c.bytes(src, REPORT_SIZE);
        long number = c.u32(src) & 0xffff_ffffL;
        int flags = c.u32(src + 4);
        long address = c.u32(src + 12) & 0xffff_ffffL;
        int n = Math.min(4, c.u32(src + 16));
        long[] info = new long[Math.max(0, n)];
        for (int i = 0; i < info.length; i++) {
            info[i] = c.u32(src + 20 + 4L * i) & 0xffff_ffffL;
        }
        long ret = c.u32(c.sp) & 0xffff_ffffL;
        PicoThread thread = c.thread;
        thread.set(Register.RAX, 0);
        Os2Process p = c.p;
        c.detail = String.format("0x%08x", number);
        String reason = String.format("SYS3175: exception 0x%08x raised at 0x%08x in thread %d", number, ret,
                c.t.tid);
        dispatch(c.t, thread, number, flags, address == 0 ? ret : address, info, ret, c.sp + 4, () -> {
            p.kernel.log("pid " + p.process.pid() + ": " + reason);
            p.traceLine("--- " + reason + " ---");
            p.process.exit(ExitStatus.signalled(6, reason));
        });
        if (report.length == 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        return Call.NO_RESULT;
    }

    /** DosUnwindException: calls and removes the handlers above the target record, then goes on. */
    static long unwind(Call c) throws Os2Exception {
        long target = c.arg(0);
        long targetIp = c.arg(1);
        long pReport = c.arg(2);
        Os2Thread t = c.t;
        PicoThread thread = c.thread;
        AddressSpace m = c.m;
        long esp = c.sp;
        long base = ((esp - 0x400) & ~0xfL);
        long report = base;
        long ctx = base + 0x40;
        m.zero(report, REPORT_SIZE);
        if (pReport != 0) {
            c.write(report, c.bytes(pReport, REPORT_SIZE));
        } else {
            m.putInt(report, (int) UNWIND);
        }
        int flags = m.getInt(report + 4) | EH_UNWINDING | (target == END ? EH_EXIT_UNWIND : 0);
        m.putInt(report + 4, flags);
        long ret = c.u32(esp) & 0xffff_ffffL;
        saveContext(m, thread, ctx, ret, esp + 4);
        thread.set(Register.RSP, base - 0x10);
        long resume = thread.get(Register.RIP);
        unwindNext(t, thread, target, report, ctx, () -> {
            thread.set(Register.RAX, 0);
            if (targetIp != 0) {
                thread.set(Register.RSP, esp + 4);
                thread.set(Register.RIP, targetIp);
            } else {
                thread.set(Register.RSP, esp);
                thread.set(Register.RIP, resume);
            }
        });
        return Call.NO_RESULT;
    }

    private static void unwindNext(Os2Thread t, PicoThread thread, long target, long report, long ctx, Runnable done) {
        AddressSpace m = t.p.mem;
        long head = m.getInt(t.tib()) & 0xffff_ffffL;
        if (head == target || head == END || head == 0) {
            done.run();
            return;
        }
        long handler;
        long prev;
        try {
            handler = m.getInt(head + 4) & 0xffff_ffffL;
            prev = m.getInt(head) & 0xffff_ffffL;
        } catch (RuntimeException e) {
            m.putInt(t.tib(), (int) END);
            done.run();
            return;
        }
        t.callGuest(thread, handler, new long[] {report, head, ctx, 0}, eax -> {
            m.putInt(t.tib(), (int) prev);
            unwindNext(t, thread, target, report, ctx, done);
        });
    }
}
