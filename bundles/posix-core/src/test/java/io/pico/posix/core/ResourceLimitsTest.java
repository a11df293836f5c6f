package io.pico.posix.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Resource limits: defaults copied, values returned as copies, a fork's copy independent of its parent's. */
class ResourceLimitsTest {

    @Test
    void aForkedCopyIsIndependent() {
        long[][] defaults = {{1, 2}, {3, 4}};
        ResourceLimits parent = new ResourceLimits(defaults);
        defaults[0][0] = 99;
        assertArrayEquals(new long[] {1, 2}, parent.get(0));
        parent.get(0)[0] = 77;
        assertArrayEquals(new long[] {1, 2}, parent.get(0));
        parent.set(1, 5, 6);
        ResourceLimits child = new ResourceLimits(new long[][] {{0, 0}, {0, 0}});
        child.copyFrom(parent);
        assertArrayEquals(new long[] {5, 6}, child.get(1));
        child.set(1, 7, 8);
        assertArrayEquals(new long[] {5, 6}, parent.get(1));
        assertEquals(2, child.count());
    }
}
