package io.pico.os2;

import io.pico.api.Support;

/**
 * One exported function of a system DLL that the provider implements: where it is in its module's table,
 * how completely it is implemented and what it takes.
 *
 * @param module the module (DOSCALLS ...)
 * @param ordinal its ordinal
 * @param name its name
 * @param support how completely it is implemented
 * @param note what partial support covers
 * @param params parameter names, for traces; 16-bit functions give each a size: {@code name:2} or {@code name:4},
 *     and a {@code p} prefix on a 4-byte one marks a far pointer
 * @param handler the implementation
 * @param far16 whether it is a 16-bit function (Pascal convention, far call, parameters popped by the callee)
 */
record Fn(String module, int ordinal, String name, Support support, String note, String[] params, Handler handler,
        boolean far16) {

    /** An implementation: returns the APIRET, or {@link Call#NO_RESULT} when it set the registers itself. */
    @FunctionalInterface
    interface Handler {
        long call(Call c) throws Os2Exception;
    }

    /** Bytes of parameters a 16-bit function pops. */
    int paramBytes() {
        int n = 0;
        for (String p : params) {
            n += size16(p);
        }
        return n;
    }

    static int size16(String param) {
        int colon = param.lastIndexOf(':');
        return colon < 0 ? 2 : Integer.parseInt(param.substring(colon + 1));
    }

    static String bare(String param) {
        int colon = param.lastIndexOf(':');
        return colon < 0 ? param : param.substring(0, colon);
    }
}
