package io.layerwise.core.layers;

import io.layerwise.api.data.FloatMatrix;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches of training rows gathered into image-shaped arrays, in an order given by the caller:
 * {@link io.layerwise.core.nn.ShuffledRows#permutation}, a function of a key alone (the stage seed and the epoch), so
 * that a run resumed from a checkpoint visits the rows as the uninterrupted one would.
 */
public final class Batches {
    private Batches() {
    }

    /** Rows {@code order[from..from+n)} of {@code rows} as a float32 array of {@code shape} (n samples). */
    public static INDArray gather(FloatMatrix rows, int[] order, int from, int n, Shape shape) {
        int width = rows.cols();
        if (width != shape.size()) {
            throw new IllegalArgumentException("rows of " + width + " values do not fill samples of shape " + shape);
        }
        // every value is written below: no zero fill of a new 400 KB array per minibatch
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, shape.batch(n));
        FloatBuffer dst = x.data().asNioFloat();
        for (int r = 0; r < n; r++) {
            dst.put(r * width, rows.data(), (order == null ? from + r : order[from + r]) * width, width);
        }
        return x;
    }
}
