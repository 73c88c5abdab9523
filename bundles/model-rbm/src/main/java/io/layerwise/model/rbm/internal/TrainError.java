package io.layerwise.model.rbm.internal;

import java.util.Arrays;

/**
 * Which reconstruction a training minibatch reports as its error (the stage's {@code loss} in history.json). Both are
 * cross-entropy for Bernoulli visible units and squared error for Gaussian ones, taken before the update.
 */
enum TrainError {
    /**
     * {@code v0 -> p(h|v0) -> E[v|h]}: the figure {@code val_loss} and the test error report, so the train and
     * validation curves compare directly. It costs CD one GEMM more than the step needs (six {@code B n h} products
     * instead of five).
     */
    MEAN_FIELD("mean-field"),
    /**
     * {@code v0 -> h_0 ~ p(h|v0) -> E[v_1|h_0]}: the chain's own first visible mean, which CD computes anyway (Hinton's
     * rbm.m and workload W2 report this one). Noisier and a little higher than the mean-field error, and free. CD
     * only: a persistent chain does not start at the data.
     */
    SAMPLED("sampled");

    private final String json;

    TrainError(String json) {
        this.json = json;
    }

    static String[] jsonNames() {
        return Arrays.stream(values()).map(e -> e.json).toArray(String[]::new);
    }

    static TrainError fromJson(String name) {
        for (TrainError e : values()) {
            if (e.json.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown train error \"" + name + "\"; one of " + Arrays.toString(jsonNames()));
    }
}
