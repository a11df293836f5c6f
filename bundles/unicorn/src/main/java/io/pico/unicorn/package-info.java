/**
 * pico's Java binding of unicorn-engine (x86 only) over jnr-ffi. jnr-ffi, jffi and asm are embedded privately
 * in this bundle; only this package is exported.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.6.0")
package io.pico.unicorn;
