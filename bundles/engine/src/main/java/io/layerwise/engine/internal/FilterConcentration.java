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
            Arrays.sort(sq); // largest |w| last
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
}
