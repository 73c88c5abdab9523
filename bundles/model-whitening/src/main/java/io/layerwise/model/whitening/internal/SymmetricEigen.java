package io.layerwise.model.whitening.internal;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The eigendecomposition {@code A = E diag(w) E^T} of a symmetric float64 matrix. On the CPU backend this is LAPACK's
 * divide-and-conquer {@code dsyevd} (for 784 x 784 about 3.5x faster here than the QR-based {@code dsyev} behind
 * ND4J's {@link Eigen}, with the same eigenvalues to 1e-12); the portable path is ND4J's
 * {@link Eigen#symmetricGeneralizedEigenvalues(INDArray, boolean)}.
 *
 * <p>A row of A that is exactly zero (a covariance's constant input: MNIST's border pixels, 118 of 784 in the
 * sample's 8,000 training digits) makes the unit vector {@code e_i} an exact eigenvector with eigenvalue 0, and the
 * other eigenvectors are zero at i. Such rows are deflated: the solver sees only the m x m matrix of the other
 * rows, which at m = 666 of 784 takes 0.6 of the time ({@code O(m^3)}). Exact, not an approximation: it is the
 * decomposition of the same matrix. The result stays in that form ({@link Decomposition}), so that what is built from
 * it (a whitening transform, the fit check) works on the m x m block too.
 *
 * <p>On the CPU backend the block can be solved in float32 ({@code ssyevd}, 39-41 ms against {@code dsyevd}'s 62-63 at
 * MNIST's m = 666 on the Ice Lake machine): when the caller's {@link PrecisionRule} says so for that block.
 */
final class SymmetricEigen {
    private SymmetricEigen() {
    }

    /**
     * A's decomposition in deflated form: the m x m {@code vectors} (column-major, column j for {@code values[j]},
     * ascending) of the {@code kept} rows, and the unit vector {@code e_z} with eigenvalue 0 for every other row z.
     * {@code block} is the m x m matrix that was solved (column-major, both triangles), for the fit check;
     * {@code frobenius} its Frobenius norm, which the {@link PrecisionRule} was given.
     */
    record Decomposition(int n, int[] kept, double[] block, double[] vectors, double[] values, boolean float32,
            double frobenius) {
        int m() {
            return kept.length;
        }

        /**
         * For each of the n eigenpairs in ascending order of eigenvalue: {@code j >= 0} for the solved pair j, or
         * {@code -1 - z} for the unit vector of zero row z. The unit vectors sit after the solved round-off
         * negatives and before the positives, in ascending row order.
         */
        int[] order() {
            int m = kept.length;
            boolean[] isKept = new boolean[n];
            for (int i : kept) {
                isKept[i] = true;
            }
            int[] order = new int[n];
            int solved = 0;
            int zero = 0; // the next zero row to place
            for (int c = 0; c < n; c++) {
                while (zero < n && isKept[zero]) {
                    zero++;
                }
                order[c] = zero < n && (solved == m || values[solved] >= 0) ? -1 - zero++ : solved++;
            }
            return order;
        }

        /** All n eigenvalues, ascending. */
        double[] ascending() {
            int[] order = order();
            double[] all = new double[n];
            for (int c = 0; c < n; c++) {
                all[c] = order[c] >= 0 ? values[order[c]] : 0;
            }
            return all;
        }

        /** E as a whole column-major n x n array, column c for {@code ascending()[c]}. */
        double[] wholeVectors() {
            int m = kept.length;
            int[] order = order();
            double[] e = new double[n * n];
            for (int c = 0; c < n; c++) {
                if (order[c] < 0) {
                    e[c * n - 1 - order[c]] = 1;
                } else {
                    for (int r = 0; r < m; r++) {
                        e[c * n + kept[r]] = vectors[order[c] * m + r];
                    }
                }
            }
            return e;
        }
    }

    /** Whether an m x m block with Frobenius norm {@code frobenius} may be solved in float32. */
    interface PrecisionRule {
        boolean float32(double frobenius, int m);
    }

    /** Always float64. */
    static final PrecisionRule FLOAT64 = (frobenius, m) -> false;

    /** As {@link #decompose(double[], int, boolean, boolean, PrecisionRule)} in float64. */
    static Decomposition decompose(double[] a, int n, boolean portable, boolean deflate) {
        return decompose(a, n, portable, deflate, FLOAT64);
    }

    /**
     * @param a        the n x n matrix, column-major; only its upper triangle is read
     * @param portable use ND4J's Eigen (in float64, whatever {@code rule} says) rather than OpenBLAS's LAPACKE
     * @param deflate  false solves the whole matrix (tests compare)
     */
    static Decomposition decompose(double[] a, int n, boolean portable, boolean deflate, PrecisionRule rule) {
        if (a.length != (long) n * n) {
            throw new IllegalArgumentException("need " + n + " x " + n + " values, got " + a.length);
        }
        int[] kept = deflate ? nonZeroRows(a, n) : null;
        if (kept == null || kept.length == 0) {
            kept = new int[n];
            Arrays.setAll(kept, i -> i);
        }
        int m = kept.length;
        double[] block = new double[m * m];
        for (int q = 0; q < m; q++) {
            int column = kept[q] * n;
            for (int p = 0; p <= q; p++) { // kept is ascending: (kept[p], kept[q]) lies in A's upper triangle
                double v = a[column + kept[p]];
                block[q * m + p] = v;
                block[p * m + q] = v; // both triangles: ND4J's portable Eigen may read the lower one
            }
        }
        return decomposeBlock(block, n, kept, portable, rule);
    }

    /**
     * The decomposition of an n x n matrix whose rows outside {@code kept} (ascending) are zero, from its m x m
     * {@code block} of the kept rows and columns (column-major, both triangles), which it keeps; float32 on the CPU
     * path when {@code rule} says so for the block.
     */
    static Decomposition decomposeBlock(double[] block, int n, int[] kept, boolean portable, PrecisionRule rule) {
        int m = kept.length;
        if (block.length != (long) m * m) {
            throw new IllegalArgumentException("need " + m + " x " + m + " values, got " + block.length);
        }
        double frobenius = frobenius(block);
        boolean float32 = !portable && rule.float32(frobenius, m);
        double[] vectors = block.clone();
        double[] values = portable ? portableSolve(vectors, m)
                : float32 ? lapackSolveFloat32(vectors, m) : lapackSolve(vectors, m);
        return new Decomposition(n, kept, block, vectors, values, float32, frobenius);
    }

    private static double frobenius(double[] block) {
        double sum = 0;
        for (double v : block) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /**
     * The indices of the rows of A that hold a non-zero, ascending. A zero diagonal entry names a candidate, whose
     * whole row is then read (a covariance's row is zero when its diagonal is, up to underflow: exact either way).
     */
    private static int[] nonZeroRows(double[] values, int n) {
        int[] kept = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            boolean zero = values[i * n + i] == 0;
            for (int j = 0; zero && j < n; j++) { // A(i, j) from the upper triangle
                zero = (j < i ? values[i * n + j] : values[j * n + i]) == 0;
            }
            if (!zero) {
                kept[m++] = i;
            }
        }
        return Arrays.copyOf(kept, m);
    }

    /** ND4J's eigensolver on the column-major m x m {@code a}, in place: its columns become the eigenvectors. */
    private static double[] portableSolve(double[] a, int m) {
        // through ND4J's arrays only: on the GPU a host pointer is not where an array's values live
        try (INDArray c = Nd4j.create(a, new long[] {m, m}, new long[] {1, m}, 'f', DataType.DOUBLE);
                INDArray w = Eigen.symmetricGeneralizedEigenvalues(c, true)) {
            System.arraycopy(c.data().asDouble(), 0, a, 0, m * m);
            return w.toDoubleVector();
        }
    }

    /** LAPACK's {@code dsyevd} on the column-major m x m {@code a}, in place. */
    private static double[] lapackSolve(double[] a, int m) {
        double[] values = new double[m];
        try (DoublePointer matrix = new DoublePointer(a); DoublePointer w = new DoublePointer(m)) {
            synchronized (Covariance.BLAS_LOCK) {
                succeeded("dsyevd", m, openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'U', m,
                        matrix, m, w));
            }
            matrix.get(a);
            w.get(values);
        }
        return values;
    }

    /** LAPACK's {@code ssyevd} on the column-major m x m {@code a} rounded to float32; the result widened, in place. */
    private static double[] lapackSolveFloat32(double[] a, int m) {
        float[] narrow = NativeArrays.narrow(a);
        float[] w = new float[m];
        try (FloatPointer matrix = new FloatPointer(narrow); FloatPointer values = new FloatPointer(m)) {
            synchronized (Covariance.BLAS_LOCK) { // see there: the same bits alone and beside training
                succeeded("ssyevd", m, openblas.LAPACKE_ssyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'U', m,
                        matrix, m, values));
            }
            matrix.get(narrow);
            values.get(w);
        }
        NativeArrays.widen(narrow, a);
        double[] wide = new double[m];
        NativeArrays.widen(w, wide);
        return wide;
    }

    private static void succeeded(String routine, int m, int info) {
        if (info != 0) {
            throw new IllegalStateException("LAPACK " + routine + " failed on a " + m + " x " + m + " covariance (info "
                    + info + (info > 0 ? ": no convergence" : ": bad argument " + -info) + ")");
        }
    }
}
