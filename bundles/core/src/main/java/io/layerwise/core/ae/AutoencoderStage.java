package io.layerwise.core.ae;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.nn.Architecture;
import io.layerwise.core.nn.BatchBuffers;
import io.layerwise.core.nn.DenseAutoencoder;
import io.layerwise.core.nn.Minibatches;
import io.layerwise.core.nn.ParameterLoad;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.optim.Lbfgs;
import io.layerwise.core.optim.Optimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An autoencoder stage (plain or denoising) trained by a minibatch {@link Optimizer} on {@link DenseAutoencoder}.
 * Batch 0 starts a new epoch ({@link Optimizer#startEpoch}, which applies the learning-rate schedule), since the
 * engine trains every batch index in order each epoch. Minibatch
 * {@code b} is rows {@code [b*B, min((b+1)*B, N))} in file order, so the last batch may be partial; each batch
 * size has its own preallocated {@link BatchBuffers}. The training rows are uploaded once per
 * {@link #prepareTraining} and batches are row views of that array. Parameters: {@code W} (inputs x hidden),
 * {@code bh} (hidden), {@code bv} (inputs) and, when untied, {@code Wdec} (inputs x hidden, the decoder computes
 * {@code y Wdec^T}). With {@link Lbfgs} an epoch is one iteration on a fixed batch (see {@link #trainBatch}). Its {@link #trainingState()}: the optimizer under {@code optimizer.}, the corruption's generator
 * under {@code corruption.} (a denoising autoencoder's) and each penalty's state under {@code penalty.<i>.} (see
 * {@link TrainingStates}).
 */
public class AutoencoderStage implements Stage {
    static final String CORRUPTION = "corruption.";
    private final AutoencoderSpec spec;
    private final DenseAutoencoder ae;
    private final Optimizer optimizer;
    private final Corruption corruption;
    private final Map<Integer, BatchBuffers> buffers = new HashMap<>();
    /** The chunks of rows evaluated (every epoch) or encoded, kept as the buffers are, so that each exists once. */
    private final Map<List<Integer>, INDArray> evaluatedRows = new HashMap<>();
    private Minibatches train;
    /** Training rows of the epoch: the engine divides {@link #trainBatch}'s sums by it. */
    private int trainRows;
    /** Why a full-batch optimizer stops (converged, no lower point), null while it goes on. */
    private String stopReason;

    /**
     * @param seed       initialises the parameters ({@link io.layerwise.core.nn.UniformInit})
     * @param corruption applied to each training minibatch; {@link Corruption#NONE} for a plain autoencoder
     */
    public AutoencoderStage(AutoencoderSpec spec, long seed, Corruption corruption) {
        this.spec = spec;
        this.ae = DenseAutoencoder.initialise(spec.architecture(), seed, DataType.FLOAT);
        this.optimizer = spec.training().optimizer().create(ae.parameters());
        this.corruption = corruption;
    }

    /**
     * States the stage's memory to {@code context} ({@link StageContext#reserve}, {@link AutoencoderMemory}) and, when
     * the context accepts it, creates the stage: nothing is allocated for a stage that would not fit. The corruption is
     * closed when the stage is refused.
     *
     * @param json the stage's JSON, for the paths a refusal names
     */
    public static AutoencoderStage create(AutoencoderSpec spec, Spec json, StageContext context, Corruption corruption) {
        try {
            if (spec.training().fullBatch() && corruption != Corruption.NONE) {
                throw new SpecException(json.object("train").object("optimizer").pathOf("kind"), "\""
                        + spec.training().optimizer().options().kind() + "\" needs the same objective at every"
                        + " evaluation, but this stage draws new noise for each; use a minibatch optimizer");
            }
            context.reserve(AutoencoderMemory.estimate(spec, json, context.rows(), corruption != Corruption.NONE));
        } catch (RuntimeException e) {
            corruption.close();
            throw e;
        }
        return new AutoencoderStage(spec, context.seed(), corruption);
    }

    public AutoencoderSpec spec() {
        return spec;
    }

    /** The optimizer, for checkpoints ({@link Optimizer#state}), tests and diagnostics. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The underlying maths, for tests and diagnostics. */
    public DenseAutoencoder autoencoder() {
        return ae;
    }

    @Override
    public int inputSize() {
        return spec.architecture().inputs();
    }

    @Override
    public int outputSize() {
        return spec.architecture().hidden();
    }

    @Override
    public String outputRange() {
        return spec.architecture().encoder().unitRange() ? Dataset.UNIT : Dataset.REAL;
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
        StageRows.checkWidth(data, inputSize(), "training data");
        releaseTraining();
        train = new Minibatches(data, spec.training().batch());
        trainRows = data.rows();
        stopReason = null;
        return spec.training().fullBatch() ? 1 : train.count();
    }

    @Override
    public double trainBatch(int batch) {
        if (train == null) {
            throw new IllegalStateException("batch " + batch + " before prepareTraining");
        }
        optimizer.beginBatch(batch);
        if (optimizer instanceof Lbfgs lbfgs) {
            return iterate(lbfgs);
        }
        INDArray clean = train.get(batch);
        BatchBuffers b = buffers.computeIfAbsent((int) clean.rows(), ae::buffers);
        INDArray input = corruption.apply(clean, b.corruptedIfNeeded(corruption != Corruption.NONE));
        DenseAutoencoder.Objective objective = optimizer.minibatch(ae.parameters(), ae.gradients(),
                rate -> ae.descend(input, clean, b, spec.penalties(), rate), // plain SGD: the step rides on the products
                () -> ae.gradient(input, clean, b, spec.penalties()));
        return objective.sum(b.batch());
    }

    /**
     * One L-BFGS iteration on the fixed batch (the first {@code train.batch} rows). The penalties' counters are reset
     * before every evaluation, so that the epoch's metrics (kl-sparsity's {@code meanActivation}) describe the
     * parameters the iteration ends at, not the line search's trial points.
     *
     * @return the objective at the new parameters times the training rows, so that the engine's mean is the objective
     */
    private double iterate(Lbfgs lbfgs) {
        INDArray x = train.get(0);
        int rows = (int) x.rows();
        BatchBuffers b = buffers.computeIfAbsent(rows, ae::buffers);
        Lbfgs.Iteration it = lbfgs.iterate(ae.parameters(), ae.gradients(), () -> {
            for (Penalty p : spec.penalties()) {
                p.epochMetrics();
            }
            return ae.gradient(x, x, b, spec.penalties()).mean(rows);
        });
        stopReason = it.stop() == null ? null : "lbfgs " + it.stop();
        return it.value() * trainRows;
    }

    /** Set by a full-batch optimizer when it converged or can go no lower. */
    @Override
    public String stopReason() {
        return stopReason;
    }

    /** The mean reconstruction loss of the clean rows: no corruption, no penalties. */
    @Override
    public double loss(FloatMatrix rows) {
        StageRows.checkWidth(rows, inputSize(), "validation data");
        // the training buffers' map: evaluated every epoch, the chunks allocate nothing after the first
        double sum = RowChunks.sum(rows, buffers, evaluatedRows, ae::buffers, (x, b, from) -> ae.reconstructionLoss(x, b));
        return rows.rows() == 0 ? Double.NaN : sum / rows.rows();
    }

    @Override
    public Map<String, Double> evaluate(FloatMatrix heldOut) {
        StageRows.checkWidth(heldOut, inputSize(), "held-out data");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(spec.architecture().loss().testMetric(), loss(heldOut));
        for (Penalty p : spec.penalties()) {
            metrics.putAll(p.epochMetrics());
        }
        return metrics;
    }

    @Override
    public FloatMatrix encode(FloatMatrix input) {
        return StageRows.map(input, inputSize(), outputSize(), buffers, evaluatedRows, ae::buffers,
                (x, b) -> ae.encode(x, b));
    }

    @Override
    public FloatMatrix reconstruct(FloatMatrix input) {
        return StageRows.map(input, inputSize(), inputSize(), buffers, evaluatedRows, ae::buffers,
                (x, b) -> ae.reconstruct(x, b));
    }

    /** The training corruption applied to {@code input} (null for a plain autoencoder), for pictures. */
    @Override
    public FloatMatrix corrupt(FloatMatrix input) {
        if (corruption == Corruption.NONE) {
            return null;
        }
        StageRows.checkWidth(input, inputSize(), "input");
        try (INDArray clean = Matrices.upload(input); INDArray out = clean.ulike()) {
            return new FloatMatrix(input.rows(), input.cols(), Matrices.values(corruption.apply(clean, out)));
        }
    }

    @Override
    public Parameter filters() {
        return StageRows.parameter("W", ae.weights(), inputSize(), outputSize());
    }

    @Override
    public DenseLayer encoderLayer() {
        return new DenseLayer(filters(), StageRows.parameter("bh", ae.hiddenBias(), outputSize()),
                spec.architecture().encoder().jsonName());
    }

    /** {@code W^T} (or {@code Wdec^T}), {@code bv} and the decoder's activation: the mirror of the encoder. */
    @Override
    public DenseLayer decoderLayer() {
        INDArray d = ae.decoderWeights() != null ? ae.decoderWeights() : ae.weights(); // inputs x hidden
        return new DenseLayer(StageRows.parameter("Wdec", d, inputSize(), outputSize()).transposed("Wdec^T"),
                StageRows.parameter("bv", ae.visibleBias(), inputSize()),
                spec.architecture().decoder().jsonName());
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        p.add(filters());
        p.add(StageRows.parameter("bh", ae.hiddenBias(), outputSize()));
        p.add(StageRows.parameter("bv", ae.visibleBias(), inputSize()));
        if (ae.decoderWeights() != null) {
            p.add(StageRows.parameter("Wdec", ae.decoderWeights(), inputSize(), outputSize()));
        }
        return p;
    }

    @Override
    public void restore(List<Parameter> saved) {
        List<ParameterLoad.Expected> expected = new ArrayList<>(List.of(
                new ParameterLoad.Expected("W", inputSize(), outputSize()),
                new ParameterLoad.Expected("bh", outputSize()), new ParameterLoad.Expected("bv", inputSize())));
        if (ae.decoderWeights() != null) {
            expected.add(new ParameterLoad.Expected("Wdec", inputSize(), outputSize()));
        }
        ParameterLoad.intoShapes(expected, ae.parameters(), saved); // the order of parameters(): W, bh, bv, Wdec
        optimizer.reset();
    }

    /** Optimizer, corruption and penalties; nothing else carries from one epoch to the next. */
    @Override
    public TrainingState trainingState() {
        return new TrainingStates.Writer()
                .optimizer(TrainingStates.OPTIMIZER, optimizer)
                .counters(CORRUPTION, corruption.state())
                .penalties(TrainingStates.PENALTY, spec.penalties())
                .build();
    }

    @Override
    public void restoreTrainingState(TrainingState state) {
        TrainingStates.Reader r = new TrainingStates.Reader(state);
        r.optimizer(TrainingStates.OPTIMIZER, optimizer);
        r.counters(CORRUPTION, corruption::restoreState);
        r.penalties(TrainingStates.PENALTY, spec.penalties());
        r.finish();
    }

    @Override
    public void close() {
        releaseTraining();
        buffers.values().forEach(BatchBuffers::close);
        buffers.clear();
        evaluatedRows.values().forEach(INDArray::close);
        evaluatedRows.clear();
        optimizer.close();
        corruption.close();
        ae.close();
    }

    private void releaseTraining() {
        if (train != null) {
            train.close();
        }
        train = null;
    }
}
