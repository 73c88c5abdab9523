package io.layerwise.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The work arrays of one forward/backward pass for a fixed batch size {@code B}, allocated once and reused for
 * every minibatch of that size (a partial last batch gets its own instance).
 */
public final class BatchBuffers implements AutoCloseable {
    private final int batch;
    /** {@code y} (B x hidden): written by the encoder, activations in place. */
    final INDArray hidden;
    /** {@code dE/dy}, then {@code dE/du} (B x hidden). */
    final INDArray gradHidden;
    final INDArray scratchHidden;
    /** Decoder pre-activation {@code a} (B x inputs), or the output {@code z}. */
    final INDArray out;
    /** {@code dE/da} (B x inputs). */
    final INDArray delta;
    final INDArray scratchOut;
    /** A row of ones (1 x B): column sums as one GEMM. */
    final INDArray ones;
    private INDArray corrupted;

    BatchBuffers(int batch, int inputs, int hidden, DataType type) {
        this.batch = batch;
        this.hidden = Nd4j.createUninitialized(type, batch, hidden);
        this.gradHidden = Nd4j.createUninitialized(type, batch, hidden);
        this.scratchHidden = Nd4j.createUninitialized(type, batch, hidden);
        this.out = Nd4j.createUninitialized(type, batch, inputs);
        this.delta = Nd4j.createUninitialized(type, batch, inputs);
        this.scratchOut = Nd4j.createUninitialized(type, batch, inputs);
        this.ones = Nd4j.ones(type, 1, batch);
    }

    public int batch() {
        return batch;
    }

    /** The hidden activations of the last pass (B x hidden). */
    public INDArray hidden() {
        return hidden;
    }

    /** The decoder output of the last {@link DenseAutoencoder#reconstruct} (B x inputs). */
    public INDArray output() {
        return out;
    }

    /** {@link #corrupted()} when {@code needed}, else null (a plain autoencoder never allocates it). */
    public INDArray corruptedIfNeeded(boolean needed) {
        return needed ? corrupted() : null;
    }

    /** A B x inputs array for a corrupted copy of the input, allocated on first use. */
    public INDArray corrupted() {
        if (corrupted == null) {
            corrupted = Nd4j.createUninitialized(out.dataType(), batch, out.columns());
        }
        return corrupted;
    }

    @Override
    public void close() {
        NdArrays.close(hidden, gradHidden, scratchHidden, out, delta, scratchOut, ones, corrupted);
    }
}
