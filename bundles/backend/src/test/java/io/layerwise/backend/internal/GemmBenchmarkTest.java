package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GemmBenchmarkTest {

    /** Float32 products of k = 5 terms in [0, 1): a few ulps of values below 5. */
    private static final double TOLERANCE = 1e-5;

    @Test
    void theCpuBackendTimesTheDirectCblasCallThatTrainingMakes() {
        assertEquals(GemmBenchmark.DIRECT, GemmBenchmark.path());
    }

    @Test
    void theTimedProductEqualsATripleLoopOnANonSquareShapeAndOverwritesC() {
        int m = 3;
        int k = 5;
        int n = 4; // all different, so a swapped dimension or leading dimension shows
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.valueArrayOf(new long[] {m, n}, 7f, DataType.FLOAT); // beta 0: the old C must not remain
        GemmBenchmark.product(a, b, c).run();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double expected = 0;
                for (int l = 0; l < k; l++) {
                    expected += a.getDouble(i, l) * b.getDouble(l, j);
                }
                assertEquals(expected, c.getDouble(i, j), TOLERANCE, "C[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void theRateIsPositiveAndFinite() {
        for (int[] s : new int[][] {{3, 5, 4}, {20, 784, 500}}) {
            double gflops = GemmBenchmark.run(s[0], s[1], s[2], 0.05);
            assertTrue(gflops > 0 && Double.isFinite(gflops), s[0] + "x" + s[1] + "x" + s[2] + ": " + gflops);
        }
    }

    @Test
    void aTransposedOperandIsRefusedRatherThanReadAsRowMajor() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 5, 2).transpose(); // 2 x 5, column-major view
        INDArray b = Nd4j.rand(DataType.FLOAT, 5, 3);
        INDArray c = Nd4j.create(DataType.FLOAT, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.product(a, b, c));
    }
}
