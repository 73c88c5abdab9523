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
        assertDoesNotThrow(() -> FitCheck.eigen(COVARIANCE, VECTORS, ASCENDING, false));
    }

    @Test
    void eigenvectorsThatAreNotOrthonormalFailWithTheKernelNamed() {
        double[] damaged = VECTORS.clone();
        damaged[0] = 0.3; // as a wrong DTRMM left them
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FitCheck.eigen(COVARIANCE, damaged, ASCENDING, false));
        assertTrue(e.getMessage().contains("eigendecomposition of the 3 x 3 covariance is wrong")
                && e.getMessage().contains("OPENBLAS_CORETYPE="), e.getMessage());
    }

    @Test
    void wrongEigenvaluesFail() {
        assertThrows(IllegalStateException.class, () -> FitCheck.eigen(COVARIANCE, VECTORS, new double[] {1, 2, 3.1}, false));
    }

    /** A float32 solve's round-off (1e-6) passes its own tolerance but not float64's; damage fails both. */
    @Test
    void aFloat32SolveIsCheckedAtFloat32Precision() {
        double[] rounded = VECTORS.clone();
        rounded[1] += 1e-6;
        assertDoesNotThrow(() -> FitCheck.eigen(COVARIANCE, rounded, ASCENDING, true));
        assertThrows(IllegalStateException.class, () -> FitCheck.eigen(COVARIANCE, rounded, ASCENDING, false));
        double[] damaged = VECTORS.clone();
        damaged[0] = 0.3;
        assertThrows(IllegalStateException.class, () -> FitCheck.eigen(COVARIANCE, damaged, ASCENDING, true));
    }

    @Test
    void aWrongZcaProductFails() {
        double[] f = {1, 2, -1, 0.5}; // column-major F = [[1, -1], [2, 0.5]]
        double[] gram = {2, 1.5, 1.5, 4.25}; // F F^T
        assertDoesNotThrow(() -> FitCheck.product(gram, f, 2, false));
        double[] wrong = gram.clone();
        wrong[3] = 4.2;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FitCheck.product(wrong, f, 2, false));
        assertTrue(e.getMessage().startsWith("the ZCA transform is wrong") && e.getMessage().contains("OPENBLAS_CORETYPE="),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> FitCheck.product(wrong, f, 2, true), "wrong at float32 too");
        double[] rounded = gram.clone();
        rounded[3] += 1e-6; // a float32 SYRK's rounding
        assertDoesNotThrow(() -> FitCheck.product(rounded, f, 2, true));
        assertThrows(IllegalStateException.class, () -> FitCheck.product(rounded, f, 2, false));
        double[] lowerOnly = gram.clone();
        lowerOnly[1] = 99; // SYRK leaves the lower triangle as it was: the check reads the upper one only
        assertDoesNotThrow(() -> FitCheck.product(lowerOnly, f, 2, false));
    }
}
