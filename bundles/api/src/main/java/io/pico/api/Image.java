package io.pico.api;

import java.nio.file.Path;

/**
 * An executable image as the kernel offers it for claiming: where it is and its first bytes.
 *
 * @param hostPath the file on the host
 * @param guestPath the path the guest named it by
 * @param header the first bytes of the file (up to 4096)
 * @param size the file's size in bytes
 */
public record Image(Path hostPath, String guestPath, byte[] header, long size) {

    /** The file name without directories. */
    public String fileName() {
        Path name = hostPath.getFileName();
        return name == null ? "" : name.toString();
    }

    /** Whether the header starts with the given bytes. */
    public boolean startsWith(byte... magic) {
        if (header.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (header[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
