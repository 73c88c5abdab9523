package io.layerwise.core.nn;

import io.layerwise.api.data.FloatMatrix;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training rows visited in a fresh order each epoch: epoch {@code e}'s order is a permutation drawn from
 * {@code (key, e)} alone, so a run resumed at any epoch visits the rows as an uninterrupted one. Minibatch {@code b}
 * is rows {@code [b*B, min((b+1)*B, N))} of that order, copied into the caller's float32 buffer (the rows stay on
 * the heap, where a copy per row is cheap; {@link Minibatches} is the file-order counterpart without copies).
 */
public final class ShuffledRows {
    private final FloatMatrix rows;
    private final int batchSize;
    private final long key;
    private int[] order;
    private int orderEpoch = -1;

    public ShuffledRows(FloatMatrix rows, int batchSize, long key) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.rows = rows;
        this.batchSize = batchSize;
        this.key = key;
    }

    /** The number of minibatches of an epoch. */
    public int count() {
        return (rows.rows() + batchSize - 1) / batchSize;
    }

    /** The rows of minibatch {@code batch}: as many as {@code into} has, which the caller sizes to the minibatch. */
    public int rows(int batch) {
        return Math.min(batchSize, rows.rows() - batch * batchSize);
    }

    /** Minibatch {@code batch} of epoch {@code epoch} (from 0), copied into {@code into} (float32, c order, whole). */
    public INDArray batch(int epoch, int batch, INDArray into) {
        if (epoch != orderEpoch) {
            order = permutation(rows.rows(), key ^ (0x9e37_79b9_7f4a_7c15L * (epoch + 1)));
            orderEpoch = epoch;
        }
        int n = rows.cols();
        float[] all = rows.data();
        FloatBuffer dst = into.data().asNioFloat();
        int from = batch * batchSize;
        for (int r = 0; r < into.rows(); r++) {
            dst.put(r * n, all, order[from + r] * n, n);
        }
        return into;
    }

    /** A Fisher-Yates permutation of {@code 0..n-1}, a function of {@code key} alone. */
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
}
