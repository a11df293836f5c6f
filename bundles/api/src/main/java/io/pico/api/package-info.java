/**
 * The pico API: the contract between the pico kernel and personality providers.
 *
 * <p>A {@link io.pico.api.Provider} is a whiteboard service carrying the {@code pico.personality}
 * property. The kernel ({@link io.pico.api.Kernel}) owns processes, threads, the CPU and memory and the
 * personality-neutral objects ({@link io.pico.api.IoObject}); a provider owns its personality's view
 * of them and receives every system call and CPU exception of the processes it runs.
 *
 * <p>The package is semantically versioned: providers implement {@code @ConsumerType} interfaces
 * ({@link io.pico.api.Provider}) and import the package up to the next major version; the kernel
 * implements the {@code @ProviderType} ones. The build baselines the package against the released
 * API 1.0.0 (bundles/api/baseline) and fails when its version does not match its changes. The guide for
 * provider authors is docs/providers.md.
 */
@Export
@Version("1.7.0")
package io.pico.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
