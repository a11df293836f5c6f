package io.pico.os2;

import io.pico.api.ImageException;
import io.pico.api.IoObject;
import io.pico.api.Launch;
import io.pico.api.PicoProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** QUECALLS (queues of one process) and DosStartSession. */
final class Queues {

    /** A queue: its order and elements. */
    static final class Queue {
        final String name;
        final int order;
        final List<long[]> elements = new ArrayList<>();

        Queue(String name, int order) {
            this.name = name;
            this.order = order;
        }
    }

    private static final Map<Os2Process, Map<Integer, Queue>> QUEUES = new ConcurrentHashMap<>();

    private Queues() {
    }

    private static Map<Integer, Queue> of(Os2Process p) {
        return QUEUES.computeIfAbsent(p, k -> new ConcurrentHashMap<>());
    }

    /** Forgets the queues of an ended process. */
    static void forget(Os2Process p) {
        QUEUES.remove(p);
    }

    private static Queue queue(Call c, long h) throws Os2Exception {
        Queue q = of(c.p).get((int) h);
        if (q == null) {
            throw new Os2Exception(337); // ERROR_QUE_INVALID_HANDLE
        }
        return q;
    }

    static long create(Call c) throws Os2Exception {
        long ph = Call.need(c.arg(0));
        int order = c.iarg(1) & 3;
        String name = c.str(Call.need(c.arg(2))).toUpperCase(java.util.Locale.ROOT);
        c.detail = name;
        Map<Integer, Queue> qs = of(c.p);
        synchronized (qs) {
            for (Queue q : qs.values()) {
                if (q.name.equals(name)) {
                    throw new Os2Exception(332); // ERROR_QUE_DUPLICATE
                }
            }
            int h = 1;
            while (qs.containsKey(h)) {
                h++;
            }
            qs.put(h, new Queue(name, order));
            c.put32(ph, h);
        }
        return Err.NO_ERROR;
    }

    static long open(Call c) throws Os2Exception {
        long ppid = Call.need(c.arg(0));
        long ph = Call.need(c.arg(1));
        String name = c.str(Call.need(c.arg(2))).toUpperCase(java.util.Locale.ROOT);
        c.detail = name;
        for (Map.Entry<Integer, Queue> e : of(c.p).entrySet()) {
            if (e.getValue().name.equals(name)) {
                c.put32(ph, e.getKey());
                c.put32(ppid, c.p.process.pid());
                return Err.NO_ERROR;
            }
        }
        throw new Os2Exception(343); // ERROR_QUE_NAME_NOT_EXIST
    }

    static long close(Call c) throws Os2Exception {
        queue(c, c.arg(0));
        of(c.p).remove(c.iarg(0));
        return Err.NO_ERROR;
    }

    static long purge(Call c) throws Os2Exception {
        Queue q = queue(c, c.arg(0));
        synchronized (q) {
            q.elements.clear();
        }
        return Err.NO_ERROR;
    }

    static long query(Call c) throws Os2Exception {
        Queue q = queue(c, c.arg(0));
        synchronized (q) {
            c.put32(Call.need(c.arg(1)), q.elements.size());
        }
        return Err.NO_ERROR;
    }

    static long write(Call c) throws Os2Exception {
        Queue q = queue(c, c.arg(0));
        long[] e = {c.arg(1), c.arg(2), c.arg(3), c.arg(4) & 15, c.p.process.pid()};
        synchronized (q) {
            if (q.order == 2) { // QUE_PRIORITY: higher first, FIFO within a priority
                int i = 0;
                while (i < q.elements.size() && q.elements.get(i)[3] >= e[3]) {
                    i++;
                }
                q.elements.add(i, e);
            } else if (q.order == 1) { // QUE_LIFO
                q.elements.add(0, e);
            } else {
                q.elements.add(e);
            }
            q.notifyAll();
        }
        return Err.NO_ERROR;
    }

    static long read(Call c) throws Os2Exception {
        Queue q = queue(c, c.arg(0));
        long pRequest = Call.need(c.arg(1));
        long pcb = Call.need(c.arg(2));
        long ppbuf = Call.need(c.arg(3));
        int element = c.iarg(4);
        boolean nowait = c.arg(5) != 0;
        long pPriority = c.arg(6);
        long[] e;
        synchronized (q) {
            while (q.elements.isEmpty()) {
                if (nowait) {
                    throw new Os2Exception(342); // ERROR_QUE_EMPTY
                }
                try {
                    q.wait(TimeUnit.SECONDS.toMillis(1));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new Os2Exception(Err.INTERRUPT);
                }
            }
            int i = element == 0 ? 0 : Math.max(0, Math.min(element - 1, q.elements.size() - 1));
            e = q.elements.remove(i);
        }
        c.put32(pRequest, e[4]);
        c.put32(pRequest + 4, e[0]);
        c.put32(pcb, e[1]);
        c.put32(ppbuf, e[2]);
        if (pPriority != 0) {
            c.put8(pPriority, (int) e[3]);
        }
        return Err.NO_ERROR;
    }

    /** DosStartSession: the program runs as a child process sharing this session's standard handles. */
    static long startSession(Call c) throws Os2Exception {
        long sd = Call.need(c.arg(0));
        long pSession = c.arg(1);
        long ppid = c.arg(2);
        Os2Process p = c.p;
        long pName = c.u32(sd + 12) & 0xffff_ffffL;
        long pInputs = c.u32(sd + 16) & 0xffff_ffffL;
        String name = pName == 0 ? "CMD.EXE" : c.str(pName);
        String inputs = pInputs == 0 ? "" : c.str(pInputs);
        c.detail = name + " " + inputs;
        Drives.Resolved r = p.drives.resolve(name);
        if (r.device() || !java.nio.file.Files.isRegularFile(r.host())) {
            throw new Os2Exception(Err.FILE_NOT_FOUND);
        }
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(CommandLine.split(inputs));
        Map<String, String> env = new LinkedHashMap<>();
        long e = p.env;
        for (int i = 0; i < 4096; i++) {
            String s = c.str(e);
            if (s.isEmpty()) {
                break;
            }
            int eq = s.indexOf('=');
            if (eq > 0) {
                env.put(s.substring(0, eq), s.substring(eq + 1));
            }
            e += s.length() + 1;
        }
        IoObject[] stdio = new IoObject[3];
        for (int fd = 0; fd < 3; fd++) {
            stdio[fd] = p.files.io(fd);
        }
        PicoProcess child;
        try {
            child = p.kernel.spawn(new Launch(p.drives.guestPath(r.path()), argv, env,
                    "/" + p.drives.currentDir(3).replace('\\', '/'), p.process.root(), stdio, p.trace(),
                    p.process.pid()));
        } catch (ImageException ex) {
            throw new Os2Exception(ex.status() == ImageException.NOT_FOUND ? Err.FILE_NOT_FOUND : Err.BAD_EXE_FORMAT);
        }
        p.children.put(child.pid(), child);
        c.put32(pSession, child.pid());
        c.put32(ppid, child.pid());
        return Err.NO_ERROR;
    }
}
