package io.layerwise.model.rbm.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.core.nn.RowChunks;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The free energies of many rows, a chunk ({@link RowChunks#CHUNK} rows) at a time, in arrays a stage keeps from one
 * epoch's held-out metrics to the next: each chunk's rows (in the stage's map, which its loss and encoding use too)
 * and the products' scratch. Made afresh every epoch (the
 * rows uploaded whole, the scratch per chunk), they cost more than the arithmetic, most of it page faults of memory
 * touched for the first time (docs/performance.md, "An RBM's held-out metrics in kept arrays").
 */
final class FreeEnergyChunks implements AutoCloseable {
    /** The scratch of {@link Rbm#freeEnergy(INDArray, INDArray, INDArray)} for a chunk of one size. */
    private record Scratch(INDArray pre, INDArray f) implements AutoCloseable {
        @Override
        public void close() {
            pre.close();
            f.close();
        }
    }

    private final Rbm rbm;
    private final Map<Integer, Scratch> scratch = new HashMap<>();
    private final Map<List<Integer>, INDArray> rows;

    /** @param rows the stage's chunks of rows by shape, shared with its other evaluation: closed by the stage */
    FreeEnergyChunks(Rbm rbm, Map<List<Integer>, INDArray> rows) {
        this.rbm = rbm;
        this.rows = rows;
    }

    /** {@code F(v)} of each row of {@code m}. */
    double[] of(FloatMatrix m) {
        double[] out = new double[m.rows()];
        RowChunks.sum(m, scratch, rows, this::scratch, (x, s, from) -> {
            double[] f = rbm.freeEnergy(x, s.pre(), s.f());
            System.arraycopy(f, 0, out, from, f.length);
            return 0;
        });
        return out;
    }

    /** {@code F(v)} of each row of {@code all} (rows already on the backend, such as the training rows). */
    double[] of(INDArray all) {
        int n = (int) all.rows();
        double[] out = new double[n];
        for (int from = 0; from < n; from += RowChunks.CHUNK) {
            int to = Math.min(from + RowChunks.CHUNK, n);
            Scratch s = scratch.computeIfAbsent(to - from, this::scratch);
            double[] f = rbm.freeEnergy(all.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), s.pre(), s.f());
            System.arraycopy(f, 0, out, from, f.length);
        }
        return out;
    }

    private Scratch scratch(int chunk) {
        DataType type = rbm.weights().dataType();
        return new Scratch(Nd4j.createUninitialized(type, chunk, rbm.hidden()), Nd4j.createUninitialized(type, chunk, 1));
    }

    /** Closes the scratch (the rows are the stage's). */
    @Override
    public void close() {
        scratch.values().forEach(Scratch::close);
        scratch.clear();
    }
}
