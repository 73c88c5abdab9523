package io.layerwise.model.rbm.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.ae.StageRows;
import io.layerwise.core.ae.TrainingStates;
import io.layerwise.core.nn.Minibatches;
import io.layerwise.core.nn.ParameterLoad;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.optim.Optimizer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An RBM stage trained by CD-k or PCD-k ({@link Rbm}) with a minibatch {@link Optimizer} (batch 0 starts an epoch of
 * its learning-rate schedule: the engine trains every batch index in order each epoch). Minibatch {@code b} is rows
 * {@code [b*B, min((b+1)*B, N))} in file order; each batch size has its own preallocated {@link GibbsBuffers}.
 * Parameters: {@code W} (visible x hidden), {@code bh} (hidden), {@code bv} (visible). Per epoch it reports:
 * <ul>
 * <li>{@code testReconstructionCE} (Bernoulli) or {@code testReconstructionSE} (Gaussian): mean over held-out rows
 * of the error of {@code v -> p(h|v) -> E[v|h]};</li>
 * <li>{@code freeEnergyGap}: mean {@code F(v)} of the held-out rows minus that of the first
 * {@code min(N, heldOut)} training rows; it grows as the model over-fits;</li>
 * <li>{@code pseudoLogLikelihood} (Bernoulli only): see {@link HeldOutMetrics};</li>
 * <li>after the last epoch, and whenever a restored model is evaluated ({@code layerwise:eval}):
 * {@code testLogLikelihoodAIS} with {@code log Z} by annealed importance sampling ({@link TestLikelihood}, {@link Ais};
 * the {@code ais} field sets runs and temperatures, {@code "runs": 0} skips it).</li>
 * </ul>
 * Its {@link #trainingState()}: the optimizer under {@code optimizer.}, the Gibbs sampler's generator under
 * {@code sampler.}, PCD's chains ({@code chains.started}, 0 or 1, and once started {@code chains.h}, chains x hidden)
 * and each penalty's state under {@code penalty.<i>.}. The pseudo-likelihood's bits and the samples picture draw from
 * generators of their own, seeded afresh at each call, so they carry nothing between epochs.
 */
final class RbmStage implements Stage {
    private static final long PICTURE_SALT = 0x5eed_5a3b1e5L;
    private static final long AIS_SALT = 0x3c6e_f372_fe94_f82bL;
    static final String SAMPLER = "sampler.";
    static final String CHAINS_STARTED = "chains.started";
    static final String CHAINS_H = "chains.h";

    private final RbmSpec spec;
    private final long seed;
    private final Rbm rbm;
    private final Optimizer optimizer;
    private final Sampler sampler;
    private final PersistentChains chains;
    private final Map<Integer, GibbsBuffers> buffers = new HashMap<>();
    /** The chunks of rows evaluated (every epoch) or encoded, kept as the buffers are, so that each exists once. */
    private final Map<List<Integer>, INDArray> evaluatedRows = new HashMap<>();
    /** The held-out metrics' free energies, in arrays kept between epochs. */
    private final FreeEnergyChunks energies;
    private final Consumer<String> log;
    private Minibatches train;
    /** The training rows' column means, for the base model of the likelihood estimate. */
    private double[] columnMeans;

    /** @param seed initialises {@code W} and seeds the Gibbs sampler */
    RbmStage(RbmSpec spec, long seed) {
        this(spec, seed, message -> { });
    }

    /** @param log takes what the stage tells the run's log (the likelihood estimate's time and spread) */
    RbmStage(RbmSpec spec, long seed, Consumer<String> log) {
        this.spec = spec;
        this.seed = seed;
        this.log = log;
        this.rbm = Rbm.initialise(spec.visible(), spec.hidden(), spec.units(), spec.initStd(), seed, DataType.FLOAT);
        this.energies = new FreeEnergyChunks(rbm, evaluatedRows);
        this.optimizer = spec.training().optimizer().create(rbm.parameters());
        this.sampler = new Sampler(seed);
        this.chains = spec.cd().persistent() ? new PersistentChains(spec.hidden(), DataType.FLOAT) : null;
    }

    /**
     * States the stage's memory to {@code context} ({@link StageContext#reserve}, {@link RbmMemory}) and, when the
     * context accepts it, creates the stage: nothing is allocated for a stage that would not fit.
     *
     * @param json the stage's JSON, for the paths a refusal names
     */
    static RbmStage create(RbmSpec spec, Spec json, StageContext context) {
        context.reserve(RbmMemory.estimate(spec, json, context.rows()));
        return new RbmStage(spec, context.seed(), context::log);
    }

    RbmSpec spec() {
        return spec;
    }

    Optimizer optimizer() {
        return optimizer;
    }

    /** The maths, for tests. */
    Rbm rbm() {
        return rbm;
    }

    @Override
    public int inputSize() {
        return spec.visible();
    }

    @Override
    public int outputSize() {
        return spec.hidden();
    }

    @Override
    public String outputRange() {
        return Dataset.UNIT;
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
        columnMeans = TestLikelihood.columnMeans(data);
        return train.count();
    }

    @Override
    public double trainBatch(int batch) {
        if (train == null) {
            throw new IllegalStateException("batch " + batch + " before prepareTraining");
        }
        optimizer.beginBatch(batch);
        INDArray v0 = train.get(batch);
        GibbsBuffers b = buffers.computeIfAbsent((int) v0.rows(), rbm::buffers);
        BatchResult result = optimizer.minibatch(rbm.parameters(), rbm.gradients(), // plain SGD: step fused in the GEMM
                rate -> rbm.descend(v0, b, spec.cd(), chains, sampler, spec.penalties(), spec.trainError(), rate),
                () -> rbm.gradient(v0, b, spec.cd(), chains, sampler, spec.penalties(), spec.trainError()));
        return result.sum(b.batch());
    }

    /**
     * The mean error of the mean-field reconstruction {@code v -> p(h|v) -> E[v|h]} (cross-entropy or squared error):
     * the figure {@link #trainBatch} reports for its minibatch before the update, without penalties, unless the stage's
     * {@code trainError} is "sampled" ({@link TrainError}). Draws no sample.
     */
    @Override
    public double loss(FloatMatrix rows) {
        StageRows.checkWidth(rows, inputSize(), "validation data");
        // the training buffers' map: evaluated every epoch, the chunks allocate nothing after the first
        double error = RowChunks.sum(rows, buffers, evaluatedRows, rbm::buffers,
                (x, b, from) -> rbm.reconstructionError(x, b));
        return rows.rows() == 0 ? Double.NaN : error / rows.rows();
    }

    @Override
    public Map<String, Double> evaluate(FloatMatrix heldOut) {
        StageRows.checkWidth(heldOut, inputSize(), "held-out data");
        Map<String, Double> metrics = new LinkedHashMap<>();
        int n = heldOut.rows();
        metrics.put(spec.units().testMetric(), loss(heldOut));
        if (train != null && n > 0) {
            int m = (int) Math.min(train.size(), n);
            metrics.put("freeEnergyGap", HeldOutMetrics.freeEnergyGap(energies, heldOut, train.rows(0, m)));
        }
        if (spec.units() == VisibleUnits.BERNOULLI && n > 0) {
            metrics.put("pseudoLogLikelihood", pseudoLogLikelihood(heldOut));
        }
        if (spec.ais().enabled() && n > 0 && (optimizer.epoch() < 0 || optimizer.epoch() + 1 >= epochs())) {
            if (columnMeans == null || train.size() == 0) {
                log.accept("rbm: no testLogLikelihoodAIS: no training rows to build the base model from");
            } else {
                try (Sampler s = new Sampler(seed ^ AIS_SALT)) {
                    metrics.putAll(TestLikelihood.metrics(rbm, columnMeans, spec.ais(), heldOut, seed, s,
                            energies::of, log));
                }
            }
        }
        for (Penalty p : spec.penalties()) {
            metrics.putAll(p.epochMetrics());
        }
        return metrics;
    }

    /** See {@link HeldOutMetrics#pseudoLogLikelihood}. */
    double pseudoLogLikelihood(FloatMatrix heldOut) {
        return HeldOutMetrics.pseudoLogLikelihood(energies, heldOut, seed);
    }

    @Override
    public FloatMatrix encode(FloatMatrix input) {
        return StageRows.map(input, inputSize(), outputSize(), buffers, evaluatedRows, rbm::buffers,
                (x, b) -> rbm.hiddenProbabilities(x, b.hPos));
    }

    /** {@code v -> p(h|v) -> E[v|h]}. */
    @Override
    public FloatMatrix reconstruct(FloatMatrix input) {
        return StageRows.map(input, inputSize(), inputSize(), buffers, evaluatedRows, rbm::buffers, (x, b) -> {
            rbm.hiddenProbabilities(x, b.hPos);
            return rbm.visibleMean(b.hPos, b.recon);
        });
    }

    @Override
    public Parameter filters() {
        return StageRows.parameter("W", rbm.weights(), inputSize(), outputSize());
    }

    /** {@code samples}: see {@link SamplesPicture}. Drawn with a generator of its own, so that drawing changes no training. */
    @Override
    public List<Picture> pictures(FloatMatrix heldOut) {
        if (spec.sampleSteps().isEmpty() || heldOut.rows() == 0 || heldOut.cols() != inputSize()) {
            return List.of();
        }
        try (Sampler s = new Sampler(seed ^ PICTURE_SALT)) {
            return List.of(SamplesPicture.draw(rbm, heldOut, spec.sampleSteps(), s));
        }
    }

    @Override
    public DenseLayer encoderLayer() {
        return new DenseLayer(filters(), StageRows.parameter("bh", rbm.hiddenBias(), outputSize()), "sigmoid");
    }

    /** {@code E[v|h]} as a layer: {@code W^T}, {@code bv}, sigmoid (Bernoulli) or identity (Gaussian). */
    @Override
    public DenseLayer decoderLayer() {
        return new DenseLayer(filters().transposed("W^T"), StageRows.parameter("bv", rbm.visibleBias(), inputSize()),
                spec.units() == VisibleUnits.BERNOULLI ? "sigmoid" : "identity");
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(filters(), StageRows.parameter("bh", rbm.hiddenBias(), outputSize()),
                StageRows.parameter("bv", rbm.visibleBias(), inputSize()));
    }

    @Override
    public void restore(List<Parameter> saved) {
        ParameterLoad.intoShapes(List.of(new ParameterLoad.Expected("W", inputSize(), outputSize()),
                new ParameterLoad.Expected("bh", outputSize()), new ParameterLoad.Expected("bv", inputSize())),
                rbm.parameters(), saved); // the order of parameters(): W, bh, bv
        optimizer.reset();
        if (chains != null) {
            chains.reset();
        }
    }

    @Override
    public TrainingState trainingState() {
        TrainingStates.Writer w = new TrainingStates.Writer()
                .optimizer(TrainingStates.OPTIMIZER, optimizer)
                .counters(SAMPLER, sampler.state())
                .penalties(TrainingStates.PENALTY, spec.penalties());
        if (chains != null) {
            w.counter(CHAINS_STARTED, chains.started() ? 1 : 0);
            if (chains.started()) {
                w.array(new Parameter(CHAINS_H, new int[] {chains.count(), outputSize()}, chains.values()));
            }
        }
        return w.build();
    }

    /** After {@link #prepareTraining} (PCD's chains are as many as the first minibatch's rows) and {@link #restore}. */
    @Override
    public void restoreTrainingState(TrainingState state) {
        TrainingStates.Reader r = new TrainingStates.Reader(state);
        Parameter h = null;
        if (chains != null && r.counter(CHAINS_STARTED) != 0) {
            if (train == null) {
                throw new IllegalStateException("restoreTrainingState before prepareTraining");
            }
            int rows = (int) Math.min(spec.training().batch(), train.size());
            h = r.array(CHAINS_H, rows, outputSize());
        }
        r.optimizer(TrainingStates.OPTIMIZER, optimizer);
        r.counters(SAMPLER, sampler::restoreState);
        r.penalties(TrainingStates.PENALTY, spec.penalties());
        r.finish();
        if (h != null) {
            chains.restore(h.shape()[0], h.values());
        } else if (chains != null) {
            chains.reset();
        }
    }

    @Override
    public void close() {
        releaseTraining();
        columnMeans = null;
        buffers.values().forEach(GibbsBuffers::close);
        buffers.clear();
        energies.close();
        evaluatedRows.values().forEach(INDArray::close);
        evaluatedRows.clear();
        optimizer.close();
        sampler.close();
        if (chains != null) {
            chains.close();
        }
        rbm.close();
    }

    private void releaseTraining() {
        if (train != null) {
            train.close();
        }
        train = null;
    }
}
