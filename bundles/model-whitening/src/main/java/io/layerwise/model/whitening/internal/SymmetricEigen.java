package io.layerwise.model.whitening.internal;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The eigendecomposition {@code A = E diag(w) E^T} of a symmetric float64 matrix, in place: A's columns become the
 * orthonormal eigenvectors, the eigenvalues come back in ascending order. Only A's upper triangle is read. On the CPU
 * backend this is LAPACK's divide-and-conquer {@code dsyevd} (for 784 x 784 about 3.5x faster here than the QR-based
 * {@code dsyev} behind ND4J's {@link Eigen}, with the same eigenvalues to 1e-12); the portable path is ND4J's
 * {@link Eigen#symmetricGeneralizedEigenvalues(INDArray, boolean)}.
 *
 * <p>A row of A that is exactly zero (a covariance's constant input: MNIST's border pixels, 118 of 784 in the
 * sample's 8,000 training digits) makes the unit vector {@code e_i} an exact eigenvector with eigenvalue 0, and the
 * other eigenvectors are zero at i. Such rows are deflated: the solver sees only the m x m matrix of the other
 * rows, which at m = 666 of 784 takes 0.6 of the time ({@code O(m^3)}), and its eigenvectors are scattered back
 * around the unit vectors. Exact, not an approximation: it is the decomposition of the same matrix.
 */
final class SymmetricEigen {
    private SymmetricEigen() {
    }

    /**
     * @param a        square, float64, column-major ('f'), not a view; overwritten with the eigenvectors
     * @param portable use ND4J's Eigen rather than calling OpenBLAS's LAPACKE directly
     */
    static double[] decompose(INDArray a, boolean portable) {
        return decompose(a, a.data().asDouble(), portable, true);
    }

    /**
     * As {@link #decompose(INDArray, boolean)}, given a copy of A's values (column-major; the fit keeps one for
     * {@link FitCheck}); {@code deflate} false solves the whole matrix (tests compare).
     */
    static double[] decompose(INDArray a, double[] values, boolean portable, boolean deflate) {
        int n = (int) a.rows();
        if (a.rank() != 2 || a.columns() != n || a.dataType() != DataType.DOUBLE || a.ordering() != 'f' || a.isView()
                || values.length != (long) n * n) {
            throw new IllegalArgumentException("need a square float64 'f'-order array and its " + n + " x " + n
                    + " values, got " + a.shapeInfoToString() + " and " + values.length + " values");
        }
        int[] kept = deflate ? nonZeroRows(values, n) : null;
        if (kept == null || kept.length == n || kept.length == 0) {
            return portable ? portableSolve(a) : lapackSolve((DoublePointer) a.data().addressPointer(), n);
        }
        int m = kept.length;
        // the m x m matrix of the other rows, column-major with leading dimension m
        double[] compact = new double[m * m];
        for (int q = 0; q < m; q++) {
            int column = kept[q] * n;
            for (int p = 0; p <= q; p++) { // kept is ascending: (kept[p], kept[q]) lies in A's upper triangle
                double v = values[column + kept[p]];
                compact[q * m + p] = v;
                compact[p * m + q] = v; // both triangles: ND4J's portable Eigen may read the lower one
            }
        }
        double[] e = new double[n * n];
        if (portable) { // through ND4J's arrays only: on the GPU, A's host pointer is not where its values live
            try (INDArray c = Nd4j.create(compact, new long[] {m, m}, new long[] {1, m}, 'f', DataType.DOUBLE)) {
                double[] w = portableSolve(c);
                double[] eigenvalues = scatter(n, kept, w, c.data().asDouble(), e);
                try (INDArray vectors = Nd4j.create(e, new long[] {n, n}, new long[] {1, n}, 'f', DataType.DOUBLE)) {
                    a.assign(vectors);
                }
                return eigenvalues;
            }
        }
        DoublePointer buffer = (DoublePointer) a.data().addressPointer(); // A's own buffer as the work space
        buffer.put(compact);
        double[] w = lapackSolve(buffer, m);
        buffer.get(compact);
        double[] eigenvalues = scatter(n, kept, w, compact, e);
        buffer.put(e);
        return eigenvalues;
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

    /**
     * The n eigenvectors into {@code e} (column-major n x n): the m solved ones (column-major m x m {@code vectors},
     * rows placed at {@code kept}) and a unit vector for each zero row, in ascending order of eigenvalue; returns the
     * eigenvalues.
     */
    private static double[] scatter(int n, int[] kept, double[] values, double[] vectors, double[] e) {
        int m = kept.length;
        boolean[] isKept = new boolean[n];
        for (int i : kept) {
            isKept[i] = true;
        }
        double[] all = new double[n];
        int solved = 0;
        int zero = 0; // the next zero row to place
        for (int col = 0; col < n; col++) {
            while (zero < n && isKept[zero]) {
                zero++;
            }
            if (zero < n && (solved == m || values[solved] >= 0)) {
                e[col * n + zero] = 1;
                zero++;
            } else {
                all[col] = values[solved];
                for (int r = 0; r < m; r++) {
                    e[col * n + kept[r]] = vectors[solved * m + r];
                }
                solved++;
            }
        }
        return all;
    }

    /** ND4J's eigensolver on {@code a}, in place: its columns become the eigenvectors. */
    private static double[] portableSolve(INDArray a) {
        try (INDArray w = Eigen.symmetricGeneralizedEigenvalues(a, true)) {
            return w.toDoubleVector();
        }
    }

    /** LAPACK's {@code dsyevd} on the m x m matrix at {@code a} (column-major, leading dimension m), in place. */
    private static double[] lapackSolve(DoublePointer a, int m) {
        double[] values = new double[m];
        try (DoublePointer w = new DoublePointer(m)) {
            int info = openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'U', m, a, m, w);
            if (info != 0) {
                throw new IllegalStateException("LAPACK dsyevd failed on a " + m + " x " + m + " covariance (info "
                        + info + (info > 0 ? ": no convergence" : ": bad argument " + -info) + ")");
            }
            w.get(values);
        }
        return values;
    }
}
