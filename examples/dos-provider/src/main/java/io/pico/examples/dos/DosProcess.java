package io.pico.examples.dos;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DOS personality's state of one pico process: what DOS keeps per program. Everything else (memory,
 * registers, open files) is the kernel's and stays where it is when the provider is replaced.
 * <ul>
 * <li>the job file table: DOS handle numbers mapped onto kernel handle numbers (0 stdin, 1 stdout,
 * 2 stderr; 3 AUX and 4 PRN are reserved null devices, so the first file opened gets handle 5 as in DOS)
 * <li>the current directory (a guest path), the disk transfer address, the PSP segment
 * <li>the memory blocks of functions 48h-4Ah: at start the program's block owns all conventional memory
 * </ul>
 */
final class DosProcess {

    /** The number of handles of a program (the PSP's job file table of 20 entries). */
    static final int MAX_HANDLES = 20;
    /** A handle open on a null device (AUX, PRN): writes vanish, reads see the end. */
    static final int NULL_DEVICE = -1;
    /** The first segment after conventional memory (640 KB). */
    static final int MEMORY_TOP = 0xA000;

    /** The version of the state snapshot written by {@link #export()}. */
    static final int STATE_VERSION = 1;

    final TreeMap<Integer, Integer> handles = new TreeMap<>();
    /** Memory blocks: segment to size in paragraphs (16 bytes). */
    final TreeMap<Integer, Integer> blocks = new TreeMap<>();
    String cwd;
    int psp;
    long dta;
    /** A key read ahead by int 16h function 01h, or -1. */
    int pendingKey = -1;

    DosProcess(String cwd, int psp) {
        this.cwd = cwd;
        this.psp = psp;
        this.dta = Cpu.linear(psp, 0x80);
        handles.put(0, 0);
        handles.put(1, 1);
        handles.put(2, 2);
        handles.put(3, NULL_DEVICE);
        handles.put(4, NULL_DEVICE);
        blocks.put(psp, MEMORY_TOP - psp);
    }

    /** Takes the lowest free DOS handle for a kernel handle. */
    int addHandle(int kernelHandle) throws DosError {
        for (int h = 0; h < MAX_HANDLES; h++) {
            if (!handles.containsKey(h)) {
                handles.put(h, kernelHandle);
                return h;
            }
        }
        throw new DosError(DosError.TOO_MANY_OPEN_FILES);
    }

    /** The kernel handle behind a DOS handle ({@link #NULL_DEVICE} for AUX and PRN). */
    int kernelHandle(int dosHandle) throws DosError {
        Integer k = handles.get(dosHandle);
        if (k == null) {
            throw new DosError(DosError.INVALID_HANDLE);
        }
        return k;
    }

    // --- memory blocks (functions 48h, 49h, 4Ah) -------------------------------------------------------

    /** Allocates a block of the given paragraphs, first fit; returns its segment. */
    int allocate(int paragraphs) throws DosError {
        int start = psp;
        for (Map.Entry<Integer, Integer> b : blocks.entrySet()) {
            if (b.getKey() - start >= paragraphs) {
                break;
            }
            start = b.getKey() + b.getValue();
        }
        if (MEMORY_TOP - start < paragraphs) {
            throw new DosError(DosError.INSUFFICIENT_MEMORY);
        }
        blocks.put(start, paragraphs);
        return start;
    }

    /** The largest block {@link #allocate} could give now, in paragraphs. */
    int largestFree() {
        int largest = 0;
        int start = psp;
        for (Map.Entry<Integer, Integer> b : blocks.entrySet()) {
            largest = Math.max(largest, b.getKey() - start);
            start = b.getKey() + b.getValue();
        }
        return Math.max(largest, MEMORY_TOP - start);
    }

    void free(int segment) throws DosError {
        if (blocks.remove(segment) == null) {
            throw new DosError(DosError.INVALID_BLOCK);
        }
    }

    /** Resizes a block in place; on failure the error is INSUFFICIENT_MEMORY and {@link #maxSize} says why. */
    void resize(int segment, int paragraphs) throws DosError {
        if (!blocks.containsKey(segment)) {
            throw new DosError(DosError.INVALID_BLOCK);
        }
        if (paragraphs > maxSize(segment)) {
            throw new DosError(DosError.INSUFFICIENT_MEMORY);
        }
        blocks.put(segment, paragraphs);
    }

    /** How large the block at the segment could grow. */
    int maxSize(int segment) {
        Integer next = blocks.higherKey(segment);
        return (next == null ? MEMORY_TOP : next) - segment;
    }

    // --- hand-over to another provider (hot-swap) ------------------------------------------------------

    /** The state as a snapshot of JDK types: handles by DOS number, paths, addresses. */
    Map<String, Object> export() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("cwd", cwd);
        s.put("psp", psp);
        s.put("dta", dta);
        s.put("pendingKey", pendingKey);
        s.put("handles", stringKeys(handles));
        s.put("blocks", stringKeys(blocks));
        return s;
    }

    /** The state from a snapshot of {@link #STATE_VERSION}. */
    static DosProcess fromState(int version, Map<String, Object> s) {
        if (version != STATE_VERSION) {
            throw new IllegalArgumentException("DOS state version " + version + " is not " + STATE_VERSION);
        }
        DosProcess p = new DosProcess((String) s.get("cwd"), ((Number) s.get("psp")).intValue());
        p.dta = ((Number) s.get("dta")).longValue();
        p.pendingKey = ((Number) s.get("pendingKey")).intValue();
        p.handles.clear();
        intKeys(s.get("handles"), p.handles);
        p.blocks.clear();
        intKeys(s.get("blocks"), p.blocks);
        return p;
    }

    private static Map<String, Object> stringKeys(Map<Integer, Integer> m) {
        Map<String, Object> r = new HashMap<>();
        m.forEach((k, v) -> r.put(String.valueOf(k), v));
        return r;
    }

    private static void intKeys(Object o, Map<Integer, Integer> into) {
        ((Map<?, ?>) o).forEach((k, v) -> into.put(Integer.parseInt(k.toString()), ((Number) v).intValue()));
    }
}
