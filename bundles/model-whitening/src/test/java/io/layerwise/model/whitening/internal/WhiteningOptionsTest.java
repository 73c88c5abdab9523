package io.layerwise.model.whitening.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.model.whitening.internal.WhiteningOptions.Eigensolver;
import org.junit.jupiter.api.Test;

/** The eigensolver's precision: auto takes float32 for ZCA only where epsilon bounds the error it brings. */
class WhiteningOptionsTest {
    /** MNIST's 8,000 training digits: the covariance's Frobenius norm and its varying pixels. */
    private static final double MNIST_FROBENIUS = 9.70;
    private static final int MNIST_VARYING = 666;

    @Test
    void autoSolvesZcaInFloat32WhenEpsilonBoundsTheErrorBelowTheLimit() {
        WhiteningOptions zca = WhiteningOptions.zca(0.1, 784);
        assertEquals(Eigensolver.AUTO, zca.eigensolver());
        assertEquals(7.46e-5, zca.float32Error(MNIST_FROBENIUS, MNIST_VARYING), 1e-7);
        assertTrue(zca.solvesInFloat32(MNIST_FROBENIUS, MNIST_VARYING));
        // ten times smaller an epsilon, ten times the bound: float64
        assertFalse(WhiteningOptions.zca(0.01, 784).solvesInFloat32(MNIST_FROBENIUS, MNIST_VARYING));
        assertFalse(WhiteningOptions.zca(0, 784).solvesInFloat32(MNIST_FROBENIUS, MNIST_VARYING), "eps 0: no bound");
        // the bound scales with |C| / eps: data ten times larger need ten times the epsilon
        assertFalse(zca.solvesInFloat32(10 * MNIST_FROBENIUS, MNIST_VARYING));
        assertTrue(WhiteningOptions.zca(1, 784).solvesInFloat32(10 * MNIST_FROBENIUS, MNIST_VARYING));
    }

    @Test
    void autoKeepsPcaInFloat64AndAnExplicitChoiceIsObeyed() {
        assertFalse(WhiteningOptions.pca(0.1, 30).solvesInFloat32(MNIST_FROBENIUS, MNIST_VARYING));
        assertFalse(WhiteningOptions.pca(10, 30).solvesInFloat32(1e-6, 2));
        assertTrue(WhiteningOptions.pca(0.1, 30).with(Eigensolver.FLOAT32).solvesInFloat32(MNIST_FROBENIUS, 666));
        assertTrue(WhiteningOptions.zca(0, 784).with(Eigensolver.FLOAT32).solvesInFloat32(MNIST_FROBENIUS, 666));
        assertFalse(WhiteningOptions.zca(1, 784).with(Eigensolver.FLOAT64).solvesInFloat32(1e-6, 2));
    }
}
