package io.pico.posix.core;

import io.pico.api.ImageException;
import io.pico.posix.core.fs.GuestFs;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A personality's program loader as execve sees it: which images it runs, validating one without touching the
 * process, and loading it into the emptied process (memory, stack, registers of the calling thread).
 *
 * @param <P> what validation yields for loading
 */
@ConsumerType
public interface ImageLoader<P> {

    /** Whether the first bytes of a file are an image of this personality. */
    boolean claims(byte[] header);

    /**
     * Validates an image (and its interpreter) without touching the process. Read the image by
     * {@code c.fs().secure(image)} (valid until the loading after the call), never by its plain host path.
     *
     * @throws ImageException when it cannot be run; status {@link ImageException#NOT_FOUND} gives ENOENT
     */
    P prepare(Call c, String name, GuestFs.Resolved image) throws ImageException;

    /**
     * Loads a prepared image into the process, whose old memory is gone and whose state has been reset for the
     * new program, and points the calling thread at its entry.
     *
     * @throws ImageException when loading fails after the point of no return (the process is then killed)
     */
    void load(Call c, P prepared, List<String> argv, List<String> env) throws ImageException;
}
