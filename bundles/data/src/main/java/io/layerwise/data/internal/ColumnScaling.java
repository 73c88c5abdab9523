package io.layerwise.data.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;

/**
 * The {@code scale} of a data section, fitted on the training rows only (so held-out rows never leak into it):
 * {@code min-max} maps each column's training range to [0, 1], {@code standardize} to mean 0 and (population)
 * standard deviation 1. A constant column is shifted and left unscaled rather than divided by zero.
 * {@link Dataset.Scaling#apply} applies it (and clips min-max results to [0, 1]).
 */
final class ColumnScaling {
    static final String NONE = "none";
    static final String MIN_MAX = "min-max";
    static final String STANDARDIZE = "standardize";

    private ColumnScaling() {
    }

    /** The scaling of {@code kind} fitted on {@code train}; null for {@link #NONE}. */
    static Dataset.Scaling fit(String kind, FloatMatrix train) {
        if (NONE.equals(kind)) {
            return null;
        }
        int cols = train.cols();
        float[] offset = new float[cols];
        float[] factor = new float[cols];
        float[] x = train.data();
        if (MIN_MAX.equals(kind)) {
            float[] min = new float[cols];
            float[] max = new float[cols];
            java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
            java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < x.length; i++) {
                int c = i % cols;
                min[c] = Math.min(min[c], x[i]);
                max[c] = Math.max(max[c], x[i]);
            }
            for (int c = 0; c < cols; c++) {
                offset[c] = min[c];
                double range = (double) max[c] - min[c];
                factor[c] = range > 0 ? (float) (1 / range) : 1f;
            }
        } else {
            double[] sum = new double[cols];
            double[] squares = new double[cols];
            for (int i = 0; i < x.length; i++) {
                sum[i % cols] += x[i];
            }
            int n = train.rows();
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - sum[i % cols] / n;
                squares[i % cols] += d * d;
            }
            for (int c = 0; c < cols; c++) {
                offset[c] = (float) (sum[c] / n);
                double sd = Math.sqrt(squares[c] / n);
                factor[c] = sd > 0 ? (float) (1 / sd) : 1f;
            }
        }
        return new Dataset.Scaling(kind, offset, factor);
    }

    /** {@link Dataset#UNIT} when every value lies in [0, 1]. */
    static String range(FloatMatrix... matrices) {
        for (FloatMatrix m : matrices) {
            if (m == null) {
                continue;
            }
            for (float v : m.data()) {
                if (!(v >= 0 && v <= 1)) {
                    return Dataset.REAL;
                }
            }
        }
        return Dataset.UNIT;
    }
}
