package io.pico.api;

/**
 * A kernel object in transit through a local socket (Linux's SCM_RIGHTS): the object, holding one
 * reference of its own while it travels, and the sending personality's open-file status flags (its access
 * mode, non-blocking and append flags), which the receiving personality applies to the descriptor it
 * installs.
 *
 * @param object the kernel object
 * @param flags the sender's status flags, in the sending personality's terms
 * @since 1.2
 */
public record PassedObject(IoObject object, int flags) {
}
