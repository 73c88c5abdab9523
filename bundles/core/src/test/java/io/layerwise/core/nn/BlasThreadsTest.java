package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link BlasThreads}: which products run on one thread, that OpenBLAS's count is lowered and set back around them,
 * that a product on another thread never runs on the lowered count, and that products cut in halves equal the whole.
 */
class BlasThreadsTest {
    private static final Random RANDOM = new Random(11);
    private int before;

    @BeforeEach
    void twoBlasThreads() {
        before = openblas_nolapack.blas_get_num_threads();
        Nd4j.factory().blas().setMaxThreads(2);
        BlasThreads.forgetConfigured();
    }

    @AfterEach
    void restore() {
        BlasThreads.splitProducts(true);
        Nd4j.factory().blas().setMaxThreads(before);
        BlasThreads.forgetConfigured();
    }

    private static INDArray random(int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) RANDOM.nextGaussian();
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    @Test
    void theRuleFollowsTheMultiplyAddsOfTheProduct() {
        assertTrue(BlasThreads.oneThread(128, 20, 400), "a VAE head, 128 x 400 by 400 x 20");
        assertTrue(BlasThreads.oneThread(20, 500, 784), "a batch-20 forward product of a 784-500 layer");
        assertTrue(BlasThreads.oneThread(784, 500, 40), "a batch-20 tied weight gradient");
        assertFalse(BlasThreads.oneThread(128, 500, 784), "a batch-128 forward product");
        assertFalse(BlasThreads.oneThread(1000, 784, 400), "an evaluation block");
        assertFalse(BlasThreads.oneThread(1 << 12, 1 << 12, 1), "exactly 2^24 multiply-adds");
        assertTrue(BlasThreads.oneThread(1 << 12, (1 << 12) - 1, 1));
    }

    /** The backend's threshold, published as a system property, is read with the configured count. */
    @Test
    void theBackendsThresholdReplacesTheDefault() {
        String before = System.getProperty(BlasThreads.THRESHOLD_PROPERTY);
        try {
            System.setProperty(BlasThreads.THRESHOLD_PROPERTY, Long.toString(1L << 22));
            BlasThreads.forgetConfigured();
            assertTrue(BlasThreads.configured() > 1, "two threads configured");
            assertFalse(BlasThreads.oneThread(20, 500, 784), "a batch-20 product now on both threads");
            assertTrue(BlasThreads.oneThread(128, 20, 400), "a VAE head still on one");
            System.setProperty(BlasThreads.THRESHOLD_PROPERTY, "many");
            BlasThreads.forgetConfigured();
            BlasThreads.configured();
            assertTrue(BlasThreads.oneThread(20, 500, 784), "an unreadable value leaves the default");
        } finally {
            if (before == null) {
                System.clearProperty(BlasThreads.THRESHOLD_PROPERTY);
            } else {
                System.setProperty(BlasThreads.THRESHOLD_PROPERTY, before);
            }
            BlasThreads.forgetConfigured();
        }
        assertEquals(BlasThreads.ONE_THREAD_BELOW, BlasThreads.threshold(null));
        assertEquals(5L, BlasThreads.threshold(" 5 "));
        assertEquals(BlasThreads.ONE_THREAD_BELOW, BlasThreads.threshold("-1"));
    }

    /**
     * The setter reaches the library {@code cblas_sgemm} runs in: one thread sums a 128 x 784 by 784 x 400 product in
     * another order than two (OpenBLAS 0.3.21 splits its inner dimension by thread), so its bits change while the
     * count is 1 and come back with 2. The binding's {@code blas_get_num_threads} only echoes the last count set
     * through the binding, so the product itself is the witness.
     */
    @Test
    void theSetterReachesTheLibraryTrainingCalls() {
        assertEquals(2, BlasThreads.configured());
        BlasThreads.splitProducts(false); // OpenBLAS's own threads for the large product
        INDArray a = random(128, 784);
        INDArray w = random(784, 400);
        float[] two = product(a, w);
        float[] one;
        synchronized (BlasThreads.LOCK) {
            BlasThreads.setCount(1);
            try {
                one = product(a, w);
            } finally {
                BlasThreads.setCount(2);
            }
        }
        assertFalse(java.util.Arrays.equals(two, one), "the product on one thread");
        assertArrayEquals(two, product(a, w), "the product on two threads again");
    }

    @Test
    void aSmallProductIsRightAndTheCountIsSetBack() {
        INDArray a = random(128, 400);
        INDArray b = random(20, 400);
        INDArray c = Nd4j.create(DataType.FLOAT, 128, 20);
        Level3.gemm(a, b, c, false, true, 1.0, 0.0);
        assertEquals(2, openblas_nolapack.blas_get_num_threads(), "the count after a small product");
        for (int i = 0; i < 128; i += 17) {
            for (int j = 0; j < 20; j += 3) {
                double s = 0;
                for (int p = 0; p < 400; p++) {
                    s += a.getDouble(i, p) * b.getDouble(j, p);
                }
                assertEquals(s, c.getDouble(i, j), 1e-4 * (1 + Math.abs(s)), "C[" + i + "][" + j + "]");
            }
        }
    }

    /**
     * A large product computed while another thread runs small ones equals, bit for bit, the same product computed
     * alone. Without the lock it would now and then start while the count is 1, which changes its bits.
     */
    @Test
    void aLargeProductNeverRunsOnTheCountLoweredForAnotherThread() throws Exception {
        BlasThreads.splitProducts(false); // halves run on one thread each whatever the count: nothing to see there
        INDArray a = random(128, 784);
        INDArray w = random(784, 400);
        float[] alone = product(a, w); // on two threads; one gives other bits (the test above)
        INDArray x = random(128, 400);
        INDArray v = random(400, 20);
        INDArray y = Nd4j.create(DataType.FLOAT, 128, 20);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread small = new Thread(() -> {
            while (!stop.get()) {
                Level3.gemm(x, v, y, false, false, 1.0, 0.0);
            }
        });
        small.start();
        try {
            for (int i = 0; i < 200; i++) {
                assertArrayEquals(alone, product(a, w), "large product " + i + " beside small ones");
            }
        } finally {
            stop.set(true);
            small.join();
        }
    }

    /** {@code a w} straight through cblas_sgemm, on whatever count is set (too large for the one-thread rule). */
    private static float[] product(INDArray a, INDArray w) {
        INDArray c = Nd4j.create(DataType.FLOAT, a.rows(), w.columns());
        Level3.gemm(a, w, c, false, false, 1.0, 0.0);
        return c.data().asFloat();
    }

    /**
     * The products cut in halves (two configured threads, from {@link BlasThreads#SPLIT_FROM}) equal the whole product
     * computed by one OpenBLAS call on one thread, to within 4 units of float32 rounding of {@code |alpha| |op(A)|
     * |op(B)| + |beta| |C|} per element: bit for bit under the AVX-512 kernel sets, a few units in the last place under
     * the AVX2 ones, whose sums depend on how a call blocks its output (tools/blas-kernels shows it on the library
     * alone). A half at a wrong offset, stride or transpose is off by the values themselves. The shapes are a 784-500
     * layer's at batch 128 (forward, decoder with {@code B} transposed, the stacked weight gradient with {@code A}
     * transposed onto the weights), the VAE's head, odd sizes, and row views of a stacked buffer.
     */
    @ParameterizedTest(name = "{0}x{2}x{1} transA={3} transB={4} alpha={5} beta={6} views={7}")
    @CsvSource({
        "128, 500, 784, false, false, 1.0, 0.0, false",
        "128, 784, 500, false, true, 1.0, 1.0, false",
        "784, 500, 256, true, false, -0.01, 1.0, true",
        "197, 203, 501, false, false, 1.0, 0.0, true",
        "301, 197, 301, true, true, 0.5, 2.0, false",
        "4096, 4096, 1, false, false, 1.0, 1.0, false",
        "128, 20, 400, false, true, 1.0, 1.0, false",
        "20, 500, 784, false, false, 1.0, 0.0, false",
        "20, 784, 500, false, true, 1.0, 1.0, true",
        "784, 500, 20, true, false, -0.01, 1.0, false"})
    void halvesComputeTheWholeProductOnOneThread(int m, int n, int k, boolean transA, boolean transB, double alpha,
            double beta, boolean views) {
        INDArray a = operand(transA ? k : m, transA ? m : k, views);
        INDArray b = operand(transB ? n : k, transB ? k : n, views);
        INDArray c0 = operand(m, n, views);
        float[] start = c0.dup().data().asFloat();

        Level3.gemm(a, b, c0, transA, transB, alpha, beta);
        assertEquals(2, openblas_nolapack.blas_get_num_threads(), "the count after a product in halves");

        float[] want;
        synchronized (BlasThreads.LOCK) {
            BlasThreads.setCount(1);
            try {
                want = oneCall(a, b, transA, transB, alpha, beta, start, m, n, k);
            } finally {
                BlasThreads.setCount(2);
            }
        }
        int exact = assertWithinRounding("halves", c0.dup().data().asFloat(), want,
                absoluteProduct(a, b, transA, transB, alpha, beta, start));
        System.out.printf("%dx%dx%d: %d of %d elements equal bit for bit%n", m, n, k, exact, want.length);
    }

    /** {@code op(A) op(B) alpha + C0 beta} as one OpenBLAS call on the count in force, from C's values {@code start}. */
    private static float[] oneCall(INDArray a, INDArray b, boolean transA, boolean transB, double alpha, double beta,
            float[] start, int m, int n, int k) {
        INDArray whole = Nd4j.create(start, new long[] {m, n}, 'c');
        synchronized (BlasThreads.LOCK) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, (float) alpha,
                    Level3.pointer(a), Level3.leading(a), Level3.pointer(b), Level3.leading(b), (float) beta,
                    Level3.pointer(whole), n);
        }
        return whole.data().asFloat();
    }

    /** Each element within 4 float32 roundings of its {@code bound}; returns how many are equal bit for bit. */
    private static int assertWithinRounding(String what, float[] got, float[] want, float[] bound) {
        int exact = 0;
        for (int i = 0; i < want.length; i++) {
            if (got[i] == want[i]) {
                exact++;
                continue;
            }
            double tolerance = 4 * Math.ulp(1f) * bound[i];
            assertTrue(Math.abs(got[i] - want[i]) <= tolerance, what + " against one call at " + i + ": " + got[i]
                    + " against " + want[i] + ", tolerance " + tolerance);
        }
        return exact;
    }

    /**
     * Products cut in column blocks for OpenBLAS's small-matrix kernels (forced on here at several block widths,
     * whatever the kernel set, and on one configured thread, so that the whole product is one call to block) equal one
     * call on the whole product to within the same rounding bound: every column is computed once, at its own offset,
     * for both transposes, odd widths (a last block narrower than the rest), alpha and beta, and row views. The
     * batch-20 shapes of a 784-500 layer, and odd ones.
     */
    @ParameterizedTest(name = "{0}x{2}x{1} transA={3} transB={4} alpha={5} beta={6} views={7} width={8}")
    @CsvSource({
        "20, 500, 784, false, false, 1.0, 0.0, false, 32",
        "20, 784, 500, false, true, 1.0, 1.0, true, 48",
        "784, 500, 20, true, false, -0.01, 1.0, false, 32",
        "17, 77, 901, true, true, 0.5, 2.0, true, 7",
        "3, 1001, 400, false, false, 1.0, 0.0, false, 48"})
    void blocksComputeTheWholeProduct(int m, int n, int k, boolean transA, boolean transB, double alpha, double beta,
            boolean views, int width) {
        INDArray a = operand(transA ? k : m, transA ? m : k, views);
        INDArray b = operand(transB ? n : k, transB ? k : n, views);
        INDArray c0 = operand(m, n, views);
        float[] start = c0.dup().data().asFloat();
        assertTrue((long) m * k * width < BlasThreads.SMALL_KERNEL_BELOW
                && (long) m * n * k >= BlasThreads.SMALL_KERNEL_BELOW, "a shape that is cut in blocks");
        Nd4j.factory().blas().setMaxThreads(1); // one configured thread: the product is one call, cut in blocks
        System.setProperty(BlasThreads.BLOCKS_PROPERTY, Integer.toString(width)); // as the backend publishes it
        BlasThreads.forgetConfigured(); // the next product reads the width with the count
        float[] want;
        try {
            Level3.gemm(a, b, c0, transA, transB, alpha, beta);
            assertEquals(width, BlasThreads.blockColumnsInForce());
            want = oneCall(a, b, transA, transB, alpha, beta, start, m, n, k);
        } finally {
            System.clearProperty(BlasThreads.BLOCKS_PROPERTY);
            BlasThreads.forgetConfigured();
        }
        assertWithinRounding("blocks", c0.dup().data().asFloat(), want,
                absoluteProduct(a, b, transA, transB, alpha, beta, start));
    }

    @Test
    void theBlocksAreForTheKernelSetsWithSmallMatrixKernels() {
        assertTrue(BlasThreads.smallKernels("Cooperlake"));
        assertTrue(BlasThreads.smallKernels("SKYLAKEX"));
        assertTrue(BlasThreads.smallKernels(" SapphireRapids "));
        assertTrue(!BlasThreads.smallKernels("Haswell"));
        assertTrue(!BlasThreads.smallKernels("Zen"));
        assertTrue(!BlasThreads.smallKernels(null));
    }

    /** The backend's measured width, the user's switch, and the kernel set's rule where neither is given. */
    @Test
    void theBlocksWidthIsTheBackendsOrTheUsersElseTheKernelSets() {
        assertEquals(48, BlasThreads.blockColumns("48", "Haswell"), "a measured width, whatever the set");
        assertEquals(0, BlasThreads.blockColumns("0", "Cooperlake"), "measured: one call wins");
        assertEquals(0, BlasThreads.blockColumns("false", "Cooperlake"), "the user's switch");
        assertEquals(BlasThreads.BLOCK_COLUMNS, BlasThreads.blockColumns("true", "Haswell"));
        assertEquals(BlasThreads.BLOCK_COLUMNS, BlasThreads.blockColumns(null, "Cooperlake"));
        assertEquals(0, BlasThreads.blockColumns(null, "Haswell"));
        assertEquals(BlasThreads.BLOCK_COLUMNS, BlasThreads.blockColumns("-3", "SkylakeX"), "unreadable: the rule");
        assertEquals(0, BlasThreads.blockColumns("lots", null));
    }

    /** {@code |alpha| |op(A)| |op(B)| + |beta| |C0|}, the scale of each element's rounding (a float32 product). */
    private static float[] absoluteProduct(INDArray a, INDArray b, boolean transA, boolean transB, double alpha,
            double beta, float[] c0) {
        try (INDArray absA = Transforms.abs(transA ? a.transpose() : a, true);
                INDArray absB = Transforms.abs(transB ? b.transpose() : b, true);
                INDArray product = absA.mmul(absB)) {
            float[] out = product.dup('c').data().asFloat();
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (Math.abs(alpha) * out[i] + Math.abs(beta) * Math.abs(c0[i]));
            }
            return out;
        }
    }

    /** {@code rows x cols} of Gaussian values; with {@code views}, the bottom rows of a buffer twice as tall. */
    private static INDArray operand(int rows, int cols, boolean views) {
        INDArray all = random((views ? 2 : 1) * rows, cols);
        return views ? all.get(NDArrayIndex.interval(rows, 2 * rows), NDArrayIndex.all()) : all;
    }
}
