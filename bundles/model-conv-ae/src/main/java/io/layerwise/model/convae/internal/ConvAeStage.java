package io.layerwise.model.convae.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.ae.Matrices;
import io.layerwise.core.ae.TrainingStates;
import io.layerwise.core.layers.Batches;
import io.layerwise.core.nn.ShuffledRows;
import io.layerwise.core.layers.Conv;
import io.layerwise.core.layers.Layer;
import io.layerwise.core.layers.LayerPlan;
import io.layerwise.core.layers.Shape;
import io.layerwise.core.nn.ParameterLoad;
import io.layerwise.core.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link ConvAe} stage trained with a minibatch {@link Optimizer} (float32). With {@code shuffle}, epoch e visits
 * the rows in a permutation that is a function of (seed, e) alone, so a run resumed from a checkpoint trains as the
 * uninterrupted one: the model (parameters and batch-norm running statistics) and the optimizer state are all there
 * is. Encoding, reconstruction, validation and evaluation use the running statistics. Per epoch on held-out rows:
 * {@code testSquaredError} (mean over values and rows) and, for the cross-entropy loss, {@code testCrossEntropy}
 * (per row).
 */
final class ConvAeStage implements Stage {
    private static final long SHUFFLE_SALT = 0x510e_527f_ade6_82d1L;
    private static final int CHUNK = 500;

    private final ConvAeSpec spec;
    private final long seed;
    private final ConvAe net;
    private final Optimizer optimizer;
    private FloatMatrix trainRows;
    private int[] order;
    private int orderEpoch = -1;

    ConvAeStage(ConvAeSpec spec, long seed) {
        this.spec = spec;
        this.seed = seed;
        this.net = new ConvAe(spec, seed, DataType.FLOAT);
        this.optimizer = spec.training().optimizer().create(net.parameters());
    }

    /** States the stage's memory to {@code context} and, when it fits, creates the stage. */
    static ConvAeStage create(ConvAeSpec spec, StageContext context) {
        context.reserve(estimate(spec, context.rows()));
        return new ConvAeStage(spec, context.seed());
    }

    /**
     * Parameters with their gradients and optimizer arrays; per row of a minibatch (or chunk of 500 rows) every
     * layer's output three times (forward value, its gradient, a convolution's patches).
     */
    static MemoryEstimate estimate(ConvAeSpec spec, int rows) {
        long params = spec.parameterCount();
        var o = spec.training().optimizer().options();
        long activations = 0;
        for (List<LayerPlan> plans : List.of(spec.encoder(), spec.decoder())) {
            for (LayerPlan p : plans) {
                activations += p.output().size();
            }
        }
        int batch = Math.max(CHUNK, spec.training().batch());
        List<MemoryEstimate.Part> parts = List.of(
                new MemoryEstimate.Part("parameters, gradients and optimizer state", MemoryEstimate.Pool.NATIVE,
                        MemoryEstimate.floats(params, 2 + o.stateArrays() + o.workArrays())),
                new MemoryEstimate.Part("activations", MemoryEstimate.Pool.NATIVE,
                        MemoryEstimate.floats(activations, batch, 3)),
                new MemoryEstimate.Part("codes", MemoryEstimate.Pool.HEAP,
                        MemoryEstimate.floats(Math.max(rows, 1), spec.code().size())));
        return new MemoryEstimate(spec.pathOf("encoder"), params + " parameters", parts,
                MemoryEstimate.floats(spec.savedCount()), MemoryEstimate.floats(params, o.stateArrays()));
    }

    ConvAe net() {
        return net;
    }

    @Override
    public int inputSize() {
        return spec.input().size();
    }

    @Override
    public int outputSize() {
        return spec.code().size();
    }

    @Override
    public String outputRange() {
        return "sigmoid".equals(spec.encoder().get(spec.encoder().size() - 1).kind()) ? Dataset.UNIT : Dataset.REAL;
    }

    @Override
    public boolean trainable() {
        return true;
    }

    @Override
    public int epochs() {
        return spec.training().epochs();
    }

    @Override
    public int prepareTraining(FloatMatrix data) {
        checkWidth(data, "training data");
        trainRows = data;
        orderEpoch = -1;
        int b = spec.training().batch();
        return (data.rows() + b - 1) / b;
    }

    @Override
    public double trainBatch(int batch) {
        if (trainRows == null) {
            throw new IllegalStateException("batch " + batch + " before prepareTraining");
        }
        optimizer.beginBatch(batch);
        int epoch = Math.max(0, optimizer.epoch());
        int b = spec.training().batch();
        int rows = Math.min(b, trainRows.rows() - batch * b);
        if (spec.shuffle() && epoch != orderEpoch) {
            order = ShuffledRows.permutation(trainRows.rows(), seed ^ SHUFFLE_SALT ^ (0x9e37_79b9_7f4a_7c15L * (epoch + 1)));
            orderEpoch = epoch;
        }
        INDArray x = Batches.gather(trainRows, spec.shuffle() ? order : null, batch * b, rows, spec.input());
        double sum = net.gradient(x);
        if (!Double.isFinite(sum)) {
            throw new ArithmeticException("the loss is " + sum + " in epoch " + (epoch + 1) + ", minibatch "
                    + (batch + 1) + "; lower " + spec.pathOf("train.optimizer.lr"));
        }
        if (spec.weightDecay() > 0) {
            List<INDArray> p = net.parameters();
            List<INDArray> g = net.gradients();
            for (int i = 0; i < p.size(); i++) {
                // one BLAS axpy per array, where mul + addi cost two ops and an array
                Nd4j.getBlasWrapper().level1().axpy(p.get(i).length(), spec.weightDecay(), p.get(i), g.get(i));
            }
        }
        optimizer.step(net.parameters(), net.gradients());
        return sum;
    }

    /** The mean over rows of the per-row loss, with running statistics. */
    @Override
    public double loss(FloatMatrix rows) {
        checkWidth(rows, "validation data");
        double[] sum = new double[1];
        chunks(rows, (x, from) -> sum[0] += net.objective(x, net.reconstruct(x)));
        return rows.rows() == 0 ? Double.NaN : sum[0] / rows.rows();
    }

    @Override
    public Map<String, Double> evaluate(FloatMatrix heldOut) {
        checkWidth(heldOut, "held-out data");
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (heldOut.rows() == 0) {
            return metrics;
        }
        double[] sums = new double[2];
        chunks(heldOut, (x, from) -> {
            INDArray y = net.reconstruct(x);
            double norm = y.sub(x).norm2Number().doubleValue();
            sums[0] += norm * norm;
            if (ConvAeSpec.CROSS_ENTROPY.equals(spec.loss())) {
                sums[1] += net.objective(x, y);
            }
        });
        metrics.put("testSquaredError", sums[0] / ((double) heldOut.rows() * inputSize()));
        if (ConvAeSpec.CROSS_ENTROPY.equals(spec.loss())) {
            metrics.put("testCrossEntropy", sums[1] / heldOut.rows());
        }
        return metrics;
    }

    @Override
    public FloatMatrix encode(FloatMatrix input) {
        return map(input, outputSize(), false);
    }

    @Override
    public FloatMatrix reconstruct(FloatMatrix input) {
        return map(input, inputSize(), true);
    }

    /** The first convolution's kernels as columns [channels k k, filters], when it reads a single channel. */
    @Override
    public Parameter filters() {
        for (Layer l : net.encoder().layers()) {
            if (l instanceof Conv conv && conv.input().channels() == 1) {
                INDArray w = conv.parameters().get(0);
                long filters = w.size(0);
                INDArray columns = w.reshape('c', filters, w.length() / filters).transpose();
                return new Parameter("filters", new int[] {(int) (w.length() / filters), (int) filters},
                        Matrices.values(columns.dup('c')));
            }
        }
        return null;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        List<String> names = net.savedNames();
        List<INDArray> arrays = net.saved();
        for (int i = 0; i < names.size(); i++) {
            out.add(new Parameter(names.get(i), shape(arrays.get(i)), Matrices.values(arrays.get(i))));
        }
        return out;
    }

    private static int[] shape(INDArray a) {
        long[] s = a.shape();
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = (int) s[i];
        }
        return out;
    }

    @Override
    public void restore(List<Parameter> saved) {
        List<ParameterLoad.Expected> expected = new ArrayList<>();
        List<String> names = net.savedNames();
        List<INDArray> arrays = net.saved();
        for (int i = 0; i < names.size(); i++) {
            expected.add(new ParameterLoad.Expected(names.get(i), shape(arrays.get(i))));
        }
        ParameterLoad.intoShapes(expected, arrays, saved);
        optimizer.reset();
    }

    @Override
    public TrainingState trainingState() {
        return new TrainingStates.Writer().optimizer(TrainingStates.OPTIMIZER, optimizer).build();
    }

    @Override
    public void restoreTrainingState(TrainingState state) {
        TrainingStates.Reader r = new TrainingStates.Reader(state);
        r.optimizer(TrainingStates.OPTIMIZER, optimizer);
        r.finish();
    }

    @Override
    public void close() {
        trainRows = null;
        optimizer.close();
        net.close();
    }

    private FloatMatrix map(FloatMatrix input, int width, boolean reconstruct) {
        checkWidth(input, "input");
        float[] out = new float[Math.multiplyExact(input.rows(), width)];
        chunks(input, (x, from) -> {
            float[] v = Matrices.values(reconstruct ? net.reconstruct(x) : net.encode(x));
            System.arraycopy(v, 0, out, from * width, v.length);
        });
        return new FloatMatrix(input.rows(), width, out);
    }

    /** Runs {@code action} on chunks of rows shaped as samples, with the index of each chunk's first row. */
    private void chunks(FloatMatrix rows, BiConsumer<INDArray, Integer> action) {
        Shape shape = spec.input();
        for (int from = 0; from < rows.rows(); from += CHUNK) {
            int n = Math.min(CHUNK, rows.rows() - from);
            action.accept(Batches.gather(rows, null, from, n, shape), from);
        }
    }

    private void checkWidth(FloatMatrix m, String what) {
        if (m.cols() != inputSize()) {
            throw new IllegalArgumentException(what + " has " + m.cols() + " columns, this " + spec.path()
                    + " conv-ae stage takes " + inputSize() + " (" + spec.input() + ")");
        }
    }
}
