package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code metrics.filterConcentration} of a stage that draws filters ({@link Stage#filters()}, inputs x hidden): for
 * each filter (a column {@code w}) the share of {@code sum_i w_i^2} held by the {@code k = round(0.05 n)} inputs of
 * largest {@code |w_i|} (39 of 784 pixels), then the median over the filters (the mean of the middle two for an even
 * count). 1 is a filter on k pixels; a filter spread evenly over its inputs scores 0.05. Localised pen strokes score
 * high, whole-digit templates and noise low. All-zero filters are left out; no metric when every filter is zero.
 */
final class FilterConcentration {
    static final String METRIC = "filterConcentration";
    static final double SHARE = 0.05;

    private FilterConcentration() {
    }

    /** {@code metrics} with {@link #METRIC} added after them when the stage draws filters. */
    static Map<String, Double> addTo(Map<String, Double> metrics, Stage stage) {
        Parameter w = stage.filters();
        if (w == null || w.shape().length != 2) {
            return metrics;
        }
        double c = of(w.values(), w.shape()[0], w.shape()[1]);
        if (Double.isNaN(c)) {
            return metrics;
        }
        Map<String, Double> out = new LinkedHashMap<>(metrics);
        out.put(METRIC, c);
        return out;
    }

    /** The median concentration of the {@code cols} filters of a row-major {@code rows x cols} matrix; NaN if all zero. */
    static double of(float[] w, int rows, int cols) {
        int k = Math.max(1, (int) Math.round(SHARE * rows));
        double[] shares = new double[cols];
        int filters = 0;
        double[] sq = new double[rows];
        for (int j = 0; j < cols; j++) {
            double total = 0;
            for (int i = 0; i < rows; i++) {
                double v = w[i * cols + j];
                sq[i] = v * v;
                total += sq[i];
            }
            if (total == 0) {
                continue;
            }
            // the k largest last, and only they sorted: the same sum, in the same order, as sorting all of them
            // (which took 20-30 ms of every epoch's evaluation on a 784 x 500 layer)
            largestLast(sq, k);
            Arrays.sort(sq, rows - k, rows);
            double top = 0;
            for (int i = rows - k; i < rows; i++) {
                top += sq[i];
            }
            shares[filters++] = top / total;
        }
        if (filters == 0) {
            return Double.NaN;
        }
        double[] s = Arrays.copyOf(shares, filters);
        Arrays.sort(s);
        return filters % 2 == 1 ? s[filters / 2] : (s[filters / 2 - 1] + s[filters / 2]) / 2;
    }

    /**
     * Moves the {@code k} largest values of {@code a} to its last {@code k} places, in no particular order, and the
     * others before them: a quickselect with three-way partitions, so that runs of equal values (a filter's zeros)
     * end it early.
     */
    static void largestLast(double[] a, int k) {
        int target = a.length - k;
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            double pivot = median(a[lo], a[(lo + hi) >>> 1], a[hi]);
            int lt = lo;
            int i = lo;
            int gt = hi;
            while (i <= gt) { // a[lo, lt) < pivot, a[lt, i) == pivot, a(gt, hi] > pivot
                if (a[i] < pivot) {
                    swap(a, lt++, i++);
                } else if (a[i] > pivot) {
                    swap(a, i, gt--);
                } else {
                    i++;
                }
            }
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return;
            }
        }
    }

    private static double median(double x, double y, double z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
