package io.layerwise.regularizers.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.core.nn.Level1;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sparsity by the Kullback-Leibler divergence (textbook eq. 5.4):
 * <pre>
 *   P = beta sum_j KL(rho || q_j),  KL(p || q) = p log(p/q) + (1-p) log((1-p)/(1-q))
 *   rho^_j(t) = lambda rho^_j(t-1) + (1-lambda) mean_b y_bj      (rho^_j(0) = the first batch's mean)
 *   q_j = clamp(rho^_j, eps, 1-eps)
 *   dP/dy_bj = (beta/B) (-rho/q_j + (1-rho)/(1-q_j))             (added to gradHidden, before f'(u))
 * </pre>
 * {@code gradHidden} is {@code dE/dY} of the batch-mean objective, hence the {@code 1/B}. The delta is the exact
 * gradient of {@code P} when {@code lambda = 0} ({@code rho^} is then the batch mean); with {@code lambda > 0} it
 * treats the running estimate as the batch mean, as the textbook does (the exact derivative would carry a factor
 * {@code 1-lambda}). The running estimate is kept in float64 and never clamped itself; each clamp of a {@code q_j} is
 * counted. Its {@link #state()} is {@code rhoHat} (none before the first batch): the only thing carried from one
 * epoch to the next, the metrics' counters being reset each epoch. Per epoch (training batches): {@code meanActivation} (mean over the batches of {@code mean_j rho^_j}),
 * {@code activationRateAbove0_5} (fraction of the {@code y_bj} above 0.5) and {@code rhoHatClamped} (clamps).
 */
final class KlSparsityPenalty implements Penalty {
    static final String RHO_HAT = "rhoHat";
    private final KlSparsityOptions o;
    private final Scratch scratch = new Scratch();
    private double[] rhoHat;
    private double meanActivationSum;
    private int batches;
    private double above;
    private long activations;
    private long clamped;

    KlSparsityPenalty(KlSparsityOptions options) {
        this.o = options;
    }

    @Override
    public double onHidden(INDArray hidden, INDArray gradHidden) {
        int h = (int) hidden.columns();
        if (rhoHat != null && rhoHat.length != h) {
            throw new IllegalStateException("kl-sparsity: " + h + " hidden units after " + rhoHat.length);
        }
        INDArray batchMean = scratch.get("batchMean", hidden.dataType(), h);
        Nd4j.exec(new Mean(hidden, batchMean, 0));
        double[] mean = batchMean.toDoubleVector();
        boolean first = rhoHat == null;
        if (first) {
            rhoHat = new double[h];
        }
        INDArray coefficient = scratch.get("coefficient", hidden.dataType(), 1, h);
        double scale = o.beta() / hidden.rows();
        double rho = o.rho();
        double kl = 0;
        double meanRhoHat = 0;
        for (int j = 0; j < h; j++) {
            double r = first ? mean[j] : o.lambda() * rhoHat[j] + (1 - o.lambda()) * mean[j];
            rhoHat[j] = r;
            meanRhoHat += r;
            double q = r;
            if (q < o.epsilon() || q > 1 - o.epsilon()) {
                q = Math.min(Math.max(q, o.epsilon()), 1 - o.epsilon());
                clamped++;
            }
            kl += rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));
            coefficient.putScalar(0, j, scale * (-rho / q + (1 - rho) / (1 - q)));
        }
        meanActivationSum += meanRhoHat / h;
        batches++;
        INDArray step = scratch.like("above", hidden);
        Nd4j.exec(new Step(hidden, step, 0.5)); // [y > 0.5]
        above += Level1.dot(step, step); // a count of ones
        activations += hidden.length();
        if (o.beta() == 0) {
            return 0;
        }
        gradHidden.addiRowVector(coefficient);
        return o.beta() * kl;
    }

    /** With {@code lambda > 0} the running estimate carries earlier minibatches; with 0 it is the batch's own mean. */
    @Override
    public boolean dependsOnEarlierBatches() {
        return o.lambda() > 0;
    }

    @Override
    public Map<String, Double> epochMetrics() {
        if (batches == 0) {
            return Map.of();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("meanActivation", meanActivationSum / batches);
        m.put("activationRateAbove0_5", above / activations);
        m.put("rhoHatClamped", (double) clamped);
        meanActivationSum = 0;
        batches = 0;
        above = 0;
        activations = 0;
        clamped = 0;
        return m;
    }

    /** {@code rhoHat}, the running estimate {@code rho^} (float64, one per hidden unit); empty before the first batch. */
    @Override
    public Map<String, double[]> state() {
        return rhoHat == null ? Map.of() : Map.of(RHO_HAT, rhoHat.clone());
    }

    /** Sets {@code rho^} from {@link #state()}; an empty state means before the first batch. */
    @Override
    public void restoreState(Map<String, double[]> state) {
        for (String k : state.keySet()) {
            if (!k.equals(RHO_HAT)) {
                throw new IllegalArgumentException("kl-sparsity state has only " + RHO_HAT + ", got " + k);
            }
        }
        double[] r = state.get(RHO_HAT);
        if (r != null) {
            if (r.length == 0) {
                throw new IllegalArgumentException("kl-sparsity state " + RHO_HAT + " is empty");
            }
            for (double v : r) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("kl-sparsity state " + RHO_HAT + " holds " + v);
                }
            }
        }
        rhoHat = r == null ? null : r.clone();
    }

    /** The running estimate {@code rho^} (a copy), null before the first batch. */
    double[] rhoHat() {
        return rhoHat == null ? null : rhoHat.clone();
    }

    @Override
    public String describe() {
        return "kl-sparsity(rho=" + o.rho() + ", beta=" + o.beta() + ", lambda=" + o.lambda() + ", epsilon="
                + o.epsilon() + ")";
    }
}
