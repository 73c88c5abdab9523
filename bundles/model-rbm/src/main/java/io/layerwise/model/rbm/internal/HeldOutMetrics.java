package io.layerwise.model.rbm.internal;

import io.layerwise.api.data.FloatMatrix;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An RBM's held-out metrics that rest on the free energy {@code F(v)} ({@link Rbm#freeEnergy}): the free-energy gap
 * between held-out and training rows, and the stochastic pseudo-log-likelihood of Theano's tutorial and scikit-learn,
 * mean over rows of {@code n log sigm(F(v~) - F(v))}, where {@code v} is the row rounded to {0, 1} and {@code v~} flips
 * one bit drawn per row from a generator seeded afresh each call (the same bits every epoch, so that epochs compare).
 */
final class HeldOutMetrics {
    private static final long PLL_SALT = 0x9e37_79b9_7f4a_7c15L;

    private HeldOutMetrics() {
    }

    /** Mean {@code F} of the held-out rows minus that of the training rows {@code trainRows}. */
    static double freeEnergyGap(FreeEnergyChunks energies, FloatMatrix heldOut, INDArray trainRows) {
        return mean(energies.of(heldOut)) - mean(energies.of(trainRows));
    }

    static double pseudoLogLikelihood(FreeEnergyChunks energies, FloatMatrix heldOut, long seed) {
        int n = heldOut.cols();
        float[] v = new float[heldOut.data().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = heldOut.data()[i] >= 0.5f ? 1f : 0f; // Theano's T.round
        }
        float[] flipped = v.clone();
        SplittableRandom bits = new SplittableRandom(seed ^ PLL_SALT);
        for (int r = 0; r < heldOut.rows(); r++) {
            int i = r * n + bits.nextInt(n);
            flipped[i] = 1f - flipped[i];
        }
        double[] f = energies.of(new FloatMatrix(heldOut.rows(), n, v));
        double[] fFlipped = energies.of(new FloatMatrix(heldOut.rows(), n, flipped));
        double sum = 0;
        for (int r = 0; r < f.length; r++) {
            sum -= n * softplus(f[r] - fFlipped[r]); // log sigm(x) = -softplus(-x)
        }
        return sum / f.length;
    }

    private static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).sum() / values.length;
    }
}
