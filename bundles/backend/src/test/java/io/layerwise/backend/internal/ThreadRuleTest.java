package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ThreadRuleTest {

    @Test
    void twoCoresGiveOneOpenMpThreadAndAllCoresToBlas() {
        assertEquals(new ThreadRule(1, 2), ThreadRule.forCores(2));
    }

    @Test
    void largeMachinesGiveAQuarterOfTheCoresToOpenMp() {
        assertEquals(new ThreadRule(1, 4), ThreadRule.forCores(4));
        assertEquals(new ThreadRule(4, 16), ThreadRule.forCores(16));
    }

    @Test
    void zeroReportedCoresStillGiveOneThreadEach() {
        assertEquals(new ThreadRule(1, 1), ThreadRule.forCores(0));
    }

    @Test
    void configuredCountsOverrideEachSeparatelyAndZeroKeepsTheRule() {
        assertEquals(new ThreadRule(2, 2), ThreadRule.choose(2, 2, 0));
        assertEquals(new ThreadRule(1, 1), ThreadRule.choose(2, 0, 1));
        assertEquals(ThreadRule.forCores(16), ThreadRule.choose(16, 0, 0));
    }

    @Test
    void zeroThreadsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ThreadRule(0, 1));
    }
}
