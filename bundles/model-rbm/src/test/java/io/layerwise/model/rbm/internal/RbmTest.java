package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.core.optim.Sgd;
import io.layerwise.testing.QuadraticTestPenalty;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The RBM's mathematics in float64 on a 4 x 3 machine small enough to enumerate: all 16 visible and 8 hidden
 * states, so that conditionals, free energies, the partition function and the exact log-likelihood gradient are
 * sums over states computed here from the energy alone.
 */
class RbmTest {
    static final int V = 4;
    static final int H = 3;

    /** A 4 x 3 float64 RBM with W ~ N(0, 1) and biases ~ N(0, 0.5^2), so that no state is negligible. */
    static Rbm tiny(VisibleUnits units, long seed) {
        return tiny(units, seed, 1.0);
    }

    static Rbm tiny(VisibleUnits units, long seed, double weightStd) {
        Rbm rbm = Rbm.initialise(V, H, units, weightStd, seed, DataType.DOUBLE);
        Random r = new Random(seed);
        for (int j = 0; j < H; j++) {
            rbm.hiddenBias().putScalar(0, j, 0.5 * r.nextGaussian());
        }
        for (int i = 0; i < V; i++) {
            rbm.visibleBias().putScalar(0, i, 0.5 * r.nextGaussian());
        }
        return rbm;
    }

    /** {@code E(v,h)} straight from its definition. */
    static double energy(Rbm rbm, VisibleUnits units, double[] v, double[] h) {
        double e = 0;
        for (int i = 0; i < V; i++) {
            double b = rbm.visibleBias().getDouble(0, i);
            e += units == VisibleUnits.BERNOULLI ? -b * v[i] : (v[i] - b) * (v[i] - b) / 2;
        }
        for (int j = 0; j < H; j++) {
            e -= rbm.hiddenBias().getDouble(0, j) * h[j];
            for (int i = 0; i < V; i++) {
                e -= v[i] * rbm.weights().getDouble(i, j) * h[j];
            }
        }
        return e;
    }

    /** Binary state number {@code s} of {@code n} units, unit 0 the lowest bit. */
    static double[] state(int s, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (s >> i) & 1;
        }
        return x;
    }

    static INDArray rows(double[]... r) {
        return Nd4j.create(r).castTo(DataType.DOUBLE);
    }

    @Test
    void conditionalProbabilitiesMatchBruteForceEnumeration() {
        try (Rbm rbm = tiny(VisibleUnits.BERNOULLI, 1)) {
            // p(h_j = 1 | v) = sum_{h: h_j = 1} exp(-E(v,h)) / sum_h exp(-E(v,h)), for binary and grey v
            double[][] vs = {state(0, V), state(5, V), state(15, V), {0.2, 0.9, 0.5, 0.0}};
            INDArray p = rbm.hiddenProbabilities(rows(vs), Nd4j.create(DataType.DOUBLE, vs.length, H));
            for (int n = 0; n < vs.length; n++) {
                double[] on = new double[H];
                double z = 0;
                for (int s = 0; s < 1 << H; s++) {
                    double[] h = state(s, H);
                    double weight = Math.exp(-energy(rbm, VisibleUnits.BERNOULLI, vs[n], h));
                    z += weight;
                    for (int j = 0; j < H; j++) {
                        on[j] += h[j] * weight;
                    }
                }
                for (int j = 0; j < H; j++) {
                    assertEquals(on[j] / z, p.getDouble(n, j), 1e-12, "p(h_" + j + " | v" + n + ")");
                }
            }
            // p(v_i = 1 | h), for every h
            double[][] hs = new double[1 << H][];
            for (int s = 0; s < hs.length; s++) {
                hs[s] = state(s, H);
            }
            INDArray q = rbm.visibleMean(rows(hs), Nd4j.create(DataType.DOUBLE, hs.length, V));
            for (int s = 0; s < hs.length; s++) {
                double[] on = new double[V];
                double z = 0;
                for (int t = 0; t < 1 << V; t++) {
                    double[] v = state(t, V);
                    double weight = Math.exp(-energy(rbm, VisibleUnits.BERNOULLI, v, hs[s]));
                    z += weight;
                    for (int i = 0; i < V; i++) {
                        on[i] += v[i] * weight;
                    }
                }
                for (int i = 0; i < V; i++) {
                    assertEquals(on[i] / z, q.getDouble(s, i), 1e-12, "p(v_" + i + " | h" + s + ")");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(VisibleUnits.class)
    void freeEnergyIsMinusTheLogOfTheSumOverHiddenStates(VisibleUnits units) {
        try (Rbm rbm = tiny(units, 2)) {
            double[][] vs = {state(0, V), state(9, V), state(15, V), {0.3, -1.2, 2.5, 0.7}};
            double[] f = rbm.freeEnergy(rows(vs));
            for (int n = 0; n < vs.length; n++) {
                double sum = 0;
                for (int s = 0; s < 1 << H; s++) {
                    sum += Math.exp(-energy(rbm, units, vs[n], state(s, H)));
                }
                assertEquals(-Math.log(sum), f[n], 1e-12, units + " F(v" + n + ")");
            }
        }
    }

    /** The exact gradient of the mean log-likelihood of {@code data}: {@code <v h>_data - <v h>_model}, W then bh then bv. */
    static double[] exactLogLikelihoodGradient(Rbm rbm, double[][] data) {
        double[] g = new double[V * H + H + V];
        accumulate(rbm, data, g, 1.0 / data.length);
        double[][] all = new double[1 << V][];
        for (int t = 0; t < all.length; t++) {
            all[t] = state(t, V);
        }
        double[] f = rbm.freeEnergy(rows(all));
        double z = 0;
        for (double fv : f) {
            z += Math.exp(-fv);
        }
        for (int t = 0; t < all.length; t++) {
            accumulate(rbm, new double[][] {all[t]}, g, -Math.exp(-f[t]) / z);
        }
        return g;
    }

    /** {@code g += weight * sum_v [v p(h|v)^T, p(h|v), v]}. */
    private static void accumulate(Rbm rbm, double[][] vs, double[] g, double weight) {
        INDArray p = rbm.hiddenProbabilities(rows(vs), Nd4j.create(DataType.DOUBLE, vs.length, H));
        for (int n = 0; n < vs.length; n++) {
            for (int i = 0; i < V; i++) {
                for (int j = 0; j < H; j++) {
                    g[i * H + j] += weight * vs[n][i] * p.getDouble(n, j);
                }
            }
            for (int j = 0; j < H; j++) {
                g[V * H + j] += weight * p.getDouble(n, j);
            }
            for (int i = 0; i < V; i++) {
                g[V * H + H + i] += weight * vs[n][i];
            }
        }
    }

    /** Minus the CD gradient (which is written for descent), averaged over {@code copies} chains per data row. */
    static double[] cdEstimate(Rbm rbm, double[][] data, int copies, ContrastiveDivergence cd, long seed) {
        double[][] batch = new double[data.length * copies][];
        for (int c = 0; c < copies; c++) {
            for (int n = 0; n < data.length; n++) {
                batch[c * data.length + n] = data[n];
            }
        }
        try (GibbsBuffers b = rbm.buffers(batch.length); Sampler s = new Sampler(seed)) {
            rbm.gradient(rows(batch), b, cd, null, s, List.of(), TrainError.MEAN_FIELD);
        }
        double[] g = new double[V * H + H + V];
        List<INDArray> grads = rbm.gradients();
        for (int i = 0; i < V * H; i++) {
            g[i] = -grads.get(0).getDouble(i / H, i % H);
        }
        for (int j = 0; j < H; j++) {
            g[V * H + j] = -grads.get(1).getDouble(0, j);
        }
        for (int i = 0; i < V; i++) {
            g[V * H + H + i] = -grads.get(2).getDouble(0, i);
        }
        return g;
    }

    static double maxAbsDifference(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /**
     * Every entry of the estimate is a mean over 24,000 chains of a quantity in [-1, 1] (v h, h or v at the chain's
     * end, minus the data term, which is exact), so its standard error is at most {@code 1 / sqrt(24000) = 0.0065};
     * tolerance 0.025, about 4 standard errors. The weights (W ~ N(0, 3^2)) make the chain mix slowly, so that
     * CD-1 and CD-5 from the same start are off by far more than that: their bias is what the long chains remove.
     */
    @Test
    void cdKWithLongChainsEstimatesTheExactLogLikelihoodGradient() {
        double[][] data = {state(3, V), state(12, V), state(5, V), state(15, V), state(0, V), state(6, V)};
        try (Rbm rbm = tiny(VisibleUnits.BERNOULLI, 3, 3.0)) {
            double[] exact = exactLogLikelihoodGradient(rbm, data);
            double err100 = maxAbsDifference(exact, cdEstimate(rbm, data, 4000, new ContrastiveDivergence(100, false, true), 11));
            double err5 = maxAbsDifference(exact, cdEstimate(rbm, data, 4000, new ContrastiveDivergence(5, false, true), 11));
            double err1 = maxAbsDifference(exact, cdEstimate(rbm, data, 4000, new ContrastiveDivergence(1, false, true), 11));
            assertTrue(err100 < 0.025, "CD-100 vs exact: worst entry off by " + err100);
            assertTrue(err5 > 4 * 0.025 && err1 > err5, "CD-1 and CD-5 are biased here: " + err1 + ", " + err5);
        }
    }

    @Test
    void gaussianVisibleUnitsHaveMeanBvPlusWhAndUnitVariance() {
        int n = 40_000;
        try (Rbm rbm = tiny(VisibleUnits.GAUSSIAN, 4); Sampler s = new Sampler(5)) {
            double[] h = {1, 0, 1};
            double[][] hs = new double[n][];
            java.util.Arrays.fill(hs, h);
            INDArray mean = rbm.visibleMean(rows(hs), Nd4j.create(DataType.DOUBLE, n, V));
            INDArray v = mean.ulike();
            VisibleUnits.GAUSSIAN.sample(mean, v, s, v.ulike());
            for (int i = 0; i < V; i++) {
                double expected = rbm.visibleBias().getDouble(0, i) + rbm.weights().getDouble(i, 0)
                        + rbm.weights().getDouble(i, 2);
                assertEquals(expected, mean.getDouble(0, i), 1e-12, "E[v_" + i + " | h]");
                INDArray col = v.getColumn(i);
                // standard errors: 1/sqrt(n) = 0.005 for the mean, sqrt(2/n) = 0.007 for the variance
                assertEquals(expected, col.meanNumber().doubleValue(), 0.025, "sample mean of v_" + i);
                assertEquals(1.0, col.varNumber().doubleValue(), 0.035, "sample variance of v_" + i);
            }
        }
    }

    @Test
    void bernoulliDrawsAreOneWithTheirProbability() {
        int n = 40_000;
        INDArray p = Nd4j.create(DataType.FLOAT, n, 4);
        double[] probs = {0, 0.1, 0.5, 1};
        for (int j = 0; j < 4; j++) {
            p.getColumn(j).assign(probs[j]);
        }
        try (Sampler s = new Sampler(6)) {
            INDArray draw = p.ulike();
            s.bernoulli(p, draw);
            for (int j = 0; j < 4; j++) {
                INDArray col = draw.getColumn(j);
                double ones = col.sumNumber().doubleValue();
                assertEquals(n, col.eq(0).castTo(DataType.INT).sumNumber().intValue() + (int) ones, "only 0 and 1");
                assertEquals(probs[j], ones / n, 5 * Math.sqrt(0.25 / n), "frequency of 1 at p = " + probs[j]);
            }
            s.bernoulli(p, p); // in place
            assertEquals(0.4, p.meanNumber().doubleValue(), 5 * Math.sqrt(0.25 / (4.0 * n)));
        }
    }

    /**
     * PCD's negative phase does not look at the minibatch: two machines in the same state, with chains in the same
     * state and generators seeded alike, given different second minibatches, differ in their gradients by exactly
     * the difference of the positive phases. (Under CD the chains start at the data, so they would differ more.)
     */
    @Test
    void persistentChainsCarryOverAndIgnoreTheNextMinibatch() {
        Random r = new Random(7);
        double[][] first = new double[5][];
        double[][] secondA = new double[5][];
        double[][] secondB = new double[5][];
        for (int n = 0; n < 5; n++) {
            first[n] = state(r.nextInt(16), V);
            secondA[n] = state(r.nextInt(16), V);
            secondB[n] = state(r.nextInt(16), V);
        }
        ContrastiveDivergence pcd = new ContrastiveDivergence(2, true, true);
        List<double[]> grads = new ArrayList<>();
        for (double[][] second : new double[][][] {secondA, secondB}) {
            try (Rbm rbm = tiny(VisibleUnits.BERNOULLI, 8); GibbsBuffers b = rbm.buffers(5); Sampler s = new Sampler(9);
                    PersistentChains chains = new PersistentChains(H, DataType.DOUBLE)) {
                rbm.gradient(rows(first), b, pcd, chains, s, List.of(), TrainError.MEAN_FIELD);
                assertTrue(chains.started());
                INDArray state = chains.rows(5);
                assertEquals(state.length(), state.eq(0).castTo(DataType.INT).sumNumber().intValue()
                        + state.sumNumber().intValue(), "chain states are binary");
                rbm.gradient(rows(second), b, pcd, chains, s, List.of(), TrainError.MEAN_FIELD);
                grads.add(rbm.gradients().get(0).dup().data().asDouble());
                double[] positive = new double[V * H];
                INDArray p = rbm.hiddenProbabilities(rows(second), Nd4j.create(DataType.DOUBLE, 5, H));
                for (int n = 0; n < 5; n++) {
                    for (int i = 0; i < V; i++) {
                        for (int j = 0; j < H; j++) {
                            positive[i * H + j] += second[n][i] * p.getDouble(n, j) / 5;
                        }
                    }
                }
                grads.add(positive);
            }
        }
        for (int e = 0; e < V * H; e++) {
            double gradientDifference = grads.get(0)[e] - grads.get(2)[e];
            double positiveDifference = grads.get(1)[e] - grads.get(3)[e];
            assertEquals(-positiveDifference, gradientDifference, 1e-12, "entry " + e);
        }
    }

    /**
     * With generators seeded alike the samples are identical, so a penalty's share of the gradient is the
     * difference between runs with and without it: {@code c W} on W, {@code d bh} on bh (not bv), and a penalty
     * {@code (a/2B) sum p(h|v)^2} on the activations enters through the sigmoid's slope:
     * {@code V^T (a/B H * H(1-H))} on W, its column sums on bh.
     */
    @Test
    void penaltiesEnterTheGradientInTheDocumentedPlaces() {
        double a = 0.3;
        double c = 0.05;
        double d = 0.2;
        double[][] data = {state(3, V), state(12, V), {0.5, 0.1, 0.9, 0.3}, state(15, V), state(6, V)};
        int batch = data.length;
        ContrastiveDivergence cd = new ContrastiveDivergence(1, false, false);
        try (Rbm rbm = tiny(VisibleUnits.BERNOULLI, 10); GibbsBuffers b = rbm.buffers(batch)) {
            BatchResult plain;
            try (Sampler s = new Sampler(12)) {
                plain = rbm.gradient(rows(data), b, cd, null, s, List.of(), TrainError.MEAN_FIELD);
            }
            List<INDArray> without = rbm.gradients().stream().map(INDArray::dup).toList();
            BatchResult penalised;
            try (Sampler s = new Sampler(12)) {
                penalised = rbm.gradient(rows(data), b, cd, null, s, List.of(new QuadraticTestPenalty(a, c, d)),
                        TrainError.MEAN_FIELD);
            }
            List<INDArray> with = rbm.gradients();
            INDArray v = rows(data);
            INDArray h = rbm.hiddenProbabilities(v, Nd4j.create(DataType.DOUBLE, batch, H));
            INDArray slope = h.mul(h.rsub(1.0)).muli(h).muli(a / batch); // a/B h * h(1-h)
            INDArray expectedW = v.transpose().mmul(slope).addi(rbm.weights().mul(c));
            INDArray expectedBh = slope.sum(0).reshape(1, H).addi(rbm.hiddenBias().mul(d));
            assertTrue(with.get(0).sub(without.get(0)).equalsWithEps(expectedW, 1e-12), "W");
            assertTrue(with.get(1).sub(without.get(1)).equalsWithEps(expectedBh, 1e-12), "bh");
            assertTrue(with.get(2).equalsWithEps(without.get(2), 1e-15), "bv untouched");
            assertEquals(plain.errorSum(), penalised.errorSum(), 1e-12);
            double expectedP = a / (2 * batch) * h.mul(h).sumNumber().doubleValue()
                    + c / 2 * rbm.weights().mul(rbm.weights()).sumNumber().doubleValue()
                    + d / 2 * rbm.hiddenBias().mul(rbm.hiddenBias()).sumNumber().doubleValue();
            assertEquals(expectedP, penalised.penalty(), 1e-12);
        }
    }

    /**
     * {@code trainError: "sampled"}: the same gradient as with the mean-field report (the chain is the same; only the
     * reported figure differs), and the figure is the error of {@code E[v_1 | h_0]} against {@code v0} for the
     * {@code h_0} the chain drew, recomputed here from the definition with a sampler of the same seed: cross-entropy
     * for Bernoulli units, squared error for Gaussian ones; CD-1 and CD-3, float64.
     */
    @ParameterizedTest
    @EnumSource(VisibleUnits.class)
    void sampledTrainErrorIsTheChainsFirstReconstructionAndLeavesTheGradientAlone(VisibleUnits units) {
        double[][] data = {state(3, V), state(12, V), {0.5, 0.1, 0.9, 0.3}, state(15, V), state(6, V)};
        int batch = data.length;
        for (int k : new int[] {1, 3}) {
            ContrastiveDivergence cd = new ContrastiveDivergence(k, false, false);
            try (Rbm rbm = tiny(units, 10); GibbsBuffers b = rbm.buffers(batch)) {
                BatchResult meanField;
                try (Sampler s = new Sampler(12)) {
                    meanField = rbm.gradient(rows(data), b, cd, null, s, List.of(), TrainError.MEAN_FIELD);
                }
                List<INDArray> expected = rbm.gradients().stream().map(INDArray::dup).toList();
                BatchResult sampled;
                try (Sampler s = new Sampler(12)) {
                    sampled = rbm.gradient(rows(data), b, cd, null, s, List.of(), TrainError.SAMPLED);
                }
                for (int p = 0; p < 3; p++) {
                    assertTrue(expected.get(p).equalsWithEps(rbm.gradients().get(p), 1e-12), units + " CD-" + k + " " + p);
                }
                INDArray v = rows(data);
                INDArray h0 = Nd4j.create(DataType.DOUBLE, batch, H);
                try (Sampler s = new Sampler(12)) {
                    s.bernoulli(rbm.hiddenProbabilities(v, Nd4j.create(DataType.DOUBLE, batch, H)), h0);
                }
                double want = 0;
                for (int r = 0; r < batch; r++) {
                    for (int i = 0; i < V; i++) {
                        double a = rbm.visibleBias().getDouble(0, i);
                        for (int j = 0; j < H; j++) {
                            a += h0.getDouble(r, j) * rbm.weights().getDouble(i, j);
                        }
                        double x = data[r][i];
                        want += units == VisibleUnits.BERNOULLI ? Math.log1p(Math.exp(a)) - x * a : (a - x) * (a - x);
                    }
                }
                assertEquals(want, sampled.errorSum(), 1e-9 * want, units + " CD-" + k);
                assertTrue(Math.abs(want - meanField.errorSum()) > 1e-3, "the two figures differ: " + want);
            }
        }
    }

    @Test
    void sampledTrainErrorRefusesPersistentChains() {
        try (Rbm rbm = tiny(VisibleUnits.BERNOULLI, 10); GibbsBuffers b = rbm.buffers(2);
                PersistentChains chains = new PersistentChains(H, DataType.DOUBLE); Sampler s = new Sampler(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rbm.gradient(rows(state(1, V), state(2, V)), b, new ContrastiveDivergence(1, true, true), chains,
                            s, List.of(), TrainError.SAMPLED));
            assertTrue(e.getMessage().contains("needs CD"), e.getMessage());
        }
    }

    /**
     * {@code descend} (the weight update inside the gradient's product) against {@code gradient} and then the plain
     * SGD step, in float32 as training runs: CD-1 and PCD-2 with sampled visibles, with and without penalties, over
     * three minibatches so that the chains and the parameters carry over.
     */
    @ParameterizedTest(name = "penalty={0}")
    @ValueSource(booleans = {false, true})
    void descendEqualsGradientThenPlainSgd(boolean penalty) {
        double lr = 0.2;
        int batch = 6;
        int visible = 10;
        List<Penalty> penalties = penalty ? List.of(new QuadraticTestPenalty(0.3, 0.05, 0.2)) : List.of();
        for (ContrastiveDivergence cd : List.of(new ContrastiveDivergence(1, false, false),
                new ContrastiveDivergence(2, true, true))) {
            for (TrainError error : cd.persistent() ? List.of(TrainError.MEAN_FIELD) : List.of(TrainError.values())) {
                try (Rbm fused = Rbm.initialise(visible, H, VisibleUnits.BERNOULLI, 0.3, 4, DataType.FLOAT);
                        Rbm reference = Rbm.initialise(visible, H, VisibleUnits.BERNOULLI, 0.3, 4, DataType.FLOAT);
                        GibbsBuffers bf = fused.buffers(batch);
                        GibbsBuffers br = reference.buffers(batch);
                        PersistentChains cf = cd.persistent() ? new PersistentChains(H, DataType.FLOAT) : null;
                        PersistentChains cr = cd.persistent() ? new PersistentChains(H, DataType.FLOAT) : null;
                        Sampler sf = new Sampler(21);
                        Sampler sr = new Sampler(21);
                        Sgd sgd = new Sgd(new Sgd.Options(lr, 0), reference.parameters())) {
                    Random r = new Random(8);
                    for (int step = 0; step < 3; step++) {
                        double[][] data = new double[batch][visible];
                        for (double[] row : data) {
                            for (int i = 0; i < visible; i++) {
                                row[i] = r.nextDouble() < 0.4 ? 1 : 0;
                            }
                        }
                        INDArray v = rows(data).castTo(DataType.FLOAT);
                        BatchResult f = fused.descend(v, bf, cd, cf, sf, penalties, error, lr);
                        BatchResult g = reference.gradient(v, br, cd, cr, sr, penalties, error);
                        sgd.step(reference.parameters(), reference.gradients());
                        assertEquals(g.errorSum(), f.errorSum(), 1e-5 * Math.abs(g.errorSum()), cd + " error, step " + step);
                        assertEquals(g.penalty(), f.penalty(), 1e-5 * Math.abs(g.penalty()) + 1e-9, cd + " penalty, step " + step);
                    }
                    for (int p = 0; p < 3; p++) {
                        assertTrue(reference.parameters().get(p).equalsWithEps(fused.parameters().get(p), 5e-6),
                                cd + " " + error + " parameter " + p);
                    }
                }
            }
        }
    }
}
