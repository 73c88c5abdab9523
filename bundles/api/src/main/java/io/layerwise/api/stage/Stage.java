package io.layerwise.api.stage;

import io.layerwise.api.data.FloatMatrix;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One layer of a pretraining stack. Lifecycle, driven by the engine:
 * <ol>
 * <li>created by {@link StageProvider#create} with initialised parameters (or {@link #restore}d);</li>
 * <li>trainable stages: {@link #prepareTraining}, then per epoch {@link #trainBatch} for every batch index
 * in order, {@link #loss} on the validation rows (when the pipeline holds some out) and {@link #evaluate};
 * fitted stages (PCA, ZCA): {@link #fit} once;</li>
 * <li>{@link #encode} produces the next stage's input; {@link #close} frees native buffers.</li>
 * </ol>
 * A stage is used by one thread at a time.
 */
@ConsumerType
public interface Stage extends AutoCloseable {

    int inputSize();

    int outputSize();

    /** {@link io.layerwise.api.data.Dataset#UNIT} when codes lie in [0, 1] (sigmoid), else {@code REAL}. */
    String outputRange();

    /** True for stages trained over epochs of minibatches; false for stages fitted in one pass. */
    boolean trainable();

    /** Number of training epochs the spec asks for (0 for fitted stages). */
    int epochs();

    /** Fits a one-pass stage (whitening); unsupported for trainable stages. */
    default void fit(FloatMatrix data) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is trained in minibatches, not fitted");
    }

    /** Takes the training rows for the epochs that follow; returns the number of minibatches per epoch. */
    int prepareTraining(FloatMatrix train);

    /**
     * One optimisation step on minibatch {@code batch} of the current epoch.
     *
     * @return the sum over the batch's samples of the training objective (penalties included), so that the
     *         engine can report the mean per sample over the epoch
     */
    double trainBatch(int batch);

    /**
     * Why training should end before {@link #epochs()}, asked by the engine after every epoch: a full-batch
     * optimiser that converged, or whose line search can go no lower. Null (the default) to go on.
     *
     * @since 1.5
     */
    default String stopReason() {
        return null;
    }

    /**
     * The validation objective: the mean over {@code rows} of the per-sample data term of the training objective,
     * that is the reconstruction error {@link #trainBatch} reports, without penalties and without corrupting the
     * input. The engine records it as {@code val_loss} and early stopping may watch it. It changes nothing: no
     * parameter, optimiser state, penalty statistic or random stream. NaN for no rows.
     *
     * @throws UnsupportedOperationException by default: such a stage cannot take {@code train.validation}
     * @since 1.2
     */
    default double loss(FloatMatrix rows) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " computes no validation loss");
    }

    /** Metrics on held-out data after an epoch, e.g. {@code testReconstructionCE}; names are stable keys of history.json. */
    Map<String, Double> evaluate(FloatMatrix heldOut);

    /**
     * Metrics on held-out data computed once, when the stage's training has ended (after early stopping restored the
     * best epoch), for figures too costly to compute every epoch, e.g. a VAE's importance-weighted log-likelihood
     * {@code testLogLikelihoodIW}. The engine records them in the stage's entry of history.json under
     * {@code metrics}, and {@code layerwise:eval} recomputes them. Changes no parameter or training stream. Empty by
     * default.
     *
     * @since 1.5
     */
    default Map<String, Double> finalMetrics(FloatMatrix heldOut) {
        return Map.of();
    }

    /** The code (mean activations) of each row. */
    FloatMatrix encode(FloatMatrix input);

    /** The reconstruction of each row, for stages that have a decoder; null otherwise. */
    default FloatMatrix reconstruct(FloatMatrix input) {
        return null;
    }

    /**
     * A corrupted copy of each row, as the stage corrupts its training input (a denoising autoencoder's noise), for
     * pictures; null for stages that do not corrupt their input. Draws from the stage's own noise generator, so call
     * it only once training is done.
     *
     * @since 1.2
     */
    default FloatMatrix corrupt(FloatMatrix input) {
        return null;
    }

    /** The weight matrix whose columns (one per hidden unit) are drawn as filters, input-major; null if none. */
    default Parameter filters() {
        return null;
    }

    /**
     * Pictures beyond {@link #filters()} for the stage's folder, drawn once the stage is trained (whitened inputs,
     * Gibbs samples, ...).
     *
     * @param heldOut this stage's input on held-out data (training data when the source has none)
     */
    default java.util.List<Picture> pictures(FloatMatrix heldOut) {
        return java.util.List.of();
    }

    /**
     * The encoder as a dense layer whose output is {@link #encode}'s, for fine-tuning the whole stack by
     * back-propagation; null when the stage has none (then it cannot be fine-tuned).
     */
    default DenseLayer encoderLayer() {
        return null;
    }

    /**
     * The decoder as a dense layer from this stage's code back to its input (for unrolling a stack into a deep
     * autoencoder); null when the stage has none.
     */
    default DenseLayer decoderLayer() {
        return null;
    }

    /** All parameters, for saving. */
    List<Parameter> parameters();

    /** Replaces the parameters with saved ones; throws IllegalArgumentException naming a missing or misshapen one. */
    void restore(List<Parameter> saved);

    /**
     * The training state for a checkpoint taken between epochs, after {@link #prepareTraining}: optimizer state,
     * random generators, penalties' moving averages, persistent chains. With it, a stage created afresh, given the
     * same training rows ({@link #prepareTraining}), then {@link #restore}d and {@link #restoreTrainingState}d,
     * trains the following epochs bit for bit as the original would have. The default, {@link TrainingState#NONE},
     * means resuming continues from the parameters only.
     *
     * @since 1.3
     */
    default TrainingState trainingState() {
        return TrainingState.NONE;
    }

    /**
     * Restores {@link #trainingState()} after {@link #prepareTraining} and {@link #restore}; throws
     * IllegalArgumentException naming a missing or misshapen entry.
     *
     * @since 1.3
     */
    default void restoreTrainingState(TrainingState state) {
    }

    /** Frees native memory. */
    @Override
    void close();
}
