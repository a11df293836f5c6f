package io.pico.posix.core.fs;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.file.SecureDirectoryStream;

/**
 * The host descriptor numbers of open JDK objects, so that Linux's {@code /proc/self/fd/N} can name them to the
 * rest of java.nio. java.nio opens relative to a directory with O_NOFOLLOW ({@link SecureDirectoryStream}) but
 * has no *at form of mkdir, symlink, link, readlink, RandomAccessFile...; {@code /proc/self/fd/N/name} is that
 * form: the host reaches the open directory N itself, whatever its path has become. The numbers are private
 * fields of the JDK's Unix classes, read with {@code sun.misc.Unsafe} (module jdk.unsupported) since Java 17 opens
 * no reflection into java.base. Without them every host file operation fails (EACCES): links are never followed
 * by falling back to plain paths.
 */
public final class HostFds {

    private static final sun.misc.Unsafe UNSAFE = unsafe();
    private static volatile long dirFd = -1;
    private static volatile long channelFd = -1;
    private static volatile long descriptorFd = -1;

    private HostFds() {
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static long offset(Class<?> type, String field) {
        if (UNSAFE == null) {
            throw io.pico.posix.core.Errno.EACCES.error();
        }
        try {
            return UNSAFE.objectFieldOffset(type.getDeclaredField(field));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw io.pico.posix.core.Errno.EACCES.error();
        }
    }

    /** The descriptor of an open directory stream. */
    public static int of(SecureDirectoryStream<?> dir) {
        if (dirFd < 0) {
            dirFd = offset(dir.getClass(), "dfd");
        }
        return UNSAFE.getInt(dir, dirFd);
    }

    /** The descriptor of an open file channel. */
    public static int of(FileChannel channel) {
        if (channelFd < 0) {
            channelFd = offset(channel.getClass(), "fd");
        }
        if (descriptorFd < 0) {
            descriptorFd = offset(FileDescriptor.class, "fd");
        }
        return UNSAFE.getInt(UNSAFE.getObject(channel, channelFd), descriptorFd);
    }
}
