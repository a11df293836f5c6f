package io.pico.os2;

import java.util.Map;

/** A loaded 16-bit NE module's exports: ordinals to linear addresses, names to ordinals. */
record NeImage(Map<Integer, Long> exports, Map<String, Integer> names) {

    long export(int ordinal) throws Os2Exception {
        Long a = exports.get(ordinal);
        if (a == null) {
            throw new Os2Exception(Err.PROC_NOT_FOUND);
        }
        return a;
    }
}
