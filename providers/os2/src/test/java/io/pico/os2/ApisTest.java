package io.pico.os2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pico.api.Support;
import org.junit.jupiter.api.Test;

/** The system DLL tables: unknown ordinals. */
class ApisTest {

    @Test
    void unknownOrdinalsAreMissingFunctionsAndTheirCacheIsBounded() {
        Fn f = Apis.unknown("MSG", 99);
        assertEquals("ordinal 99", f.name());
        assertEquals(Support.MISSING, f.support());
        assertNull(f.handler(), "no handler: ERROR_INVALID_FUNCTION");
        assertSame(f, Apis.unknown("MSG", 99), "shared while the cache has room");
        for (int i = 0; i < 65536; i++) {
            Fn g = Apis.unknown("DOSCALLS", 100_000 + i);
            assertEquals(100_000 + i, g.ordinal());
        }
        assertTrue(Apis.unknownShared() <= Apis.MAX_UNKNOWN, "shared: " + Apis.unknownShared());
        assertSame(f, Apis.unknown("MSG", 99));
    }
}
