package io.layerwise.model.rbm.internal;

import io.layerwise.core.nn.NdArrays;
import io.layerwise.core.nn.RowHalves;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The work arrays of one CD-k / PCD-k step for a fixed batch size {@code B}, allocated once and reused for every
 * minibatch of that size (a partial last batch gets its own instance). The negative and positive phases sit on top
 * of each other in two stacked arrays, so that one GEMM of height {@code 2B} does the work of two:
 * <pre>
 *   hidden  (2B x h) = [ hChain ; hPos ]    hChain: the chain's hidden sample, then p(h | v_k)
 *   visible (2B x n) = [ vNeg   ; recon ]   recon: the reconstruction's pre-activation, then -v0
 * </pre>
 * {@code [hChain ; hPos] W^T} gives the chain's visible pre-activation and the reconstruction's at once, and
 * {@code [vNeg ; -v0]^T [p(h|v_k) ; hPos]} is the whole weight gradient.
 */
final class GibbsBuffers implements AutoCloseable {
    private final int batch;
    /** {@code [hChain ; hPos]} (2B x hidden). */
    final INDArray hidden;
    /** {@code [vNeg ; recon]} (2B x visible). */
    final INDArray visible;
    /** Hidden states along the chain, then {@code p(h | v_k)} (rows 0..B of {@link #hidden}). */
    final INDArray hChain;
    /** {@code p(h | v0)}: the positive phase (rows B..2B of {@link #hidden}). */
    final INDArray hPos;
    /** The chain's visible states, ending at {@code v_k} (rows 0..B of {@link #visible}). */
    final INDArray vNeg;
    /** Pre-activation of the mean-field reconstruction {@code p(h|v0) W^T + bv}, later {@code -v0} (rows B..2B). */
    final INDArray recon;
    final INDArray scratchVisible;
    /** A row of ones (1 x B): column sums as one GEMM. */
    final INDArray ones;
    /** A row of ones (1 x 2B). */
    final INDArray onesStacked;
    /** {@code [1 ... 1, -1 ... -1]} (1 x 2B): differences of the two halves' column sums as one GEMM. */
    final INDArray signs;
    /** The element-wise passes of a step (B rows) on both cores. */
    final RowHalves halves;
    private INDArray gradHidden;
    private INDArray scratchHidden;

    GibbsBuffers(int batch, int visible, int hidden, DataType type) {
        this.batch = batch;
        this.hidden = Nd4j.createUninitialized(type, 2L * batch, hidden);
        this.visible = Nd4j.createUninitialized(type, 2L * batch, visible);
        this.hChain = top(this.hidden);
        this.hPos = bottom(this.hidden);
        this.vNeg = top(this.visible);
        this.recon = bottom(this.visible);
        this.scratchVisible = Nd4j.createUninitialized(type, batch, visible);
        this.ones = Nd4j.ones(type, 1, batch);
        this.onesStacked = Nd4j.ones(type, 1, 2L * batch);
        this.signs = Nd4j.ones(type, 1, 2L * batch);
        this.signs.get(NDArrayIndex.point(0), NDArrayIndex.interval(batch, 2 * batch)).assign(-1);
        this.halves = new RowHalves(batch);
    }

    /**
     * Bytes of the arrays of one instance: {@code batch (2 hidden + 3 visible + 5)} elements, and {@code 2 batch hidden}
     * more once penalties on the hidden activations use {@link #gradHidden()} and its scratch.
     */
    static long bytes(int batch, int visible, int hidden, DataType type, boolean hiddenPenalties) {
        long elements = (long) batch * (2L * hidden + 3L * visible + 5) + (hiddenPenalties ? 2L * batch * hidden : 0);
        return elements * type.width();
    }

    private INDArray top(INDArray stacked) {
        return stacked.get(NDArrayIndex.interval(0, batch), NDArrayIndex.all());
    }

    private INDArray bottom(INDArray stacked) {
        return stacked.get(NDArrayIndex.interval(batch, 2 * batch), NDArrayIndex.all());
    }

    int batch() {
        return batch;
    }

    /** {@code dP/d p(h|v0)} for penalties on hidden activations (B x hidden), allocated on first use. */
    INDArray gradHidden() {
        if (gradHidden == null) {
            gradHidden = hPos.ulike();
        }
        return gradHidden;
    }

    /** A B x hidden scratch array, allocated on first use. */
    INDArray scratchHidden() {
        if (scratchHidden == null) {
            scratchHidden = hPos.ulike();
        }
        return scratchHidden;
    }

    @Override
    public void close() {
        NdArrays.close(hidden, visible, scratchVisible, ones, onesStacked, signs, gradHidden, scratchHidden);
    }
}
