package io.pico.unicorn.internal;

import jnr.ffi.annotations.SaveError;

/** The libc file calls HostFiles needs, all-primitive (jnr's fast path): paths and buffers are addresses. Not API. */
public interface FileLib {

    @SaveError
    int fstatat(int dirfd, long path, long buf, int flags);

    @SaveError
    int openat(int dirfd, long path, int flags, int mode);

    @SaveError
    long getdents64(int fd, long buf, long count);

    @SaveError
    int close(int fd);
}
