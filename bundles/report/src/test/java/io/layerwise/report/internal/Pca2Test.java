package io.layerwise.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pca2's Lanczos components against the eigenvectors of the whole covariance, and its small Jacobi solver. */
class Pca2Test {

    @Test
    void jacobiDiagonalisesASymmetricMatrix() {
        Random r = new Random(5);
        int m = 12;
        double[][] a = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = a[j][i] = r.nextGaussian();
            }
        }
        double[][] d = new double[m][];
        for (int i = 0; i < m; i++) {
            d[i] = a[i].clone();
        }
        double[][] v = Pca2.jacobi(d);
        for (int k = 0; k < m; k++) {
            for (int i = 0; i < m; i++) {
                double av = 0;
                double vv = 0;
                for (int j = 0; j < m; j++) {
                    av += a[i][j] * v[j][k];
                    vv += v[j][i] * v[j][k];
                }
                assertEquals(d[k][k] * v[i][k], av, 1e-12, "A v = lambda v, column " + k);
                assertEquals(i == k ? 1 : 0, vv, 1e-12, "V^T V = I");
                if (i != k) {
                    assertEquals(0, d[i][k], 1e-12, "off-diagonal left");
                }
            }
        }
    }

    /**
     * 60-unit codes whose covariance has a slowly decaying spectrum (1, 0.9, 0.8, ... along random directions, the
     * shape that made power iteration take all its steps): the components are the whole covariance's top eigenvectors,
     * found by Jacobi on the 60 x 60 matrix, and the shares of variance its eigenvalues over the trace.
     */
    @Test
    void componentsAreTheTopEigenvectorsOfTheWholeCovariance() {
        int n = 3000;
        int d = 60;
        Random r = new Random(11);
        double[][] basis = orthonormal(r, d);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                double z = Math.sqrt(Math.max(0.02, 1 - 0.1 * k)) * r.nextGaussian();
                for (int j = 0; j < d; j++) {
                    x[i * d + j] += (float) (z * basis[k][j]);
                }
            }
            x[i * d] += 3; // a mean to remove
        }
        Pca2 pca = Pca2.fit(x, n, d);

        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[i * d + j] / (double) n;
            }
        }
        double[][] c = new double[d][d];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                for (int l = 0; l < d; l++) {
                    c[j][l] += (x[i * d + j] - mean[j]) * (x[i * d + l] - mean[l]);
                }
            }
        }
        for (int j = 0; j < d; j++) {
            trace += c[j][j];
        }
        double[][] v = Pca2.jacobi(c);
        int first = 0;
        for (int k = 1; k < d; k++) {
            first = c[k][k] > c[first][first] ? k : first;
        }
        int second = first == 0 ? 1 : 0;
        for (int k = 0; k < d; k++) {
            second = k != first && c[k][k] > c[second][second] ? k : second;
        }
        int[] top = {first, second};
        for (int p = 0; p < 2; p++) {
            double cos = 0;
            for (int j = 0; j < d; j++) {
                cos += pca.components()[p][j] * v[j][top[p]];
            }
            assertEquals(1, Math.abs(cos), 1e-9, "component " + (p + 1));
            assertEquals(c[top[p]][top[p]] / trace, pca.variance()[p], 1e-9, "share of variance " + (p + 1));
        }
        assertEquals(mean[0], pca.mean()[0], 1e-9);
        assertTrue(pca.variance()[0] > pca.variance()[1]);
    }

    /** Codes of rank 1: the first component is the line, the second a unit vector orthogonal to it with no variance. */
    @Test
    void rankOneCodesGiveAnOrthogonalSecondComponentWithoutVariance() {
        int n = 200;
        int d = 10;
        Random r = new Random(2);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double z = r.nextGaussian();
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (z * (j + 1));
            }
        }
        Pca2 pca = Pca2.fit(x, n, d);
        double norm = Math.sqrt(385); // |(1, 2, ..., 10)|
        double cos = 0;
        double cross = 0;
        double second = 0;
        for (int j = 0; j < d; j++) {
            cos += pca.components()[0][j] * (j + 1) / norm;
            cross += pca.components()[0][j] * pca.components()[1][j];
            second += pca.components()[1][j] * pca.components()[1][j];
        }
        assertEquals(1, Math.abs(cos), 1e-9);
        assertEquals(0, cross, 1e-9);
        assertEquals(1, second, 1e-9);
        assertEquals(1, pca.variance()[0], 1e-9);
        assertEquals(0, pca.variance()[1], 1e-9);
    }

    private static double[][] orthonormal(Random r, int d) {
        double[][] q = new double[d][d];
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < d; j++) {
                q[k][j] = r.nextGaussian();
            }
            for (int i = 0; i < k; i++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += q[k][j] * q[i][j];
                }
                for (int j = 0; j < d; j++) {
                    q[k][j] -= dot * q[i][j];
                }
            }
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += q[k][j] * q[k][j];
            }
            for (int j = 0; j < d; j++) {
                q[k][j] /= Math.sqrt(s);
            }
        }
        return q;
    }
}
