package io.layerwise.model.vae.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.core.ae.SeededGenerator;
import io.layerwise.core.nn.RowChunks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The importance-weighted estimate of {@code log p(x)} (Burda, Grosse and Salakhutdinov 2015):
 * <pre>
 *   L_k(x) = log (1/k) sum_{s=1..k} p(x, z_s) / q(z_s | x),   z_s ~ q(z | x)
 * </pre>
 * a lower bound in expectation that rises toward {@code log p(x)} as k grows and equals the ELBO's expectation at
 * k = 1. The log-weights are summed in float32 by the network and combined per row in float64 by log-sum-exp
 * (the largest weight factored out), so that weights of e^-500 neither underflow nor overflow.
 */
final class ImportanceWeighted {
    private ImportanceWeighted() {
    }

    /** The mean over the rows of {@code L_k(x)}, in nats. */
    static double mean(Vae vae, FloatMatrix rows, int k, SeededGenerator g) {
        return RowChunks.sum(rows, vae::buffers, (x, b, from) -> sum(vae, x, b, k, g)) / rows.rows();
    }

    /** The sum over the rows of {@code x} of {@code L_k(x)}, with {@code b} made for as many rows. */
    static double sum(Vae vae, INDArray x, VaeBuffers b, int k, SeededGenerator g) {
        vae.encode(x, b);
        double[][] logW = new double[b.batch][k];
        for (int s = 0; s < k; s++) {
            VaeStage.gaussian(b.eps, g);
            INDArray w = vae.logWeights(x, b);
            for (int r = 0; r < b.batch; r++) {
                logW[r][s] = w.getDouble(r, 0);
            }
        }
        double total = 0;
        for (double[] row : logW) {
            total += logMeanExp(row);
        }
        return total;
    }

    /** {@code log (1/k) sum_s e^{v_s}}, computed as {@code m + log (1/k) sum_s e^{v_s - m}} with {@code m = max v}. */
    static double logMeanExp(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        if (m == Double.NEGATIVE_INFINITY || Double.isNaN(m) || m == Double.POSITIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s / v.length);
    }
}
