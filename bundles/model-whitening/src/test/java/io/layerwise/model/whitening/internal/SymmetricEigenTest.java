package io.layerwise.model.whitening.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.core.testing.MnistSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The deflation of zero rows in {@link SymmetricEigen}: the decomposition of a matrix with zero rows (a covariance
 * with constant inputs) equals the solve of the whole matrix, on random matrices and on the covariance of the real
 * MNIST sample, where 118 border pixels never change.
 */
class SymmetricEigenTest {

    /** A random symmetric positive semi-definite n x n matrix (column-major) whose rows {@code zero} are zero. */
    private static double[] withZeroRows(int n, int[] zero, long seed) {
        Random random = new Random(seed);
        double[][] g = new double[n][n];
        for (double[] row : g) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextGaussian();
            }
        }
        for (int z : zero) {
            g[z] = new double[n]; // a zero row of G makes a zero row and column of G G^T
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += g[i][k] * g[j][k];
                }
                a[j * n + i] = s / n;
            }
        }
        return a;
    }

    /** {@code E diag(f(w)) E^T} (column-major) from a decomposition: a function of the matrix, whatever basis E is. */
    private static double[] function(double[] e, double[] w, int n, double epsilon, double power) {
        double[] out = new double[n * n];
        for (int k = 0; k < n; k++) {
            double s = Math.pow(Math.max(w[k], 0) + epsilon, power);
            for (int j = 0; j < n; j++) {
                double ejs = e[k * n + j] * s;
                for (int i = 0; i < n; i++) {
                    out[j * n + i] += e[k * n + i] * ejs;
                }
            }
        }
        return out;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest(name = "portable {0}")
    @ValueSource(booleans = {false, true})
    void zeroRowsAreDeflatedToUnitVectorsAndTheRestEqualsTheWholeSolve(boolean portable) {
        int n = 60;
        int[] zero = {0, 7, 30, 59};
        double[] a = withZeroRows(n, zero, 5);
        SymmetricEigen.Decomposition deflated = SymmetricEigen.decompose(a, n, portable, true);
        SymmetricEigen.Decomposition whole = SymmetricEigen.decompose(a, n, portable, false);
        assertEquals(n - zero.length, deflated.m(), "the solved block");
        assertEquals(n, whole.m());
        double[] w = deflated.ascending();
        double[] reference = whole.ascending();
        double[] e = deflated.wholeVectors();
        double scale = maxAbs(reference);
        assertArrayEquals(reference, w, 1e-12 * scale, "the same eigenvalues, ascending");
        for (int k = 1; k < n; k++) {
            assertTrue(w[k - 1] <= w[k], "ascending at " + k);
        }
        // E diag(w) E^T = A and E^T E = I: a decomposition of the same matrix
        assertEquals(0, maxDifference(function(e, w, n, 0, 1), a), 1e-12 * scale);
        double[] identity = new double[n * n];
        for (int i = 0; i < n; i++) {
            identity[i * n + i] = 1;
        }
        assertEquals(0, maxDifference(function(e, w, n, 1, 0), identity), 1e-12);
        // each zero row's eigenvector is its unit vector, exactly; every other eigenvector is zero there
        for (int z : zero) {
            int units = 0;
            for (int k = 0; k < n; k++) {
                double v = e[k * n + z];
                assertTrue(v == 0 || v == 1, "component " + z + " of eigenvector " + k + " is " + v);
                units += v == 1 ? 1 : 0;
                if (v == 1) {
                    assertEquals(0, w[k], "the eigenvalue of unit vector " + z);
                }
            }
            assertEquals(1, units, "one eigenvector is the unit vector " + z);
        }
        // the ZCA-style function of the matrix is the same from both decompositions
        double[] zca = function(e, w, n, 1e-3, -0.5);
        double[] zcaWhole = function(whole.wholeVectors(), reference, n, 1e-3, -0.5);
        assertEquals(0, maxDifference(zca, zcaWhole), 1e-9 * maxAbs(zcaWhole));
        // the solved block is A on the kept rows, which the fit check reads
        for (int q = 0; q < deflated.m(); q++) {
            for (int p = 0; p < deflated.m(); p++) {
                assertEquals(a[deflated.kept()[q] * n + deflated.kept()[p]], deflated.block()[q * deflated.m() + p], 0);
            }
        }
    }

    @Test
    void aMatrixWithoutZeroRowsIsSolvedWhole() {
        int n = 12;
        double[] full = withZeroRows(n, new int[0], 9);
        SymmetricEigen.Decomposition deflated = SymmetricEigen.decompose(full, n, false, true);
        SymmetricEigen.Decomposition whole = SymmetricEigen.decompose(full, n, false, false);
        assertEquals(n, deflated.m());
        assertArrayEquals(whole.ascending(), deflated.ascending(), 0);
        assertArrayEquals(whole.wholeVectors(), deflated.wholeVectors(), 0);
        double[] zeroDiagonal = full.clone(); // indefinite: a zero diagonal entry whose row is not zero stays in
        zeroDiagonal[0] = 0;
        zeroDiagonal[3 * n + 3] = 0;
        SymmetricEigen.Decomposition indefinite = SymmetricEigen.decompose(zeroDiagonal, n, false, true);
        assertEquals(n, indefinite.m());
        assertArrayEquals(SymmetricEigen.decompose(zeroDiagonal, n, false, false).ascending(), indefinite.ascending(), 0);
        assertTrue(indefinite.ascending()[0] < 0, "indefinite: " + indefinite.ascending()[0]);
        assertArrayEquals(new double[n], SymmetricEigen.decompose(new double[n * n], n, false, true).ascending(), 0);
    }

    /** Round-off negatives of the solved block come before the deflated rows' zeros, which come before the positives. */
    @Test
    void theDeflatedZerosSitBetweenTheNegativeAndThePositiveEigenvalues() {
        int n = 5;
        double[] a = new double[n * n]; // diag(-1e-9, 0, 2, 0, 3) with a coupling between rows 2 and 4
        a[0] = -1e-9;
        a[2 * n + 2] = 2;
        a[4 * n + 4] = 3;
        a[4 * n + 2] = 0.5;
        a[2 * n + 4] = 0.5;
        SymmetricEigen.Decomposition d = SymmetricEigen.decompose(a, n, false, true);
        assertArrayEquals(new int[] {0, 2, 4}, d.kept());
        assertArrayEquals(new int[] {0, -2, -4, 1, 2}, d.order(), "solved 0 (negative), rows 1 and 3, solved 1, 2");
        double[] w = d.ascending();
        assertEquals(-1e-9, w[0], 1e-20);
        assertEquals(0, w[1], 0);
        assertEquals(0, w[2], 0);
        assertTrue(w[3] > 0 && w[4] > w[3], "positives last: " + w[3] + ", " + w[4]);
    }

    /**
     * The covariance of the 8,000 real training digits has 118 zero rows (pixels that are 0 in every digit). ZCA at
     * epsilon 1e-5, where the near-zero eigenvalues weigh most, built from the deflated decomposition and from the
     * whole one, whitens the 2,000 held-out digits to the same values.
     */
    @Test
    void theMnistCovarianceDeflatesAndWhitensHeldOutDigitsAsTheWholeSolveDoes() throws Exception {
        Path dir = MnistSample.directory();
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        assumeTrue(Files.isRegularFile(images), "no MNIST sample at " + dir.toAbsolutePath());
        FloatMatrix train = MnistSample.images(images);
        FloatMatrix test = MnistSample.images(dir.resolve("t10k-images-idx3-ubyte.gz"));
        int n = train.cols();
        double[] mean = new double[n];
        for (int r = 0; r < train.rows(); r++) {
            for (int i = 0; i < n; i++) {
                mean[i] += train.get(r, i) / (double) train.rows();
            }
        }
        double[] cov;
        try (INDArray x = Nd4j.create(train.data(), new long[] {train.rows(), n}, DataType.FLOAT)
                    .castTo(DataType.DOUBLE);
                INDArray mu = Nd4j.createFromArray(mean).reshape(1, n)) {
            x.subiRowVector(mu);
            INDArray c = x.transpose().mmul(x).divi(train.rows());
            cov = c.dup('f').data().asDouble();
        }
        int zeroRows = 0;
        for (int i = 0; i < n; i++) {
            zeroRows += cov[i * n + i] == 0 ? 1 : 0;
        }
        assertEquals(118, zeroRows, "pixels constant over the 8,000 training digits");
        double epsilon = 1e-5;
        SymmetricEigen.Decomposition deflated = SymmetricEigen.decompose(cov, n, false, true);
        SymmetricEigen.Decomposition whole = SymmetricEigen.decompose(cov, n, false, false);
        assertEquals(n - 118, deflated.m());
        double[] p = function(deflated.wholeVectors(), deflated.ascending(), n, epsilon, -0.5);
        double[] pWhole = function(whole.wholeVectors(), whole.ascending(), n, epsilon, -0.5);
        double largest = 0;
        double difference = 0;
        for (int r = 0; r < test.rows(); r += 7) {
            for (int j = 0; j < n; j++) {
                double y = 0;
                double yWhole = 0;
                for (int i = 0; i < n; i++) {
                    double centred = test.get(r, i) - mean[i];
                    y += p[j * n + i] * centred;
                    yWhole += pWhole[j * n + i] * centred;
                }
                largest = Math.max(largest, Math.abs(yWhole));
                difference = Math.max(difference, Math.abs(y - yWhole));
            }
        }
        System.out.printf("held-out ZCA outputs at eps 1e-5: largest %.4g, deflated vs whole %.3g%n", largest,
                difference);
        assertTrue(largest > 10, "held-out digits whiten to values of order 1/sqrt(eps): " + largest);
        assertEquals(0, difference, 1e-7 * largest);
    }
}
