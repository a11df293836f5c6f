/**
 * System call tables as data: rows of number, name, argument format, handler, support level and note
 * ({@link io.pico.posix.core.sys.SyscallTable}), dispatched with a personality's register convention
 * ({@link io.pico.posix.core.sys.Convention}) and traced in qemu-user's format
 * ({@link io.pico.posix.core.sys.Strace}).
 */
@Export
@Version("1.0.0")
package io.pico.posix.core.sys;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
