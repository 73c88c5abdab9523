package io.layerwise.model.rbm.internal;

/**
 * The exact {@code log Z} of an RBM small enough to enumerate its hidden states (up to about 20), in float64 from
 * its float32 parameters, with the visible units summed out in closed form:
 * <pre>
 *   Bernoulli: log Z = log sum_h exp(bh.h + sum_i softplus(bv_i + (W h)_i))
 *   Gaussian:  log Z = (n/2) log(2 pi) + log sum_h exp(bh.h + (|bv + W h|^2 - |bv|^2) / 2)
 * </pre>
 * The states are visited in Gray-code order, so each differs from the last in one unit and {@code bv + W h} is
 * updated by one column of {@code W}.
 */
final class ExactPartition {
    private ExactPartition() {
    }

    static double logZ(Rbm rbm) {
        int n = rbm.visible();
        int hidden = rbm.hidden();
        if (hidden > 24) {
            throw new IllegalArgumentException("2^" + hidden + " hidden states are too many to enumerate");
        }
        double[] w = rbm.weights().dup('c').reshape(n * (long) hidden).toDoubleVector(); // row-major n x hidden
        double[] c = rbm.hiddenBias().toDoubleVector();
        double[] bv = rbm.visibleBias().toDoubleVector();
        boolean gaussian = rbm.units() == VisibleUnits.GAUSSIAN;
        double bvSq = 0;
        for (double x : bv) {
            bvSq += x * x;
        }
        double[] act = bv.clone();
        boolean[] h = new boolean[hidden];
        double ch = 0;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0; // sum of exp(term - max), rescaled when max grows
        long states = 1L << hidden;
        for (long s = 0; s < states; s++) {
            if (s > 0) {
                int j = Long.numberOfTrailingZeros(s); // the unit that flips between Gray codes s-1 and s
                h[j] = !h[j];
                double sign = h[j] ? 1 : -1;
                ch += sign * c[j];
                for (int i = 0; i < n; i++) {
                    act[i] += sign * w[i * hidden + j];
                }
            }
            double term = ch;
            if (gaussian) {
                double sq = 0;
                for (double x : act) {
                    sq += x * x;
                }
                term += 0.5 * (sq - bvSq);
            } else {
                for (double x : act) {
                    term += x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
                }
            }
            if (term > max) {
                sum = sum * Math.exp(max - term) + 1;
                max = term;
            } else {
                sum += Math.exp(term - max);
            }
        }
        return max + Math.log(sum) + (gaussian ? 0.5 * n * Math.log(2 * Math.PI) : 0);
    }
}
