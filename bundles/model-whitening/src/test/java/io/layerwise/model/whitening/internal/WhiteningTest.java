package io.layerwise.model.whitening.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.model.whitening.internal.WhiteningOptions.Eigensolver;
import io.layerwise.model.whitening.internal.WhiteningOptions.Kind;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The whitening maths in float64 on small data with a known, clearly decaying spectrum, checked against the closed
 * forms of {@link Whitening} and an independent Jacobi eigensolver.
 */
class WhiteningTest {
    static final int ROWS = 400;
    static final int DIM = 10;
    static final double[] SPECTRUM = {3, 2.5, 2, 1.2, 0.8, 0.4, 0.25, 0.12, 0.06, 0.03};

    /** Rows {@code G diag(s) R + offset} with a random orthogonal R; with {@code constant}, column 3 is 0.7 throughout. */
    static double[][] data(long seed, boolean constant) {
        return data(seed, constant, seed + 1000);
    }

    /** As {@link #data(long, boolean)}: R drawn with {@code seed}, G with {@code sample} (same distribution, new rows). */
    static double[][] data(long seed, boolean constant, long sample) {
        Random r = new Random(seed);
        double[][] q = new double[DIM][DIM];
        for (double[] row : q) {
            for (int j = 0; j < DIM; j++) {
                row[j] = r.nextGaussian();
            }
        }
        orthonormaliseRows(q);
        double[][] x = new double[ROWS][DIM];
        r = new Random(sample);
        for (double[] row : x) {
            double[] g = new double[DIM];
            for (int i = 0; i < DIM; i++) {
                g[i] = r.nextGaussian() * SPECTRUM[i];
            }
            for (int j = 0; j < DIM; j++) {
                for (int i = 0; i < DIM; i++) {
                    row[j] += g[i] * q[i][j];
                }
                row[j] += 0.1 * j; // a mean to remove
            }
            if (constant) {
                row[3] = 0.7;
            }
        }
        return x;
    }

    static void orthonormaliseRows(double[][] q) {
        for (int i = 0; i < q.length; i++) {
            for (int p = 0; p < i; p++) {
                double dot = 0;
                for (int j = 0; j < q[i].length; j++) {
                    dot += q[i][j] * q[p][j];
                }
                for (int j = 0; j < q[i].length; j++) {
                    q[i][j] -= dot * q[p][j];
                }
            }
            double norm = 0;
            for (double v : q[i]) {
                norm += v * v;
            }
            for (int j = 0; j < q[i].length; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
    }

    /** {@code (X - mu)^T (X - mu) / N} in plain Java. */
    static double[][] covariance(double[][] x) {
        int n = x[0].length;
        double[] mean = new double[n];
        for (double[] row : x) {
            for (int j = 0; j < n; j++) {
                mean[j] += row[j] / x.length;
            }
        }
        double[][] c = new double[n][n];
        for (double[] row : x) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) / x.length;
                }
            }
        }
        return c;
    }

    static Whitening fit(double[][] x, WhiteningOptions options) {
        try (INDArray a = Nd4j.createFromArray(x)) {
            return Whitening.fit(a, options);
        }
    }

    /** The covariance of the whitened training rows, {@code Y^T Y / N} (Y is centred by construction). */
    static double[][] whitenedCovariance(Whitening w, double[][] x) {
        try (INDArray a = Nd4j.createFromArray(x); INDArray y = w.whitenInPlace(a)) {
            return y.transpose().mmul(y).divi(x.length).toDoubleMatrix();
        }
    }

    static double maxAbs(double[][] m) {
        double max = 0;
        for (double[] row : m) {
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    @ParameterizedTest(name = "epsilon {0}")
    @ValueSource(doubles = {0, 1e-5, 0.1, 1})
    void zcaTransformIsSymmetric(double epsilon) {
        try (Whitening w = fit(data(1, false), WhiteningOptions.zca(epsilon, DIM))) {
            double[][] p = w.transform().toDoubleMatrix();
            double asymmetry = 0;
            for (int i = 0; i < DIM; i++) {
                for (int j = 0; j < DIM; j++) {
                    asymmetry = Math.max(asymmetry, Math.abs(p[i][j] - p[j][i]));
                }
            }
            assertTrue(asymmetry <= 1e-12 * maxAbs(p), "max |P - P^T| = " + asymmetry);
        }
    }

    @ParameterizedTest(name = "epsilon {0}")
    @ValueSource(doubles = {0, 1e-3, 0.1, 1})
    void pcaWhitenedCovarianceIsDOverDPlusEpsOnTheDiagonalAndZeroOffIt(double epsilon) {
        double[][] x = data(2, false);
        double[] d = Jacobi.of(covariance(x)).values();
        try (Whitening w = fit(x, WhiteningOptions.pca(epsilon, DIM))) {
            double[][] c = whitenedCovariance(w, x);
            for (int i = 0; i < DIM; i++) {
                for (int j = 0; j < DIM; j++) {
                    double expected = i == j ? d[i] / (d[i] + epsilon) : 0;
                    assertEquals(expected, c[i][j], 1e-10, "whitened covariance [" + i + "][" + j + "]");
                }
            }
            double mean = 0;
            for (double v : d) {
                mean += v / (v + epsilon) / DIM;
            }
            assertEquals(mean, w.whitenedVarianceMean(), 1e-12);
        }
    }

    /** In float64 to round-off; the float32 eigensolver (ZCA's auto choice at epsilon 0.1 here) to float32's. */
    @ParameterizedTest(name = "epsilon {0}, eigensolver {1}")
    @CsvSource({"0, FLOAT64", "1e-3, FLOAT64", "0.1, FLOAT64", "1, FLOAT64", "0.1, FLOAT32", "1, FLOAT32"})
    void zcaWhitenedCovarianceIsDOverDPlusEpsInTheEigenbasis(double epsilon, Eigensolver solver) {
        double[][] x = data(3, false);
        Jacobi eig = Jacobi.of(covariance(x));
        double tolerance = solver == Eigensolver.FLOAT32 ? 1e-5 : 1e-10;
        try (Whitening w = fit(x, WhiteningOptions.zca(epsilon, DIM).with(solver))) {
            double[][] c = whitenedCovariance(w, x);
            double[][] e = eig.vectors();
            for (int a = 0; a < DIM; a++) {
                for (int b = 0; b < DIM; b++) {
                    double ecb = 0; // (E^T C E)[a][b]
                    for (int i = 0; i < DIM; i++) {
                        for (int j = 0; j < DIM; j++) {
                            ecb += e[i][a] * c[i][j] * e[j][b];
                        }
                    }
                    double d = eig.values()[a];
                    assertEquals(a == b ? d / (d + epsilon) : 0, ecb, tolerance, "E^T C E [" + a + "][" + b + "]");
                }
            }
            if (epsilon == 0) {
                for (int i = 0; i < DIM; i++) {
                    for (int j = 0; j < DIM; j++) {
                        assertEquals(i == j ? 1 : 0, c[i][j], 1e-10, "whitened covariance is I at epsilon 0");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(ints = {1, 3, 10})
    void pcaWithKComponentsKeepsTheTopKEigenvectorsUpToSign(int k) {
        double[][] x = data(4, false);
        Jacobi eig = Jacobi.of(covariance(x));
        double epsilon = 0.05;
        try (Whitening w = fit(x, WhiteningOptions.pca(epsilon, k))) {
            assertEquals(k, w.outputs());
            double[][] p = w.transform().toDoubleMatrix();
            for (int c = 0; c < k; c++) {
                double norm = 0;
                double dot = 0;
                for (int i = 0; i < DIM; i++) {
                    norm += p[c][i] * p[c][i];
                    dot += p[c][i] * eig.vectors()[i][c];
                }
                norm = Math.sqrt(norm);
                assertEquals(1 / Math.sqrt(eig.values()[c] + epsilon), norm, 1e-10, "row " + c + " scale");
                assertEquals(1, Math.abs(dot) / norm, 1e-10, "row " + c + " direction (up to sign)");
            }
            double[] d = w.eigenvalues();
            for (int i = 0; i < DIM; i++) {
                assertEquals(eig.values()[i], d[i], 1e-12, "eigenvalue " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0} epsilon {1}, eigensolver {2}")
    @CsvSource({"PCA, 0, FLOAT64", "ZCA, 0, FLOAT64", "PCA, 0.1, FLOAT64", "ZCA, 0.1, FLOAT64", "ZCA, 0.1, FLOAT32"})
    void inverseOfTransformReturnsTheInputAtFullRank(Kind kind, double epsilon, Eigensolver solver) {
        double[][] x = data(5, false);
        WhiteningOptions o = (kind == Kind.PCA ? WhiteningOptions.pca(epsilon, DIM) : WhiteningOptions.zca(epsilon, DIM))
                .with(solver);
        double tolerance = solver == Eigensolver.FLOAT32 ? 1e-5 : 1e-10;
        try (Whitening w = fit(x, o); INDArray a = Nd4j.createFromArray(x); INDArray y = w.whitenInPlace(a);
                INDArray back = w.unwhiten(y)) {
            double[][] b = back.toDoubleMatrix();
            for (int r = 0; r < ROWS; r++) {
                for (int j = 0; j < DIM; j++) {
                    assertEquals(x[r][j], b[r][j], tolerance, "row " + r + " input " + j);
                }
            }
        }
    }

    @Test
    void pcaWithFewerComponentsReconstructsTheProjectionOntoThem() {
        double[][] x = data(6, false);
        Jacobi eig = Jacobi.of(covariance(x));
        int k = 4;
        try (Whitening w = fit(x, WhiteningOptions.pca(0, k)); INDArray a = Nd4j.createFromArray(x);
                INDArray y = w.whitenInPlace(a); INDArray back = w.unwhiten(y)) {
            double[][] b = back.toDoubleMatrix();
            double[] mean = w.mean().toDoubleVector();
            for (int r = 0; r < ROWS; r += 37) {
                // the residual x - x^ is orthogonal to the kept eigenvectors, the rest of (x - mu) lies in them
                for (int c = 0; c < DIM; c++) {
                    double residual = 0;
                    double centred = 0;
                    for (int i = 0; i < DIM; i++) {
                        residual += (x[r][i] - b[r][i]) * eig.vectors()[i][c];
                        centred += (x[r][i] - mean[i]) * eig.vectors()[i][c];
                    }
                    assertEquals(c < k ? 0 : centred, residual, 1e-10, "row " + r + " along eigenvector " + c);
                }
            }
        }
    }

    @Test
    void epsilonZeroOnRankDeficientDataFailsAndNamesTheRank() {
        double[][] x = data(7, true);
        Whitening.RankDeficientException e = assertThrows(Whitening.RankDeficientException.class,
                () -> fit(x, WhiteningOptions.zca(0, DIM)));
        assertTrue(e.getMessage().startsWith("is 0, which needs the 10 kept eigenvalues"), e.getMessage());
        assertTrue(e.getMessage().contains("only 9 of 10") && e.getMessage().contains("components <= 9"), e.getMessage());
        try (Whitening w = fit(x, WhiteningOptions.pca(0, 9)); Whitening z = fit(x, WhiteningOptions.zca(1e-3, DIM))) {
            assertEquals(1, w.whitenedVarianceMean(), 1e-12, "9 positive components whiten to unit variance");
            assertEquals(0, z.eigenvalues()[DIM - 1], 1e-12, "the constant input's eigenvalue");
            double[] d = Jacobi.of(covariance(x)).values();
            double mean = 0;
            for (double v : d) {
                mean += Math.max(v, 0) / (Math.max(v, 0) + 1e-3) / DIM;
            }
            assertEquals(mean, z.whitenedVarianceMean(), 1e-9, "the constant input's component contributes 0");
        }
    }

    /**
     * A dependent input (the sum of two others) is not a zero row, so nothing deflates it: its eigenvalue is round-off
     * of the solver's precision, and epsilon 0 is refused under either solver (float32's tolerance is 1e-5 of the
     * largest eigenvalue, float64's 1e-12).
     */
    @ParameterizedTest(name = "eigensolver {0}")
    @ValueSource(strings = {"FLOAT32", "FLOAT64"})
    void epsilonZeroOnDependentInputsFailsUnderEitherSolver(Eigensolver solver) {
        double[][] x = data(8, false);
        for (double[] row : x) {
            row[DIM - 1] = row[0] + row[1];
        }
        Whitening.RankDeficientException e = assertThrows(Whitening.RankDeficientException.class,
                () -> fit(x, WhiteningOptions.zca(0, DIM).with(solver)));
        assertTrue(e.getMessage().contains("only 9 of 10"), e.getMessage());
        try (Whitening z = fit(x, WhiteningOptions.zca(0.1, DIM).with(solver))) {
            assertEquals(0, z.eigenvalues()[DIM - 1], solver == Eigensolver.FLOAT32 ? 1e-5 : 1e-12);
        }
    }

    /**
     * An input that is 0 in every row has an exactly zero covariance row, which the fit deflates (its eigenvector is
     * the unit vector, its eigenvalue 0): ZCA's P, PCA's rows and both inverses still equal the closed forms from an
     * independent Jacobi solve, on the direct and the portable path.
     */
    @ParameterizedTest(name = "portable {0}")
    @ValueSource(booleans = {false, true})
    void aZeroInputIsDeflatedAndTheTransformsEqualTheClosedForms(boolean portable) {
        double[][] x = data(11, false);
        for (double[] row : x) {
            row[3] = 0;
        }
        double epsilon = 0.1;
        Jacobi eig = Jacobi.of(covariance(x));
        double[][] e = eig.vectors();
        double[] d = eig.values();
        assertEquals(0, d[DIM - 1], 1e-15, "the zero input's eigenvalue");
        double[][] zca = new double[DIM][DIM];
        for (int i = 0; i < DIM; i++) {
            for (int j = 0; j < DIM; j++) {
                for (int c = 0; c < DIM; c++) {
                    zca[i][j] += e[i][c] * e[j][c] / Math.sqrt(Math.max(d[c], 0) + epsilon);
                }
            }
        }
        try (INDArray a = Nd4j.createFromArray(x); INDArray b = Nd4j.createFromArray(x);
                Whitening z = Whitening.fit(a, WhiteningOptions.zca(epsilon, DIM).with(Eigensolver.FLOAT64), portable);
                Whitening p = Whitening.fit(b, WhiteningOptions.pca(epsilon, DIM), portable)) {
            double[][] got = z.transform().toDoubleMatrix();
            for (int i = 0; i < DIM; i++) {
                for (int j = 0; j < DIM; j++) {
                    assertEquals(zca[i][j], got[i][j], 1e-10, "ZCA P[" + i + "][" + j + "]");
                }
            }
            assertEquals(1 / Math.sqrt(epsilon), got[3][3], 0, "the zero input's diagonal is eps^(-1/2) exactly");
            double[][] rows = p.transform().toDoubleMatrix();
            for (int c = 0; c < DIM; c++) {
                double dot = 0;
                for (int i = 0; i < DIM; i++) {
                    dot += rows[c][i] * e[i][c];
                }
                assertEquals(1 / Math.sqrt(Math.max(d[c], 0) + epsilon), Math.abs(dot), 1e-10, "PCA row " + c);
            }
            for (int i = 0; i < DIM; i++) {
                assertEquals(i == 3 ? 1 / Math.sqrt(epsilon) : 0, rows[DIM - 1][i], 0, "the last PCA row is e_3");
            }
            for (Whitening w : new Whitening[] {z, p}) {
                try (INDArray c = Nd4j.createFromArray(x); INDArray y = w.whitenInPlace(c);
                        INDArray back = w.unwhiten(y)) {
                    double[][] r = back.toDoubleMatrix();
                    for (int row = 0; row < ROWS; row += 13) {
                        for (int j = 0; j < DIM; j++) {
                            assertEquals(x[row][j], r[row][j], 1e-10, w.kind() + " row " + row + " input " + j);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "r = {0}")
    @ValueSource(doubles = {0.5, 0.9, 0.99, 1})
    void retainedVarianceKeepsTheFewestLeadingComponentsThatHoldIt(double r) {
        double[][] x = data(8, false);
        double[] d = Jacobi.of(covariance(x)).values();
        double total = 0;
        for (double v : d) {
            total += v;
        }
        int expected = 0;
        double sum = 0;
        while (sum < r * total * (1 - 1e-12)) {
            sum += d[expected++];
        }
        try (Whitening w = fit(x, WhiteningOptions.pcaRetaining(0.1, r))) {
            assertEquals(expected, w.outputs());
            assertTrue(w.retainedVariance() >= r * (1 - 1e-12), "kept " + w.retainedVariance());
            assertEquals(sum / total, w.retainedVariance(), 1e-12);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PCA", "ZCA"})
    void theDirectLapackPathAgreesWithThePortableOne(Kind kind) {
        double[][] x = data(9, false);
        WhiteningOptions o = (kind == Kind.PCA ? WhiteningOptions.pca(0.1, DIM) : WhiteningOptions.zca(0.1, DIM))
                .with(Eigensolver.FLOAT64);
        try (INDArray a = Nd4j.createFromArray(x); INDArray b = Nd4j.createFromArray(x);
                Whitening fast = Whitening.fit(a, o, false); Whitening portable = Whitening.fit(b, o, true)) {
            double[][] p = fast.transform().toDoubleMatrix();
            double[][] q = portable.transform().toDoubleMatrix();
            for (int i = 0; i < p.length; i++) {
                // eigenvector signs are arbitrary: PCA rows may flip, ZCA's P does not depend on them
                double sign = Math.signum(p[i][0]) == Math.signum(q[i][0]) || kind == Kind.ZCA ? 1 : -1;
                for (int j = 0; j < DIM; j++) {
                    assertEquals(p[i][j], sign * q[i][j], 1e-10, "P[" + i + "][" + j + "]");
                }
            }
            double[] d = fast.eigenvalues();
            double[] e = portable.eigenvalues();
            for (int i = 0; i < DIM; i++) {
                assertEquals(d[i], e[i], 1e-12);
            }
        }
    }

    /**
     * The CPU backend fits the stage's heap rows without uploading them ({@link CentredColumns}: the constant columns
     * left out of the product, a constant non-zero one included, which the uploaded path only gets to within
     * round-off). On held-out rows both whiten alike to float32 precision; PCA stops short of the two zero
     * eigenvalues, whose order between the paths is arbitrary.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PCA", "ZCA"})
    void theHeapRowsWhitenHeldOutRowsAsTheUploadedRowsDo(Kind kind) {
        double[][] x = data(12, true);
        double[][] heldOut = data(12, true, 99);
        for (double[][] set : new double[][][] {x, heldOut}) {
            for (double[] row : set) {
                row[6] = 0;
            }
        }
        WhiteningOptions o = kind == Kind.PCA ? WhiteningOptions.pca(0.1, DIM - 2) : WhiteningOptions.zca(0.1, DIM);
        FloatMatrix rows = WhiteningStageTest.matrix(x);
        FloatMatrix held = WhiteningStageTest.matrix(heldOut);
        try (INDArray uploaded = NativeArrays.upload(rows); Whitening plain = Whitening.fit(uploaded, o, false);
                Whitening heap = Whitening.fit(rows, o);
                INDArray a = NativeArrays.upload(held); INDArray b = NativeArrays.upload(held);
                INDArray ya = plain.whitenInPlace(a); INDArray yb = heap.whitenInPlace(b)) {
            double[] d = plain.eigenvalues();
            double[] e = heap.eigenvalues();
            for (int i = 0; i < DIM; i++) {
                assertEquals(d[i], e[i], 1e-5 * d[0], "eigenvalue " + i);
            }
            assertEquals(0, e[DIM - 1], 0, "a constant input's eigenvalue is exactly 0 on the heap path");
            double[][] p = ya.toDoubleMatrix();
            double[][] q = yb.toDoubleMatrix();
            double scale = maxAbs(p);
            for (int c = 0; c < p[0].length; c++) {
                // a PCA row's sign is arbitrary; ZCA's P does not depend on it
                double sign = kind == Kind.ZCA || Math.signum(p[0][c]) == Math.signum(q[0][c]) ? 1 : -1;
                for (int r = 0; r < p.length; r++) {
                    assertEquals(p[r][c], sign * q[r][c], 1e-4 * scale, "held-out row " + r + ", output " + c);
                }
            }
        }
    }

    /**
     * The heap rows' ZCA fit with the float32 eigensolver moves P by at most the bound {@code auto} relies on
     * ({@link WhiteningOptions#float32Error}), relative to {@code |P|_2 = (D_min + eps)^(-1/2)}.
     */
    @ParameterizedTest(name = "epsilon {0}")
    @ValueSource(doubles = {0.1, 1})
    void theFloat32EigensolverMovesTheZcaTransformByLessThanItsBound(double epsilon) {
        double[][] x = data(13, false);
        FloatMatrix rows = WhiteningStageTest.matrix(x);
        WhiteningOptions o = WhiteningOptions.zca(epsilon, DIM);
        try (Whitening single = Whitening.fit(rows, o.with(Eigensolver.FLOAT32));
                Whitening wide = Whitening.fit(rows, o.with(Eigensolver.FLOAT64))) {
            assertTrue(single.solver().contains("float32 (ssyevd)"), single.solver());
            double[][] p = single.transform().toDoubleMatrix();
            double[][] q = wide.transform().toDoubleMatrix();
            double difference = 0;
            for (int i = 0; i < DIM; i++) {
                for (int j = 0; j < DIM; j++) {
                    difference = Math.max(difference, Math.abs(p[i][j] - q[i][j]));
                }
            }
            double frobenius = 0;
            for (double[] row : covariance(x)) {
                for (double v : row) {
                    frobenius += v * v;
                }
            }
            double[] d = wide.eigenvalues();
            double norm = 1 / Math.sqrt(d[DIM - 1] + epsilon);
            assertTrue(difference > 0, "the two solvers ran");
            assertTrue(difference <= o.float32Error(Math.sqrt(frobenius), DIM) * norm, difference + " beyond the bound");
        }
    }

    @Test
    void float32DataGiveTheFloat64TransformToSinglePrecision() {
        double[][] x = data(10, false);
        try (INDArray single = Nd4j.createFromArray(x).castTo(DataType.FLOAT);
                Whitening f = Whitening.fit(single, WhiteningOptions.zca(0.01, DIM));
                Whitening d = fit(x, WhiteningOptions.zca(0.01, DIM))) {
            assertEquals(DataType.FLOAT, f.transform().dataType());
            double[][] p = f.transform().toDoubleMatrix();
            double[][] q = d.transform().toDoubleMatrix();
            double scale = maxAbs(q);
            for (int i = 0; i < DIM; i++) {
                for (int j = 0; j < DIM; j++) {
                    assertEquals(q[i][j], p[i][j], 1e-4 * scale, "P[" + i + "][" + j + "]");
                }
            }
        }
    }
}
