package io.pico.os2;

import java.util.Map;

/** OS/2 error codes (APIRET values) the provider returns, and their names for traces. */
final class Err {

    static final int NO_ERROR = 0;
    static final int INVALID_FUNCTION = 1;
    static final int FILE_NOT_FOUND = 2;
    static final int PATH_NOT_FOUND = 3;
    static final int TOO_MANY_OPEN_FILES = 4;
    static final int ACCESS_DENIED = 5;
    static final int INVALID_HANDLE = 6;
    static final int NOT_ENOUGH_MEMORY = 8;
    static final int BAD_ENVIRONMENT = 10;
    static final int INVALID_ACCESS = 12;
    static final int INVALID_DATA = 13;
    static final int INVALID_DRIVE = 15;
    static final int CURRENT_DIRECTORY = 16;
    static final int NOT_SAME_DEVICE = 17;
    static final int NO_MORE_FILES = 18;
    static final int WRITE_PROTECT = 19;
    static final int NOT_DOS_DISK = 26;
    static final int SHARING_VIOLATION = 32;
    static final int BAD_NETPATH = 53;
    static final int HANDLE_EOF = 38;
    static final int FILE_EXISTS = 80;
    static final int INVALID_PARAMETER = 87;
    static final int INTERRUPT = 95;
    static final int TOO_MANY_SEMAPHORES = 100;
    static final int SEM_OWNER_DIED = 105;
    static final int BROKEN_PIPE = 109;
    static final int OPEN_FAILED = 110;
    static final int BUFFER_OVERFLOW = 111;
    static final int DISK_FULL = 112;
    static final int PROTECTION_VIOLATION = 115;
    static final int SEM_TIMEOUT = 121;
    static final int INSUFFICIENT_BUFFER = 122;
    static final int INVALID_NAME = 123;
    static final int INVALID_LEVEL = 124;
    static final int MOD_NOT_FOUND = 126;
    static final int PROC_NOT_FOUND = 127;
    static final int WAIT_NO_CHILDREN = 128;
    static final int CHILD_NOT_COMPLETE = 129;
    static final int NEGATIVE_SEEK = 131;
    static final int SEEK_ON_DEVICE = 132;
    static final int DIR_NOT_EMPTY = 145;
    static final int SEM_NOT_FOUND = 187;
    static final int INVALID_EXE_SIGNATURE = 191;
    static final int BAD_EXE_FORMAT = 193;
    static final int ENVVAR_NOT_FOUND = 203;
    static final int FILENAME_EXCED_RANGE = 206;
    static final int NO_DATA = 232;
    static final int MORE_DATA = 234;
    static final int DUPLICATE_NAME = 285;
    static final int NOT_OWNER = 288;
    static final int TOO_MANY_OPENS = 291;
    static final int THREAD_NOT_TERMINATED = 294;
    static final int TOO_MANY_POSTS = 298;
    static final int ALREADY_POSTED = 299;
    static final int ALREADY_RESET = 300;
    static final int SEM_BUSY = 301;
    static final int INVALID_PROCID = 303;
    static final int INVALID_THREADID = 309;
    static final int INVALID_ADDRESS = 487;
    static final int TIMEOUT = 640;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(NO_ERROR, "NO_ERROR"), Map.entry(INVALID_FUNCTION, "ERROR_INVALID_FUNCTION"),
            Map.entry(FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND"), Map.entry(PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND"),
            Map.entry(TOO_MANY_OPEN_FILES, "ERROR_TOO_MANY_OPEN_FILES"), Map.entry(ACCESS_DENIED, "ERROR_ACCESS_DENIED"),
            Map.entry(INVALID_HANDLE, "ERROR_INVALID_HANDLE"), Map.entry(NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY"),
            Map.entry(INVALID_ACCESS, "ERROR_INVALID_ACCESS"), Map.entry(INVALID_DRIVE, "ERROR_INVALID_DRIVE"),
            Map.entry(CURRENT_DIRECTORY, "ERROR_CURRENT_DIRECTORY"), Map.entry(NO_MORE_FILES, "ERROR_NO_MORE_FILES"),
            Map.entry(NOT_DOS_DISK, "ERROR_NOT_DOS_DISK"), Map.entry(FILE_EXISTS, "ERROR_FILE_EXISTS"),
            Map.entry(INVALID_PARAMETER, "ERROR_INVALID_PARAMETER"), Map.entry(INTERRUPT, "ERROR_INTERRUPT"),
            Map.entry(BROKEN_PIPE, "ERROR_BROKEN_PIPE"), Map.entry(OPEN_FAILED, "ERROR_OPEN_FAILED"),
            Map.entry(BUFFER_OVERFLOW, "ERROR_BUFFER_OVERFLOW"), Map.entry(DISK_FULL, "ERROR_DISK_FULL"),
            Map.entry(INVALID_NAME, "ERROR_INVALID_NAME"), Map.entry(INVALID_LEVEL, "ERROR_INVALID_LEVEL"),
            Map.entry(MOD_NOT_FOUND, "ERROR_MOD_NOT_FOUND"), Map.entry(PROC_NOT_FOUND, "ERROR_PROC_NOT_FOUND"),
            Map.entry(NEGATIVE_SEEK, "ERROR_NEGATIVE_SEEK"), Map.entry(SEEK_ON_DEVICE, "ERROR_SEEK_ON_DEVICE"),
            Map.entry(DIR_NOT_EMPTY, "ERROR_DIR_NOT_EMPTY"), Map.entry(ENVVAR_NOT_FOUND, "ERROR_ENVVAR_NOT_FOUND"),
            Map.entry(DUPLICATE_NAME, "ERROR_DUPLICATE_NAME"), Map.entry(NOT_OWNER, "ERROR_NOT_OWNER"),
            Map.entry(THREAD_NOT_TERMINATED, "ERROR_THREAD_NOT_TERMINATED"),
            Map.entry(TOO_MANY_POSTS, "ERROR_TOO_MANY_POSTS"), Map.entry(ALREADY_POSTED, "ERROR_ALREADY_POSTED"),
            Map.entry(ALREADY_RESET, "ERROR_ALREADY_RESET"), Map.entry(SEM_BUSY, "ERROR_SEM_BUSY"),
            Map.entry(INVALID_THREADID, "ERROR_INVALID_THREADID"), Map.entry(INVALID_ADDRESS, "ERROR_INVALID_ADDRESS"),
            Map.entry(TIMEOUT, "ERROR_TIMEOUT"), Map.entry(SEM_NOT_FOUND, "ERROR_SEM_NOT_FOUND"),
            Map.entry(WAIT_NO_CHILDREN, "ERROR_WAIT_NO_CHILDREN"), Map.entry(MORE_DATA, "ERROR_MORE_DATA"),
            Map.entry(INVALID_PROCID, "ERROR_INVALID_PROCID"), Map.entry(BAD_EXE_FORMAT, "ERROR_BAD_EXE_FORMAT"),
            Map.entry(SHARING_VIOLATION, "ERROR_SHARING_VIOLATION"), Map.entry(HANDLE_EOF, "ERROR_HANDLE_EOF"),
            Map.entry(BAD_NETPATH, "ERROR_BAD_NETPATH"), Map.entry(SEM_OWNER_DIED, "ERROR_SEM_OWNER_DIED"));

    private Err() {
    }

    /** The error's name, e.g. {@code ERROR_FILE_NOT_FOUND}, or empty for an unknown code. */
    static String name(long code) {
        String n = NAMES.get((int) code);
        return n == null ? "" : n;
    }
}
