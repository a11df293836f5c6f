package io.pico.posix.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pending signals with their siginfo: standard ones merged, real-time ones queued up to a limit. */
class SignalQueueTest {

    private static final int RTMIN = 34;

    @Test
    void aStandardSignalIsPendingOnceAndKeepsTheFirstSiginfo() {
        SignalQueue q = new SignalQueue(RTMIN);
        assertTrue(q.add(SigInfo.queued(10, 5, 7)));
        assertFalse(q.add(SigInfo.user(10, 6)));
        assertTrue(q.pending().contains(10));
        SigInfo first = q.take(10);
        assertEquals(SigInfo.SI_QUEUE, first.code());
        assertEquals(7, first.value());
        assertNull(q.take(10));
        assertTrue(q.pending().isEmpty());
    }

    @Test
    void realTimeSignalsQueueEachInstanceInOrder() {
        SignalQueue q = new SignalQueue(RTMIN);
        q.add(SigInfo.queued(RTMIN + 1, 5, 1));
        q.add(SigInfo.queued(RTMIN + 1, 5, 2));
        q.add(SigInfo.queued(RTMIN, 5, 3));
        assertEquals(List.of(3L, 1L, 2L), q.all().stream().map(SigInfo::value).toList());
        assertEquals(1, q.take(RTMIN + 1).value());
        assertTrue(q.pending().contains(RTMIN + 1));
        assertEquals(2, q.take(RTMIN + 1).value());
        assertFalse(q.pending().contains(RTMIN + 1));
    }

    @Test
    void realTimeSignalsStopQueueingAtTheLimitAndDiscardDropsEveryInstance() {
        SignalQueue q = new SignalQueue(RTMIN);
        for (int i = 0; i < SignalQueue.MAX_QUEUED; i++) {
            assertTrue(q.add(SigInfo.queued(RTMIN, 1, i)));
        }
        assertFalse(q.add(SigInfo.queued(RTMIN, 1, -1)));
        q.discard(RTMIN);
        assertTrue(q.pending().isEmpty());
        assertTrue(q.add(SigInfo.queued(RTMIN, 1, 0)));
    }

    @Test
    void withoutRealTimeSignalsEveryNumberIsMerged() {
        SignalQueue q = new SignalQueue(0);
        assertTrue(q.add(SigInfo.kernel(40)));
        assertFalse(q.add(SigInfo.kernel(40)));
    }
}
