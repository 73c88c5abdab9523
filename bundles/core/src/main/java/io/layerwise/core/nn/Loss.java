package io.layerwise.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-sample reconstruction loss, summed over inputs, of a decoder pre-activation {@code a} against a target
 * {@code x}:
 * <ul>
 * <li>cross-entropy (sigmoid decoder, targets in [0, 1]):
 * {@code L = -sum_i x_i log z_i + (1-x_i) log(1-z_i) = sum_i softplus(a_i) - x_i a_i}, computed from {@code a}
 * so that saturated units stay finite; {@code dL/da = sigmoid(a) - x};</li>
 * <li>squared error: {@code L = 0.5 * sum_i (z_i - x_i)^2} with {@code z = g(a)};
 * {@code dL/da = (z - x) g'(a)};</li>
 * <li>mean squared error, averaged over the {@code D} inputs (Keras's and PyTorch's {@code mse}):
 * {@code L = (1/D) sum_i (z_i - x_i)^2}; {@code dL/da = (2/D) (z - x) g'(a)}. A penalty's weight means
 * {@code D/2} times more against it than against {@code squared}: the sparse autoencoder's {@code beta} of
 * 0.1 to 3 is meant against this scale.</li>
 * </ul>
 */
public enum Loss {
    CROSS_ENTROPY("cross-entropy"), SQUARED("squared"), MEAN_SQUARED("mse");

    private final String jsonName;

    Loss(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static String[] jsonNames() {
        return new String[] {CROSS_ENTROPY.jsonName, SQUARED.jsonName, MEAN_SQUARED.jsonName};
    }

    public static Loss fromJson(String name) {
        for (Loss l : values()) {
            if (l.jsonName.equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss \"" + name + "\"");
    }

    /** Metric key for the held-out loss of the clean reconstruction, as recorded in history.json. */
    public String testMetric() {
        return switch (this) {
            case CROSS_ENTROPY -> "testReconstructionCE";
            case SQUARED -> "testSquaredError";
            case MEAN_SQUARED -> "testMeanSquaredError";
        };
    }

    /**
     * Sum over the whole batch of the per-sample loss, and {@code delta <- dL/da} (not yet divided by the batch
     * size). Overwrites {@code scratch}; for squared error {@code a} is replaced by the output {@code z = g(a)}.
     */
    public double lossAndDelta(INDArray a, INDArray x, Activation decoder, INDArray delta, INDArray scratch) {
        if (this == CROSS_ENTROPY) {
            Logistic.crossEntropyTerms(a, x, delta, scratch);
            return Logistic.crossEntropySum(a, x, scratch);
        }
        decoder.applyInPlace(a); // a now holds z, from which g'(a) is computed
        a.sub(x, delta);
        double loss = Level1.dot(delta, delta);
        if (this == MEAN_SQUARED) {
            delta.muli(2.0 / x.columns());
            loss /= x.columns();
        } else {
            loss *= 0.5;
        }
        decoder.multiplyDerivative(a, delta, scratch);
        return loss;
    }

    /**
     * {@link #lossAndDelta(INDArray, INDArray, Activation, INDArray, INDArray)} with the cross-entropy's element-wise
     * terms computed on both cores ({@link RowHalves}); the same values bit for bit, the sums still over the whole
     * arrays. Other losses take the plain path.
     */
    public double lossAndDelta(INDArray a, INDArray x, Activation decoder, INDArray delta, INDArray scratch,
            RowHalves halves) {
        if (this != CROSS_ENTROPY) {
            return lossAndDelta(a, x, decoder, delta, scratch);
        }
        halves.run(a.length(), h -> Logistic.crossEntropyTerms(h.apply(a), h.apply(x), h.apply(delta),
                h.apply(scratch)));
        return Logistic.crossEntropySum(a, x, scratch);
    }

    /** Sum over the batch of the per-sample loss only (evaluation); overwrites {@code scratch}, and {@code a} as above. */
    public double loss(INDArray a, INDArray x, Activation decoder, INDArray scratch) {
        if (this == CROSS_ENTROPY) {
            return crossEntropy(a, x, scratch);
        }
        decoder.applyInPlace(a);
        a.sub(x, scratch);
        double sum = Level1.dot(scratch, scratch);
        return this == MEAN_SQUARED ? sum / x.columns() : 0.5 * sum;
    }

    /** {@code sum softplus(a) - x.a}; +inf beyond float32's range ({@link Logistic#crossEntropySum}). */
    private static double crossEntropy(INDArray a, INDArray x, INDArray scratch) {
        Logistic.softplus(a, scratch);
        return Logistic.crossEntropySum(a, x, scratch);
    }
}
