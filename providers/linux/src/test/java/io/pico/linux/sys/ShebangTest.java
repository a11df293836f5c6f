package io.pico.linux.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The #! line of scripts execve runs: one interpreter, at most one argument, as Linux splits it. */
class ShebangTest {

    private static String[] parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return io.pico.posix.core.Exec.shebang(b, b.length);
    }

    @Test
    void interpreterAndArgument() {
        assertArrayEquals(new String[] {"/bin/sh", null}, parse("#!/bin/sh\necho hi\n"));
        assertArrayEquals(new String[] {"/bin/busybox", "sh"}, parse("#! /bin/busybox sh\n"));
        assertArrayEquals(new String[] {"/usr/bin/env", "python3 -u"}, parse("#!/usr/bin/env python3 -u  \n"));
        assertArrayEquals(new String[] {"/bin/awk", "-f"}, parse("#!/bin/awk\t-f\nBEGIN{}"));
        assertArrayEquals(new String[] {"/bin/sh", null}, parse("#!/bin/sh"));
    }

    @Test
    void emptyLine() {
        assertNull(parse("#!\n/bin/sh"));
        assertNull(parse("#!   \n"));
    }
}
