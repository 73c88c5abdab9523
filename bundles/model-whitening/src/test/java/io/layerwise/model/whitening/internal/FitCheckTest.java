package io.layerwise.model.whitening.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The plain-Java check of a fit catches the kind of damage a wrong BLAS kernel did, and passes a right fit. */
class FitCheckTest {
    /** diag(1, 2, 3) rotated by 90 degrees in the (0, 1) plane: eigenvectors e1 -> e2, e2 -> -e1. */
    private static final double[] COVARIANCE = {2, 0, 0, 0, 1, 0, 0, 0, 3}; // column-major, symmetric
    private static final double[] VECTORS = {0, 1, 0, 1, 0, 0, 0, 0, 1}; // columns for eigenvalues 1, 2, 3
    private static final double[] ASCENDING = {1, 2, 3};

    @Test
    void aRightEigendecompositionPasses() {
        assertDoesNotThrow(() -> FitCheck.eigen(COVARIANCE, VECTORS, ASCENDING));
    }

    @Test
    void eigenvectorsThatAreNotOrthonormalFailWithTheKernelNamed() {
        double[] damaged = VECTORS.clone();
        damaged[0] = 0.3; // as a wrong DTRMM left them
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FitCheck.eigen(COVARIANCE, damaged, ASCENDING));
        assertTrue(e.getMessage().contains("eigendecomposition of the 3 x 3 covariance is wrong")
                && e.getMessage().contains("OPENBLAS_CORETYPE="), e.getMessage());
    }

    @Test
    void wrongEigenvaluesFail() {
        assertThrows(IllegalStateException.class, () -> FitCheck.eigen(COVARIANCE, VECTORS, new double[] {1, 2, 3.1}));
    }

    @Test
    void anAsymmetricZcaTransformFails() {
        assertDoesNotThrow(() -> FitCheck.symmetric(new double[] {1, 0.5, 0.5, 2}, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FitCheck.symmetric(new double[] {1, 0.5, 0.4, 2}, 2));
        assertTrue(e.getMessage().startsWith("the ZCA transform is not symmetric"), e.getMessage());
    }
}
