package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void frameworkPropertiesOverrideEachCountSeparately() {
        assertEquals(new ThreadRule(2, 2), ThreadRule.choose(2, "2", null));
        assertEquals(new ThreadRule(1, 1), ThreadRule.choose(2, " ", "1"));
    }

    @Test
    void aNonNumericOverrideNamesTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadRule.choose(2, "two", null));
        assertTrue(e.getMessage().contains("layerwise.threads.omp"), e.getMessage());
    }

    @Test
    void zeroThreadsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ThreadRule.choose(2, "0", null));
    }
}
