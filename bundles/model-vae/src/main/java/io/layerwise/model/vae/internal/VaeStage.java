package io.layerwise.model.vae.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import io.layerwise.api.stage.TrainingState;
import io.layerwise.core.ae.Matrices;
import io.layerwise.core.ae.SeededGenerator;
import io.layerwise.core.ae.StageRows;
import io.layerwise.core.ae.TrainingStates;
import io.layerwise.core.nn.Minibatches;
import io.layerwise.core.nn.RowChunks;
import io.layerwise.core.nn.ShuffledRows;
import io.layerwise.core.optim.Optimizer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Vae} stage trained on the negative ELBO with a minibatch {@link Optimizer}. With {@code shuffle} epoch
 * {@code e} visits the training rows in a permutation drawn from {@code (seed, e)} alone (the optimizer's epoch
 * counter), so a resumed run visits them as an uninterrupted one would; without it, in file order. The noise
 * {@code eps} of training comes from the stage's seeded generator, whose state is its {@link #trainingState()}
 * ({@code noise.}) beside the optimizer's. Evaluation, validation, the importance-weighted estimate and the pictures
 * draw from generators of their own, seeded afresh at each call: they change no training stream, and a saved run
 * evaluates to the same figures. Per epoch on held-out rows: {@code testNegativeElbo} = {@code testReconstruction} +
 * {@code testKL} (one z per row, nats per row) and {@code activeUnits}; at the end of the stage
 * {@code testLogLikelihoodIW} ({@link ImportanceWeighted}). The code is the posterior mean.
 */
final class VaeStage implements Stage {
    private static final long EVAL_SALT = 0x6a09_e667_f3bc_c908L;
    private static final long IW_SALT = 0xbb67_ae85_84ca_a73bL;
    private static final long SHUFFLE_SALT = 0x3c6e_f372_fe94_f82bL;
    static final String NOISE = "noise.";
    /** A latent unit is active when the variance of its posterior mean over the rows exceeds this (Burda et al.). */
    static final double ACTIVE = 0.01;

    private final VaeSpec spec;
    private final long seed;
    private final Vae vae;
    private final Optimizer optimizer;
    private final SeededGenerator noise;
    private final Map<Integer, VaeBuffers> buffers = new HashMap<>();
    private Minibatches ordered;
    private ShuffledRows shuffled;
    private int batches;

    VaeStage(VaeSpec spec, long seed) {
        this.spec = spec;
        this.seed = seed;
        this.vae = new Vae(spec.inputs(), spec.hidden(), spec.latent(), spec.decoderHidden(), spec.activation(),
                spec.likelihood(), spec.variance(), seed, DataType.FLOAT);
        this.optimizer = spec.training().optimizer().create(vae.parameters());
        this.noise = new SeededGenerator(seed);
    }

    /** States the stage's memory to {@code context} and, when it fits, creates the stage. */
    static VaeStage create(VaeSpec spec, Spec json, StageContext context) {
        context.reserve(VaeMemory.estimate(spec, json, context.rows()));
        return new VaeStage(spec, context.seed());
    }

    Vae vae() {
        return vae;
    }

    VaeSpec spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return spec.inputs();
    }

    @Override
    public int outputSize() {
        return spec.latent();
    }

    @Override
    public String outputRange() {
        return Dataset.REAL;
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
        int b = spec.training().batch();
        if (spec.shuffle()) {
            shuffled = new ShuffledRows(data, b, seed ^ SHUFFLE_SALT);
            batches = shuffled.count();
        } else {
            ordered = new Minibatches(data, b);
            batches = ordered.count();
        }
        return batches;
    }

    @Override
    public double trainBatch(int batch) {
        if (shuffled == null && ordered == null) {
            throw new IllegalStateException("batch " + batch + " before prepareTraining");
        }
        optimizer.beginBatch(batch);
        int epoch = Math.max(0, optimizer.epoch());
        INDArray x = shuffled == null ? ordered.get(batch) : null;
        VaeBuffers buf = buffers.computeIfAbsent(x == null ? shuffled.rows(batch) : (int) x.rows(), vae::buffers);
        if (x == null) {
            x = shuffled.batch(epoch, batch, buf.input);
        }
        gaussian(buf.eps, noise);
        double w = spec.klWeight(epoch, batch, batches);
        Vae.Terms t = vae.gradient(x, buf, w);
        if (!Double.isFinite(t.kl())) {
            throw new ArithmeticException("KL(q(z|x) || N(0, I)) is " + t.kl() + " in epoch " + (epoch + 1)
                    + ", minibatch " + (batch + 1) + ": the encoder's log-variance overflowed; lower "
                    + spec.pathOf("train.optimizer.lr"));
        }
        optimizer.step(vae.parameters(), vae.gradients());
        return t.objective(w);
    }

    static void gaussian(INDArray out, SeededGenerator g) {
        Nd4j.getExecutioner().exec(new GaussianDistribution(out, 0.0, 1.0), g.random());
    }

    /** The mean negative ELBO (KL weight 1, one z per row), whatever {@code beta}: what {@code val_loss} reports. */
    @Override
    public double loss(FloatMatrix rows) {
        StageRows.checkWidth(rows, inputSize(), "validation data");
        return rows.rows() == 0 ? Double.NaN : elbo(rows, null)[0] / rows.rows();
    }

    @Override
    public Map<String, Double> evaluate(FloatMatrix heldOut) {
        StageRows.checkWidth(heldOut, inputSize(), "held-out data");
        Map<String, Double> metrics = new LinkedHashMap<>();
        int n = heldOut.rows();
        if (n == 0) {
            return metrics;
        }
        double[] meanSums = new double[2 * spec.latent()];
        double[] sums = elbo(heldOut, meanSums);
        metrics.put("testNegativeElbo", sums[0] / n);
        metrics.put("testReconstruction", sums[1] / n);
        metrics.put("testKL", sums[2] / n);
        int active = 0;
        for (int j = 0; j < spec.latent(); j++) {
            double mean = meanSums[j] / n;
            if (meanSums[spec.latent() + j] / n - mean * mean > ACTIVE) {
                active++;
            }
        }
        metrics.put("activeUnits", (double) active);
        return metrics;
    }

    /**
     * Sums over the rows of the negative ELBO, its reconstruction and KL terms, drawing one z per row from a generator
     * seeded afresh; when {@code meanSums} is given, adds each latent unit's sum of {@code mu} and of {@code mu^2}.
     */
    private double[] elbo(FloatMatrix rows, double[] meanSums) {
        double[] sums = new double[3];
        int latent = spec.latent();
        try (SeededGenerator g = new SeededGenerator(seed ^ EVAL_SALT)) {
            RowChunks.sum(rows, vae::buffers, (x, b, from) -> {
                gaussian(b.eps, g);
                Vae.Terms t = vae.terms(x, b);
                sums[0] += t.objective(1.0);
                sums[1] += t.reconstruction();
                sums[2] += t.kl();
                if (meanSums != null) {
                    float[] mu = Matrices.values(b.mu);
                    for (int i = 0; i < mu.length; i++) {
                        meanSums[i % latent] += mu[i];
                        meanSums[latent + i % latent] += (double) mu[i] * mu[i];
                    }
                }
                return 0;
            });
        }
        return sums;
    }

    /** {@code testLogLikelihoodIW} with {@code iwSamples} samples per row; nothing when {@code iwSamples} is 0. */
    @Override
    public Map<String, Double> finalMetrics(FloatMatrix heldOut) {
        StageRows.checkWidth(heldOut, inputSize(), "held-out data");
        if (spec.iwSamples() == 0 || heldOut.rows() == 0) {
            return Map.of();
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        try (SeededGenerator g = new SeededGenerator(seed ^ IW_SALT)) {
            metrics.put("testLogLikelihoodIW", ImportanceWeighted.mean(vae, heldOut, spec.iwSamples(), g));
        }
        return metrics;
    }

    @Override
    public FloatMatrix encode(FloatMatrix input) {
        return StageRows.map(input, inputSize(), outputSize(), vae::buffers, (x, b) -> {
            vae.encode(x, b);
            return b.mu;
        });
    }

    /** The decoder's mean at the posterior mean: {@code E[x | z = mu(x)]}. */
    @Override
    public FloatMatrix reconstruct(FloatMatrix input) {
        return StageRows.map(input, inputSize(), inputSize(), vae::buffers, (x, b) -> {
            vae.encode(x, b);
            return vae.decodeMean(b.mu, b);
        });
    }

    @Override
    public Parameter filters() {
        INDArray w = vae.firstWeights();
        return StageRows.parameter("filters", w, (int) w.rows(), (int) w.columns());
    }

    /** {@code samples}: 64 decodings of z ~ N(0, I); for a 2-D latent, {@code manifold} ({@link VaePictures}). */
    @Override
    public List<Picture> pictures(FloatMatrix heldOut) {
        return VaePictures.draw(vae, seed);
    }

    @Override
    public List<Parameter> parameters() {
        return StageRows.parameters(vae.parameterNames(), vae.parameters());
    }

    @Override
    public void restore(List<Parameter> saved) {
        StageRows.restore(vae.parameterNames(), vae.parameters(), saved);
        optimizer.reset();
    }

    @Override
    public TrainingState trainingState() {
        return new TrainingStates.Writer().optimizer(TrainingStates.OPTIMIZER, optimizer)
                .counters(NOISE, noise.state()).build();
    }

    @Override
    public void restoreTrainingState(TrainingState state) {
        TrainingStates.Reader r = new TrainingStates.Reader(state);
        r.optimizer(TrainingStates.OPTIMIZER, optimizer);
        r.counters(NOISE, s -> noise.restoreState(s, "noise"));
        r.finish();
    }

    @Override
    public void close() {
        releaseTraining();
        buffers.values().forEach(VaeBuffers::close);
        buffers.clear();
        optimizer.close();
        noise.close();
        vae.close();
    }

    private void releaseTraining() {
        if (ordered != null) {
            ordered.close();
        }
        ordered = null;
        shuffled = null;
    }
}
