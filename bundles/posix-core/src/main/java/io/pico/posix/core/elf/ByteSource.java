package io.pico.posix.core.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Random access to the bytes of an image: a host file or, in tests, an array. */
@org.osgi.annotation.versioning.ConsumerType
public interface ByteSource extends AutoCloseable {

    /** The number of bytes. */
    long size();

    /** Reads exactly {@code length} bytes at {@code position}; the caller has checked the range. */
    void read(long position, byte[] dst, int offset, int length) throws IOException;

    @Override
    default void close() throws IOException {
    }

    /**
     * The open host file behind this source, which the loader maps instead of copying
     * ({@link io.pico.api.AddressSpace#mapFile}), or null (an array, a test's source): then it reads and copies.
     *
     * @since 1.2
     */
    default FileChannel channel() {
        return null;
    }

    /** An in-memory source. */
    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) {
                System.arraycopy(bytes, (int) position, dst, offset, length);
            }
        };
    }

    /** A host file, read with positional reads. */
    static ByteSource open(Path path) throws IOException {
        // a name below an opened parent (/proc/self/fd/N/name, from confined resolution) must not follow a link
        FileChannel ch = path.startsWith("/proc/self/fd/")
                ? FileChannel.open(path, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                : FileChannel.open(path, StandardOpenOption.READ);
        long size = ch.size();
        return new ByteSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(dst, offset, length);
                long at = position;
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, at);
                    if (n < 0) {
                        throw new IOException("file shrank while loading");
                    }
                    at += n;
                }
            }

            @Override
            public FileChannel channel() {
                return ch;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
