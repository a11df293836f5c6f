package io.pico.os2;

import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import io.pico.api.ExitStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Processes and threads: exit, threads, sleeping, information blocks, thread-local memory, child programs. */
final class Threads {

    static final int EXIT_THREAD = 0;
    static final int EXIT_PROCESS = 1;

    private Threads() {
    }

    /** DosExit. */
    static long exit(Call c) {
        int action = c.iarg(0);
        int result = c.iarg(1) & 0xffff;
        exit(c.p, c.thread, action, result);
        return Call.NO_RESULT;
    }

    static void exit(Os2Process p, io.pico.api.PicoThread thread, int action, int result) {
        if (action == EXIT_PROCESS || p.threads.size() <= 1 || p.isExitThread(Os2Thread.of(thread))) {
            p.exitProcess(thread, result, 0);
        } else {
            thread.exit();
        }
    }

    /** DosCreateThread. */
    static long create(Call c) throws Os2Exception {
        long ptid = Call.need(c.arg(0));
        long pfn = c.arg(1);
        long param = c.arg(2);
        int flags = c.iarg(3);
        long stack = c.arg(4);
        if (pfn == 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        if (stack == 0 || stack > 0x4000_0000L) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        Os2Thread t = c.p.newThread(0, stack, 0, pfn, Layout.STUB_EXIT_THREAD, param);
        c.put32(ptid, t.tid);
        if ((flags & 1) == 0) {
            t.started = true;
            t.thread.start();
        }
        c.detail = "tid " + t.tid;
        return Err.NO_ERROR;
    }

    /** DosResumeThread: starts a thread created suspended. */
    static long resume(Call c) throws Os2Exception {
        Os2Thread t = c.p.threads.get(c.iarg(0));
        if (t == null) {
            throw new Os2Exception(Err.INVALID_THREADID);
        }
        synchronized (t) {
            if (!t.started) {
                t.started = true;
                t.thread.start();
                return Err.NO_ERROR;
            }
        }
        return Err.NO_ERROR;
    }

    /** DosSuspendThread: only threads that have not started yet stay suspended. */
    static long suspend(Call c) throws Os2Exception {
        Os2Thread t = c.p.threads.get(c.iarg(0));
        if (t == null) {
            throw new Os2Exception(Err.INVALID_THREADID);
        }
        return t.started ? Err.ACCESS_DENIED : Err.NO_ERROR;
    }

    /** DosWaitThread. */
    static long waitThread(Call c) throws Os2Exception {
        long ptid = Call.need(c.arg(0));
        int option = c.iarg(1);
        int tid = c.u32(ptid);
        Os2Process p = c.p;
        if (tid == c.t.tid) {
            throw new Os2Exception(Err.INVALID_THREADID);
        }
        long deadline = System.nanoTime() + TimeUnit.DAYS.toNanos(365);
        while (true) {
            Os2Thread target = null;
            if (tid != 0) {
                target = p.known.get(tid);
                if (target == null) {
                    throw new Os2Exception(Err.INVALID_THREADID);
                }
                if (target.ended.getCount() == 0) {
                    p.known.remove(tid);
                    return Err.NO_ERROR;
                }
            } else {
                boolean others = false;
                for (Os2Thread t : p.known.values()) {
                    if (t == c.t) {
                        continue;
                    }
                    others = true;
                    if (t.ended.getCount() == 0) {
                        p.known.remove(t.tid);
                        c.put32(ptid, t.tid);
                        return Err.NO_ERROR;
                    }
                }
                if (!others) {
                    throw new Os2Exception(Err.INVALID_THREADID);
                }
            }
            if (option == 1) {
                return Err.THREAD_NOT_TERMINATED;
            }
            try {
                if (target != null) {
                    target.ended.await(100, TimeUnit.MILLISECONDS);
                } else {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Os2Exception(Err.INTERRUPT);
            }
            if (System.nanoTime() > deadline) {
                return Err.THREAD_NOT_TERMINATED;
            }
        }
    }

    /** DosKillThread. */
    static long kill(Call c) throws Os2Exception {
        int tid = c.iarg(0);
        Os2Thread t = c.p.threads.get(tid);
        if (t == null || t == c.t) {
            throw new Os2Exception(Err.INVALID_THREADID);
        }
        if (!t.started) {
            t.started = true;
            t.thread.exit();
            t.thread.start();
        } else {
            t.thread.exit();
        }
        return Err.NO_ERROR;
    }

    /** DosSleep. */
    static long sleep(Call c) throws Os2Exception {
        long ms = c.arg(0);
        try {
            if (ms == 0) {
                Thread.yield();
            } else {
                Thread.sleep(Math.min(ms, Integer.MAX_VALUE));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        }
        return Err.NO_ERROR;
    }

    /** DosGetInfoBlocks. */
    static long infoBlocks(Call c) throws Os2Exception {
        c.put32(c.arg(0), c.t.tib());
        c.put32(c.arg(1), c.p.pib);
        return Err.NO_ERROR;
    }

    /** DosAllocThreadLocalMemory: up to 8 consecutive words of the 32. */
    static long allocTls(Call c) throws Os2Exception {
        int words = c.iarg(0);
        long pp = Call.need(c.arg(1));
        if (words < 1 || words > 8) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        Os2Process p = c.p;
        synchronized (p.tlsUsed) {
            for (int i = 0; i + words <= Layout.TLS_WORDS; i++) {
                boolean free = true;
                for (int k = 0; k < words; k++) {
                    free &= !p.tlsUsed[i + k];
                }
                if (!free) {
                    continue;
                }
                for (int k = 0; k < words; k++) {
                    p.tlsUsed[i + k] = true;
                }
                p.tlsBlocks.put(i, words);
                for (Os2Thread t : p.threads.values()) {
                    for (int k = 0; k < words; k++) {
                        t.tls[i + k] = 0;
                    }
                }
                c.put32(pp, Layout.TLS + 4L * i);
                return Err.NO_ERROR;
            }
        }
        throw new Os2Exception(Err.NOT_ENOUGH_MEMORY);
    }

    /** DosFreeThreadLocalMemory. */
    static long freeTls(Call c) throws Os2Exception {
        long a = c.arg(0);
        Os2Process p = c.p;
        if (a < Layout.TLS || a >= Layout.TLS + 4L * Layout.TLS_WORDS || (a & 3) != 0) {
            throw new Os2Exception(Err.INVALID_PARAMETER);
        }
        int i = (int) ((a - Layout.TLS) / 4);
        synchronized (p.tlsUsed) {
            Integer words = p.tlsBlocks.remove(i);
            if (words == null) {
                throw new Os2Exception(Err.INVALID_PARAMETER);
            }
            for (int k = 0; k < words; k++) {
                p.tlsUsed[i + k] = false;
            }
        }
        return Err.NO_ERROR;
    }

    /** DosExitList. */
    static long exitList(Call c) throws Os2Exception {
        int code = c.iarg(0);
        long fn = c.arg(1);
        Os2Process p = c.p;
        switch (code & 0xff) {
            case 1 -> {
                synchronized (p) {
                    p.exitList.removeIf(e -> e[1] == fn);
                    p.exitList.add(new long[] {(code >> 8) & 0xff, fn});
                }
                return Err.NO_ERROR;
            }
            case 2 -> {
                synchronized (p) {
                    if (!p.exitList.removeIf(e -> e[1] == fn)) {
                        throw new Os2Exception(Err.INVALID_FUNCTION);
                    }
                }
                return Err.NO_ERROR;
            }
            case 3 -> {
                if (!p.isExitThread(c.t)) {
                    throw new Os2Exception(Err.INVALID_FUNCTION);
                }
                c.t.abandonCall(c.thread);
                p.runExitQueue(c.thread);
                return Call.NO_RESULT;
            }
            default -> throw new Os2Exception(Err.INVALID_PARAMETER);
        }
    }

    /** DosExecPgm: starts a program as a child pico process (of whatever personality claims it). */
    static long execPgm(Call c) throws Os2Exception {
        long pFail = c.arg(0);
        int cbFail = c.iarg(1);
        int flags = c.iarg(2);
        long pArgs = c.arg(3);
        long pEnv = c.arg(4);
        long pRes = Call.need(c.arg(5));
        String name = c.str(Call.need(c.arg(6)));
        Os2Process p = c.p;
        c.detail = name;
        Drives.Resolved r = p.drives.resolve(name);
        java.nio.file.Path host = r.host();
        java.nio.file.Path plain = r.path(); // the kernel resolves the child's program again by its guest path
        if (r.device() || !java.nio.file.Files.isRegularFile(host)) {
            Drives.Resolved exe = p.drives.resolve(name + ".EXE");
            if (exe.device() || !java.nio.file.Files.isRegularFile(exe.host())) {
                failName(c, pFail, cbFail, name);
                throw new Os2Exception(Err.FILE_NOT_FOUND);
            }
            host = exe.host();
            plain = exe.path();
        }
        List<String> argv = new ArrayList<>();
        if (pArgs != 0) {
            String prog = c.str(pArgs);
            String rest = c.str(pArgs + prog.getBytes(StandardCharsets.ISO_8859_1).length + 1);
            argv.add(prog.isEmpty() ? name : prog);
            argv.addAll(CommandLine.split(rest));
        } else {
            argv.add(name);
        }
        Map<String, String> env = new LinkedHashMap<>();
        long e = pEnv != 0 ? pEnv : p.env;
        for (int i = 0; i < 4096; i++) {
            String s = c.str(e);
            if (s.isEmpty()) {
                break;
            }
            int eq = s.indexOf('=');
            if (eq > 0) {
                env.put(s.substring(0, eq), s.substring(eq + 1));
            }
            e += s.getBytes(StandardCharsets.ISO_8859_1).length + 1;
        }
        IoObject[] stdio = new IoObject[3];
        for (int fd = 0; fd < 3; fd++) {
            try {
                stdio[fd] = p.files.io(fd);
            } catch (Os2Exception ex) {
                stdio[fd] = p.kernel.hostStream(null, null, false);
            }
        }
        String cwd = "/" + p.drives.currentDir(3).replace('\\', '/');
        translatePath(p, host, env);
        PicoProcess child;
        try {
            child = p.kernel.spawn(new Launch(p.drives.guestPath(plain), argv, env, cwd, p.process.root(), stdio,
                    p.trace(), p.process.pid()));
        } catch (ImageException ex) {
            failName(c, pFail, cbFail, name);
            if (ex.getMessage() != null && ex.getMessage().contains(": Permission denied")) {
                throw new Os2Exception(Err.ACCESS_DENIED); // a process observer vetoed it
            }
            throw new Os2Exception(ex.status() == ImageException.NOT_FOUND ? Err.FILE_NOT_FOUND
                    : Err.BAD_EXE_FORMAT);
        } catch (io.pico.api.ResourceLimitException ex) {
            throw new Os2Exception(Err.NOT_ENOUGH_MEMORY);
        }
        if (flags == 0) {
            ExitStatus status;
            try {
                status = child.waitFor();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new Os2Exception(Err.INTERRUPT);
            }
            p.kernel.reap(child.pid());
            c.put32(pRes, status.signalled() ? (status.signal() == 9 ? 3 : 2) : 0);
            c.put32(pRes + 4, status.signalled() ? status.signal() : status.code());
        } else {
            p.children.put(child.pid(), child);
            c.put32(pRes, child.pid());
            c.put32(pRes + 4, 0);
        }
        return Err.NO_ERROR;
    }

    /**
     * For a child of another personality (a Linux or FreeBSD program), PATH in POSIX terms: its
     * entries on drive C: become absolute paths with slashes, separated by colons.
     */
    private static void translatePath(Os2Process p, java.nio.file.Path host, Map<String, String> env) {
        String key = env.keySet().stream().filter(k -> k.equalsIgnoreCase("PATH")).findFirst().orElse(null);
        if (key == null) {
            return;
        }
        String personality;
        try {
            personality = p.kernel.personalityOf(p.kernel.image(host, host.toString())).orElse("os2");
        } catch (java.io.IOException ex) {
            return;
        }
        if (personality.equals("os2")) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (String dir : env.get(key).split(";")) {
            String d = dir.trim();
            if (d.length() >= 3 && (d.charAt(0) == 'C' || d.charAt(0) == 'c') && d.charAt(1) == ':'
                    && d.charAt(2) == '\\') {
                sb.append(sb.length() == 0 ? "" : ":").append(d.substring(2).replace('\\', '/'));
            }
        }
        env.remove(key);
        env.put("PATH", sb.toString());
    }

    private static void failName(Call c, long pFail, int cbFail, String name) throws Os2Exception {
        if (pFail != 0 && cbFail > 0) {
            String n = name.length() >= cbFail ? name.substring(0, cbFail - 1) : name;
            c.putString(pFail, n);
        }
    }

    /** DosWaitChild. */
    static long waitChild(Call c) throws Os2Exception {
        int option = c.iarg(1);
        long pRes = c.arg(2);
        long ppid = c.arg(3);
        int pid = c.iarg(4);
        Os2Process p = c.p;
        if (p.children.isEmpty() || pid != 0 && !p.children.containsKey(pid)) {
            throw new Os2Exception(Err.WAIT_NO_CHILDREN);
        }
        PicoProcess[] done = new PicoProcess[1];
        java.util.function.BooleanSupplier ready = () -> {
            for (PicoProcess child : p.children.values()) {
                if ((pid == 0 || child.pid() == pid) && child.exitStatus().isPresent()) {
                    done[0] = child;
                    return true;
                }
            }
            return false;
        };
        try {
            if (!p.kernel.awaitProcesses(ready, option == 1 ? 0 : -1)) {
                throw new Os2Exception(Err.CHILD_NOT_COMPLETE);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new Os2Exception(Err.INTERRUPT);
        }
        PicoProcess child = done[0];
        p.children.remove(child.pid());
        ExitStatus status = child.exitStatus().orElseThrow();
        p.kernel.reap(child.pid());
        c.put32(pRes, status.signalled() ? (status.signal() == 9 ? 3 : 2) : 0);
        if (pRes != 0) {
            c.put32(pRes + 4, status.signalled() ? status.signal() : status.code());
        }
        c.put32(ppid, child.pid());
        return Err.NO_ERROR;
    }

    /** DosKillProcess. */
    static long killProcess(Call c) throws Os2Exception {
        int pid = c.iarg(1);
        try {
            c.p.kernel.signal(pid, "KILL");
        } catch (IllegalArgumentException e) {
            throw new Os2Exception(Err.INVALID_PROCID);
        }
        return Err.NO_ERROR;
    }
}
