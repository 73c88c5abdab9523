package io.layerwise.core.layers;

import io.layerwise.api.data.FloatMatrix;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches of training rows in a shuffled order that is a function of a key alone (the stage seed and the epoch),
 * so that a run resumed from a checkpoint visits the rows as the uninterrupted one would.
 */
public final class Batches {
    private Batches() {
    }

    /** A Fisher-Yates permutation of {@code 0..n-1} drawn from {@code key}. */
    public static int[] permutation(int n, long key) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(key);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Rows {@code order[from..from+n)} of {@code rows} as a float32 array of {@code shape} (n samples). */
    public static INDArray gather(FloatMatrix rows, int[] order, int from, int n, Shape shape) {
        INDArray x = Nd4j.create(DataType.FLOAT, shape.batch(n));
        int width = rows.cols();
        FloatBuffer dst = x.data().asNioFloat();
        for (int r = 0; r < n; r++) {
            dst.put(r * width, rows.data(), (order == null ? from + r : order[from + r]) * width, width);
        }
        return x;
    }
}
