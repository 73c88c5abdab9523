package io.layerwise.api.finetune;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Parameter;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A network being fine-tuned: a classifier on labelled data, or ({@link #supervised()} false) an unrolled deep
 * autoencoder that reconstructs its input. Lifecycle, driven by the engine: {@link #prepareTraining}, then per
 * epoch {@link #trainBatch} for every batch index, with {@link #predict}/{@link #loss} on held-out data between
 * epochs; {@link #close} frees native buffers. Used by one thread at a time.
 */
@ConsumerType
public interface Network extends AutoCloseable {

    /** Epochs the spec asks for. */
    int epochs();

    /** False for a network that reconstructs its input (labels are then ignored and may be null). */
    default boolean supervised() {
        return true;
    }

    /** Takes the training rows and labels (0 .. classes-1); returns the number of minibatches per epoch. */
    int prepareTraining(FloatMatrix inputs, int[] labels);

    /** One optimisation step on minibatch {@code batch}; returns the sum over its samples of the loss. */
    double trainBatch(int batch);

    /** The most probable class of each row (supervised networks). */
    int[] predict(FloatMatrix inputs);

    /** The reconstruction of each row (unsupervised networks); null for a classifier. */
    default FloatMatrix reconstruct(FloatMatrix inputs) {
        return null;
    }

    /** Mean per-sample training loss: cross-entropy of the labels, or of the reconstruction for an autoencoder. */
    double loss(FloatMatrix inputs, int[] labels);

    /** All parameters, layer by layer, for saving. */
    List<Parameter> parameters();

    /** Replaces the parameters with saved ones; throws IllegalArgumentException naming a missing or misshapen one. */
    void restore(List<Parameter> saved);

    @Override
    void close();
}
