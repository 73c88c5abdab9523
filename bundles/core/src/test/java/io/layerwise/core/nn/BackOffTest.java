package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link BackOff}: how many calls run alone after long waits for the worker, counted call by call. A long wait is one
 * above the limit passed (1,000 ns here), a short one at or below it.
 */
class BackOffTest {
    static final long LIMIT = 1_000;

    /** Calls refused before the next one may share. */
    private static int refusals(BackOff b) {
        int n = 0;
        while (!b.shareNow()) {
            n++;
        }
        return n;
    }

    @Test
    void aFirstLongWaitSkipsTheMinimumThenSharingIsTriedAgain() {
        BackOff b = new BackOff();
        assertTrue(b.shareNow(), "no back-off at first");
        b.waited(LIMIT, LIMIT);
        assertTrue(b.shareNow(), "a wait at the limit is not long");
        b.waited(LIMIT + 1, LIMIT);
        assertEquals(BackOff.MIN_SKIP, refusals(b));
    }

    @Test
    void eachFurtherLongWaitDoublesTheSkipUpToTheMaximum() {
        BackOff b = new BackOff();
        int expected = BackOff.MIN_SKIP;
        for (int i = 0; i < 12; i++) {
            b.waited(10 * LIMIT, LIMIT);
            assertEquals(expected, refusals(b), "long wait " + (i + 1));
            expected = Math.min(BackOff.MAX_SKIP, 2 * expected);
        }
        assertEquals(BackOff.MAX_SKIP, expected, "the cap was reached");
    }

    @Test
    void aCallThatSharedWellHalvesTheSkip() {
        BackOff b = new BackOff();
        for (int i = 0; i < 5; i++) { // skips min, 2 min, ..., 16 min; the next would be 32 min
            b.waited(10 * LIMIT, LIMIT);
            refusals(b);
        }
        b.waited(LIMIT / 2, LIMIT); // 32 min -> 16 min
        b.waited(10 * LIMIT, LIMIT);
        assertEquals(16 * BackOff.MIN_SKIP, refusals(b));
        for (int i = 0; i < 20; i++) {
            b.waited(0, LIMIT);
        }
        b.waited(10 * LIMIT, LIMIT);
        assertEquals(BackOff.MIN_SKIP, refusals(b), "never below the minimum");
    }

    @Test
    void equalBoundsMakeAFixedBackOff() {
        BackOff b = new BackOff(200, 200);
        for (int i = 0; i < 3; i++) {
            b.waited(10 * LIMIT, LIMIT);
            assertEquals(200, refusals(b), "long wait " + (i + 1));
        }
        assertThrows(IllegalArgumentException.class, () -> new BackOff(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new BackOff(8, 4));
    }

    @Test
    void resetEndsABackOff() {
        BackOff b = new BackOff();
        b.waited(10 * LIMIT, LIMIT);
        assertFalse(b.shareNow());
        b.reset();
        assertEquals(0, b.left());
        assertTrue(b.shareNow());
        b.waited(10 * LIMIT, LIMIT);
        assertEquals(BackOff.MIN_SKIP, refusals(b), "the skip starts over");
    }
}
