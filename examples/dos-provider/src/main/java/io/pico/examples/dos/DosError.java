package io.pico.examples.dos;

/** A DOS error: the function returns with the carry flag set and the code in AX. */
final class DosError extends Exception {

    private static final long serialVersionUID = 1L;

    static final int INVALID_FUNCTION = 0x01;
    static final int FILE_NOT_FOUND = 0x02;
    static final int PATH_NOT_FOUND = 0x03;
    static final int TOO_MANY_OPEN_FILES = 0x04;
    static final int ACCESS_DENIED = 0x05;
    static final int INVALID_HANDLE = 0x06;
    static final int INSUFFICIENT_MEMORY = 0x08;
    static final int INVALID_BLOCK = 0x09;
    static final int INVALID_ACCESS = 0x0C;
    static final int INVALID_DRIVE = 0x0F;
    static final int CURRENT_DIRECTORY = 0x10;
    static final int FILE_EXISTS = 0x50;

    final int code;

    DosError(int code) {
        super(text(code), null, false, false);
        this.code = code;
    }

    static String text(int code) {
        return switch (code) {
            case INVALID_FUNCTION -> "invalid function";
            case FILE_NOT_FOUND -> "file not found";
            case PATH_NOT_FOUND -> "path not found";
            case TOO_MANY_OPEN_FILES -> "too many open files";
            case ACCESS_DENIED -> "access denied";
            case INVALID_HANDLE -> "invalid handle";
            case INSUFFICIENT_MEMORY -> "insufficient memory";
            case INVALID_BLOCK -> "invalid memory block address";
            case INVALID_ACCESS -> "invalid access code";
            case INVALID_DRIVE -> "invalid drive";
            case CURRENT_DIRECTORY -> "attempt to remove the current directory";
            case FILE_EXISTS -> "file exists";
            default -> "error " + code;
        };
    }
}
