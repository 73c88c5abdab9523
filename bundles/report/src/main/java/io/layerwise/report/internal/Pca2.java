package io.layerwise.report.internal;

import java.util.Arrays;
import java.util.Random;

/**
 * The two leading principal components of a set of rows, for drawing codes of more than three units in a plane.
 * With {@code X} the centred rows, the components are the top eigenvectors of {@code C = X^T X}, found without forming
 * the {@code d x d} matrix: {@link #STEPS} steps of Lanczos's method with full reorthogonalisation build an orthonormal
 * basis {@code Q} of the Krylov space of {@code C} and a random start, and the tridiagonal {@code T = Q C Q^T}, whose
 * top eigenvectors (Jacobi's method on the small {@code T}) mapped back through {@code Q} are the components. That is
 * {@link #STEPS} products {@code C v}, one pass over the rows each, where power iteration took up to 200 per component
 * and most of a report's time (docs/performance.md, "The report's PCA by Lanczos"). A basis that spans an invariant
 * subspace early (codes of low rank) goes on from a new random vector orthogonal to it.
 *
 * @param components {@code 2 x d}, row-major
 * @param variance   the share of the total variance along each component
 */
public record Pca2(double[] mean, double[][] components, double[] variance) {
    /**
     * Lanczos steps. On codes with a slowly decaying spectrum (1, 0.9, 0.8, ... over 60 units) the components are
     * within 1e-9 of the whole covariance's eigenvectors; 4 steps are not ({@code Pca2Test}).
     */
    static final int STEPS = 40;

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
        int m = Math.min(d, STEPS);
        double[][] q = new double[m][];
        double[][] t = new double[m][m]; // Q C Q^T: tridiagonal
        Random random = new Random(17);
        q[0] = unit(randomVector(random, d));
        for (int j = 0; j < m; j++) {
            double[] w = covTimes(rows, n, d, mean, q[j]);
            t[j][j] = dot(w, q[j]);
            double size = norm(w);
            orthogonalise(w, q, j + 1);
            if (j + 1 == m) {
                break;
            }
            double b = norm(w);
            if (b > 1e-10 * Math.max(size, Math.abs(t[j][j])) && b > 0) {
                t[j][j + 1] = b;
                t[j + 1][j] = b;
                q[j + 1] = scale(w, 1 / b);
            } else { // an invariant subspace: go on orthogonally to it, uncoupled (t stays 0 there)
                double[] r = randomVector(random, d);
                orthogonalise(r, q, j + 1);
                q[j + 1] = unit(r);
            }
        }
        double[][] s = jacobi(t);
        Integer[] order = new Integer[m];
        for (int k = 0; k < m; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(t[b][b], t[a][a]));
        double[][] comps = new double[2][d];
        double[] variance = new double[2];
        for (int k = 0; k < Math.min(2, m); k++) {
            int col = order[k];
            for (int j = 0; j < m; j++) {
                axpy(s[j][col], q[j], comps[k]);
            }
            comps[k] = unit(comps[k]);
            variance[k] = total == 0 ? 0 : Math.max(0, t[col][col]) / total;
        }
        return new Pca2(mean, comps, variance);
    }

    /**
     * Diagonalises the symmetric {@code a} in place by cyclic Jacobi rotations ({@code a <- J^T a J}) and returns the
     * rotations' product {@code V}, whose column {@code k} is the eigenvector of the eigenvalue left in
     * {@code a[k][k]}.
     */
    static double[][] jacobi(double[][] a) {
        int m = a.length;
        double[][] v = new double[m][m];
        double scale = 0;
        for (int i = 0; i < m; i++) {
            v[i][i] = 1;
            for (int j = 0; j < m; j++) {
                scale += a[i][j] * a[i][j];
            }
        }
        for (int sweep = 0; sweep < 64; sweep++) {
            double off = 0;
            for (int p = 0; p < m; p++) {
                for (int r = p + 1; r < m; r++) {
                    off += a[p][r] * a[p][r];
                }
            }
            if (off <= 1e-30 * scale) {
                break;
            }
            for (int p = 0; p < m; p++) {
                for (int r = p + 1; r < m; r++) {
                    if (a[p][r] == 0) {
                        continue;
                    }
                    // the angle that zeroes a[p][r]: t = tan(phi), cot(2 phi) = (a_rr - a_pp) / (2 a_pr)
                    double theta = (a[r][r] - a[p][p]) / (2 * a[p][r]);
                    double tan = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(tan * tan + 1);
                    double sn = tan * c;
                    for (int k = 0; k < m; k++) { // columns p and r: a J
                        double akp = a[k][p];
                        double akr = a[k][r];
                        a[k][p] = c * akp - sn * akr;
                        a[k][r] = sn * akp + c * akr;
                    }
                    for (int k = 0; k < m; k++) { // rows p and r: J^T (a J)
                        double apk = a[p][k];
                        double ark = a[r][k];
                        a[p][k] = c * apk - sn * ark;
                        a[r][k] = sn * apk + c * ark;
                    }
                    for (int k = 0; k < m; k++) {
                        double vkp = v[k][p];
                        double vkr = v[k][r];
                        v[k][p] = c * vkp - sn * vkr;
                        v[k][r] = sn * vkp + c * vkr;
                    }
                }
            }
        }
        return v;
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

    /** Removes from {@code x} its parts along {@code q[0..count)}, orthonormal; twice is enough (Kahan, Parlett). */
    private static void orthogonalise(double[] x, double[][] q, int count) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < count; i++) {
                axpy(-dot(x, q[i]), q[i], x);
            }
        }
    }

    private static double[] randomVector(Random random, int d) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = random.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    /** {@code y <- y + a x}. */
    private static void axpy(double a, double[] x, double[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += a * x[j];
        }
    }

    private static double[] scale(double[] v, double a) {
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = a * v[j];
        }
        return out;
    }

    /** {@code v / ||v||}, or {@code v} itself when it is 0. */
    private static double[] unit(double[] v) {
        double n = norm(v);
        return n == 0 ? v : scale(v, 1 / n);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
