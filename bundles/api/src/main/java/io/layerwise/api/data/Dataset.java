package io.layerwise.api.data;

import java.util.Arrays;
import java.util.List;

/**
 * Training and held-out samples with optional labels (null when the source has none).
 *
 * @param description where the data came from, for logs (e.g. the directory and file names)
 * @param valueRange  {@code "unit"} when every value lies in [0, 1] (cross-entropy applies), else {@code "real"}
 * @param targets     a continuous label per row (the Swiss roll's position along the roll, a CSV's real-valued
 *                    label column), or null; pictures colour by it where there are no class labels
 * @param classNames  the names of classes 0, 1, ... when the source read them as text, or null
 * @param sampleShape {@code [channels, height, width]} of one row, or null for plain feature vectors
 * @param scaling     what the source did to each column (statistics of the training rows), or null for nothing; a
 *                    saved run applies it to the rows it is asked to encode
 */
public record Dataset(String description, FloatMatrix train, int[] trainLabels, FloatMatrix test, int[] testLabels,
        String valueRange, Targets targets, List<String> classNames, int[] sampleShape, Scaling scaling) {

    public static final String UNIT = "unit";
    public static final String REAL = "real";

    public Dataset {
        if (test != null && test.cols() != train.cols()) {
            throw new IllegalArgumentException("train has " + train.cols() + " columns but test has " + test.cols());
        }
        if (trainLabels != null && trainLabels.length != train.rows()) {
            throw new IllegalArgumentException(train.rows() + " training rows but " + trainLabels.length + " labels");
        }
        if (test != null && testLabels != null && testLabels.length != test.rows()) {
            throw new IllegalArgumentException(test.rows() + " test rows but " + testLabels.length + " labels");
        }
        if (targets != null && (targets.train().length != train.rows()
                || (test != null && targets.test() != null && targets.test().length != test.rows()))) {
            throw new IllegalArgumentException("targets \"" + targets.name() + "\" do not match the rows: "
                    + targets.train().length + " for " + train.rows() + " training rows");
        }
        if (sampleShape != null && (sampleShape.length != 3
                || (long) sampleShape[0] * sampleShape[1] * sampleShape[2] != train.cols())) {
            throw new IllegalArgumentException("sample shape " + Arrays.toString(sampleShape) + " does not hold "
                    + train.cols() + " values per row (expected [channels, height, width])");
        }
        if (scaling != null && scaling.offset().length != train.cols()) {
            throw new IllegalArgumentException("scaling has " + scaling.offset().length + " columns, the data "
                    + train.cols());
        }
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** Samples with class labels (or none) and nothing else known about them. */
    public Dataset(String description, FloatMatrix train, int[] trainLabels, FloatMatrix test, int[] testLabels,
            String valueRange) {
        this(description, train, trainLabels, test, testLabels, valueRange, null, null, null, null);
    }

    /** The same data with training rows {@code [from, to)} only (labels and targets cut alike). */
    public Dataset withTrainRows(int from, int to) {
        return new Dataset(description, train.rows(from, to),
                trainLabels == null ? null : Arrays.copyOfRange(trainLabels, from, to), test, testLabels, valueRange,
                targets == null ? null : new Targets(targets.name(), Arrays.copyOfRange(targets.train(), from, to),
                        targets.test()),
                classNames, sampleShape, scaling);
    }

    /**
     * A continuous label.
     *
     * @param name  what it is, for pictures (e.g. "t")
     * @param train one value per training row
     * @param test  one value per held-out row, or null when there are none
     */
    public record Targets(String name, float[] train, float[] test) {
    }

    /**
     * Per-column {@code x' = (x - offset) * factor}, computed from the training rows; under {@code "min-max"} the
     * result is clipped to [0, 1], so rows outside the training range still suit a cross-entropy stage.
     *
     * @param kind {@code "min-max"} or {@code "standardize"} (as the data section named it)
     */
    public record Scaling(String kind, float[] offset, float[] factor) {
        public Scaling {
            if (offset.length != factor.length) {
                throw new IllegalArgumentException(offset.length + " offsets but " + factor.length + " factors");
            }
        }

        /** A scaled copy of {@code rows}. */
        public FloatMatrix apply(FloatMatrix rows) {
            if (rows.cols() != offset.length) {
                throw new IllegalArgumentException("rows have " + rows.cols() + " columns, the scaling " + offset.length);
            }
            float[] out = rows.data().clone();
            boolean clip = "min-max".equals(kind);
            for (int i = 0; i < out.length; i++) {
                int c = i % offset.length;
                float v = (out[i] - offset[c]) * factor[c];
                out[i] = clip ? Math.min(1f, Math.max(0f, v)) : v;
            }
            return new FloatMatrix(rows.rows(), rows.cols(), out);
        }
    }
}
