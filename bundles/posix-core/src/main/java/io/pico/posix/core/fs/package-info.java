/**
 * The guest's file system view: path resolution confined to the process root ({@code ..}, absolute and
 * relative symbolic links and directory-relative paths never leave it), a personality's synthetic parts
 * ({@link io.pico.posix.core.fs.Overlay}) and what stat reports ({@link io.pico.posix.core.fs.StatInfo}). Host
 * directories are reached without following host links ({@link io.pico.posix.core.fs.HostDirs}, 1.2.0): every
 * personality (Linux, POSIX, OS/2) opens through that walk, so a directory renamed into a link between a check and
 * the host's use cannot lead out of the root.
 */
@Export
@Version("1.3.0")
package io.pico.posix.core.fs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
