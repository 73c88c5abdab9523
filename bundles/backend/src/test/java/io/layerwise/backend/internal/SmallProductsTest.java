package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class SmallProductsTest {
    @TempDir
    Path dir;
    private int threadsBefore;

    @BeforeEach
    void clean() {
        threadsBefore = Nd4j.factory().blas().getMaxThreads();
        System.clearProperty(SmallProducts.PROPERTY);
        System.clearProperty(SmallProducts.SOURCE);
    }

    @AfterEach
    void restore() {
        System.clearProperty(SmallProducts.PROPERTY);
        System.clearProperty(SmallProducts.SOURCE);
        Nd4j.factory().blas().setMaxThreads(threadsBefore);
    }

    /** Timings of the four shapes: the heads on one thread / all, the three batch-20 shapes likewise. */
    private static List<SmallProducts.Timing> timings(double heads1, double headsAll, double b20One, double b20All) {
        List<SmallProducts.Timing> t = new ArrayList<>();
        for (SmallProducts.Shape s : SmallProducts.SHAPES) {
            boolean head = s.size() < SmallProducts.BELOW_BATCH_20;
            t.add(new SmallProducts.Timing(s, head ? heads1 : b20One, head ? headsAll : b20All));
        }
        return t;
    }

    @Test
    void theThresholdMovesDownOnlyAsFarAsTwoThreadsClearlyWin() {
        assertEquals(SmallProducts.DEFAULT, SmallProducts.threshold(timings(25e-6, 60e-6, 100e-6, 140e-6)),
                "one thread faster everywhere (the machine of the first measurement)");
        assertEquals(SmallProducts.BELOW_BATCH_20, SmallProducts.threshold(timings(25e-6, 60e-6, 100e-6, 60e-6)),
                "batch 20 faster on two, the heads not");
        assertEquals(SmallProducts.BELOW_HEADS, SmallProducts.threshold(timings(25e-6, 15e-6, 100e-6, 60e-6)));
        assertEquals(SmallProducts.DEFAULT, SmallProducts.threshold(timings(25e-6, 15e-6, 100e-6, 95e-6)),
                "a tie at batch 20 keeps the default, whatever the heads do");
        for (SmallProducts.Shape s : SmallProducts.SHAPES) {
            boolean head = s.size() < SmallProducts.BELOW_BATCH_20;
            assertTrue(s.size() >= (head ? SmallProducts.BELOW_HEADS : SmallProducts.BELOW_BATCH_20)
                    && s.size() < (head ? SmallProducts.BELOW_BATCH_20 : SmallProducts.DEFAULT), s.name());
        }
    }

    /**
     * The first start on a machine times the shapes and remembers the threshold with the timings; the next start
     * reads it without timing (so a run and its resume choose alike); the threshold is published for core.
     */
    @Test
    void measuredOnceThenRemembered() throws Exception {
        Path file = dir.resolve("blas-threads.properties");
        SmallProducts.Choice first = SmallProducts.choose(2, file, "cpu-x.Cooperlake");
        assertTrue(first.source().startsWith("measured on this machine: 128x400x20 "), first.source());
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        assertEquals(Long.toString(first.threshold()), p.getProperty("cpu-x.Cooperlake.threads2"));
        assertTrue(List.of(SmallProducts.DEFAULT, SmallProducts.BELOW_BATCH_20, SmallProducts.BELOW_HEADS)
                .contains(first.threshold()));
        assertEquals(Long.toString(first.threshold()), System.getProperty(SmallProducts.PROPERTY));
        assertEquals(2, Nd4j.factory().blas().getMaxThreads(), "the count is set back after the timing");

        // a remembered value, whatever it is, is taken as it is
        p.setProperty("cpu-x.Cooperlake.threads2", "12345");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        SmallProducts.Choice again = SmallProducts.choose(2, file, "cpu-x.Cooperlake");
        assertEquals(12345, again.threshold());
        assertEquals(first.source(), again.source());
        assertEquals("12345", System.getProperty(SmallProducts.PROPERTY));
        assertFalse(SmallProducts.choose(2, file, "cpu-y.Haswell").source().equals(again.source())
                && SmallProducts.choose(2, file, "cpu-y.Haswell").threshold() == 12345, "another key, another entry");
    }

    @Test
    void theUsersValueOneThreadAndNoFileTimeNothing() {
        Path file = dir.resolve("blas-threads.properties");
        System.setProperty(SmallProducts.PROPERTY, "777");
        assertEquals(new SmallProducts.Choice(777, "set by the user"), SmallProducts.choose(2, file, "k"));
        System.clearProperty(SmallProducts.PROPERTY);
        assertEquals(new SmallProducts.Choice(SmallProducts.DEFAULT, "one BLAS thread in all"),
                SmallProducts.choose(1, file, "k"));
        assertEquals(new SmallProducts.Choice(SmallProducts.DEFAULT, "default"), SmallProducts.choose(2, null, null));
        assertEquals(Long.toString(SmallProducts.DEFAULT), System.getProperty(SmallProducts.PROPERTY));
        assertFalse(Files.exists(file), "nothing timed, nothing written");
    }
}
