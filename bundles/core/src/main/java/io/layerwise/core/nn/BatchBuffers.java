package io.layerwise.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The work arrays of one forward/backward pass for a fixed batch size {@code B}, allocated once and reused for
 * every minibatch of that size (a partial last batch gets its own instance).
 *
 * <p>The arrays a tied autoencoder's weight gradient multiplies are halves of two stacked arrays, {@code [delta;
 * input]} (2B x inputs) and {@code [hidden; gradHidden]} (2B x hidden), so that its two shares {@code delta^T y +
 * x~^T dU} are one product with an inner dimension of 2B: at B = 20 that product takes about as long as either
 * share alone (OpenBLAS, 784 x 500 output).
 */
public final class BatchBuffers implements AutoCloseable {
    private final int batch;
    /** {@code [hidden; gradHidden]} (2B x hidden). */
    final INDArray stackedHidden;
    /** {@code y} (B x hidden): written by the encoder, activations in place. */
    final INDArray hidden;
    /** {@code dE/dy}, then {@code dE/du} (B x hidden). */
    final INDArray gradHidden;
    final INDArray scratchHidden;
    /** Decoder pre-activation {@code a} (B x inputs), or the output {@code z}. */
    final INDArray out;
    /** {@code [delta; input]} (2B x inputs). */
    final INDArray stackedInputs;
    /** {@code dE/da} (B x inputs), then scaled by 1/B. */
    final INDArray delta;
    /** The encoder's input {@code x~}: a corrupted copy written here, or a copy of the clean rows (tied only). */
    final INDArray input;
    final INDArray scratchOut;
    /** A row of ones (1 x B): column sums as one GEMM. */
    final INDArray ones;
    /** The element-wise passes of a step on both cores. */
    final RowHalves halves;

    BatchBuffers(int batch, int inputs, int hidden, DataType type) {
        this.batch = batch;
        this.stackedHidden = Nd4j.createUninitialized(type, 2L * batch, hidden);
        this.hidden = top(stackedHidden);
        this.gradHidden = bottom(stackedHidden);
        this.scratchHidden = Nd4j.createUninitialized(type, batch, hidden);
        this.out = Nd4j.createUninitialized(type, batch, inputs);
        this.stackedInputs = Nd4j.createUninitialized(type, 2L * batch, inputs);
        this.delta = top(stackedInputs);
        this.input = bottom(stackedInputs);
        this.scratchOut = Nd4j.createUninitialized(type, batch, inputs);
        this.ones = Nd4j.ones(type, 1, batch);
        this.halves = new RowHalves(batch);
    }

    /** Bytes of the arrays of one instance, by element size: {@code batch (3 hidden + 4 inputs + 1)} elements. */
    public static long bytes(int batch, int inputs, int hidden, DataType type) {
        return (long) batch * (3L * hidden + 4L * inputs + 1) * type.width();
    }

    private INDArray top(INDArray stacked) {
        return stacked.get(NDArrayIndex.interval(0, batch), NDArrayIndex.all());
    }

    private INDArray bottom(INDArray stacked) {
        return stacked.get(NDArrayIndex.interval(batch, 2L * batch), NDArrayIndex.all());
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

    /** The B x inputs array for a corrupted copy of the input; the encoder input that needs no copy. */
    public INDArray corrupted() {
        return input;
    }

    @Override
    public void close() {
        NdArrays.close(stackedHidden, scratchHidden, out, stackedInputs, scratchOut, ones);
    }
}
