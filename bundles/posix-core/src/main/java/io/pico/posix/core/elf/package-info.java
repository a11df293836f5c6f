/**
 * ELF64 x86-64 images: validation with one-line errors ({@link io.pico.posix.core.elf.ElfFile}, branded for a
 * personality by its OS/ABI byte, with its notes), mapping into guest memory
 * ({@link io.pico.posix.core.elf.ElfLoader}) and the initial stack with a personality's auxiliary vector
 * ({@link io.pico.posix.core.elf.StackBuilder}).
 */
@Export
@Version("1.2.0")
package io.pico.posix.core.elf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
