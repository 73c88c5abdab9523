package io.layerwise.api.data;

/**
 * Training and held-out samples with optional labels (null when the source has none).
 *
 * @param description where the data came from, for logs (e.g. the directory and file names)
 * @param valueRange  {@code "unit"} when every value lies in [0, 1] (cross-entropy applies), else {@code "real"}
 */
public record Dataset(String description, FloatMatrix train, int[] trainLabels, FloatMatrix test, int[] testLabels,
        String valueRange) {

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
    }
}
