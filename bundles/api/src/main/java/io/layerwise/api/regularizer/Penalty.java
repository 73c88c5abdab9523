package io.layerwise.api.regularizer;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A configured penalty {@code P} added to a stage's minibatch objective {@code E} (the mean over the batch of the
 * per-sample loss). Each hook adds {@code dP/d(argument)} in place into the gradient buffer it is given and
 * returns its share of {@code P}; hooks a penalty does not need keep their defaults. Called once per
 * minibatch, in this order: {@link #onHidden(INDArray, INDArray, INDArray)}, then {@link #onWeights},
 * {@link #onDecoderWeights} and {@link #onBias}. Buffers are the
 * stage's own preallocated arrays: do not keep references to them between calls.
 */
@ConsumerType
public interface Penalty {

    /**
     * Penalties on hidden activations (sparsity). {@code hidden} is the batch's activations (B x H);
     * {@code gradHidden} is {@code dE/d(hidden)} (B x H), to which this adds {@code dP/d(hidden)} before the
     * stage multiplies by the activation's derivative.
     *
     * @return this penalty's value for the batch
     */
    default double onHidden(INDArray hidden, INDArray gradHidden) {
        return 0;
    }

    /**
     * {@link #onHidden(INDArray, INDArray)} for penalties on the hidden activations that also depend on the encoder
     * weights, such as the contractive penalty {@code ||J_f(x)||_F^2}; this is the hook stages call. The default
     * ignores {@code weights} and calls the two-argument form, so a penalty overrides one or the other.
     *
     * @param weights the encoder weights {@code W} (inputs x hidden) that produced {@code hidden}
     * @since 1.1
     */
    default double onHidden(INDArray hidden, INDArray gradHidden, INDArray weights) {
        return onHidden(hidden, gradHidden);
    }

    /**
     * Penalties on a weight matrix ({@code weights}: inputs x hidden), adding {@code dP/dW} into {@code gradWeights}.
     *
     * @param hidden the batch's hidden activations (B x H), for penalties that depend on both (contractive)
     * @return this penalty's value for the batch
     */
    default double onWeights(INDArray weights, INDArray gradWeights, INDArray hidden) {
        return 0;
    }

    /**
     * Penalties on an untied autoencoder's decoder weights ({@code weights}: inputs x hidden, used as
     * {@code y W'^T}), adding {@code dP/dW'} into {@code gradWeights}; called after {@link #onWeights}, only where
     * there are such weights. Default: none (so {@code l2} decays the decoder only when asked to).
     *
     * @return this penalty's value for the batch
     * @since 1.3
     */
    default double onDecoderWeights(INDArray weights, INDArray gradWeights) {
        return 0;
    }

    /**
     * True when the value or gradient depends on earlier minibatches, not only on the arguments of the current call
     * (kl-sparsity's running average {@code rho^} with {@code lambda > 0}). A full-batch optimiser such as L-BFGS
     * evaluates the objective several times per iteration at different parameters and needs it to be a function of
     * them, so a stage trained that way refuses such a penalty. Default: false.
     *
     * @since 1.3
     */
    default boolean dependsOnEarlierBatches() {
        return false;
    }

    /** Penalties on a bias vector, adding {@code dP/db} into {@code gradBias}. */
    default double onBias(String name, INDArray bias, INDArray gradBias) {
        return 0;
    }

    /** Counters and statistics for history.json after an epoch (e.g. {@code meanActivation}); then reset them. */
    default Map<String, Double> epochMetrics() {
        return Map.of();
    }

    /**
     * State carried from one minibatch to the next, for checkpoints (e.g. kl-sparsity's moving average
     * {@code rho^}); taken between epochs, after {@link #epochMetrics()} reset the counters. Default: none.
     *
     * @since 1.2
     */
    default Map<String, double[]> state() {
        return Map.of();
    }

    /**
     * Restores {@link #state()} into a freshly created penalty of the same configuration.
     *
     * @since 1.2
     */
    default void restoreState(Map<String, double[]> state) {
    }

    /** A short description with the parameters, for error messages, e.g. {@code l2(lambda=1.0E-4)}. */
    String describe();
}
