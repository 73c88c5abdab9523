package io.layerwise.model.whitening.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.layerwise.api.data.FloatMatrix;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The covariance's input from heap rows: which columns are kept, their centred values, and the means. */
class CentredColumnsTest {
    @Test
    void theVaryingColumnsAreKeptInOrderAndCentredWithTheirMeans() {
        // 150 rows (more than one block of the sums), 9 columns: 0, 4, 5 and 8 constant (two of them not zero), so the
        // kept columns 1-3, 6-7 form two runs
        int rows = 150;
        int n = 9;
        float[] x = new float[rows * n];
        Random random = new Random(5);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                x[i * n + j] = switch (j) {
                    case 0, 8 -> 0f;
                    case 4 -> 0.7f;
                    case 5 -> -3f;
                    default -> (float) random.nextGaussian() + j;
                };
            }
        }
        try (CentredColumns c = CentredColumns.of(new FloatMatrix(rows, n, x))) {
            assertArrayEquals(new int[] {1, 2, 3, 6, 7}, c.kept());
            float[] centred = c.rows().data().asFloat();
            assertEquals(rows * 5L, c.rows().length());
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double largest = 0;
                for (int i = 0; i < rows; i++) {
                    sum += x[i * n + j];
                    largest = Math.max(largest, Math.abs(x[i * n + j]));
                }
                // float32 sums of 64 rows, added in float64: within a few of float's ulps of the float64 mean
                assertEquals(sum / rows, c.mean()[j], 1e-6 * largest, "mean of column " + j);
                if (j == 0 || j == 4 || j == 5 || j == 8) {
                    assertEquals(x[j], c.mean()[j], 0f, "a constant column's mean is its value");
                }
            }
            for (int i = 0; i < rows; i++) {
                for (int q = 0; q < 5; q++) {
                    int j = c.kept()[q];
                    assertEquals(x[i * n + j] - c.mean()[j], centred[i * 5 + q], 0f, "row " + i + ", column " + j);
                }
            }
        }
    }

    @Test
    void withNoColumnVaryingEveryColumnIsKeptAndZero() {
        float[] x = new float[4 * 3];
        java.util.Arrays.fill(x, 2.5f);
        try (CentredColumns c = CentredColumns.of(new FloatMatrix(4, 3, x))) {
            assertArrayEquals(IntStream.range(0, 3).toArray(), c.kept());
            assertArrayEquals(new float[12], c.rows().data().asFloat());
        }
    }

    @Test
    void aColumnWithANaNIsKeptForTheChecksDownstreamToName() {
        float[] x = {1f, Float.NaN, 2f, Float.NaN, 3f, Float.NaN};
        try (CentredColumns c = CentredColumns.of(new FloatMatrix(3, 2, x))) {
            assertArrayEquals(new int[] {0, 1}, c.kept());
            assertEquals(Float.NaN, c.mean()[1]);
        }
    }
}
