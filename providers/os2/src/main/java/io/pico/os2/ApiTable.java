package io.pico.os2;

import io.pico.api.Support;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The table of one system DLL: ordinal to function. */
final class ApiTable {

    private static final String[] NONE = {};

    final String module;
    private final Map<Integer, Fn> byOrdinal = new TreeMap<>();

    ApiTable(String module) {
        this.module = module;
    }

    /** A 32-bit (_System) function; {@code params} are comma-separated names. */
    ApiTable fn(int ordinal, String name, Support support, String note, String params, Fn.Handler handler) {
        byOrdinal.put(ordinal, new Fn(module, ordinal, name, support, note, split(params), handler, false));
        return this;
    }

    /** A 32-bit function implemented as documented. */
    ApiTable full(int ordinal, String name, String params, Fn.Handler handler) {
        return fn(ordinal, name, Support.FULL, "", params, handler);
    }

    /** A 32-bit function of which a documented subset is implemented. */
    ApiTable part(int ordinal, String name, String note, String params, Fn.Handler handler) {
        return fn(ordinal, name, Support.PARTIAL, note, params, handler);
    }

    /** A 16-bit (Pascal, far) function; {@code params} are {@code name:size} in declaration order. */
    ApiTable fn16(int ordinal, String name, Support support, String note, String params, Fn.Handler handler) {
        byOrdinal.put(ordinal, new Fn(module, ordinal, name, support, note, split(params), handler, true));
        return this;
    }

    /** A known function that is not implemented: ERROR_INVALID_FUNCTION and a log line. */
    ApiTable missing(int ordinal, String name, String params) {
        byOrdinal.put(ordinal, new Fn(module, ordinal, name, Support.MISSING, "not implemented", split(params),
                null, false));
        return this;
    }

    private static String[] split(String params) {
        return params.isEmpty() ? NONE : params.split(",");
    }

    Fn get(int ordinal) {
        return byOrdinal.get(ordinal);
    }

    /** A function by name (case-insensitive, {@code Dos32} spellings too). */
    Fn byName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        for (Fn f : byOrdinal.values()) {
            String m = f.name().toUpperCase(Locale.ROOT);
            if (m.equals(n) || n.startsWith("DOS32") && m.equals("DOS" + n.substring(5))) {
                return f;
            }
        }
        return null;
    }

    Map<Integer, Fn> all() {
        return Collections.unmodifiableMap(byOrdinal);
    }
}
