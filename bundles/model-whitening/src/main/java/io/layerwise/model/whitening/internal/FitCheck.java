package io.layerwise.model.whitening.internal;

import java.util.Locale;
import java.util.Random;

/**
 * Checks a fitted whitening in plain float64 Java before it is used, on a few random probe vectors (O(n^2) each, a
 * few milliseconds at n = 784): the eigenvectors E are orthonormal ({@code E^T E v = v}), they diagonalise the
 * covariance ({@code Phi E u = E D u}), and a ZCA transform's product {@code F F^T} is what F gives. Why: a BLAS
 * kernel that computes DGEMM or DTRMM wrongly (OpenBLAS 0.3.19's AVX-512 kernels on AMD Zen 4/5) once gave
 * eigenvectors that were not even orthogonal, and whitening returned wrong numbers without a sign. The backend's
 * self-test keeps such kernels out; this is the second line, on the very matrices a stage uses.
 */
final class FitCheck {
    /** One Gaussian probe finds a wrong E almost surely (a miss needs it orthogonal to the damage); each costs ~4 n^2. */
    private static final int PROBES = 1;
    private static final double TOLERANCE = 1e-7;
    /** For eigenvectors from a float32 solve: its round-off is about {@code sqrt(n) 2^-24}, 1.5e-6 at n = 666. */
    private static final double FLOAT32_TOLERANCE = 1e-4;

    private FitCheck() {
    }

    /**
     * @param covariance column-major n x n, upper triangle valid
     * @param vectors    column-major n x n eigenvectors, column j for {@code ascending[j]}
     * @param ascending  the eigenvalues as the solver returned them
     * @param float32    whether the solver ran in float32 (a looser tolerance; a wrong kernel's errors are of order 1)
     */
    static void eigen(double[] covariance, double[] vectors, double[] ascending, boolean float32) {
        double tolerance = float32 ? FLOAT32_TOLERANCE : TOLERANCE;
        int n = ascending.length;
        double scale = Math.max(Math.abs(ascending[0]), Math.abs(ascending[n - 1]));
        Random random = new Random(n);
        for (int probe = 0; probe < PROBES; probe++) {
            double[] u = unit(random, n);
            double[] v = new double[n]; // v = E u
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    v[i] += vectors[j * n + i] * u[j];
                }
            }
            double[] back = new double[n]; // E^T v = u when E is orthonormal
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += vectors[j * n + i] * v[i];
                }
                back[j] = s;
            }
            double orthogonality = maxDifference(back, u);
            double[] phiV = symmetricTimes(covariance, v, n);
            double[] eDu = new double[n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    eDu[i] += vectors[j * n + i] * ascending[j] * u[j];
                }
            }
            double residual = maxDifference(phiV, eDu) / Math.max(scale, Double.MIN_NORMAL);
            if (!(orthogonality <= tolerance && residual <= tolerance)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "the eigendecomposition of the %d x %d"
                        + " covariance is wrong (|E^T E u - u| = %.3g, relative |Phi E u - E D u| = %.3g): the BLAS /"
                        + " LAPACK kernels in use compute wrong results on this CPU (OPENBLAS_CORETYPE=%s); nothing"
                        + " was saved", n, n, orthogonality, residual, kernel()));
            }
        }
    }

    /**
     * A ZCA transform's block {@code G = F F^T} (column-major m x m, upper triangle valid, from SYRK) must equal
     * F times {@code F^T u} on a probe u; {@code float32} when G came from a float32 SYRK (a looser tolerance).
     */
    static void product(double[] gram, double[] f, int m, boolean float32) {
        double tolerance = float32 ? FLOAT32_TOLERANCE : TOLERANCE;
        Random random = new Random(m + 1L);
        for (int probe = 0; probe < PROBES; probe++) {
            double[] u = unit(random, m);
            double[] ftu = new double[m]; // F^T u: column j of F dotted with u
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += f[j * m + i] * u[i];
                }
                ftu[j] = s;
            }
            double[] want = new double[m]; // F (F^T u)
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < m; i++) {
                    want[i] += f[j * m + i] * ftu[j];
                }
            }
            double[] got = symmetricTimes(gram, u, m);
            double scale = 0;
            for (double v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            double residual = maxDifference(got, want) / Math.max(scale, Double.MIN_NORMAL);
            if (!(residual <= tolerance)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "the ZCA transform is wrong (relative"
                        + " |F F^T u - F (F^T u)| = %.3g): the BLAS kernels in use compute wrong results on this CPU"
                        + " (OPENBLAS_CORETYPE=%s); nothing was saved", residual, kernel()));
            }
        }
    }

    private static String kernel() {
        String k = System.getenv("OPENBLAS_CORETYPE");
        return k == null || k.isBlank() ? "unset" : k;
    }

    private static double[] symmetricTimes(double[] upper, double[] v, int n) {
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= j; i++) {
                double a = upper[j * n + i];
                out[i] += a * v[j];
                if (i != j) {
                    out[j] += a * v[i];
                }
            }
        }
        return out;
    }

    private static double[] unit(Random random, int n) {
        double[] u = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            u[i] = random.nextGaussian();
            norm += u[i] * u[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
            u[i] /= norm;
        }
        return u;
    }

    private static double maxDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            m = Double.isNaN(d) ? Double.NaN : Math.max(m, d);
            if (Double.isNaN(m)) {
                return m;
            }
        }
        return m;
    }
}
