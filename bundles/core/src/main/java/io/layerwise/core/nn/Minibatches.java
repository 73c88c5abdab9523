package io.layerwise.core.nn;

import io.layerwise.api.data.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Training rows uploaded once (float32) and cut into minibatches: batch {@code b} is a row view of rows
 * {@code [b*B, min((b+1)*B, N))} in the order given, so the last batch may be partial and no batch copies data.
 */
public final class Minibatches implements AutoCloseable {
    private final INDArray all;
    private final List<INDArray> batches = new ArrayList<>();

    public Minibatches(FloatMatrix rows, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        all = NdArrays.upload(rows);
        for (int from = 0; from < rows.rows(); from += batchSize) {
            batches.add(rows(from, Math.min(from + batchSize, rows.rows())));
        }
    }

    /**
     * The sizes of the minibatches of {@code rows} rows, each once: a stage makes work buffers for each (the batch
     * size, and a shorter last batch).
     */
    public static List<Integer> batchSizes(int rows, int batchSize) {
        return RowChunks.sizes(rows, batchSize);
    }

    /** Minibatches per epoch. */
    public int count() {
        return batches.size();
    }

    /** Batch {@code b}; an index out of range says how many there are. */
    public INDArray get(int b) {
        if (b < 0 || b >= batches.size()) {
            throw new IllegalStateException("batch " + b + " of " + batches.size() + " (prepareTraining first)");
        }
        return batches.get(b);
    }

    /** Rows {@code [from, to)} of all training rows, as a view. */
    public INDArray rows(int from, int to) {
        return all.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** All training rows. */
    public long size() {
        return all.rows();
    }

    @Override
    public void close() {
        batches.clear();
        NdArrays.close(all);
    }
}
