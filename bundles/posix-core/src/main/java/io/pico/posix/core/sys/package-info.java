/**
 * System call tables as data: rows of number, name, argument format, handler, support level and note
 * ({@link io.pico.posix.core.sys.SyscallTable}), dispatched with a personality's register convention
 * ({@link io.pico.posix.core.sys.Convention}) and traced in qemu-user's format
 * ({@link io.pico.posix.core.sys.Strace}), with the personality's {@link io.pico.posix.core.sys.CallHooks} around
 * each call (its call type, signal bookkeeping and delivery). The Linux and FreeBSD providers both dispatch
 * through it (1.1: {@code CallHooks}, handlers and tables typed by the call class, the {@code X} result letter,
 * {@code Strace.openFlags}).
 */
@Export
@Version("1.1.0")
package io.pico.posix.core.sys;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
