package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import java.util.Arrays;

/**
 * How far a low-dimensional code keeps neighbours of the input apart from strangers (Venna and Kaski 2001), as
 * scikit-learn's {@code sklearn.manifold.trustworthiness} computes it with Euclidean distances:
 * {@code T(k) = 1 - 2 / (n k (2n - 3k - 1)) sum_i sum_{j in U_i} (r(i, j) - k)}, where {@code U_i} are the code's k
 * nearest neighbours of row i that are not among its k nearest in the input, and {@code r(i, j)} is j's rank by
 * input distance from i. 1 means no code neighbour is a stranger in the input.
 */
final class Trustworthiness {
    private Trustworthiness() {
    }

    static double of(FloatMatrix input, FloatMatrix code, int k) {
        int n = input.rows();
        if (code.rows() != n) {
            throw new IllegalArgumentException(n + " input rows but " + code.rows() + " codes");
        }
        if (k < 1 || 2 * n - 3 * k - 1 <= 0) {
            throw new IllegalArgumentException("k = " + k + " is too large for " + n + " rows");
        }
        double[] inputDistance = new double[n];
        double[] codeDistance = new double[n];
        Integer[] order = new Integer[n];
        int[] rank = new int[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                inputDistance[j] = j == i ? Double.POSITIVE_INFINITY : squaredDistance(input, i, j);
                codeDistance[j] = j == i ? Double.POSITIVE_INFINITY : squaredDistance(code, i, j);
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(inputDistance[a], inputDistance[b]));
            for (int r = 0; r < n; r++) {
                rank[order[r]] = r + 1; // itself (at infinity) last, never a neighbour
            }
            for (int j : nearest(codeDistance, k)) {
                sum += Math.max(0, rank[j] - k);
            }
        }
        return 1 - sum * 2.0 / ((double) n * k * (2.0 * n - 3.0 * k - 1.0));
    }

    /** The indices of the k smallest values. */
    private static int[] nearest(double[] d, int k) {
        Integer[] idx = new Integer[d.length];
        for (int j = 0; j < d.length; j++) {
            idx[j] = j;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(d[a], d[b]));
        int[] out = new int[k];
        for (int r = 0; r < k; r++) {
            out[r] = idx[r];
        }
        return out;
    }

    private static double squaredDistance(FloatMatrix m, int a, int b) {
        float[] x = m.data();
        int d = m.cols();
        double s = 0;
        for (int c = 0, p = a * d, q = b * d; c < d; c++, p++, q++) {
            double diff = x[p] - x[q];
            s += diff * diff;
        }
        return s;
    }
}
