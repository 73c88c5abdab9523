package io.layerwise.model.rbm.internal;

import io.layerwise.core.nn.Level1;
import io.layerwise.core.nn.Level3;
import io.layerwise.core.nn.RowHalves;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Expm1;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log1p;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The log partition function {@code log Z} of an RBM B by annealed importance sampling (Neal 2001; Salakhutdinov and
 * Murray 2008). The base model A has no weights, hidden biases 0 and visible biases {@code a} (the data's marginals:
 * {@code a = log(p / (1 - p))} for Bernoulli units, the mean for Gaussian ones), so that, with the hidden units summed
 * out and {@code u = v W + bh},
 * <pre>
 *   log p*_b(v) = (1-b) v.a + b v.bv + sum_j softplus(b u_j)                          (Bernoulli)
 *   log p*_b(v) = -(1-b) |v-a|^2/2 - b |v-bv|^2/2 + sum_j softplus(b u_j)            (Gaussian)
 *   log Z_A     = sum_i softplus(a_i) + H log 2   or   (n/2) log(2 pi) + H log 2
 * </pre>
 * Each of M runs draws {@code v ~ p_A}, then for k = 1..K adds {@code log p*_{b_k}(v) - log p*_{b_{k-1}}(v)} to its
 * log weight and (k < K) moves {@code v} by one Gibbs step that leaves {@code p_{b_k}} invariant:
 * {@code h ~ sigm(b_k u)}, {@code v ~ p(v | (1-b_k) a + b_k (bv + W h))}. Then
 * {@code log Z_B = log Z_A + log mean_m exp(log w_m)}. Each step's increment is formed as a difference, not as two
 * large log densities subtracted ({@code log1p(sigm(b_{k-1} u) expm1((b_k - b_{k-1}) u))} per hidden unit), so float32
 * keeps its relative precision, and the increments are summed on the heap in float64: rounding does not pile up over
 * thousands of temperatures. Being the log of an unbiased estimate of {@code Z},
 * the result is low on average (Jensen), and so a log-likelihood from it is high: more temperatures shrink the gap.
 */
final class Ais {
    /**
     * The estimate.
     *
     * @param logZ           {@code log Z_B}
     * @param logWeightStd   standard deviation of the M log weights (0 when they all agree)
     * @param effectiveRuns  {@code (sum w)^2 / sum w^2}: how many of the M runs carry the estimate
     */
    record Estimate(double logZ, double logWeightStd, double effectiveRuns) {
    }

    private Ais() {
    }

    /**
     * Salakhutdinov and Murray's schedule, scaled to {@code k} steps: the same share of steps (500, 4,000 and 10,000
     * of 14,500) spaced evenly over [0, 0.5], [0.5, 0.9] and [0.9, 1]; {@code k = 14500} gives theirs. Fewer than 3
     * steps are spaced evenly over [0, 1].
     *
     * @return {@code b_0 = 0 < ... < b_k = 1}
     */
    static double[] schedule(int k) {
        double[] b = new double[k + 1];
        if (k < 3) {
            for (int i = 0; i <= k; i++) {
                b[i] = (double) i / k;
            }
            return b;
        }
        int n1 = Math.max(1, (int) Math.round(k * 500.0 / 14_500));
        int n2 = Math.max(1, (int) Math.round(k * 4_000.0 / 14_500));
        int n3 = k - n1 - n2;
        int i = 0;
        for (int s = 0; s < n1; s++) {
            b[i++] = 0.5 * s / n1;
        }
        for (int s = 0; s < n2; s++) {
            b[i++] = 0.5 + 0.4 * s / n2;
        }
        for (int s = 0; s < n3; s++) {
            b[i++] = 0.9 + 0.1 * s / n3;
        }
        b[k] = 1.0;
        return b;
    }

    /**
     * The base model's visible biases from the column means {@code p} of the training rows: {@code log(p / (1 - p))}
     * with {@code p} kept in [1e-3, 1 - 1e-3] for Bernoulli units (a pixel that is always 0 would give minus
     * infinity), {@code p} itself for Gaussian ones.
     */
    static float[] baseBiases(double[] columnMeans, VisibleUnits units) {
        float[] a = new float[columnMeans.length];
        for (int i = 0; i < a.length; i++) {
            double p = columnMeans[i];
            if (units == VisibleUnits.BERNOULLI) {
                p = Math.min(1 - 1e-3, Math.max(1e-3, p));
                a[i] = (float) Math.log(p / (1 - p));
            } else {
                a[i] = (float) p;
            }
        }
        return a;
    }

    /** {@code log Z_A} of the base model with visible biases {@code a} and {@code hidden} hidden units. */
    static double baseLogPartition(float[] a, int hidden, VisibleUnits units) {
        double s = hidden * Math.log(2);
        if (units == VisibleUnits.GAUSSIAN) {
            return s + 0.5 * a.length * Math.log(2 * Math.PI);
        }
        for (float ai : a) {
            s += ai > 0 ? ai + Math.log1p(Math.exp(-ai)) : Math.log1p(Math.exp(ai));
        }
        return s;
    }

    /**
     * Estimates {@code log Z} of {@code rbm} with {@code options.runs()} runs over {@code options.temperatures()}
     * steps of {@link #schedule}.
     *
     * @param a       the base model's visible biases ({@link #baseBiases})
     * @param sampler draws every random state
     */
    static Estimate logPartition(Rbm rbm, float[] a, AisOptions options, Sampler sampler) {
        int m = options.runs();
        int n = rbm.visible();
        int hidden = rbm.hidden();
        if (m < 1 || a.length != n) {
            throw new IllegalArgumentException("AIS needs runs >= 1 and " + n + " base biases, got " + m + " and "
                    + a.length);
        }
        VisibleUnits units = rbm.units();
        double[] b = schedule(options.temperatures());
        double[] logW = new double[m];
        INDArray w = rbm.weights();
        DataType type = w.dataType();
        // the element-wise passes on the runs' two halves, one per core: the same values bit for bit (element by
        // element); on one core they took more than half of the estimate's time (docs/performance.md, "AIS: the
        // element-wise passes on both cores")
        RowHalves halves = new RowHalves(m);
        try (INDArray base = Nd4j.create(a, new long[] {1, n}, type);
                INDArray diff = rbm.visibleBias().sub(base); // bv - a
                INDArray onesM = Nd4j.ones(type, m, 1);
                INDArray onesH = Nd4j.ones(type, hidden, 1);
                INDArray v = Nd4j.createUninitialized(type, m, n);
                INDArray scratch = v.ulike();
                INDArray u = Nd4j.createUninitialized(type, m, hidden);
                INDArray h = u.ulike();
                INDArray e = u.ulike();
                INDArray sums = Nd4j.createUninitialized(type, m, 1)) {
            // the part of the visible term's slope in b that does not depend on v: (|a|^2 - |bv|^2) / 2 (Gaussian)
            double constant = units == VisibleUnits.GAUSSIAN
                    ? 0.5 * (Level1.dot(base, base) - Level1.dot(rbm.visibleBias(), rbm.visibleBias())) : 0;
            Level3.gemm(onesM, base, v, false, false, 1.0, 0.0); // v ~ p_A
            units.meanInPlace(v);
            units.sample(v, v, sampler, scratch);
            for (int k = 1; k <= b.length - 1; k++) {
                double db = b[k] - b[k - 1];
                Level3.gemm(onesM, rbm.hiddenBias(), u, false, false, 1.0, 0.0);
                Level3.gemm(v, w, u, false, false, 1.0, 1.0); // u = v W + bh
                // softplus(b_k u) - softplus(b_{k-1} u) = log1p(sigm(b_{k-1} u) expm1((b_k - b_{k-1}) u)): exact, and
                // accurate to float32's relative precision however small it is (sigm and expm1 never nearly cancel)
                double before = b[k - 1];
                halves.run(u.length(), half -> increments(half.apply(u), half.apply(h), half.apply(e), before, db));
                Level3.gemm(h, onesH, sums, false, false, 1.0, 0.0);
                Level3.gemm(v, diff, sums, false, true, db, 1.0); // + (b_k - b_{k-1}) v.(bv - a)
                double[] s = sums.toDoubleVector();
                for (int r = 0; r < m; r++) {
                    logW[r] += s[r] + db * constant;
                }
                if (k == b.length - 1) {
                    break;
                }
                double now = b[k];
                halves.run(u.length(), half -> sigmoidOfScaled(half.apply(u), half.apply(h), now)); // h ~ sigm(b_k u)
                sampler.bernoulli(h, h);
                Level3.gemm(onesM, base, v, false, false, 1.0, 0.0); // v ~ p(v | (1 - b_k) a + b_k (bv + W h))
                Level3.gemm(onesM, diff, v, false, false, b[k], 1.0);
                Level3.gemm(h, w, v, false, true, b[k], 1.0);
                halves.run(v.length(), half -> units.meanInPlace(half.apply(v)));
                units.sample(v, v, sampler, scratch);
            }
        }
        return estimate(baseLogPartition(a, hidden, units), logW);
    }

    /** {@code h <- log1p(sigm(before u) expm1(db u))} with {@code e} as scratch: the hidden units' increments. */
    private static void increments(INDArray u, INDArray h, INDArray e, double before, double db) {
        sigmoidOfScaled(u, h, before);
        Nd4j.exec(new ScalarMultiplication(u, null, e, db));
        Nd4j.exec(new Expm1(e, e));
        h.muli(e);
        Nd4j.exec(new Log1p(h, h));
    }

    /** {@code h <- sigm(scale u)}. */
    private static void sigmoidOfScaled(INDArray u, INDArray h, double scale) {
        Nd4j.exec(new ScalarMultiplication(u, null, h, scale));
        Nd4j.exec(new Sigmoid(h, h));
    }

    /** {@code log Z_A + log mean exp(logW)} with its spread. */
    static Estimate estimate(double logZA, double[] logW) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logW) {
            max = Math.max(max, x);
        }
        double sum = 0;
        double sumSq = 0;
        double mean = 0;
        for (double x : logW) {
            double e = Math.exp(x - max);
            sum += e;
            sumSq += e * e;
            mean += x / logW.length;
        }
        double var = 0;
        for (double x : logW) {
            var += (x - mean) * (x - mean) / logW.length;
        }
        return new Estimate(logZA + max + Math.log(sum / logW.length), Math.sqrt(var), sum * sum / sumSq);
    }
}
