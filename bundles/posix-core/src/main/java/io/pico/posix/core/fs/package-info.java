/**
 * The guest's file system view: path resolution confined to the process root ({@code ..}, absolute and
 * relative symbolic links and directory-relative paths never leave it), a personality's synthetic parts
 * ({@link io.pico.posix.core.fs.Overlay}) and what stat reports ({@link io.pico.posix.core.fs.StatInfo}). Host
 * directories are reached without following host links ({@link io.pico.posix.core.fs.HostDirs}, 1.2.0): every
 * personality (Linux, POSIX, OS/2) opens through that walk, so a directory renamed into a link between a check and
 * the host's use cannot lead out of the root. Personalities tell the views when the tree changes shape
 * ({@link io.pico.posix.core.fs.GuestFs#changed()}, 1.4.0), so that a view may remember host paths it saw as no link.
 */
@Export
@Version("1.5.0")
package io.pico.posix.core.fs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
