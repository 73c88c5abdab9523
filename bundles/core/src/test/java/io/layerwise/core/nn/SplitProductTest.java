package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The products {@link BlasThreads} cuts in halves (two configured threads, above the threshold) equal, bit for bit,
 * the whole product computed by one OpenBLAS call on one thread: each half sums over {@code k} as the whole does. The
 * shapes are a 784-500 layer's at batch 128 (forward, decoder with {@code B} transposed, the stacked weight gradient
 * with {@code A} transposed onto the weights), odd sizes, and operands that are row views of a stacked buffer.
 */
class SplitProductTest {
    private static final Random RANDOM = new Random(5);
    private int before;

    @BeforeEach
    void twoBlasThreads() {
        before = openblas_nolapack.blas_get_num_threads();
        Nd4j.factory().blas().setMaxThreads(2);
        BlasThreads.forgetConfigured();
        BlasThreads.splitProducts(true);
        SecondCore.resetBackOff();
    }

    @AfterEach
    void restore() {
        Nd4j.factory().blas().setMaxThreads(before);
        BlasThreads.forgetConfigured();
    }

    @ParameterizedTest(name = "{0}x{2}x{1} transA={3} transB={4} alpha={5} beta={6} views={7}")
    @CsvSource({
        "128, 500, 784, false, false, 1.0, 0.0, false",
        "128, 784, 500, false, true, 1.0, 1.0, false",
        "784, 500, 256, true, false, -0.01, 1.0, true",
        "197, 203, 501, false, false, 1.0, 0.0, true",
        "301, 197, 301, true, true, 0.5, 2.0, false",
        "4096, 4096, 1, false, false, 1.0, 1.0, false"})
    void halvesEqualTheWholeProductOnOneThread(int m, int n, int k, boolean transA, boolean transB, double alpha,
            double beta, boolean views) {
        INDArray a = operand(transA ? k : m, transA ? m : k, views);
        INDArray b = operand(transB ? n : k, transB ? k : n, views);
        INDArray c0 = operand(m, n, views);
        float[] start = c0.dup().data().asFloat();

        Level3.gemm(a, b, c0, transA, transB, alpha, beta);
        assertEquals(2, openblas_nolapack.blas_get_num_threads(), "the count after a product in halves");

        INDArray whole = Nd4j.create(start, new long[] {m, n}, 'c');
        synchronized (BlasThreads.LOCK) {
            BlasThreads.setCount(1);
            try {
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                        transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                        transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, (float) alpha,
                        Level3.pointer(a), leading(a), Level3.pointer(b), leading(b), (float) beta,
                        Level3.pointer(whole), n);
            } finally {
                BlasThreads.setCount(2);
            }
        }
        assertArrayEquals(whole.data().asFloat(), c0.dup().data().asFloat(), "halves against one call");
    }

    /** The distance between rows (ND4J reports stride 1 along a dimension of size 1). */
    private static int leading(INDArray x) {
        return (int) Math.max(x.stride(0), x.size(1));
    }

    /** {@code rows x cols} of Gaussian values; with {@code views}, the bottom rows of a buffer twice as tall. */
    private static INDArray operand(int rows, int cols, boolean views) {
        float[] v = new float[(views ? 2 : 1) * rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) RANDOM.nextGaussian();
        }
        INDArray all = Nd4j.create(v, new long[] {(views ? 2L : 1L) * rows, cols}, 'c');
        return views ? all.get(NDArrayIndex.interval(rows, 2 * rows), NDArrayIndex.all()) : all;
    }
}
