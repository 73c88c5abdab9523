package io.layerwise.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GemmBenchmarkTest {

    /** The timed direct call computes the product itself, checked against a float64 triple loop. */
    @Test
    void theDirectCallComputesTheProduct() {
        int m = 7, k = 13, n = 5; // odd sizes: a wrong leading dimension shows
        Nd4j.getRandom().setSeed(42);
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray direct = Nd4j.create(DataType.FLOAT, m, n);
        INDArray viaNd4j = Nd4j.create(DataType.FLOAT, m, n);
        GemmBenchmark.product(a, b, direct, true);
        GemmBenchmark.product(a, b, viaNd4j, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = 0;
                for (int p = 0; p < k; p++) {
                    want += a.getDouble(i, p) * b.getDouble(p, j);
                }
                assertEquals(want, direct.getDouble(i, j), 1e-5, "direct (" + i + "," + j + ")");
                assertEquals(want, viaNd4j.getDouble(i, j), 1e-5, "Nd4j.gemm (" + i + "," + j + ")");
            }
        }
    }

    @Test
    void bothPathsGiveAPositiveRate() {
        for (GemmBenchmark.Path path : GemmBenchmark.Path.values()) {
            double g = GemmBenchmark.run(64, 64, 64, 0.05, path);
            assertTrue(g > 0 && Double.isFinite(g), path + ": " + g);
        }
    }

    @Test
    void aBadShapeNamesItsSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.run(0, 4, 4, 1));
        assertTrue(e.getMessage().contains("0x4x4"), e.getMessage());
    }
}
