package io.pico.kernel;

import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * The host's page table entries of this JVM's own memory ({@code /proc/self/pagemap}, 8 bytes per page): whether a
 * page of host memory exists (present or swapped out) or was never touched. Only the two flags are used, which
 * Linux gives every process for its own pages. Where the file cannot be read, {@link #entries} answers null and
 * callers treat every page as touched.
 */
final class Pagemap {

    private static final long PRESENT = 1L << 63;
    private static final long SWAPPED = 1L << 62;
    /** The page is a file page (or shared anonymous): in a private file mapping, a page not written yet. */
    private static final long FILE_PAGE = 1L << 61;
    private static final int PAGE_SHIFT = 12;
    /** Read with seek + read under its own lock: a RandomAccessFile is not closed by a thread's interrupt. */
    private static final RandomAccessFile FILE = open();

    private Pagemap() {
    }

    private static RandomAccessFile open() {
        if (!Boolean.parseBoolean(System.getProperty("pico.fork.pagemap", "true"))) {
            return null;
        }
        try {
            return new RandomAccessFile("/proc/self/pagemap", "r");
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The entries of {@code pages} pages from the page-aligned host address, or null when unknown. */
    static long[] entries(long hostAddress, int pages) {
        if (FILE == null || pages <= 0) {
            return null;
        }
        byte[] raw = new byte[pages * 8];
        try {
            synchronized (FILE) {
                FILE.seek((hostAddress >>> PAGE_SHIFT) * 8);
                FILE.readFully(raw);
            }
        } catch (IOException e) {
            return null;
        }
        long[] entries = new long[pages];
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.nativeOrder()).asLongBuffer().get(entries);
        return entries;
    }

    /** Whether an entry's page exists: present in RAM or swapped out (a page never touched is neither). */
    static boolean touched(long entry) {
        return (entry & (PRESENT | SWAPPED)) != 0;
    }

    /**
     * Whether a page of a private file mapping was written: present as an anonymous page (the mapping's own copy)
     * or swapped out (only anonymous pages are); an untouched or only read page still shows the file.
     */
    static boolean written(long entry) {
        return (entry & SWAPPED) != 0 || (entry & (PRESENT | FILE_PAGE)) == PRESENT;
    }
}
