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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** How small products run: which go on one BLAS thread ({@link SmallProducts}) and in blocks ({@link ProductBlocks}). */
class SmallProductsTest {
    @TempDir
    Path dir;
    private int threadsBefore;

    @BeforeEach
    void clean() {
        threadsBefore = Nd4j.factory().blas().getMaxThreads();
        clearProperties();
    }

    @AfterEach
    void restore() {
        clearProperties();
        Nd4j.factory().blas().setMaxThreads(threadsBefore);
    }

    private static void clearProperties() {
        for (String p : List.of(SmallProducts.PROPERTY, SmallProducts.SOURCE, ProductBlocks.PROPERTY,
                ProductBlocks.SOURCE)) {
            System.clearProperty(p);
        }
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

    /** Every timed shape at {@code whole} seconds as one call and {@code blocked[i]} at width i. */
    private static List<ProductBlocks.Timing> blockTimings(double whole, Double... blocked) {
        List<ProductBlocks.Timing> t = new ArrayList<>();
        for (SmallProducts.Shape s : ProductBlocks.SHAPES) {
            t.add(new ProductBlocks.Timing(s, whole, List.of(blocked)));
        }
        return t;
    }

    @Test
    void theFastestWidthWinsOnlyWhenClearlyFasterThanOneCall() {
        assertEquals(32, ProductBlocks.width(blockTimings(184e-6, 93e-6, 104e-6)), "Cooperlake on the first machine");
        assertEquals(48, ProductBlocks.width(blockTimings(184e-6, 104e-6, 93e-6)));
        assertEquals(0, ProductBlocks.width(blockTimings(281e-6, 313e-6, 330e-6)), "Haswell's kernels: blocks only cost");
        assertEquals(0, ProductBlocks.width(blockTimings(100e-6, 95e-6, 97e-6)), "a tie keeps one call");
        assertEquals(ProductBlocks.WIDTHS.size(), blockTimings(1, 1.0, 1.0).get(0).blocked().size());
    }

    /** The timed shapes are the batch-20 ones, and at every width they are cut into blocks under the 10^6 limit. */
    @Test
    void theTimedShapesAreTheOnesTheWidthsCut() {
        assertEquals(3, ProductBlocks.SHAPES.size());
        for (SmallProducts.Shape s : ProductBlocks.SHAPES) {
            for (int w : ProductBlocks.WIDTHS) {
                assertTrue((long) s.m() * s.k() * w < 1_000_000 && s.size() >= 1_000_000, s.name() + " at " + w);
            }
        }
    }

    /** The timing's blocked product is the product: each block lands on its own columns of C. */
    @Test
    void aBlockedProductEqualsOneCall() {
        for (SmallProducts.Shape s : ProductBlocks.SHAPES) {
            try (SmallProducts.Operands o = new SmallProducts.Operands(s); INDArray want = o.expected()) {
                o.product(0);
                assertTrue(o.output().equalsWithEps(want, 1e-3), s.name() + " as one call");
                o.output().assign(0);
                o.product(48);
                assertTrue(o.output().equalsWithEps(want, 1e-3), s.name() + " in blocks of 48");
            }
        }
    }

    /**
     * The first start times the widths and remembers the verdict with its timings; the next start reads it back
     * without timing, so a run and its resume compute alike; the verdict is published for core, the count set back.
     */
    @Test
    void blocksMeasuredOnceThenRemembered() throws Exception {
        Path file = dir.resolve("blas-threads.properties");
        ProductBlocks.Choice first = ProductBlocks.choose(2, "Cooperlake", file, "cpu-x.Cooperlake");
        assertTrue(first.source().matches("measured on this machine: 20x784x500 \\d+/\\d+/\\d+ us, .*"),
                first.source());
        assertTrue(List.of("0", "32", "48").contains(first.width()), first.width());
        Properties p = BlasVerdicts.read(file);
        assertEquals(first.width(), p.getProperty("cpu-x.Cooperlake.blocks"));
        assertEquals(first.width(), System.getProperty(ProductBlocks.PROPERTY));
        assertEquals(2, Nd4j.factory().blas().getMaxThreads(), "the count is set back after the timing");

        p.setProperty("cpu-x.Cooperlake.blocks", "40"); // a remembered value is taken as it is
        BlasVerdicts.write(file, p, null);
        ProductBlocks.Choice again = ProductBlocks.choose(2, "Cooperlake", file, "cpu-x.Cooperlake");
        assertEquals(new ProductBlocks.Choice("40", first.source()), again);
        assertEquals("40", System.getProperty(ProductBlocks.PROPERTY));
    }

    @Test
    void theUsersBlocksAndNoFileTimeNothing() {
        Path file = dir.resolve("blas-threads.properties");
        System.setProperty(ProductBlocks.PROPERTY, "false");
        assertEquals(new ProductBlocks.Choice("false", "set by the user"),
                ProductBlocks.choose(2, "Cooperlake", file, "k"));
        System.clearProperty(ProductBlocks.PROPERTY);
        System.clearProperty(ProductBlocks.SOURCE);
        assertEquals("32", ProductBlocks.choose(2, "Cooperlake", null, null).width(), "core's rule, not timed");
        assertEquals("0", ProductBlocks.choose(2, "Haswell", null, "k").width());
        assertEquals("not timed; by the kernel set, Haswell", System.getProperty(ProductBlocks.SOURCE));
        assertFalse(Files.exists(file), "nothing timed, nothing written");
    }
}
