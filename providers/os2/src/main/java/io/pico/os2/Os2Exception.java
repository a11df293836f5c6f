package io.pico.os2;

/** An API call fails with an OS/2 error code; handlers throw it, the dispatcher returns the code in EAX. */
final class Os2Exception extends Exception {

    private static final long serialVersionUID = 1L;

    final int code;

    Os2Exception(int code) {
        super(null, null, false, false);
        this.code = code;
    }
}
