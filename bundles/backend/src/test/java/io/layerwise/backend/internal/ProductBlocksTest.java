package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ProductBlocksTest {
    @TempDir
    Path dir;
    private int threadsBefore;

    @BeforeEach
    void clean() {
        threadsBefore = Nd4j.factory().blas().getMaxThreads();
        System.clearProperty(ProductBlocks.PROPERTY);
        System.clearProperty(ProductBlocks.SOURCE);
    }

    @AfterEach
    void restore() {
        System.clearProperty(ProductBlocks.PROPERTY);
        System.clearProperty(ProductBlocks.SOURCE);
        Nd4j.factory().blas().setMaxThreads(threadsBefore);
    }

    /** Every timed shape at {@code whole} seconds as one call and {@code blocked[i]} at width i. */
    private static List<ProductBlocks.Timing> timings(double whole, Double... blocked) {
        List<ProductBlocks.Timing> t = new ArrayList<>();
        for (SmallProducts.Shape s : ProductBlocks.SHAPES) {
            t.add(new ProductBlocks.Timing(s, whole, List.of(blocked)));
        }
        return t;
    }

    @Test
    void theFastestWidthWinsOnlyWhenClearlyFasterThanOneCall() {
        assertEquals(32, ProductBlocks.width(timings(184e-6, 93e-6, 104e-6)), "Cooperlake on the first machine");
        assertEquals(48, ProductBlocks.width(timings(184e-6, 104e-6, 93e-6)));
        assertEquals(0, ProductBlocks.width(timings(281e-6, 313e-6, 330e-6)), "Haswell's kernels: blocks only cost");
        assertEquals(0, ProductBlocks.width(timings(100e-6, 95e-6, 97e-6)), "a tie keeps one call");
        assertEquals(ProductBlocks.WIDTHS.size(), timings(1, 1.0, 1.0).get(0).blocked().size());
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
            INDArray a = Nd4j.rand(DataType.FLOAT, s.transA() ? new long[] {s.k(), s.m()} : new long[] {s.m(), s.k()});
            INDArray b = Nd4j.rand(DataType.FLOAT, s.k(), s.n());
            INDArray whole = Nd4j.create(DataType.FLOAT, s.m(), s.n());
            INDArray blocked = Nd4j.create(DataType.FLOAT, s.m(), s.n());
            FloatPointer pa = new FloatPointer(a.data().addressPointer());
            FloatPointer pb = new FloatPointer(b.data().addressPointer());
            SmallProducts.product(s, pa, pb, new FloatPointer(whole.data().addressPointer()), 0);
            SmallProducts.product(s, pa, pb, new FloatPointer(blocked.data().addressPointer()), 48);
            INDArray want = (s.transA() ? a.transpose() : a).mmul(b);
            assertTrue(whole.equalsWithEps(want, 1e-3), s.name() + " as one call");
            assertTrue(blocked.equalsWithEps(want, 1e-3), s.name() + " in blocks of 48");
        }
    }

    /**
     * The first start times the widths and remembers the verdict with its timings; the next start reads it back
     * without timing, so a run and its resume compute alike; the verdict is published for core, the count set back.
     */
    @Test
    void measuredOnceThenRemembered() throws Exception {
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
    void theUsersSwitchAndNoFileTimeNothing() {
        Path file = dir.resolve("blas-threads.properties");
        System.setProperty(ProductBlocks.PROPERTY, "false");
        assertEquals(new ProductBlocks.Choice("false", "set by the user"),
                ProductBlocks.choose(2, "Cooperlake", file, "k"));
        System.clearProperty(ProductBlocks.PROPERTY);
        System.clearProperty(ProductBlocks.SOURCE);
        assertEquals("32", ProductBlocks.choose(2, "Cooperlake", null, null).width(), "core's rule, not timed");
        assertEquals("0", ProductBlocks.choose(2, "Haswell", null, "k").width());
        assertEquals("not timed; by the kernel set, Haswell", System.getProperty(ProductBlocks.SOURCE));
        assertTrue(!Files.exists(file), "nothing timed, nothing written");
    }
}
