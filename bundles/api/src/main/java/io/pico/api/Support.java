package io.pico.api;

/** How completely a system call or API is implemented. */
public enum Support {
    /** Implemented as documented for the personality. */ FULL,
    /** A documented subset, named in the note. */ PARTIAL,
    /** Known but not implemented: fails loudly (ENOSYS or the personality's equivalent). */ MISSING
}
