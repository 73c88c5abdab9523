package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A trainable stage's {@code train.validation}: a fraction of the stage's training rows in [0, 0.5], held out of
 * its training and drawn by the stage's seed (the same rows on every run of the pipeline), or {@code "test"}, the
 * data source's test rows. The rows that remain train in their file order. Each stage draws afresh from its own
 * input: the next stage trains on all rows again.
 *
 * @param fraction the share of training rows held out; 0 for none (or with {@code test})
 * @param test     whether the validation rows are the data source's test rows
 */
record ValidationSplit(double fraction, boolean test) {
    static final double MAX_FRACTION = 0.5;
    static final ValidationSplit NONE = new ValidationSplit(0, false);
    private static final long SALT = 0x7a11_da7e_5eed_0001L;

    ValidationSplit {
        if (!(fraction >= 0 && fraction <= MAX_FRACTION) || (test && fraction != 0)) {
            throw new IllegalArgumentException("fraction must be in [0, " + MAX_FRACTION + "] and 0 with test; got "
                    + fraction + ", " + test);
        }
    }

    /** The training rows and the validation rows (none: zero rows). */
    record Rows(FloatMatrix train, FloatMatrix val) {
    }

    /** Reads {@code validation} of a {@code train} section: absent, a number or {@code "test"}. */
    static ValidationSplit read(Spec train) {
        if (!train.fieldNames().contains("validation")) {
            return NONE;
        }
        Object raw = train.raw("validation");
        if (raw instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= MAX_FRACTION) {
            return new ValidationSplit(n.doubleValue(), false);
        }
        if ("test".equals(raw)) {
            return new ValidationSplit(0, true);
        }
        throw new SpecException(train.pathOf("validation"), "must be a fraction of the training rows in [0, "
                + MAX_FRACTION + "] or \"test\", got " + (raw instanceof String s ? "\"" + s + "\"" : raw));
    }

    boolean any() {
        return test || fraction > 0;
    }

    /** Rows held out of {@code n} training rows. */
    int heldOut(int n) {
        return (int) Math.round(fraction * n);
    }

    /**
     * Splits a stage's input.
     *
     * @param testRows the stage's input on the test rows; null when the data source has none
     */
    Rows split(FloatMatrix rows, FloatMatrix testRows, long seed) {
        if (test) {
            return new Rows(rows, testRows);
        }
        int k = heldOut(rows.rows());
        if (k == 0) {
            return new Rows(rows, new FloatMatrix(0, rows.cols(), new float[0]));
        }
        int[] val = heldOutRows(rows.rows(), k, seed);
        int[] train = new int[rows.rows() - k];
        for (int i = 0, v = 0, t = 0; i < rows.rows(); i++) {
            if (v < k && val[v] == i) {
                v++;
            } else {
                train[t++] = i;
            }
        }
        return new Rows(rows.select(train), rows.select(val));
    }

    /** {@code k} distinct row indices of {@code [0, n)}, ascending, the same for the same seed. */
    static int[] heldOutRows(int n, int k, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ SALT);
        for (int i = 0; i < k; i++) { // a partial Fisher-Yates shuffle: the first k are a uniform draw
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] out = Arrays.copyOf(order, k);
        Arrays.sort(out);
        return out;
    }
}
