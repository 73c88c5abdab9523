package io.layerwise.model.vae.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.core.nn.Minibatches;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.nn.StageMemory;
import io.layerwise.core.optim.Optimizer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a {@link VaeStage} allocates, from its spec alone: parameters {@code P} (every layer's weights and biases, and
 * a learned variance), their gradients, the optimizer's state and work arrays; the {@link VaeBuffers} of each
 * minibatch size and of each chunk of rows evaluated or encoded, with those rows; without {@code shuffle} the training
 * rows uploaded once; on the heap the codes ({@code R x latent}) and the importance weights of a chunk
 * ({@code chunk x k} doubles).
 */
final class VaeMemory {
    private VaeMemory() {
    }

    /** Bytes of {@link VaeStage#parameters()}. */
    static long parameterBytes(VaeSpec spec) {
        long values = 0;
        int in = spec.inputs();
        for (int h : spec.hidden()) {
            values += (long) in * h + h;
            in = h;
        }
        values += 2 * ((long) in * spec.latent() + spec.latent());
        in = spec.latent();
        for (int h : spec.decoderHidden()) {
            values += (long) in * h + h;
            in = h;
        }
        values += (long) in * spec.inputs() + spec.inputs();
        if (spec.likelihood() == Likelihood.GAUSSIAN && Double.isNaN(spec.variance())) {
            values += spec.inputs(); // a learned logVarX
        }
        return 4 * values; // exactly what parameters() hands out: the engine checks a saved model against it

    }

    static MemoryEstimate estimate(VaeSpec spec, Spec json, int rows) {
        int n = spec.inputs();
        int batch = spec.training().batch();
        List<Integer> enc = spec.hidden();
        List<Integer> dec = spec.decoderHidden();
        int widest = spec.latent();
        for (int h : enc) {
            widest = Math.max(widest, h);
            StageMemory.requireOneArray(json.pathOf("hidden"), enc, "a weight matrix", n, h);
        }
        long params = parameterBytes(spec);
        Optimizer.Options opt = spec.training().optimizer().options();
        long buffers = 0;
        for (int b : Minibatches.batchSizes(Math.max(rows, 1), batch)) {
            buffers += VaeBuffers.bytes(b, n, enc, spec.latent(), dec, DataType.FLOAT);
        }
        long chunks = 0;
        for (int c : RowChunks.chunkSizes(rows)) {
            chunks += VaeBuffers.bytes(c, n, enc, spec.latent(), dec, DataType.FLOAT);
        }
        long weights = MemoryEstimate.floats(n, widest);
        return StageMemory.trainableDense(json, n, widest, rows, batch, params, opt, buffers)
                .nativeArrays("minibatch buffers (batch " + batch + ")", buffers)
                .nativeArrays("training rows", spec.shuffle() ? 0 : MemoryEstimate.floats(rows, n))
                .nativeArrays("rows evaluated or encoded, with their chunk buffers", MemoryEstimate.floats(rows, n) + chunks)
                .heapArrays("codes for the next stage", MemoryEstimate.floats(rows, spec.latent()))
                .heapArrays("importance weights of a chunk", 8L * Math.min(Math.max(rows, 1), RowChunks.CHUNK)
                        * spec.iwSamples())
                .heapArrays("initial weights, a block at a time", Math.min(weights, 4L << 20))
                .parameterCopy(params)
                .stateCopy((long) opt.stateArrays() * params)
                .build();
    }
}
