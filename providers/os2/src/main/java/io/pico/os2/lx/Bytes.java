package io.pico.os2.lx;

/**
 * Bounds-checked little-endian reads from a module file held in memory: every read outside the file is a
 * {@link FormatException} naming what was being read, never an index exception.
 */
public final class Bytes {

    private final byte[] data;

    /** Reads from the given file contents. */
    public Bytes(byte[] data) {
        this.data = data;
    }

    /** The file's length. */
    public int length() {
        return data.length;
    }

    /** The underlying bytes (not copied). */
    public byte[] array() {
        return data;
    }

    /** Checks that {@code length} bytes from {@code offset} are inside the file. */
    public void check(long offset, long length, String what) throws FormatException {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new FormatException(String.format("truncated or corrupt: %s at file offset 0x%x+%d lies outside the"
                    + " %d-byte file", what, offset, length, data.length));
        }
    }

    /** An unsigned byte. */
    public int u8(long offset, String what) throws FormatException {
        check(offset, 1, what);
        return data[(int) offset] & 0xff;
    }

    /** An unsigned 16-bit value. */
    public int u16(long offset, String what) throws FormatException {
        check(offset, 2, what);
        int o = (int) offset;
        return (data[o] & 0xff) | (data[o + 1] & 0xff) << 8;
    }

    /** A signed 16-bit value. */
    public int s16(long offset, String what) throws FormatException {
        return (short) u16(offset, what);
    }

    /** An unsigned 32-bit value. */
    public long u32(long offset, String what) throws FormatException {
        check(offset, 4, what);
        int o = (int) offset;
        return ((data[o] & 0xff) | (data[o + 1] & 0xff) << 8 | (data[o + 2] & 0xff) << 16
                | (long) (data[o + 3] & 0xff) << 24) & 0xffff_ffffL;
    }

    /** An unsigned 32-bit value that must fit in an int (offsets, counts). */
    public int u32int(long offset, String what) throws FormatException {
        long v = u32(offset, what);
        if (v > Integer.MAX_VALUE) {
            throw new FormatException(String.format("corrupt: %s is 0x%x", what, v));
        }
        return (int) v;
    }

    /** A copy of a range. */
    public byte[] slice(long offset, int length, String what) throws FormatException {
        check(offset, length, what);
        byte[] out = new byte[length];
        System.arraycopy(data, (int) offset, out, 0, length);
        return out;
    }

    /** A length-prefixed (one byte) ASCII string. */
    public String pascal(long offset, String what) throws FormatException {
        int len = u8(offset, what);
        return ascii(offset + 1, len & 0x7f, what);
    }

    /** An ASCII (Latin-1) string of a given length. */
    public String ascii(long offset, int length, String what) throws FormatException {
        check(offset, length, what);
        return new String(data, (int) offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
