package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code metrics.filterConcentration} on filters whose share is known in closed form. */
class FilterConcentrationTest {

    /** Columns of a 40 x cols matrix (k = round(0.05 * 40) = 2 inputs count as the top 5%). */
    private static float[] matrix(float[][] columns) {
        int rows = columns[0].length;
        float[] w = new float[rows * columns.length];
        for (int j = 0; j < columns.length; j++) {
            for (int i = 0; i < rows; i++) {
                w[i * columns.length + j] = columns[j][i];
            }
        }
        return w;
    }

    @Test
    void aFilterOnTwoPixelsScoresOneAndAnEvenFilterScoresFivePercent() {
        float[] spike = new float[40];
        spike[3] = 2;
        spike[17] = -1; // signs do not matter: |w|
        float[] even = new float[40];
        java.util.Arrays.fill(even, 0.5f);
        assertEquals(1.0, FilterConcentration.of(matrix(new float[][] {spike}), 40, 1), 1e-12);
        assertEquals(0.05, FilterConcentration.of(matrix(new float[][] {even}), 40, 1), 1e-12);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwoAndZeroFiltersAreLeftOut() {
        float[] a = new float[40]; // top two of four equal squares: 0.5
        a[0] = 1;
        a[1] = 1;
        a[2] = 1;
        a[3] = 1;
        float[] b = new float[40]; // top two squares 1 + 1 of 1 + 1 + 8 * 0.25: 0.5
        b[0] = 1;
        b[1] = 1;
        for (int i = 2; i < 10; i++) {
            b[i] = 0.5f;
        }
        float[] spike = new float[40];
        spike[5] = 1;
        float[] zero = new float[40];
        double c = FilterConcentration.of(matrix(new float[][] {a, b, spike, zero, spike, zero}), 40, 6);
        // shares 0.5, 0.5, 1, 1 (zeros left out): median (0.5 + 1) / 2
        assertEquals(0.75, c, 1e-7);
        assertTrue(Double.isNaN(FilterConcentration.of(new float[40], 40, 1)));
    }
}
