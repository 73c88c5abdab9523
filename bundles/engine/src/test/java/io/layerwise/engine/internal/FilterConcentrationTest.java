package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
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

    /**
     * The selection of the k largest leaves the same values last as a whole sort, so the metric is the whole sort's
     * to the last bit: on lengths 1-60 with every k, values with many ties (a filter's zeros, repeated levels) and
     * without, and on a 784 x 500 layer against the metric computed by sorting.
     */
    @Test
    void theLargestKAreThoseAWholeSortPutsLast() {
        Random random = new Random(7);
        for (int n = 1; n <= 60; n++) {
            for (int k = 1; k <= n; k++) {
                for (int kind = 0; kind < 3; kind++) {
                    double[] a = new double[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = kind == 0 ? random.nextDouble() : kind == 1 ? random.nextInt(3) : (i % 7 == 0 ? 1 : 0);
                    }
                    double[] sorted = a.clone();
                    Arrays.sort(sorted);
                    double[] selected = a.clone();
                    FilterConcentration.largestLast(selected, k);
                    double[] top = Arrays.copyOfRange(selected, n - k, n);
                    double[] rest = Arrays.copyOfRange(selected, 0, n - k);
                    Arrays.sort(top);
                    Arrays.sort(rest);
                    assertEquals(Arrays.toString(Arrays.copyOfRange(sorted, n - k, n)), Arrays.toString(top),
                            "n " + n + " k " + k + " kind " + kind);
                    assertEquals(Arrays.toString(Arrays.copyOfRange(sorted, 0, n - k)), Arrays.toString(rest));
                }
            }
        }
        float[] w = new float[784 * 500];
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 784 < 60 ? 0f : (float) random.nextGaussian(); // a layer's border pixels: zero weights
        }
        assertEquals(bySorting(w, 784, 500), FilterConcentration.of(w, 784, 500), 0.0);
    }

    /** The metric as it was computed before the selection: every filter's squares sorted whole. */
    private static double bySorting(float[] w, int rows, int cols) {
        int k = (int) Math.round(FilterConcentration.SHARE * rows);
        double[] shares = new double[cols];
        for (int j = 0; j < cols; j++) {
            double[] sq = new double[rows];
            double total = 0;
            for (int i = 0; i < rows; i++) {
                double v = w[i * cols + j];
                sq[i] = v * v;
                total += sq[i];
            }
            Arrays.sort(sq);
            double top = 0;
            for (int i = rows - k; i < rows; i++) {
                top += sq[i];
            }
            shares[j] = top / total;
        }
        Arrays.sort(shares);
        return (shares[cols / 2 - 1] + shares[cols / 2]) / 2;
    }
}
