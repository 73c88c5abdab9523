package io.layerwise.spark;

import io.layerwise.api.data.FloatMatrix;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** One worker's rows: the element of a partition of the training RDD (one shard per partition). */
public record Shard(int index, int rows, int cols, float[] data) implements Serializable {

    public FloatMatrix matrix() {
        return new FloatMatrix(rows, cols, data);
    }

    /**
     * {@code rows} cut into {@code workers} contiguous shards whose sizes differ by at most one row. Contiguous, in
     * file order: with one worker the shard is the whole training set, as the single-machine run sees it.
     */
    public static List<Shard> split(FloatMatrix rows, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("execution.workers must be >= 1, got " + workers);
        }
        if (rows.rows() < workers) {
            throw new IllegalArgumentException("execution.workers: " + workers + " workers for " + rows.rows()
                    + " training rows; each needs at least one");
        }
        List<Shard> shards = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            FloatMatrix part = rows.rows(from(rows.rows(), workers, w), from(rows.rows(), workers, w + 1));
            shards.add(new Shard(w, part.rows(), part.cols(), part.data()));
        }
        return shards;
    }

    /** The first row of shard {@code w} of {@code rows} cut into {@code workers} (shard w ends where w + 1 begins). */
    static int from(int rows, int workers, int w) {
        return (int) ((long) rows * w / workers);
    }
}
