package io.pico.posix.core.elf;

import io.pico.api.AddressSpace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Maps the loadable segments of a validated {@link ElfFile} into guest memory. */
public final class ElfLoader {

    /** Where a position-independent executable without interpreter is loaded. */
    public static final long PIE_BASE = 0x5555_5555_4000L;
    private static final long PAGE = AddressSpace.PAGE_SIZE;
    private static final int CHUNK = 1 << 20;

    /**
     * A loaded image.
     *
     * @param bias what was added to the image's addresses
     * @param entry the relocated entry point
     * @param phdr the relocated address of the program headers in memory (0 if not loaded)
     * @param phnum the number of program headers
     * @param start the first loadable page
     * @param end the end of the last loadable page: where the program break starts
     */
    public record Loaded(long bias, long entry, long phdr, int phnum, long start, long end) {
    }

    private ElfLoader() {
    }

    /** The protection bits of segment flags. */
    static int protection(int flags) {
        int prot = 0;
        if ((flags & ElfFile.PF_R) != 0) {
            prot |= AddressSpace.READ;
        }
        if ((flags & ElfFile.PF_W) != 0) {
            prot |= AddressSpace.WRITE;
        }
        if ((flags & ElfFile.PF_X) != 0) {
            prot |= AddressSpace.EXEC;
        }
        return prot;
    }

    /**
     * Maps the image at {@code bias} (0 for ET_EXEC). Pages shared by two segments get the union of
     * their protections; bytes of a segment beyond its file size are zero. A host file's segments are mapped
     * from the file ({@link AddressSpace#mapFile}: copy-on-write, shared between processes by the kernel), as
     * Linux maps them: each segment's file pages from its page-aligned offset, a later segment replacing a page it
     * shares with an earlier one, then anonymous zero pages for the rest of its memory; else they are copied.
     */
    public static Loaded load(ElfFile elf, ByteSource src, AddressSpace memory, long bias) throws IOException {
        List<ElfFile.Segment> loads = elf.loads();
        // split the page ranges of all segments at every boundary: each piece gets the union of the protections
        TreeSet<Long> cuts = new TreeSet<>();
        for (ElfFile.Segment s : loads) {
            cuts.add((s.vaddr() & -PAGE) + bias);
            cuts.add(((s.end() + PAGE - 1) & -PAGE) + bias);
        }
        List<Long> points = new ArrayList<>(cuts);
        List<long[]> pieces = new ArrayList<>(); // {from, to, protection}
        for (int i = 0; i + 1 < points.size(); i++) {
            long from = points.get(i);
            long to = points.get(i + 1);
            int prot = 0;
            boolean covered = false;
            for (ElfFile.Segment s : loads) {
                long start = (s.vaddr() & -PAGE) + bias;
                long end = ((s.end() + PAGE - 1) & -PAGE) + bias;
                if (start < to && from < end) {
                    covered = true;
                    prot |= protection(s.flags());
                }
            }
            if (covered) {
                pieces.add(new long[] {from, to, prot});
            }
        }
        java.nio.channels.FileChannel file = src.channel();
        if (file != null && mapFromFile(loads, file, memory, bias)) {
            for (long[] p : pieces) {
                memory.protect(p[0], p[1] - p[0], (int) p[2]);
            }
        } else {
            for (long[] p : pieces) {
                memory.map(p[0], p[1] - p[0], (int) p[2]);
            }
            for (ElfFile.Segment s : loads) {
                copy(s, src, memory, bias);
            }
        }
        long phdr = elf.phdrVaddr();
        return new Loaded(bias, elf.entry() + bias, phdr < 0 ? 0 : phdr + bias, elf.phnum(), elf.minVaddr() + bias,
                elf.maxVaddr() + bias);
    }

    /**
     * Maps every segment from the file, in order; false when the address space maps no files (before anything
     * was mapped). A segment whose file pages cannot be mapped after the first (the kernel's copy failed) is
     * mapped and copied.
     */
    private static boolean mapFromFile(List<ElfFile.Segment> loads, java.nio.channels.FileChannel file,
            AddressSpace memory, long bias) throws IOException {
        boolean first = true;
        for (ElfFile.Segment s : loads) {
            long at = (s.vaddr() & -PAGE) + bias;
            long memEnd = ((s.end() + PAGE - 1) & -PAGE) + bias;
            int prot = protection(s.flags());
            long fileFrom = s.offset() & -PAGE;
            long filePages = s.filesz() == 0 ? 0 : ((s.offset() + s.filesz() + PAGE - 1) & -PAGE) - fileFrom;
            if (filePages > 0) {
                if (!memory.mapFile(at, filePages, prot, file, fileFrom)) {
                    if (first) {
                        return false;
                    }
                    memory.map(at, filePages, prot);
                    copyPages(file, fileFrom, filePages, memory, at);
                }
                long bss = s.vaddr() + bias + s.filesz();
                if (s.memsz() > s.filesz() && at + filePages > bss) {
                    memory.zero(bss, at + filePages - bss); // the file's next bytes are not the segment's
                }
            }
            if (memEnd > at + filePages) {
                memory.map(at + filePages, memEnd - (at + filePages), prot);
            }
            first = false;
        }
        return true;
    }

    /** Copies whole file pages (zeros after the file's end) into mapped memory. */
    private static void copyPages(java.nio.channels.FileChannel file, long from, long length, AddressSpace memory,
            long at) throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, length)];
        for (long done = 0; done < length;) {
            int n = (int) Math.min(buf.length, length - done);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining() && file.read(b, from + done + b.position()) >= 0) {
                // read until full or the end of the file (the rest stays zero in fresh memory)
            }
            memory.write(at + done, buf, 0, b.position());
            done += n;
        }
    }

    /** Copies a segment's file bytes like Linux's page-granular file mapping would show them. */
    private static void copy(ElfFile.Segment s, ByteSource src, AddressSpace memory, long bias) throws IOException {
        long lead = s.vaddr() & (PAGE - 1);
        long fileFrom = s.offset() - lead;
        long fileTo = s.offset() + s.filesz();
        if (s.memsz() == s.filesz()) {
            // a whole-page file mapping also shows the rest of the last page, as far as the file goes
            fileTo = Math.min((fileTo + PAGE - 1) & -PAGE, src.size());
        }
        long at = (s.vaddr() & -PAGE) + bias;
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(0, fileTo - fileFrom))];
        for (long pos = fileFrom; pos < fileTo;) {
            int n = (int) Math.min(buf.length, fileTo - pos);
            src.read(pos, buf, 0, n);
            memory.write(at, buf, 0, n);
            at += n;
            pos += n;
        }
        long bss = s.vaddr() + bias + s.filesz();
        long bssPageEnd = (bss + PAGE - 1) & -PAGE;
        if (s.memsz() > s.filesz() && bssPageEnd > bss) {
            memory.zero(bss, bssPageEnd - bss);
        }
    }
}
