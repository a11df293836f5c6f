package io.pico.posix.core;

import io.pico.api.ImageException;
import io.pico.posix.core.fs.GuestFs;
import java.io.IOException;
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
     * Checks the final argument and environment lists of an image this loader may run (after {@code #!} lines
     * were followed, before the image is validated): a personality whose ABI checks their size here (Linux,
     * where the file is opened first) throws {@link Errno#E2BIG}. Nothing by default (FreeBSD checks them
     * before looking for the file).
     *
     * @param name the path as the guest named it (the interpreter's for scripts)
     * @since 2.2
     */
    default void check(Call c, String name, GuestFs.Resolved image, List<String> argv, List<String> env) {
    }

    /**
     * Runs an image this loader does not claim (an image of another personality): the call's result, or
     * a thrown error; by default ENOEXEC. The point of no return, if any, is the personality's.
     *
     * @param name the path as the guest named it (the interpreter's for scripts)
     * @since 2.2
     */
    default long foreign(Call c, GuestFs.Resolved image, String name, List<String> argv, List<String> env)
            throws IOException {
        throw Errno.ENOEXEC.error();
    }

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
