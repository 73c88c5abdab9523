package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobPhasesTest {

    /** Each phase's count and time add up over its visits, in the order the phases first began; numbers are folded. */
    @Test
    void phasesAddUpInTheOrderTheyFirstBegan() throws Exception {
        JobPhases p = new JobPhases();
        p.enter("training");
        Thread.sleep(30);
        p.enter("evaluating");
        p.enter("writing a checkpoint at minibatch 100");
        p.enter("training");
        Thread.sleep(30);
        p.enter("writing a checkpoint at minibatch 200");
        String s = p.summary();
        String[] parts = s.split(", ");
        assertEquals(3, parts.length, s);
        assertTrue(parts[0].startsWith("training "), s);
        assertTrue(parts[0].endsWith(" (2)"), s);
        long trainingMs = Long.parseLong(parts[0].split(" ")[1]);
        assertTrue(trainingMs >= 60, "two sleeps of 30 ms: " + s);
        assertTrue(parts[1].startsWith("evaluating ") && parts[1].endsWith(" (1)"), s);
        assertTrue(parts[2].startsWith("writing a checkpoint at minibatch N ") && parts[2].endsWith(" (2)"), s);
        assertEquals(s.replaceAll("\\d+ \\(", "x ("), p.summary().replaceAll("\\d+ \\(", "x ("),
                "a second summary adds no phase");
    }
}
