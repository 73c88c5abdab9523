package io.layerwise.backend.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks every BLAS and LAPACK routine the platform calls against a plain float64 loop, on small random inputs, under
 * the OpenBLAS kernels this process loaded. Why: OpenBLAS 0.3.19 (ND4J's) computes DTRMM wrongly with its SkylakeX
 * and Cooperlake kernels and DGEMM wrongly with Cooperlake's on AMD Zen 4 / 5 (errors of order 1 on 8 x 4 DTRMM
 * inputs; tools/blas-kernels, docs/performance.md), so the symmetric eigensolver behind PCA and ZCA returned
 * wrong eigenvectors while the float32 training GEMMs stayed right. The shapes reach past OpenBLAS's small-matrix
 * paths (where Cooperlake's DGEMM is still right) and past LAPACK's block size (where DSYEVD starts to call DTRMM).
 * The backend runs it on its load thread, beside the framework's start; most of its time is the float64 reference
 * loops.
 *
 * <p>Checked: {@code cblas_sgemm} of both library instances (training's {@code core.nn.Level3} calls the
 * {@code _nolapack} one, row-major; "(full)" names the build with LAPACK), {@code cblas_dgemm} of both,
 * ND4J's {@code Nd4j.gemm} in float32 and float64
 * (whitening's products), {@code cblas_ssyrk} and {@code cblas_dsyrk} (the covariance), and {@code LAPACKE_dsyevd}
 * and {@code LAPACKE_ssyevd} (the eigendecomposition in float64 and float32), each in the layouts the platform uses.
 */
final class BlasSelfTest {
    /** {@code m x n x k} shapes: one inside the small-matrix paths, the rest beyond them. */
    private static final int[][] GEMM_SHAPES = {{5, 7, 3}, {20, 97, 130}, {200, 160, 120}};
    /**
     * A batch-20 weight gradient's product, checked on the routine training calls only (the {@code _nolapack}
     * instance's {@code cblas_sgemm}): its 392,000 results in all four routines took 70-150 ms of every start that
     * computes, most of the self-test (docs/performance.md, "The README's main job outside its epochs").
     */
    private static final int[] TRAINING_SHAPE = {784, 500, 20};
    private static final int EIGEN_N = 150;

    private final Random random = new Random(20261205);
    private final String fault;
    private final List<BlasReport.Check> checks = new ArrayList<>();

    /** @param fault a routine name whose result is perturbed before it is compared (a test hook), or null */
    private BlasSelfTest(String fault) {
        this.fault = fault;
    }

    /** Runs every check; {@code fault} names a routine to corrupt on purpose (for tests of the fallback), or null. */
    static BlasReport run(String fault) {
        BlasSelfTest t = new BlasSelfTest(fault == null || fault.isBlank() ? null : fault.trim());
        for (int[] s : GEMM_SHAPES) {
            t.gemm(s[0], s[1], s[2], true);
        }
        t.gemm(TRAINING_SHAPE[0], TRAINING_SHAPE[1], TRAINING_SHAPE[2], false);
        t.nd4jGemm(DataType.FLOAT);
        t.nd4jGemm(DataType.DOUBLE);
        t.syrk();
        t.eigen();
        return new BlasReport(List.copyOf(t.checks));
    }

    /** Prints the report of the kernels this process loaded; exits 1 when a routine failed. For tests and diagnosis. */
    public static void main(String[] args) {
        BlasReport report = run(args.length > 0 ? args[0] : null);
        System.out.println(report.summary());
        System.exit(report.passed() ? 0 : 1);
    }

    /**
     * Row-major {@code C = 0.7 op(A) op(B) + 0.3 C} in all four layouts, through both libraries in float32 and float64
     * ({@code everyRoutine}) or through training's float32 routine only; the reference is computed once, the
     * transposed layouts get transposed copies of the operands.
     */
    private void gemm(int m, int n, int k, boolean everyRoutine) {
        double[] a = uniform(m * k);
        double[] b = uniform(k * n);
        double[] c = uniform(m * n);
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = 0.7 * a[i * k + p];
                for (int j = 0; j < n; j++) {
                    want[i * n + j] += aip * b[p * n + j];
                }
            }
            for (int j = 0; j < n; j++) {
                want[i * n + j] += 0.3 * c[i * n + j];
            }
        }
        for (int layout = 0; layout < 4; layout++) {
            boolean transA = (layout & 2) != 0;
            boolean transB = (layout & 1) != 0;
            double[] sa = transA ? transpose(a, m, k) : a;
            double[] sb = transB ? transpose(b, k, n) : b;
            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            int ta = transA ? openblas.CblasTrans : openblas.CblasNoTrans;
            int tb = transB ? openblas.CblasTrans : openblas.CblasNoTrans;
            String shape = (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x" + n + "x" + k;
            double floatTolerance = 1e-5 * k;
            double doubleTolerance = 1e-13 * k;

            float[] fa = floats(sa);
            float[] fb = floats(sb);
            float[] cf = floats(c);
            openblas_nolapack.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 0.7f, fa, lda, fb, ldb, 0.3f, cf, n);
            record("sgemm " + shape, want, doubles(cf), floatTolerance);
            if (!everyRoutine) {
                continue;
            }
            cf = floats(c);
            openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 0.7f, fa, lda, fb, ldb, 0.3f, cf, n);
            record("sgemm(full) " + shape, want, doubles(cf), floatTolerance);
            double[] cd = c.clone();
            openblas_nolapack.cblas_dgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 0.7, sa, lda, sb, ldb, 0.3, cd, n);
            record("dgemm " + shape, want, cd, doubleTolerance);
            cd = c.clone();
            openblas.cblas_dgemm(openblas.CblasRowMajor, ta, tb, m, n, k, 0.7, sa, lda, sb, ldb, 0.3, cd, n);
            record("dgemm(full) " + shape, want, cd, doubleTolerance);
        }
    }

    /** The row-major {@code cols x rows} transpose of a row-major {@code rows x cols} array. */
    private static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    /** {@code Nd4j.gemm(A, B^T)} as whitening calls it (c-order operands, f-order or c-order result). */
    private void nd4jGemm(DataType type) {
        int m = 130;
        int n = 150;
        int k = 97;
        double[] a = uniform(m * k);
        double[] b = uniform(n * k);
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[j * k + p];
                }
                want[i * n + j] = s;
            }
        }
        try (INDArray x = Nd4j.create(a, new long[] {m, k}, 'c').castTo(type);
                INDArray y = Nd4j.create(b, new long[] {n, k}, 'c').castTo(type);
                INDArray out = Nd4j.create(type, new long[] {m, n}, 'c')) {
            Nd4j.gemm(x, y, out, false, true, 1.0, 0.0);
            double[] got = out.castTo(DataType.DOUBLE).data().asDouble();
            record("Nd4j.gemm " + type.name().toLowerCase(Locale.ROOT) + " NT " + m + "x" + n + "x" + k, want, got,
                    type == DataType.DOUBLE ? 1e-13 * k : 1e-5 * k);
        }
    }

    /** Column-major upper-triangle {@code C = X^T X / N} of c-order X (N x n), as {@code Covariance} calls it. */
    private void syrk() {
        int rows = 97;
        int n = 130;
        double[] x = uniform(rows * n);
        double[] want = new double[n * n];
        double[] mask = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= j; i++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += x[r * n + i] * x[r * n + j];
                }
                want[j * n + i] = s / rows;
                mask[j * n + i] = 1;
            }
        }
        float[] cf = new float[n * n];
        openblas.cblas_ssyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, rows,
                1f / rows, floats(x), n, 0f, cf, n);
        record("ssyrk " + n + "x" + rows, masked(want, mask), masked(doubles(cf), mask), 1e-5 * rows);
        double[] cd = new double[n * n];
        openblas.cblas_dsyrk(openblas.CblasColMajor, openblas.CblasUpper, openblas.CblasNoTrans, n, rows,
                1.0 / rows, x, n, 0.0, cd, n);
        record("dsyrk " + n + "x" + rows, masked(want, mask), masked(cd, mask), 1e-13 * rows);
    }

    /**
     * {@code A = Q diag(w) Q^T} with a known spectrum w and an orthogonal Q (a product of Householder reflections,
     * built here in float64): dsyevd, and ssyevd (ZCA's float32 eigensolver) on A rounded to float32, must return w,
     * and eigenvectors with {@code ||A v - w v||} and {@code ||V^T V - I||} at their precision's round-off level.
     */
    private void eigen() {
        int n = EIGEN_N;
        double[] q = new double[n * n]; // column-major
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        for (int r = 0; r < 3; r++) { // Q <- Q (I - 2 u u^T), |u| = 1
            double[] u = uniform(n);
            double norm = Math.sqrt(dot(u, u));
            for (int i = 0; i < n; i++) {
                u[i] /= norm;
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += q[j * n + i] * u[j];
                }
                for (int j = 0; j < n; j++) {
                    q[j * n + i] -= 2 * s * u[j];
                }
            }
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = (i + 1.0) / n; // ascending, distinct, as dsyevd returns them
        }
        double[] a = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int p = 0; p < n; p++) {
                    s += q[p * n + i] * w[p] * q[p * n + j];
                }
                a[j * n + i] = s;
            }
        }
        double[] v = a.clone();
        double[] got = new double[n];
        int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'U', n, v, n, got);
        add("dsyevd " + n + "x" + n, eigenError(a, w, v, got, info), 1e-10);
        float[] vf = floats(a);
        float[] gotf = new float[n];
        info = openblas.LAPACKE_ssyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'U', n, vf, n, gotf);
        add("ssyevd " + n + "x" + n, eigenError(a, w, doubles(vf), doubles(gotf), info), 1e-4);
    }

    /**
     * The largest of the eigenvalues' errors against the known w, the residuals {@code |A v_p - got_p v_p|} and the
     * departures from orthonormality of the solver's column-major eigenvectors v; NaN when it returned an error.
     */
    private static double eigenError(double[] a, double[] w, double[] v, double[] got, int info) {
        int n = w.length;
        double error = info != 0 ? Double.NaN : 0;
        for (int p = 0; p < n && info == 0; p++) {
            error = Math.max(error, Math.abs(got[p] - w[p]));
            for (int i = 0; i < n; i++) { // residual of column p
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[j * n + i] * v[p * n + j];
                }
                error = Math.max(error, Math.abs(s - got[p] * v[p * n + i]));
            }
            for (int r = 0; r <= p; r++) { // orthonormality
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[r * n + i] * v[p * n + i];
                }
                error = Math.max(error, Math.abs(s - (r == p ? 1 : 0)));
            }
        }
        return error;
    }

    private void record(String routine, double[] want, double[] got, double tolerance) {
        double error = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(got[i] - want[i]);
            error = Double.isNaN(d) ? Double.NaN : Math.max(error, d);
            if (Double.isNaN(error)) {
                break;
            }
        }
        add(routine, error, tolerance);
    }

    /** Records a check; the routine named by the test hook {@link #fault} gets 1 added to its error. */
    private void add(String routine, double error, double tolerance) {
        boolean faulted = fault != null && routine.startsWith(fault + " ");
        checks.add(new BlasReport.Check(routine, faulted ? error + 1 : error, tolerance));
    }

    private double[] uniform(int size) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextDouble() - 0.5;
        }
        return x;
    }

    private static double[] masked(double[] x, double[] mask) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * mask[i];
        }
        return y;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[] floats(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }

    private static double[] doubles(float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i];
        }
        return y;
    }
}
