package io.layerwise.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The checks pass a right gradient and catch a wrong one, and one that overwrites instead of adding. */
class FiniteDifferencesTest {

    /** f(a) = sum(a^3): df/da = 3 a^2; float64 central differences (eps 1e-6) are within 1e-6 of it (rounding). */
    @Test
    void aRightHookPasses() {
        INDArray a = FiniteDifferences.matrix(3, 4, 1, Random::nextGaussian);
        FiniteDifferences.checkHook(a, (x, g) -> {
            g.addi(x.mul(x).muli(3));
            return x.mul(x).muli(x).sumNumber().doubleValue();
        }, 1e-6, 1e-6);
    }

    @Test
    void aWrongGradientFails() {
        INDArray a = FiniteDifferences.matrix(3, 4, 1, Random::nextGaussian);
        assertThrows(AssertionFailedError.class, () -> FiniteDifferences.checkHook(a, (x, g) -> {
            g.addi(x.mul(x).muli(2.9));
            return x.mul(x).muli(x).sumNumber().doubleValue();
        }, 1e-6, 1e-3));
    }

    @Test
    void aHookThatOverwritesTheGradientFails() {
        INDArray a = FiniteDifferences.matrix(3, 4, 1, Random::nextGaussian);
        assertThrows(AssertionFailedError.class, () -> FiniteDifferences.checkHook(a, (x, g) -> {
            g.assign(x.mul(2));
            return x.mul(x).sumNumber().doubleValue();
        }, 1e-6, 1e-3));
    }

    @Test
    void worstErrorComparesEveryEntryAndPutsItBack() {
        INDArray w = FiniteDifferences.matrix(2, 2, 3, Random::nextGaussian);
        INDArray before = w.dup();
        INDArray grad = w.mul(2);
        grad.putScalar(3, grad.getDouble(3) + 1); // one wrong entry
        double worst = FiniteDifferences.worstError(List.of(w), List.of(grad), () -> w.mul(w).sumNumber().doubleValue(),
                1e-6);
        assertTrue(worst > 0.1, "worst " + worst);
        assertEquals(before, w);
    }

    @Test
    void relativeErrorIsAbsoluteNearZero() {
        assertEquals(0.5, FiniteDifferences.relative(2, 1), 1e-15);
        assertEquals(1e-5 / 1e-3, FiniteDifferences.relative(0, 1e-5), 1e-12);
    }
}
