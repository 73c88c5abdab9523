package io.layerwise.core.ae;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.core.nn.Architecture;
import io.layerwise.core.nn.BatchBuffers;
import io.layerwise.core.nn.DenseAutoencoder;
import io.layerwise.core.nn.Minibatches;
import io.layerwise.core.nn.NdArrays;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.nn.StageMemory;
import io.layerwise.core.optim.Optimizer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What an {@link AutoencoderStage} allocates, as a {@link MemoryEstimate}, worked out from its spec alone. With
 * {@code n} inputs, {@code h} hidden units, {@code P} parameter values ({@link DenseAutoencoder#parameterValues}),
 * {@code R} rows, batch {@code B} and float32:
 * <ul>
 * <li>native: parameters and gradients {@code 2P}; the optimizer's state and work arrays, {@code P} each; one more
 * weight matrix while parameters are restored; the {@link BatchBuffers} of each minibatch size (and a noise
 * array per size for salt-and-pepper); the training rows {@code R n}; the rows being evaluated or encoded
 * {@code R n} with the buffers of each chunk size ({@link RowChunks}); at most one weight matrix per regularizer;</li>
 * <li>heap: the codes {@link AutoencoderStage#encode} returns, {@code R h}, and the block the initial weights are
 * drawn through;</li>
 * <li>copies the engine makes: the parameters {@code P}, the optimizer state.</li>
 * </ul>
 * The field named when it does not fit is {@code hidden}, or {@code train.batch} when the minibatch buffers are the
 * larger share.
 */
public final class AutoencoderMemory {
    private static final DataType TYPE = DataType.FLOAT;

    private AutoencoderMemory() {
    }

    /**
     * @param json      the stage's JSON (for the paths of {@code hidden} and {@code train.batch})
     * @param rows      the most rows the stage is given at once ({@code StageContext.rows()}; 0 when unknown)
     * @param corrupted whether the stage corrupts its input (a denoising autoencoder)
     * @throws io.layerwise.api.spec.SpecException naming {@code hidden} when the weights or the codes would not fit
     *                                             one Java array
     */
    public static MemoryEstimate estimate(AutoencoderSpec spec, Spec json, int rows, boolean corrupted) {
        Architecture a = spec.architecture();
        int n = a.inputs();
        int h = a.hidden();
        int batch = spec.training().batch();
        long weights = MemoryEstimate.floats(n, h);
        long params = 4 * DenseAutoencoder.parameterValues(a);
        Optimizer.Options opt = spec.training().optimizer().options();
        long buffers = 0;
        for (int b : Minibatches.batchSizes(Math.max(rows, 1), batch)) {
            buffers += BatchBuffers.bytes(b, n, h, TYPE) + (corrupted ? MemoryEstimate.floats(b, n) : 0);
        }
        long chunks = 0;
        for (int c : RowChunks.chunkSizes(rows)) { // the chunk's rows, its buffers and a code chunk's copy
            chunks += MemoryEstimate.floats(c, n) + BatchBuffers.bytes(c, n, h, TYPE) + MemoryEstimate.floats(c, h);
        }
        return StageMemory.trainableDense(json, n, h, rows, batch, params, opt, buffers)
                .nativeArrays("minibatch buffers (batch " + batch + ")", buffers)
                .nativeArrays("training rows", MemoryEstimate.floats(rows, n))
                .nativeArrays("rows evaluated or encoded, a chunk at a time, with their buffers", chunks)
                .nativeArrays("regularizers' work arrays (at most a weight matrix each)", spec.penalties().size() * weights)
                .heapArrays("codes for the next stage", MemoryEstimate.floats(rows, h) + MemoryEstimate.floats(Math.min(rows, RowChunks.CHUNK), h))
                .heapArrays("initial weights, a block at a time", 4L * Math.min((long) n * h, Math.max(NdArrays.DRAW_BLOCK, h)))
                .parameterCopy(params)
                .stateCopy((long) opt.stateArrays() * params)
                .build();
    }
}
