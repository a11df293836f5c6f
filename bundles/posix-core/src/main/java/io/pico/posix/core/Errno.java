package io.pico.posix.core;

import java.io.IOException;

/**
 * The POSIX error conditions by name, independent of any personality's numbering: the core fails with these,
 * and each personality's {@link Abi#errno(Errno)} gives the number its guests see.
 */
public enum Errno {
    /** Operation not permitted. */ EPERM("Operation not permitted"),
    /** No such file or directory. */ ENOENT("No such file or directory"),
    /** No such process. */ ESRCH("No such process"),
    /** Interrupted system call. */ EINTR("Interrupted system call"),
    /** Input/output error. */ EIO("Input/output error"),
    /** No such device or address. */ ENXIO("No such device or address"),
    /** Argument list too long. */ E2BIG("Argument list too long"),
    /** Exec format error. */ ENOEXEC("Exec format error"),
    /** Bad file descriptor. */ EBADF("Bad file descriptor"),
    /** No child processes. */ ECHILD("No child processes"),
    /** Resource temporarily unavailable. */ EAGAIN("Resource temporarily unavailable"),
    /** Cannot allocate memory. */ ENOMEM("Cannot allocate memory"),
    /** Permission denied. */ EACCES("Permission denied"),
    /** Bad address. */ EFAULT("Bad address"),
    /** Device or resource busy. */ EBUSY("Device or resource busy"),
    /** File exists. */ EEXIST("File exists"),
    /** Invalid cross-device link. */ EXDEV("Invalid cross-device link"),
    /** No such device. */ ENODEV("No such device"),
    /** Not a directory. */ ENOTDIR("Not a directory"),
    /** Is a directory. */ EISDIR("Is a directory"),
    /** Invalid argument. */ EINVAL("Invalid argument"),
    /** Too many open files in system. */ ENFILE("Too many open files in system"),
    /** Too many open files. */ EMFILE("Too many open files"),
    /** Inappropriate ioctl for device. */ ENOTTY("Inappropriate ioctl for device"),
    /** File too large. */ EFBIG("File too large"),
    /** No space left on device. */ ENOSPC("No space left on device"),
    /** Illegal seek. */ ESPIPE("Illegal seek"),
    /** Read-only file system. */ EROFS("Read-only file system"),
    /** Too many links. */ EMLINK("Too many links"),
    /** Broken pipe. */ EPIPE("Broken pipe"),
    /** Numerical result out of range. */ ERANGE("Numerical result out of range"),
    /** Resource deadlock avoided. */ EDEADLK("Resource deadlock avoided"),
    /** File name too long. */ ENAMETOOLONG("File name too long"),
    /** Function not implemented. */ ENOSYS("Function not implemented"),
    /** Directory not empty. */ ENOTEMPTY("Directory not empty"),
    /** Too many levels of symbolic links. */ ELOOP("Too many levels of symbolic links"),
    /** No data available (no such attribute). */ ENODATA("No data available"),
    /** Value too large for defined data type. */ EOVERFLOW("Value too large for defined data type"),
    /** Socket operation on non-socket. */ ENOTSOCK("Socket operation on non-socket"),
    /** Operation not supported. */ EOPNOTSUPP("Operation not supported"),
    /** Address family not supported by protocol. */ EAFNOSUPPORT("Address family not supported by protocol"),
    /** Connection timed out. */ ETIMEDOUT("Connection timed out"),
    /** Text file busy. */ ETXTBSY("Text file busy");

    private final String text;

    Errno(String text) {
        this.text = text;
    }

    /** The strerror(3) text, e.g. {@code No such file or directory}. */
    public String text() {
        return text;
    }

    /** A failure with this error, to throw. */
    public SysError error() {
        return new SysError(this);
    }

    /**
     * The error a host I/O failure means: the JDK's file exceptions, and the kernel's IOExceptions whose message
     * names an error ({@code EPIPE}, {@code ESPIPE} ...); anything else is EIO.
     */
    public static Errno of(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return ENOENT;
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return EEXIST;
        } else if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            return ENOTEMPTY;
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            return ENOTDIR;
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            return EACCES;
        } else if (e instanceof java.nio.file.FileSystemLoopException) {
            return ELOOP;
        } else if (e instanceof java.nio.file.NotLinkException) {
            return EINVAL;
        }
        String m = e.getMessage();
        if (m == null) {
            return EIO;
        }
        for (Errno err : values()) {
            if (m.equals(err.name()) || m.endsWith(err.text)) {
                return err;
            }
        }
        return EIO;
    }
}
