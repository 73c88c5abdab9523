package io.layerwise.model.rbm.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.core.nn.Minibatches;
import io.layerwise.core.nn.NdArrays;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.nn.StageMemory;
import io.layerwise.core.optim.Optimizer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What an {@link RbmStage} allocates, as a {@link MemoryEstimate}, from its spec alone. With {@code n} visible and
 * {@code h} hidden units, {@code P = n h + h + n} parameter values, {@code R} rows, batch {@code B} and float32:
 * <ul>
 * <li>native: parameters and gradients {@code 2P}; the optimizer's state and work arrays, {@code P} each; one more
 * weight matrix while parameters are restored; the {@link GibbsBuffers} and a row of ones of each minibatch size;
 * PCD's chains {@code B h}; the training rows {@code R n}; for evaluation and encoding, kept between epochs, each
 * chunk size's rows, Gibbs buffers and free-energy scratch, and for one call at a time a code chunk's copy (or a
 * Gaussian chunk's centred copy); at most one weight matrix per regularizer;</li>
 * <li>heap: the codes {@link RbmStage#encode} returns, {@code R h}; the rounded and flipped rows of the
 * pseudo-likelihood {@code 2 R n} with their free energies, and the binarised rows of the AIS likelihood {@code R n};
 * the block the initial weights are drawn through;</li>
 * <li>native, while the AIS likelihood is estimated ({@link Ais}, {@code M} runs), in place of a code chunk's copy:
 * {@code 2 M n + 2 M h} float32 and {@code 3 M h} float64 work values;</li>
 * <li>copies the engine makes: the parameters {@code P}; the optimizer state and PCD's chains.</li>
 * </ul>
 */
final class RbmMemory {
    private static final DataType TYPE = DataType.FLOAT;

    private RbmMemory() {
    }

    /**
     * @param json the stage's JSON (for the paths of {@code hidden} and {@code train.batch})
     * @param rows the most rows the stage is given at once (0 when unknown)
     * @throws io.layerwise.api.spec.SpecException naming {@code hidden} when the weights or the codes would not fit
     *                                             one Java array
     */
    static MemoryEstimate estimate(RbmSpec spec, Spec json, int rows) {
        int n = spec.visible();
        int h = spec.hidden();
        int batch = spec.training().batch();
        long weights = MemoryEstimate.floats(n, h);
        long params = weights + MemoryEstimate.floats(h + n);
        Optimizer.Options opt = spec.training().optimizer().options();
        boolean hiddenPenalties = !spec.penalties().isEmpty();
        long buffers = 0;
        for (int b : Minibatches.batchSizes(Math.max(rows, 1), batch)) {
            buffers += GibbsBuffers.bytes(b, n, h, TYPE, hiddenPenalties) + MemoryEstimate.floats(b);
        }
        long chains = spec.cd().persistent() ? MemoryEstimate.floats(Math.min(Math.max(rows, 1), batch), h) : 0;
        // kept from one epoch's evaluation to the next (RbmStage, FreeEnergyChunks): each chunk size's rows, Gibbs
        // buffers and free-energy scratch; made for one call, one at a time: a code chunk's copy, a Gaussian chunk's
        // centred copy with the ones, or the AIS runs (below)
        long chunk = 0;
        long call = 0;
        for (int c : RowChunks.chunkSizes(rows)) {
            chunk += MemoryEstimate.floats(c, n) + GibbsBuffers.bytes(c, n, h, TYPE, false) + MemoryEstimate.floats(c, h)
                    + MemoryEstimate.floats(c);
            call = Math.max(call, MemoryEstimate.floats(c) + MemoryEstimate.floats(c, h));
            call = Math.max(call, MemoryEstimate.floats(h) + (spec.units() == VisibleUnits.GAUSSIAN
                    ? MemoryEstimate.floats(c, n) + MemoryEstimate.floats(n) : 0));
        }
        int runs = spec.ais().runs();
        long ais = runs == 0 ? 0 : 2 * MemoryEstimate.floats(runs, n) + 2 * MemoryEstimate.floats(runs, h)
                + 6 * MemoryEstimate.floats(runs, h) + 3 * MemoryEstimate.floats(n);
        long pseudoLikelihood = spec.units() == VisibleUnits.BERNOULLI ? 2 * MemoryEstimate.floats(rows, n) + 16L * rows : 0;
        return StageMemory.trainableDense(json, n, h, rows, batch, params, opt, buffers)
                .nativeArrays("Gibbs buffers (batch " + batch + ")", buffers)
                .nativeArrays("persistent chains", chains)
                .nativeArrays("training rows", MemoryEstimate.floats(rows, n))
                .nativeArrays("rows evaluated or encoded, a chunk at a time, with their buffers and scratch",
                        chunk)
                .nativeArrays("a code chunk's copy, or the AIS runs", Math.max(call, ais))
                .nativeArrays("regularizers' work arrays (at most a weight matrix each)", spec.penalties().size() * weights)
                .heapArrays("codes for the next stage", MemoryEstimate.floats(rows, h)
                        + MemoryEstimate.floats(Math.min(rows, RowChunks.CHUNK), h))
                .heapArrays("rows of the pseudo-likelihood", pseudoLikelihood)
                .heapArrays("binarised rows of the AIS likelihood", runs == 0 ? 0 : MemoryEstimate.floats(rows, n))
                .heapArrays("initial weights, a block at a time", 4L * Math.min(weights / 4, Math.max(NdArrays.DRAW_BLOCK, h)))
                .parameterCopy(params)
                .stateCopy((long) opt.stateArrays() * params + chains)
                .build();
    }
}
