package io.layerwise.core.nn;

import io.layerwise.api.data.FloatMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Whole matrices (encoding, evaluation) in chunks of rows: the matrix is uploaded once and each chunk is a row
 * view of it, with work buffers made once per chunk size, so memory stays bounded by the chunk, not the data.
 */
public final class RowChunks {
    /** Rows per chunk. */
    public static final int CHUNK = 1000;

    private RowChunks() {
    }

    /**
     * The sizes of the chunks of a matrix of {@code rows} rows, each once: {@link #sum} makes work buffers for each
     * size ({@link #CHUNK}, and a shorter last one).
     */
    public static List<Integer> chunkSizes(int rows) {
        return sizes(rows, CHUNK);
    }

    /** The distinct sizes of the consecutive pieces of at most {@code size} rows that {@code rows} rows make. */
    static List<Integer> sizes(int rows, int size) {
        if (rows <= 0) {
            return List.of();
        }
        if (rows <= size) {
            return List.of(rows);
        }
        return rows % size == 0 ? List.of(size) : List.of(size, rows % size);
    }

    /** What to do with one chunk: {@code rows} are rows {@code [from, from + rows.rows())} of the matrix. */
    public interface Action<B> {
        /** @return a contribution to the sum {@link #sum} returns */
        double apply(INDArray rows, B buffers, int from);
    }

    /**
     * Runs {@code action} on every chunk of {@code m} (float32) and returns the sum of what it returned.
     *
     * @param buffers makes work buffers for a chunk of the given number of rows; closed at the end
     */
    public static <B extends AutoCloseable> double sum(FloatMatrix m, IntFunction<B> buffers, Action<B> action) {
        Map<Integer, B> made = new HashMap<>();
        try {
            return sum(m, made, buffers, action);
        } finally {
            for (B b : made.values()) {
                try {
                    b.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing work buffers: " + e, e);
                }
            }
        }
    }

    /**
     * As {@link #sum(FloatMatrix, IntFunction, Action)}, with work buffers the caller keeps between calls: taken from
     * {@code kept} by chunk size, made by {@code buffers} and put there when missing, closed by the caller. For an
     * evaluation every epoch, which would otherwise allocate (and zero) the same native arrays each time.
     *
     * @since 2.9
     */
    public static <B extends AutoCloseable> double sum(FloatMatrix m, Map<Integer, B> kept, IntFunction<B> buffers,
            Action<B> action) {
        if (m.rows() == 0) {
            return 0;
        }
        INDArray all = NdArrays.upload(m);
        double sum = 0;
        try {
            for (int from = 0; from < m.rows(); from += CHUNK) {
                int to = Math.min(from + CHUNK, m.rows());
                INDArray rows = all.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
                sum += action.apply(rows, kept.computeIfAbsent(to - from, buffers::apply), from);
            }
        } finally {
            all.close();
        }
        return sum;
    }
}
