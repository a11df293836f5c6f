package io.pico.os2.lx;

/**
 * The compressed page formats of LX modules: iterated data (EXEPACK:1, LINK386) and the LZ-style EXEPACK:2
 * format of OS/2 Warp. Both decode into one 4096-byte page; corrupt input is a {@link FormatException}.
 */
final class PageCodecs {

    private PageCodecs() {
    }

    /** Iterated records: (u16 repeat count, u16 length, bytes) until the input ends. */
    static void iterated(byte[] src, int at, int length, byte[] dst, int page) throws FormatException {
        int s = at;
        int end = at + length;
        int d = 0;
        while (s < end) {
            if (end - s < 4) {
                throw corrupt(page);
            }
            int repeat = (src[s] & 0xff) | (src[s + 1] & 0xff) << 8;
            int len = (src[s + 2] & 0xff) | (src[s + 3] & 0xff) << 8;
            s += 4;
            if (len > end - s || (long) repeat * len > dst.length - d) {
                throw corrupt(page);
            }
            for (int i = 0; i < repeat; i++) {
                System.arraycopy(src, s, dst, d, len);
                d += len;
            }
            s += len;
        }
    }

    /**
     * EXEPACK:2. Each step starts with a control byte whose low two bits choose: 0 a literal run (length in
     * the upper six bits; a zero byte starts a fill: count, value; two zero bytes end the page), 1 a short
     * literal run followed by a back reference, 2 a back reference, 3 a longer literal run followed by a back
     * reference. Back references copy byte by byte, so they may overlap what they produce (runs).
     */
    static void exepack2(byte[] src, int at, int length, byte[] dst, int page) throws FormatException {
        int s = at;
        int end = at + length;
        int d = 0;
        while (d < dst.length && s < end) {
            int b = src[s] & 0xff;
            switch (b & 3) {
                case 0 -> {
                    if (b == 0) {
                        need(s, 2, end, page);
                        int count = src[s + 1] & 0xff;
                        if (count == 0) {
                            return;
                        }
                        need(s, 3, end, page);
                        room(d, count, dst, page);
                        java.util.Arrays.fill(dst, d, d + count, src[s + 2]);
                        d += count;
                        s += 3;
                    } else {
                        int n = b >> 2;
                        need(s, 1 + n, end, page);
                        room(d, n, dst, page);
                        System.arraycopy(src, s + 1, dst, d, n);
                        d += n;
                        s += 1 + n;
                    }
                }
                case 1 -> {
                    need(s, 2, end, page);
                    int word = (src[s] & 0xff) | (src[s + 1] & 0xff) << 8;
                    int back = word >> 7;
                    int copy = ((b >> 4) & 7) + 3;
                    int literal = (b >> 2) & 3;
                    s += 2;
                    d = literalThenCopy(src, s, end, dst, d, literal, back, copy, page);
                    s += literal;
                }
                case 2 -> {
                    need(s, 2, end, page);
                    int word = (src[s] & 0xff) | (src[s + 1] & 0xff) << 8;
                    int back = word >> 4;
                    int copy = ((b >> 2) & 3) + 3;
                    s += 2;
                    d = literalThenCopy(src, s, end, dst, d, 0, back, copy, page);
                }
                default -> {
                    need(s, 3, end, page);
                    int word = (src[s] & 0xff) | (src[s + 1] & 0xff) << 8;
                    int copy = (word >> 6) & 0x3f;
                    int literal = (b >> 2) & 0x0f;
                    int back = ((src[s + 1] & 0xff) | (src[s + 2] & 0xff) << 8) >> 4;
                    s += 3;
                    d = literalThenCopy(src, s, end, dst, d, literal, back, copy, page);
                    s += literal;
                }
            }
        }
    }

    private static int literalThenCopy(byte[] src, int s, int end, byte[] dst, int d, int literal, int back, int copy,
            int page) throws FormatException {
        need(s, literal, end, page);
        room(d, literal + copy, dst, page);
        System.arraycopy(src, s, dst, d, literal);
        d += literal;
        if (copy > 0 && (back <= 0 || back > d)) {
            throw corrupt(page);
        }
        for (int i = 0; i < copy; i++) {
            dst[d + i] = dst[d - back + i];
        }
        return d + copy;
    }

    private static void need(int s, int n, int end, int page) throws FormatException {
        if (n > end - s) {
            throw corrupt(page);
        }
    }

    private static void room(int d, int n, byte[] dst, int page) throws FormatException {
        if (n > dst.length - d) {
            throw corrupt(page);
        }
    }

    private static FormatException corrupt(int page) {
        return new FormatException("corrupt compressed data in page " + page);
    }
}
