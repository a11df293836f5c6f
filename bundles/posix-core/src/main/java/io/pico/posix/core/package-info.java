/**
 * The POSIX core: the Unix semantics the Linux and POSIX (FreeBSD) personalities share, as a library for
 * their providers.
 *
 * <p>The kernel owns the objects (processes, threads, memory, open files, pipes: {@link io.pico.api.IoObject}
 * behind {@link io.pico.api.HandleTable}); the core keeps a personality's view of them
 * ({@link io.pico.posix.core.PosixProcess}: descriptors over kernel handles, working directory, signal
 * dispositions ...) and implements the meaning of the calls once: {@link io.pico.posix.core.Io} (read, write),
 * {@link io.pico.posix.core.Descriptors} (dup, pipe), {@link io.pico.posix.core.Files} (paths confined to the
 * root), {@link io.pico.posix.core.Dirs}, {@link io.pico.posix.core.Memory}, {@link io.pico.posix.core.Clock},
 * {@link io.pico.posix.core.Children} (wait), {@link io.pico.posix.core.Forks}, {@link io.pico.posix.core.Exec}
 * and {@link io.pico.posix.core.Signals}. What differs between personalities is a parameter:
 * {@link io.pico.posix.core.Abi} gives the error numbers ({@link io.pico.posix.core.Errno} names them), the
 * signal table and the open flag bits; structure layouts are written by the personalities from the data the
 * core returns.
 *
 * <p>Failures are {@link io.pico.posix.core.SysError}s carrying a POSIX error name; the system call table of
 * {@code io.pico.posix.core.sys} turns them into the personality's numbers.
 */
@Export
@Version("2.6.0")
package io.pico.posix.core;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
