package io.layerwise.finetune.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.finetune.Network;
import io.layerwise.api.stage.Parameter;
import io.layerwise.core.ae.Matrices;
import io.layerwise.core.nn.Minibatches;
import io.layerwise.core.nn.ParameterLoad;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.optim.Optimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Network} on an {@link Mlp}, trained by a minibatch {@link Optimizer}: minibatch {@code b} is rows
 * {@code [b*B, min((b+1)*B, N))} of the rows given to {@link #prepareTraining}, in the order given (the engine
 * hands them over shuffled once with the pipeline's seed). Batch 0 starts an epoch of the learning-rate schedule,
 * since the engine trains every batch index in order each epoch.
 */
final class MlpNetwork implements Network {
    private final Mlp mlp;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    /** Work buffers by batch or chunk size, for training and evaluation alike. */
    private final Map<Integer, Mlp.Buffers> buffers = new HashMap<>();
    private Minibatches train;
    private int[] labels;

    MlpNetwork(Mlp mlp, FineTuneOptions options) {
        this.mlp = mlp;
        this.optimizer = options.optimizer().create(mlp.parameters());
        this.epochs = options.epochs();
        this.batchSize = options.batch();
    }

    /** For checkpoints and tests. */
    Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public int epochs() {
        return epochs;
    }

    @Override
    public boolean supervised() {
        return mlp.output() == Mlp.Output.SOFTMAX;
    }

    @Override
    public int prepareTraining(FloatMatrix inputs, int[] labels) {
        check(inputs, labels);
        release();
        train = new Minibatches(inputs, batchSize);
        this.labels = labels == null ? null : labels.clone();
        return train.count();
    }

    @Override
    public double trainBatch(int batch) {
        optimizer.beginBatch(batch);
        INDArray x = train.get(batch);
        Mlp.Buffers b = buffers.computeIfAbsent((int) x.rows(), mlp::buffers);
        double loss = mlp.gradient(x, labels, batch * batchSize, b);
        optimizer.step(mlp.parameters(), mlp.gradients());
        return loss;
    }

    @Override
    public int[] predict(FloatMatrix inputs) {
        if (!supervised()) {
            throw new UnsupportedOperationException("an unrolled autoencoder reconstructs; it does not classify");
        }
        int[] predicted = new int[inputs.rows()];
        forEachChunk(inputs, null, predicted);
        return predicted;
    }

    @Override
    public FloatMatrix reconstruct(FloatMatrix inputs) {
        if (supervised()) {
            return null;
        }
        float[] out = new float[Math.multiplyExact(inputs.rows(), inputs.cols())];
        forEachChunk(inputs, (x, b, from) -> {
            float[] v = Matrices.values(mlp.reconstruct(x, b));
            System.arraycopy(v, 0, out, from * inputs.cols(), v.length);
            return 0;
        });
        return new FloatMatrix(inputs.rows(), inputs.cols(), out);
    }

    @Override
    public double loss(FloatMatrix inputs, int[] labels) {
        check(inputs, labels);
        if (inputs.rows() == 0) {
            return Double.NaN;
        }
        double sum = supervised() ? forEachChunk(inputs, (x, b, from) -> mlp.evaluate(x, labels, from, b, null))
                : forEachChunk(inputs, (x, b, from) -> mlp.reconstructionLoss(x, b));
        return sum / inputs.rows();
    }

    private double forEachChunk(FloatMatrix inputs, int[] labels, int[] predicted) {
        return forEachChunk(inputs, (x, b, from) -> mlp.evaluate(x, labels, from, b, predicted));
    }

    private interface ChunkAction extends RowChunks.Action<Mlp.Buffers> {
    }

    private double forEachChunk(FloatMatrix inputs, ChunkAction action) {
        if (inputs.cols() != mlp.inputs()) {
            throw new IllegalArgumentException("input has " + inputs.cols() + " columns, the network takes " + mlp.inputs());
        }
        // the same buffers each epoch, for the validation rows too: kept with the training ones, closed with them
        return RowChunks.sum(inputs, buffers, mlp::buffers, action);
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        List<INDArray> p = mlp.parameters();
        for (int l = 0; l < mlp.depth(); l++) {
            out.add(parameter("W" + (l + 1), p.get(2 * l)));
            out.add(parameter("b" + (l + 1), p.get(2 * l + 1)));
        }
        out.add(parameter("Wout", p.get(2 * mlp.depth()))); // the last decoder of an unrolled autoencoder
        out.add(parameter("bout", p.get(2 * mlp.depth() + 1)));
        return out;
    }

    @Override
    public void restore(List<Parameter> saved) {
        ParameterLoad.into(parameters(), mlp.parameters(), saved);
        optimizer.reset();
    }

    private static Parameter parameter(String name, INDArray a) {
        int[] shape = a.rows() == 1 ? new int[] {(int) a.columns()} : new int[] {(int) a.rows(), (int) a.columns()};
        return new Parameter(name, shape, Matrices.values(a));
    }

    private void check(FloatMatrix inputs, int[] labels) {
        if (!supervised()) {
            return;
        }
        if (labels == null) {
            throw new IllegalArgumentException("a classifier needs labels");
        }
        if (labels.length != inputs.rows()) {
            throw new IllegalArgumentException(inputs.rows() + " rows but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= mlp.classes()) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is not in [0, " + mlp.classes() + ")");
            }
        }
    }

    private void release() {
        if (train != null) {
            train.close();
        }
        train = null;
    }

    @Override
    public void close() {
        release();
        buffers.values().forEach(Mlp.Buffers::close);
        buffers.clear();
        optimizer.close();
        mlp.close();
    }
}
