package io.layerwise.model.rbm.internal;

import io.layerwise.api.data.FloatMatrix;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The held-out log-likelihood {@code log p(v) = -F(v) - log Z}, with {@code log Z} by {@link Ais}, as metrics:
 * {@code testLogLikelihoodAIS} (mean over the rows, nats), {@code aisLogZ}, {@code aisLogWeightStd} (the spread of the
 * runs' log weights) and {@code aisEffectiveRuns}. Bernoulli units score binary vectors: each held-out row is
 * binarised once, pixel {@code i} set to 1 with probability {@code x_i} (the stochastic binarisation of Salakhutdinov
 * and Murray's MNIST), from a generator seeded by the stage's seed, so every epoch and {@code layerwise:eval} score the
 * same vectors. Gaussian units score the rows as they are: a log density in the units of the stage's input (whitened
 * pixels), not comparable with a Bernoulli RBM's figure.
 */
final class TestLikelihood {
    private static final long BINARY_SALT = 0x6a09_e667_f3bc_c908L;

    private TestLikelihood() {
    }

    /**
     * @param columnMeans   the training rows' column means, for the base model
     * @param freeEnergies  {@code F(v)} of each row
     * @param log           where the estimate's time and spread are told
     */
    static Map<String, Double> metrics(Rbm rbm, double[] columnMeans, AisOptions options, FloatMatrix heldOut,
            long seed, Sampler sampler, Function<FloatMatrix, double[]> freeEnergies, Consumer<String> log) {
        long t0 = System.nanoTime();
        float[] a = Ais.baseBiases(columnMeans, rbm.units());
        Ais.Estimate e = Ais.logPartition(rbm, a, options, sampler);
        FloatMatrix scored = rbm.units() == VisibleUnits.BERNOULLI ? binarised(heldOut, seed) : heldOut;
        double sum = 0;
        for (double f : freeEnergies.apply(scored)) {
            sum -= f;
        }
        double ll = sum / scored.rows() - e.logZ();
        log.accept(String.format(Locale.ROOT, "AIS (%d runs, %d temperatures, %.1f s): log Z %.4f, log-weight sd %.4f,"
                + " %.1f effective runs, log Z of the base model %.4f; test log-likelihood %.4f",
                options.runs(), options.temperatures(), (System.nanoTime() - t0) / 1e9, e.logZ(), e.logWeightStd(),
                e.effectiveRuns(), Ais.baseLogPartition(a, rbm.hidden(), rbm.units()), ll));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("testLogLikelihoodAIS", ll);
        m.put("aisLogZ", e.logZ());
        m.put("aisLogWeightStd", e.logWeightStd());
        m.put("aisEffectiveRuns", e.effectiveRuns());
        return m;
    }

    /** Each value {@code x} replaced by 1 with probability {@code x}, else 0. */
    static FloatMatrix binarised(FloatMatrix rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ BINARY_SALT);
        float[] in = rows.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = r.nextDouble() < in[i] ? 1f : 0f;
        }
        return new FloatMatrix(rows.rows(), rows.cols(), out);
    }

    /** Column means of {@code rows} in float64. */
    static double[] columnMeans(FloatMatrix rows) {
        double[] s = new double[rows.cols()];
        float[] d = rows.data();
        for (int r = 0; r < rows.rows(); r++) {
            for (int i = 0; i < s.length; i++) {
                s[i] += d[r * s.length + i];
            }
        }
        for (int i = 0; i < s.length; i++) {
            s[i] /= Math.max(1, rows.rows());
        }
        return s;
    }
}
