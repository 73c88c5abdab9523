package io.layerwise.model.rbm.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The hidden states of PCD's fantasy particles, one chain per minibatch row. The array is sized by the first
 * minibatch (the largest: batches run in file order and only the last may be shorter); a shorter batch uses the
 * first rows. The chains start from the first minibatch's {@code h ~ p(h | v)}, as CD would, and carry their last
 * hidden sample from one minibatch to the next, across epochs.
 */
final class PersistentChains implements AutoCloseable {
    private final int hidden;
    private final DataType type;
    private INDArray state;
    private boolean started;

    PersistentChains(int hidden, DataType type) {
        this.hidden = hidden;
        this.type = type;
    }

    /**
     * The hidden states of the first {@code rows} chains, a view into the persistent array. More rows than there
     * are chains (new training data with larger batches) start the chains afresh.
     */
    INDArray rows(int rows) {
        if (state != null && rows > state.rows()) {
            close();
        }
        if (state == null) {
            state = Nd4j.zeros(type, rows, hidden);
        }
        return rows == state.rows() ? state : state.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
    }

    /** False until the first minibatch has seeded the chains. */
    boolean started() {
        return started;
    }

    void markStarted() {
        started = true;
    }

    /** The chains' hidden states (chains x hidden) as float32 values, for checkpoints; null before they started. */
    float[] values() {
        if (!started) {
            return null;
        }
        INDArray c = state.dup('c');
        float[] v = c.data().asFloat();
        c.close();
        return java.util.Arrays.copyOf(v, (int) state.length());
    }

    /** The number of chains, 0 before they started. */
    int count() {
        return started ? (int) state.rows() : 0;
    }

    /** Continues saved chains ({@link #values()} of {@code chains} rows): started, as after the first minibatch. */
    void restore(int chains, float[] values) {
        close();
        state = Nd4j.create(values, new long[] {chains, hidden}, type);
        started = true;
    }

    /** Forgets the chains (after parameters were restored); the next minibatch seeds them afresh. */
    void reset() {
        close();
    }

    @Override
    public void close() {
        if (state != null) {
            state.close();
            state = null;
        }
        started = false;
    }
}
