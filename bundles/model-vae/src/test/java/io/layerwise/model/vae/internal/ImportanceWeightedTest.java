package io.layerwise.model.vae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.ae.SeededGenerator;
import io.layerwise.core.nn.Activation;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The importance-weighted estimator against the exact log-likelihood of a linear-Gaussian model, in float64:
 * {@code z ~ N(0, I_L)}, {@code x | z ~ N(A z + c, sigma^2 I_n)}, so {@code p(x) = N(c, A A^T + sigma^2 I)} and the
 * posterior is Gaussian, {@code N(S A^T (x - c) / sigma^2, S)} with {@code S = (I + A^T A / sigma^2)^-1}. With
 * orthogonal columns of A, S is diagonal and a VAE with linear heads represents the posterior exactly.
 */
class ImportanceWeightedTest {
    static final int N = 5;
    static final int L = 2;
    static final double SIGMA2 = 0.25;
    static final int ROWS = 200;
    /** Columns of A: orthogonal, of squared norms 5 and 0.75. */
    static final double[][] A = {{1, 0}, {2, 0}, {0, -0.5}, {0, 0.5}, {0, 0.5}};
    static final double[] C = {0.3, -0.2, 0.1, 0.0, 0.5};

    @Test
    void withTheExactPosteriorEveryEstimateIsTheExactLogLikelihood() {
        try (Vae vae = linearGaussian(0, 0); VaeBuffers b = vae.buffers(ROWS); SeededGenerator g = new SeededGenerator(5)) {
            INDArray x = sample(ROWS, 1);
            double exact = exactMean(x);
            for (int k : new int[] {1, 7}) {
                double iw = ImportanceWeighted.sum(vae, x, b, k, g) / ROWS;
                assertEquals(exact, iw, 1e-9 * Math.abs(exact), "k = " + k);
            }
        }
    }

    /**
     * With a posterior mean and variance off by a constant, the estimate at k = 1 is the ELBO (one draw per row: its
     * expectation), rises with k and approaches the exact figure from below.
     */
    @Test
    void withAnApproximatePosteriorTheEstimateRisesWithKTowardTheExactLogLikelihood() {
        try (Vae vae = linearGaussian(0.4, 0.7); VaeBuffers b = vae.buffers(ROWS)) {
            INDArray x = sample(ROWS, 2);
            double exact = exactMean(x);
            double[] iw = new double[4];
            int[] ks = {1, 10, 100, 1000};
            int[] repeats = {100, 10, 1, 1}; // k = 1 is averaged over 100 draws per row, to compare with the ELBO
            for (int i = 0; i < ks.length; i++) {
                try (SeededGenerator g = new SeededGenerator(9 + i)) {
                    for (int rep = 0; rep < repeats[i]; rep++) {
                        iw[i] += ImportanceWeighted.sum(vae, x, b, ks[i], g) / ROWS / repeats[i];
                    }
                }
            }
            double elbo = 0;
            int draws = 200;
            try (SeededGenerator g = new SeededGenerator(3)) {
                for (int d = 0; d < draws; d++) {
                    VaeStage.gaussian(b.eps, g);
                    elbo -= vae.terms(x, b).objective(1.0) / ROWS / draws;
                }
            }
            String all = "exact " + exact + ", ELBO " + elbo + ", IW " + java.util.Arrays.toString(iw);
            assertEquals(elbo, iw[0], 0.05, all); // k = 1: the ELBO in expectation
            assertTrue(iw[0] < iw[1] && iw[1] < iw[2] && iw[2] < iw[3], all);
            assertTrue(exact - elbo > 0.3, "the approximate posterior leaves a gap to close: " + all);
            assertTrue(iw[3] <= exact + 1e-3 && exact - iw[3] < 0.05, all);
        }
    }

    @Test
    void logMeanExpIsStableFarFromZero() {
        assertEquals(-1000 + Math.log(0.5 * (1 + Math.exp(-1))), ImportanceWeighted.logMeanExp(new double[] {-1000, -1001}),
                1e-12);
        assertEquals(800 + Math.log(0.5 * (1 + Math.exp(-2))), ImportanceWeighted.logMeanExp(new double[] {800, 798}), 1e-12);
    }

    /**
     * A VAE with no hidden layers and a fixed-variance Gaussian decoder equal to the model above, and an encoder whose
     * heads give the exact posterior shifted by {@code muShift} and with log-variance raised by {@code logVarShift}.
     */
    static Vae linearGaussian(double muShift, double logVarShift) {
        Vae vae = new Vae(N, List.of(), L, List.of(), Activation.IDENTITY, Likelihood.GAUSSIAN, SIGMA2, 1, DataType.DOUBLE);
        List<Dense> layers = vae.layers(); // mu, logVar, out
        double[] s = new double[L];
        for (int j = 0; j < L; j++) {
            double norm = 0;
            for (double[] row : A) {
                norm += row[j] * row[j];
            }
            s[j] = 1 / (1 + norm / SIGMA2);
        }
        INDArray wMu = Nd4j.create(DataType.DOUBLE, N, L);
        INDArray bMu = Nd4j.create(DataType.DOUBLE, 1, L);
        for (int j = 0; j < L; j++) {
            double bias = muShift;
            for (int i = 0; i < N; i++) {
                double w = A[i][j] * s[j] / SIGMA2;
                wMu.putScalar(i, j, w);
                bias -= C[i] * w;
            }
            bMu.putScalar(0, j, bias);
        }
        layers.get(0).w.assign(wMu);
        layers.get(0).b.assign(bMu);
        layers.get(1).w.assign(0);
        for (int j = 0; j < L; j++) {
            layers.get(1).b.putScalar(0, j, Math.log(s[j]) + logVarShift);
        }
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < L; j++) {
                layers.get(2).w.putScalar(j, i, A[i][j]);
            }
            layers.get(2).b.putScalar(0, i, C[i]);
        }
        return vae;
    }

    /** Rows drawn from the model. */
    static INDArray sample(int rows, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, rows, N);
        for (int b = 0; b < rows; b++) {
            double[] z = {r.nextGaussian(), r.nextGaussian()};
            for (int i = 0; i < N; i++) {
                x.putScalar(b, i, A[i][0] * z[0] + A[i][1] * z[1] + C[i] + Math.sqrt(SIGMA2) * r.nextGaussian());
            }
        }
        return x;
    }

    /** The mean over rows of {@code log N(x; c, A A^T + sigma^2 I)}, by a Cholesky factor in float64. */
    static double exactMean(INDArray x) {
        double[][] cov = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < N; k++) {
                cov[i][k] = A[i][0] * A[k][0] + A[i][1] * A[k][1] + (i == k ? SIGMA2 : 0);
            }
        }
        double[][] chol = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k <= i; k++) {
                double s = cov[i][k];
                for (int m = 0; m < k; m++) {
                    s -= chol[i][m] * chol[k][m];
                }
                chol[i][k] = i == k ? Math.sqrt(s) : s / chol[k][k];
            }
        }
        double logDet = 0;
        for (int i = 0; i < N; i++) {
            logDet += 2 * Math.log(chol[i][i]);
        }
        double sum = 0;
        for (int b = 0; b < x.rows(); b++) {
            double[] y = new double[N]; // solve chol y = x - c
            double quad = 0;
            for (int i = 0; i < N; i++) {
                double s = x.getDouble(b, i) - C[i];
                for (int m = 0; m < i; m++) {
                    s -= chol[i][m] * y[m];
                }
                y[i] = s / chol[i][i];
                quad += y[i] * y[i];
            }
            sum += -0.5 * (quad + logDet + N * Math.log(2 * Math.PI));
        }
        return sum / x.rows();
    }
}
