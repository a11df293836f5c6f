/**
 * The guest's file system view: path resolution confined to the process root ({@code ..}, absolute and
 * relative symbolic links and directory-relative paths never leave it), a personality's synthetic parts
 * ({@link io.pico.posix.core.fs.Overlay}) and what stat reports ({@link io.pico.posix.core.fs.StatInfo}).
 */
@Export
@Version("1.1.0")
package io.pico.posix.core.fs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
