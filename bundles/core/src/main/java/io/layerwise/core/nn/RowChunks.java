package io.layerwise.core.nn;

import io.layerwise.api.data.FloatMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Whole matrices (encoding, evaluation) in chunks of rows: the matrix is uploaded once and each chunk is a row
 * view of it, or each chunk's rows are copied into a kept array of its shape, with work buffers made once per chunk
 * size, so that the buffers' memory stays bounded by the chunk, not the data.
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

    /**
     * As {@link #sum(FloatMatrix, Map, IntFunction, Action)}, each chunk's rows copied into an array kept in
     * {@code inputs} by the chunk's shape (closed by the caller) instead of one upload of the whole matrix per call:
     * a call after the first allocates nothing, and the rows take a chunk's memory, not the matrix's. The upload of
     * 2,000 held-out rows took 17 ms of every epoch's evaluation, most of it the page faults of memory touched for
     * the first time (docs/performance.md, "The README's main job outside its epochs"). The action sees a whole
     * array of the chunk's rows, not a view.
     *
     * @since 2.12
     */
    public static <B extends AutoCloseable> double sum(FloatMatrix m, Map<Integer, B> kept,
            Map<List<Integer>, INDArray> inputs, IntFunction<B> buffers, Action<B> action) {
        double sum = 0;
        for (int from = 0; from < m.rows(); from += CHUNK) {
            int to = Math.min(from + CHUNK, m.rows());
            INDArray rows = inputs.computeIfAbsent(List.of(to - from, m.cols()),
                    shape -> Nd4j.createUninitialized(DataType.FLOAT, new long[] {shape.get(0), shape.get(1)}, 'c'));
            NdArrays.put(rows, m.data(), (long) from * m.cols());
            sum += action.apply(rows, kept.computeIfAbsent(to - from, buffers::apply), from);
        }
        return sum;
    }
}
