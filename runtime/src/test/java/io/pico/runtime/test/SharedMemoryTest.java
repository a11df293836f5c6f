package io.pico.runtime.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.runtime.test.LinuxTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * MAP_SHARED memory is really shared (the kernel's shared memory objects): a C program ({@code
 * linux/shared_memory.c}, musl-gcc -static) counts in anonymous shared memory in a parent, its child and grandchild,
 * wakes the child's FUTEX_WAIT on a word of it (a non-private futex keyed by the shared object, not by the
 * process), writes a file through a MAP_SHARED mapping and reads it back after msync, munmap and a child's exit,
 * maps one file in two processes on their own, and shares a memfd's pages across fork; every line it prints must
 * be what it prints natively. With private copies the child's wait times out and the counters differ.
 */
class SharedMemoryTest {

    @SuppressWarnings("rawtypes")
    @InjectService(filter = "(pico.launcher=run)", timeout = 10_000)
    Function launcher;

    @Test
    void sharedMappingsAreSharedAcrossForkFilesAndMemfds() throws Exception {
        Path exe = LinuxTestSupport.cc("/usr/bin/musl-gcc", "shared_memory.c", "shared_memory");
        Path nativeDir = Files.createDirectories(exe.getParent().resolve("native"));
        Result expected = LinuxTestSupport.host(exe.getParent(), exe.toString(), nativeDir.toString());
        assertTrue(expected.out().contains("child: woken, counter 3007"), expected::toString);
        assertTrue(expected.out().contains("done 0"), expected::toString);
        Path picoDir = Files.createDirectories(exe.getParent().resolve("pico"));
        for (int round = 0; round < 2; round++) {
            Result actual = LinuxTestSupport.pico(launcher, exe.getParent(), exe.toString(), picoDir.toString());
            assertEquals(expected.out(), actual.out(), () -> "pico " + actual + "; native " + expected);
            assertEquals(0, actual.status(), actual::toString);
        }
    }
}
