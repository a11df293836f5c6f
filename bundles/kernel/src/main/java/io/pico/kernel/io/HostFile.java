package io.pico.kernel.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** An open host file: a file channel with its own position, shared by every handle that refers to it. */
public final class HostFile extends RefCounted {

    private final FileChannel channel;
    private final Path path;
    private final boolean append;

    /** Wraps an open channel; the kernel object owns it from now on. */
    public HostFile(FileChannel channel, Path path, boolean append) {
        this.channel = channel;
        this.path = path;
        this.append = append;
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        synchronized (this) {
            if (append) {
                channel.position(channel.size());
            }
            int n = 0;
            while (src.hasRemaining()) {
                n += channel.write(src);
            }
            return n;
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return channel.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return channel.write(src, position);
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public void position(long position) throws IOException {
        channel.position(position);
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
        if (size < channel.size()) {
            channel.truncate(size);
        } else if (size > channel.size()) {
            channel.write(ByteBuffer.allocate(1), size - 1);
        }
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - channel.position()));
    }

    @Override
    public Path hostPath() {
        return path;
    }

    /** The channel, for memory mapping of files. */
    public FileChannel channel() {
        return channel;
    }

    @Override
    protected void closed() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read channel cannot lose data; a write error surfaced at write time
        }
    }
}
