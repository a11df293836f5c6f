package io.pico.unicorn.internal;

import jnr.ffi.annotations.SaveError;

/** The few libc calls HostMemory needs. Not API. */
public interface LibC {
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int PROT_EXEC = 4;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    int MAP_SHARED = 0x01;
    int MFD_CLOEXEC = 1;
    int MFD_ALLOW_SEALING = 2;
    int F_ADD_SEALS = 1033;
    /** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE. */
    int SEALS_ALL = 1 | 2 | 4 | 8;
    long MAP_FAILED = -1L;

    /** Declared with pointers: jnr-ffi 2.3.7 with jffi 1.4.3 returns MAP_FAILED for an all-long signature. */
    @SaveError
    jnr.ffi.Pointer mmap(jnr.ffi.Pointer addr, long length, int prot, int flags, int fd, long offset);

    @SaveError
    int munmap(long addr, long length);

    @SaveError
    int mprotect(long addr, long length, int prot);

    int PR_SET_THP_DISABLE = 41;
    int PR_GET_THP_DISABLE = 42;

    @SaveError
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    long strnlen(long s, long maxlen);

    long memchr(long s, int c, long n);

    @SaveError
    long read(int fd, long buf, long count);

    @SaveError
    long write(int fd, long buf, long count);

    @SaveError
    long pread(int fd, long buf, long count, long offset);

    @SaveError
    int memfd_create(String name, int flags);

    @SaveError
    int ftruncate(int fd, long length);

    @SaveError
    int fcntl(int fd, int cmd, int arg);

    @SaveError
    int close(int fd);

    @SaveError
    long pwrite(int fd, long buf, long count, long offset);
}
