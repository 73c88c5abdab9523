package io.layerwise.model.whitening.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.model.whitening.internal.SymmetricEigen.Decomposition;
import io.layerwise.model.whitening.internal.WhiteningOptions.Eigensolver;
import io.layerwise.model.whitening.internal.WhiteningOptions.Kind;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PCA or ZCA whitening fitted to the rows of X. With {@code mu} the mean row and the covariance
 * {@code Phi = (X - mu)^T (X - mu) / N = E D E^T} (eigenvalues D descending, round-off negatives clamped to 0):
 * <ul>
 * <li>PCA: {@code P = (D_k + eps I)^(-1/2) E_k^T} with the k leading eigenvectors E_k (k x n);</li>
 * <li>ZCA: {@code P = E (D + eps I)^(-1/2) E^T}, symmetric (n x n): PCA whitening rotated back to the inputs.</li>
 * </ul>
 * The transform is {@code y = P (x - mu)}, row-wise {@code Y = (X - mu) P^T}; its inverse {@code x = mu + P+ y} with
 * {@code P+ = E_k (D_k + eps I)^(1/2)} (PCA) or {@code E (D + eps I)^(1/2) E^T} (ZCA), exact when eps = 0 and k = n.
 * The whitened training covariance {@code P Phi P^T} is {@code diag(D_k / (D_k + eps))} for PCA and
 * {@code E diag(D / (D + eps)) E^T} for ZCA: both have mean diagonal {@code mean_i D_i / (D_i + eps)}. The
 * eigenproblem is solved in float64 whatever the data type, or in float32 where {@link Eigensolver} allows; the
 * transform is kept in the data's type. Immutable,
 * except that P+ (needed to reconstruct and to save, not to whiten) is built from the kept eigenvectors on first use.
 */
final class Whitening implements AutoCloseable {
    private final Kind kind;
    private final double epsilon;
    private final INDArray mean;
    private final INDArray transform;
    private final double[] eigenvalues;
    /** P+, or null until {@link #inverse()} builds it from {@link #eigen}. */
    private INDArray inverse;
    /** The covariance's decomposition (deflated form) until P+ is built. */
    private Decomposition eigen;
    /** Which eigensolver the fit used, for the run log; null when loaded from saved arrays. */
    private final String solver;

    private Whitening(Kind kind, double epsilon, INDArray mean, INDArray transform, INDArray inverse,
            Decomposition eigen, double[] eigenvalues, String solver) {
        this.solver = solver;
        this.kind = kind;
        this.epsilon = epsilon;
        this.mean = mean;
        this.transform = transform;
        this.inverse = inverse;
        this.eigen = eigen;
        this.eigenvalues = eigenvalues;
    }

    /** Fits to the rows of {@code x} (float32 or float64, c-order), which are centred in place. */
    static Whitening fit(INDArray x, WhiteningOptions options) {
        return fit(x, options, !Nd4j.getEnvironment().isCPU());
    }

    /** As {@link #fit(INDArray, WhiteningOptions)}; {@code portable} avoids the direct OpenBLAS/LAPACK calls. */
    static Whitening fit(INDArray x, WhiteningOptions options, boolean portable) {
        if (x.rank() != 2 || x.rows() < 2) {
            throw new IllegalArgumentException("whitening needs at least 2 rows, got " + x.shapeInfoToString());
        }
        if (x.isView() || x.ordering() != 'c') {
            throw new IllegalArgumentException("need a c-order array that owns its buffer");
        }
        DataType type = x.dataType();
        int rows = (int) x.rows();
        int n = (int) x.columns();
        INDArray mean = Nd4j.create(type, 1, n);
        try (INDArray ones = Nd4j.ones(type, 1, rows)) {
            Nd4j.gemm(ones, x, mean, false, false, 1.0 / rows, 0.0);
        }
        x.subiRowVector(mean);
        double[] covariance;
        try (INDArray cov = Covariance.of(x, portable)) {
            covariance = cov.data().asDouble(); // column-major, in float64 whatever the data type
        }
        try {
            return fitted(options, mean, SymmetricEigen.decompose(covariance, n, portable, true,
                    options::solvesInFloat32), type, portable);
        } catch (RuntimeException e) {
            mean.close();
            throw e;
        }
    }

    /**
     * Fits to the rows of {@code data} (float32, at least 2 rows). On the CPU backend from the heap rows directly
     * ({@link CentredColumns}: the constant columns are left out of the covariance's product rather than deflated
     * after it); elsewhere through an uploaded copy and {@link #fit(INDArray, WhiteningOptions)}. Both give the same
     * transform to float32 rounding ({@code WhiteningTest}).
     */
    static Whitening fit(FloatMatrix data, WhiteningOptions options) {
        if (data.rows() < 2) {
            throw new IllegalArgumentException("whitening needs at least 2 rows, got " + data.rows());
        }
        if (!Nd4j.getEnvironment().isCPU()) {
            try (INDArray x = NativeArrays.upload(data)) {
                return fit(x, options, true);
            }
        }
        Decomposition e;
        float[] mean;
        try (CentredColumns c = CentredColumns.of(data)) {
            mean = c.mean();
            e = SymmetricEigen.decomposeBlock(Covariance.symmetricValues(c.rows()), data.cols(), c.kept(), false,
                    options::solvesInFloat32);
        }
        INDArray meanRow = Nd4j.create(mean, new long[] {1, mean.length}, DataType.FLOAT);
        try {
            return fitted(options, meanRow, e, DataType.FLOAT, false);
        } catch (RuntimeException ex) {
            meanRow.close();
            throw ex;
        }
    }

    /** The whitening of a covariance decomposed as {@code e}, after the plain-Java check of that decomposition. */
    private static Whitening fitted(WhiteningOptions options, INDArray mean, Decomposition e, DataType type,
            boolean portable) {
        int n = e.n();
        FitCheck.eigen(e.block(), e.vectors(), e.values(), e.float32());
        double[] ascending = e.ascending();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.max(0, ascending[n - 1 - i]);
        }
        int k = options.kind() == Kind.ZCA ? n
                : options.components() > 0 ? Math.min(options.components(), n)
                : leadingComponents(d, options.retainedVariance());
        checkRank(d, k, options.epsilon(), type, e.float32());
        INDArray p = options.kind() == Kind.PCA ? pcaRows(e, d, k, options.epsilon(), -0.5, type)
                : zca(e, options.epsilon(), -0.5, type, portable);
        return new Whitening(options.kind(), options.epsilon(), mean, p, null, e, d, solver(options, e, portable));
    }

    /** Which eigensolver ran and, for {@code auto}, why: "the 666 x 666 eigenproblem in float32 (ssyevd) ...". */
    private static String solver(WhiteningOptions options, Decomposition e, boolean portable) {
        int m = e.m();
        String problem = "the " + m + " x " + m + " eigenproblem in ";
        if (portable) {
            return problem + "float64 (ND4J)";
        }
        String precision = e.float32() ? "float32 (ssyevd)" : "float64 (dsyevd)";
        if (options.eigensolver() != Eigensolver.AUTO) {
            return problem + precision + ", as eigensolver " + options.eigensolver().jsonName() + " asks";
        }
        if (options.kind() == Kind.PCA) {
            return problem + precision + " (eigensolver auto: always float64 for pca)";
        }
        if (options.epsilon() == 0) {
            return problem + precision + " (eigensolver auto: at epsilon 0 nothing bounds a float32 solve's error)";
        }
        double bound = options.float32Error(e.frobenius(), m);
        return problem + precision + String.format(Locale.ROOT, " (eigensolver auto: a float32 solve would move P by"
                + " at most %.1e relative at epsilon %s, the limit is %.0e)", bound, options.epsilon(),
                WhiteningOptions.FLOAT32_ZCA_ERROR);
    }

    /**
     * A whitening from saved arrays (see {@link #mean()}, {@link #transform()}, {@link #inverse()}), which it then
     * owns.
     */
    static Whitening of(Kind kind, double epsilon, INDArray mean, INDArray transform, INDArray inverse,
            double[] eigenvalues) {
        long n = mean.length();
        long k = transform.rows();
        if (mean.rank() != 2 || mean.rows() != 1 || transform.columns() != n || inverse.rows() != n
                || inverse.columns() != k || eigenvalues.length != n || (kind == Kind.ZCA && k != n)) {
            throw new IllegalArgumentException("inconsistent shapes: mean " + n + ", P " + k + "x" + transform.columns()
                    + ", P+ " + inverse.rows() + "x" + inverse.columns() + ", " + eigenvalues.length + " eigenvalues");
        }
        return new Whitening(kind, epsilon, mean, transform, inverse, null, eigenvalues.clone(), null);
    }

    /** The fewest leading components whose eigenvalues sum to at least {@code r} of the total (all when it is 0). */
    static int leadingComponents(double[] descending, double r) {
        double total = 0;
        for (double v : descending) {
            total += v;
        }
        double sum = 0;
        for (int k = 1; k <= descending.length; k++) {
            sum += descending[k - 1];
            if (sum >= r * total * (1 - 1e-12)) {
                return k;
            }
        }
        return descending.length;
    }

    /** With eps = 0 every kept eigenvalue must be clearly positive, else P would scale round-off by a huge factor. */
    private static void checkRank(double[] d, int k, double epsilon, DataType type, boolean float32Solve) {
        double relative = float32Solve ? 1e-5 : type == DataType.DOUBLE ? 1e-12 : 1e-6;
        double tolerance = relative * Math.max(d[0], Double.MIN_NORMAL);
        if (epsilon == 0 && !(d[k - 1] > tolerance)) {
            int rank = 0;
            while (rank < d.length && d[rank] > tolerance) {
                rank++;
            }
            throw new RankDeficientException("is 0, which needs the " + k + " kept eigenvalues of the covariance"
                    + " to be positive, but only " + rank + " of " + d.length + " exceed " + (float) tolerance
                    + " (the data are rank-deficient, e.g. constant inputs): use epsilon > 0"
                    + (rank > 0 ? ", or pca with components <= " + rank : ""));
        }
    }

    /**
     * Rows {@code (D_c + eps)^power e_c^T} for the k leading eigenvectors (k x n), in the data's type; {@code d} holds
     * the eigenvalues descending, as {@link Decomposition#ascending()} reversed.
     */
    private static INDArray pcaRows(Decomposition e, double[] d, int k, double epsilon, double power, DataType type) {
        int n = e.n();
        int m = e.m();
        int[] kept = e.kept();
        int[] order = e.order();
        double[] vectors = e.vectors(); // column-major m x m
        double[] rows = new double[k * n];
        for (int c = 0; c < k; c++) {
            double s = Math.pow(d[c] + epsilon, power);
            int pair = order[n - 1 - c];
            if (pair < 0) {
                rows[c * n - 1 - pair] = s; // a deflated row's unit vector
            } else {
                for (int r = 0; r < m; r++) {
                    rows[c * n + kept[r]] = vectors[pair * m + r] * s;
                }
            }
        }
        return array(rows, k, n, type);
    }

    /**
     * {@code E (D + eps I)^power E^T} (n x n, symmetric, in the data's type). With {@code F = E_m (D_m + eps)^(power
     * / 2)} on the solved block it is {@code F F^T} there, one SYRK (half a GEMM's work, m^3 instead of 2 n^3), and
     * {@code eps^power} on the diagonal of each deflated row (its eigenvalue is 0), zero elsewhere in that row.
     */
    private static INDArray zca(Decomposition e, double epsilon, double power, DataType type, boolean portable) {
        int n = e.n();
        int m = e.m();
        int[] kept = e.kept();
        double[] f = e.vectors().clone();
        double[] w = e.values();
        for (int j = 0; j < m; j++) {
            double s = Math.pow(Math.max(0, w[j]) + epsilon, power / 2);
            for (int i = j * m; i < (j + 1) * m; i++) {
                f[i] *= s;
            }
        }
        double[] block; // F F^T, column-major, upper triangle valid
        if (portable) {
            try (INDArray fTransposed = Nd4j.create(f, new long[] {m, m}, DataType.DOUBLE); // c-order: F's columns
                    INDArray gram = Covariance.of(fTransposed, 1.0, true)) {
                block = gram.data().asDouble();
            }
        } else {
            block = Covariance.gram(f, m, e.float32());
        }
        FitCheck.product(block, f, m, e.float32());
        double[] p = new double[n * n];
        for (int j = 0; j < m; j++) {
            int rowJ = kept[j] * n;
            for (int i = 0; i <= j; i++) {
                double v = block[j * m + i];
                p[kept[i] * n + kept[j]] = v;
                p[rowJ + kept[i]] = v;
            }
        }
        double deflated = Math.pow(epsilon, power);
        for (int pair : e.order()) {
            if (pair < 0) { // the unit vector of deflated row -1 - pair
                p[(-1 - pair) * (n + 1)] = deflated;
            }
        }
        return array(p, n, n, type);
    }

    /** A c-order rows x cols array of the given type from row-major float64 values. */
    private static INDArray array(double[] values, int rows, int cols, DataType type) {
        if (type == DataType.DOUBLE) {
            return Nd4j.create(values, new long[] {rows, cols}, DataType.DOUBLE);
        }
        float[] narrow = NativeArrays.narrow(values);
        return type == DataType.FLOAT ? NativeArrays.upload(new FloatMatrix(rows, cols, narrow)) // one bulk copy
                : Nd4j.create(narrow, new long[] {rows, cols}, type);
    }

    Kind kind() {
        return kind;
    }

    double epsilon() {
        return epsilon;
    }

    /** Which eigensolver the fit used and why ("the 666 x 666 eigenproblem in float32 ..."); null if loaded. */
    String solver() {
        return solver;
    }

    int inputs() {
        return (int) mean.length();
    }

    int outputs() {
        return (int) transform.rows();
    }

    /** The mean row (1 x n). */
    INDArray mean() {
        return mean;
    }

    /** P (k x n). */
    INDArray transform() {
        return transform;
    }

    /** P+ (n x k), the inverse of P on its range, built from the eigenvectors on first use. */
    INDArray inverse() {
        if (inverse == null) {
            DataType type = transform.dataType();
            if (kind == Kind.PCA) {
                try (INDArray root = pcaRows(eigen, eigenvalues, outputs(), epsilon, 0.5, type)) {
                    inverse = root.transpose().dup('c');
                }
            } else {
                inverse = zca(eigen, epsilon, 0.5, type, !Nd4j.getEnvironment().isCPU());
            }
            eigen = null;
        }
        return inverse;
    }

    /** All n eigenvalues of the training covariance, descending (a copy). */
    double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** The mean diagonal of the whitened training covariance: {@code mean_{i<k} D_i / (D_i + eps)}. */
    double whitenedVarianceMean() {
        double sum = 0;
        for (int i = 0; i < outputs(); i++) {
            sum += eigenvalues[i] + epsilon == 0 ? 0 : eigenvalues[i] / (eigenvalues[i] + epsilon);
        }
        return sum / outputs();
    }

    /** The fraction of the training variance in the kept components: {@code sum_{i<k} D_i / sum_i D_i}. */
    double retainedVariance() {
        double kept = 0;
        double total = 0;
        for (int i = 0; i < eigenvalues.length; i++) {
            total += eigenvalues[i];
            kept += i < outputs() ? eigenvalues[i] : 0;
        }
        return total == 0 ? 1 : kept / total;
    }

    /** {@code Y = (X - mu) P^T} as a new array; {@code x} (rows x n, not a view) is centred in place. */
    INDArray whitenInPlace(INDArray x) {
        x.subiRowVector(mean);
        INDArray y = Nd4j.create(x.dataType(), x.rows(), outputs());
        Nd4j.gemm(x, transform, y, false, true, 1.0, 0.0);
        return y;
    }

    /** {@code X = mu + Y P+^T} as a new array. */
    INDArray unwhiten(INDArray y) {
        INDArray x = Nd4j.create(y.dataType(), y.rows(), inputs());
        Nd4j.gemm(y, inverse(), x, false, true, 1.0, 0.0);
        x.addiRowVector(mean);
        return x;
    }

    /**
     * Whitened rows drawn in input space: ZCA codes as they are; PCA codes rotated back, {@code E_k y}, which is
     * {@code (y / s) P} with {@code s_i = ||P_i|| = (D_i + eps)^(-1/2)} (ZCA restricted to the k components).
     */
    INDArray inInputSpace(INDArray y) {
        if (kind == Kind.ZCA) {
            return y.dup();
        }
        INDArray x = Nd4j.create(y.dataType(), y.rows(), inputs());
        try (INDArray s = transform.norm2(1); INDArray unscaled = y.divRowVector(s)) {
            Nd4j.gemm(unscaled, transform, x, false, false, 1.0, 0.0);
        }
        return x;
    }

    @Override
    public void close() {
        mean.close();
        transform.close();
        if (inverse != null) {
            inverse.close();
        }
    }

    /** eps = 0 with a (numerically) singular covariance; the message continues "epsilon ...". */
    static final class RankDeficientException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        RankDeficientException(String message) {
            super(message);
        }
    }
}
