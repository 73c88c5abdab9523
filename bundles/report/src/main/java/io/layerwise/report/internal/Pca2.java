package io.layerwise.report.internal;

/**
 * The two leading principal components of a set of rows, for drawing codes of more than three units in a plane.
 * With {@code X} the centred rows, the components are the top eigenvectors of {@code X^T X}; each is found by power
 * iteration {@code v <- X^T (X v) / ||.||}, the second after deflating the first ({@code v <- v - (v . u1) u1} on
 * every step), without forming the {@code d x d} covariance.
 *
 * @param components {@code 2 x d}, row-major
 * @param variance   the share of the total variance along each component
 */
public record Pca2(double[] mean, double[][] components, double[] variance) {
    private static final int ITERATIONS = 200;

    public static Pca2 fit(float[] rows, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += rows[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= Math.max(n, 1);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double c = rows[i * d + j] - mean[j];
                total += c * c;
            }
        }
        double[][] comps = new double[2][];
        double[] variance = new double[2];
        for (int k = 0; k < Math.min(2, d); k++) {
            double[] v = new double[d];
            java.util.Random r = new java.util.Random(17 + k);
            for (int j = 0; j < d; j++) {
                v[j] = r.nextGaussian();
            }
            double lambda = 0;
            for (int it = 0; it < ITERATIONS; it++) {
                if (k == 1) {
                    deflate(v, comps[0]);
                }
                double[] w = covTimes(rows, n, d, mean, v);
                lambda = norm(w);
                if (lambda == 0) {
                    break;
                }
                double change = 0;
                for (int j = 0; j < d; j++) {
                    double next = w[j] / lambda;
                    change += (next - v[j]) * (next - v[j]);
                    v[j] = next;
                }
                if (change < 1e-14) {
                    break;
                }
            }
            if (k == 1) {
                deflate(v, comps[0]);
                double nv = norm(v);
                for (int j = 0; j < d; j++) {
                    v[j] = nv == 0 ? 0 : v[j] / nv;
                }
            }
            comps[k] = v;
            variance[k] = total == 0 ? 0 : lambda / total;
        }
        if (d < 2) {
            comps[1] = new double[d];
        }
        return new Pca2(mean, comps, variance);
    }

    /** Row {@code i}'s coordinates along the two components. */
    public double[] project(float[] rows, int i) {
        int d = mean.length;
        double a = 0;
        double b = 0;
        for (int j = 0; j < d; j++) {
            double c = rows[i * d + j] - mean[j];
            a += c * components[0][j];
            b += c * components[1][j];
        }
        return new double[] {a, b};
    }

    private static double[] covTimes(float[] rows, int n, int d, double[] mean, double[] v) {
        double[] out = new double[d];
        double shift = 0;
        for (int j = 0; j < d; j++) {
            shift += mean[j] * v[j];
        }
        for (int i = 0; i < n; i++) {
            double s = -shift;
            int o = i * d;
            for (int j = 0; j < d; j++) {
                s += rows[o + j] * v[j];
            }
            for (int j = 0; j < d; j++) {
                out[j] += s * (rows[o + j] - mean[j]);
            }
        }
        return out;
    }

    private static void deflate(double[] v, double[] u) {
        double dot = 0;
        for (int j = 0; j < v.length; j++) {
            dot += v[j] * u[j];
        }
        for (int j = 0; j < v.length; j++) {
            v[j] -= dot * u[j];
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
