package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * A program's segments are mapped from the kernel's shared copy of its file (copy-on-write) and fork copies only
 * the pages a process wrote: a C program ({@code linux/fork_image.c}, musl-gcc -static) writes its own image pages
 * before and after fork in both directions, unmaps and protects some in the child, and execs itself again after
 * its pages were written; every line it prints must be what it prints natively.
 */
class ForkImageTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @Test
    void writesToImagePagesStayOnTheirSideOfAForkAndANewExecSeesTheFile() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "fork_image.c", "fork_image");
        Result expected = LinuxTestSupport.host(exe.getParent(), exe.toString());
        assertTrue(expected.out().contains("fresh: 1 2 0 0 read-only image bytes"), expected::toString);
        for (int round = 0; round < 3; round++) { // the later rounds map the kernel's cached copy
            Result actual = LinuxTestSupport.pico(launcher, exe.getParent(), exe.toString());
            assertEquals(expected.out(), actual.out(), () -> "pico " + actual + "; native " + expected);
            assertEquals(0, actual.status(), actual::toString);
        }
    }
}
