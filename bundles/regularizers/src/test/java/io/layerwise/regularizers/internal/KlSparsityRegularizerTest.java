package io.layerwise.regularizers.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.testing.FiniteDifferences;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KlSparsityRegularizerTest {

    static Penalty kl(Map<String, ?> params) {
        return new KlSparsityRegularizer().configure(new Spec("stages[0].regularizers[0]", params));
    }

    static double klDivergence(double p, double q) {
        return p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
    }

    /** With lambda = 0, rho^ is the batch mean and the delta is the exact gradient of P; float64, eps 1e-6. */
    @ParameterizedTest(name = "B={0} H={1} rho={2} beta={3}")
    @CsvSource({"5, 4, 0.05, 0.7", "1, 3, 0.3, 3.0", "7, 6, 0.5, 0.1"})
    void deltaMatchesFiniteDifferencesOfThePenaltyWhenLambdaIsZero(int b, int h, double rho, double beta) {
        Penalty p = kl(Map.of("rho", rho, "beta", beta, "lambda", 0));
        INDArray y = FiniteDifferences.matrix(b, h, 3, r -> 0.02 + 0.96 * r.nextDouble());
        FiniteDifferences.checkHook(y, (a, g) -> p.onHidden(a, g, null), 1e-6, 1e-6);
    }

    @Test
    void valueIsBetaTimesTheDivergenceFromTheBatchMean() {
        INDArray y = Nd4j.createFromArray(new double[][] {{0.1, 0.5}, {0.3, 0.7}});
        double value = kl(Map.of("rho", 0.2, "beta", 2.0, "lambda", 0)).onHidden(y, Nd4j.zeros(DataType.DOUBLE, 2, 2), null);
        assertEquals(2.0 * (klDivergence(0.2, 0.2) + klDivergence(0.2, 0.6)), value, 1e-12);
    }

    /** rho^ = 0.2 (first batch), then 0.9 * 0.2 + 0.1 * 0.6 = 0.24, then 0.9 * 0.24 + 0.1 * 0.6 = 0.276. */
    @Test
    void runningEstimateDecaysWithLambdaAndDrivesTheDelta() {
        KlSparsityPenalty p = (KlSparsityPenalty) kl(Map.of("rho", 0.05, "beta", 0.5, "lambda", 0.9));
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        p.onHidden(Nd4j.valueArrayOf(new long[] {4, 3}, 0.2, DataType.DOUBLE), grad, null);
        assertArrayEquals(new double[] {0.2, 0.2, 0.2}, p.rhoHat(), 1e-15);
        p.onHidden(Nd4j.valueArrayOf(new long[] {4, 3}, 0.6, DataType.DOUBLE), grad, null);
        assertArrayEquals(new double[] {0.24, 0.24, 0.24}, p.rhoHat(), 1e-15);
        grad.assign(0);
        double value = p.onHidden(Nd4j.valueArrayOf(new long[] {4, 3}, 0.6, DataType.DOUBLE), grad, null);
        assertArrayEquals(new double[] {0.276, 0.276, 0.276}, p.rhoHat(), 1e-15);
        assertEquals(0.5 * 3 * klDivergence(0.05, 0.276), value, 1e-12);
        double delta = 0.5 / 4 * (-0.05 / 0.276 + 0.95 / 0.724);
        for (long i = 0; i < grad.length(); i++) {
            assertEquals(delta, grad.getDouble(i), 1e-12);
        }
        Map<String, Double> m = p.epochMetrics();
        assertEquals((0.2 + 0.24 + 0.276) / 3, m.get("meanActivation"), 1e-12);
        assertEquals(2.0 / 3, m.get("activationRateAbove0_5"), 1e-12);
        assertEquals(0.0, m.get("rhoHatClamped"));
    }

    /** A dead unit (all zeros) clamps rho^ to eps: counted, finite, and the delta is the formula's, not clipped. */
    @Test
    void clampingIsCountedAndTheDeltaIsNotClipped() {
        Penalty p = kl(Map.of("rho", 0.05, "beta", 1.0, "lambda", 0, "epsilon", 1e-4));
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 0.1}, {0, 0.3}});
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        double value = p.onHidden(y, grad, null);
        assertEquals(klDivergence(0.05, 1e-4) + klDivergence(0.05, 0.2), value, 1e-12);
        assertEquals(0.5 * (-0.05 / 1e-4 + 0.95 / (1 - 1e-4)), grad.getDouble(0, 0), 1e-9);
        assertEquals(0.5 * (-0.05 / 0.2 + 0.95 / 0.8), grad.getDouble(1, 1), 1e-12);
        p.onHidden(Nd4j.ones(DataType.DOUBLE, 2, 2), grad, null); // two saturated units
        Map<String, Double> m = p.epochMetrics();
        assertEquals(3.0, m.get("rhoHatClamped"));
        assertEquals((0.1 + 1.0) / 2, m.get("meanActivation"), 1e-12);
        assertEquals(Map.of(), p.epochMetrics(), "metrics reset after each epoch");
        p.onHidden(y, grad, null);
        assertEquals(1.0, p.epochMetrics().get("rhoHatClamped"));
    }

    @Test
    void betaZeroMonitorsTheActivationsWithoutTouchingTheGradient() {
        Penalty p = kl(Map.of("beta", 0));
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 2, 2);
        assertEquals(0.0, p.onHidden(Nd4j.createFromArray(new double[][] {{0.9, 0.1}, {0.7, 0.1}}), grad, null));
        assertEquals(0.0, grad.sumNumber().doubleValue());
        Map<String, Double> m = p.epochMetrics();
        assertEquals(0.45, m.get("meanActivation"), 1e-12);
        assertEquals(0.5, m.get("activationRateAbove0_5"), 1e-12);
    }

    @Test
    void worksOnFloat32Batches() {
        Penalty p = kl(Map.of("lambda", 0));
        INDArray y = Nd4j.valueArrayOf(new long[] {20, 5}, 0.1f, DataType.FLOAT);
        INDArray grad = Nd4j.zeros(DataType.FLOAT, 20, 5);
        double value = p.onHidden(y, grad, null);
        assertEquals(0.1 * 5 * klDivergence(0.05, 0.1), value, 1e-6);
        assertEquals(0.1 / 20 * (-0.05 / 0.1 + 0.95 / 0.9), grad.getDouble(19, 4), 1e-7);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rho     | 1.5  | stages[0].regularizers[0].rho must be in (0, 1), got 1.5",
        "rho     | 0    | stages[0].regularizers[0].rho must be in (0, 1), got 0.0",
        "beta    | -1   | stages[0].regularizers[0].beta must be in [0, inf), got -1.0",
        "lambda  | 1    | stages[0].regularizers[0].lambda must be in [0, 1), got 1.0",
        "epsilon | 0.1  | stages[0].regularizers[0].epsilon must be in (0, 0.01], got 0.1"})
    void badParametersAreNamedByTheirJsonPath(String field, double value, String message) {
        SpecException e = assertThrows(SpecException.class, () -> kl(Map.of(field, value)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void epsilonMustStayBelowRho() {
        SpecException e = assertThrows(SpecException.class, () -> kl(Map.of("rho", 0.005, "epsilon", 0.01)));
        assertEquals("stages[0].regularizers[0].epsilon", e.path());
    }

    @Test
    void describesItsParameters() {
        assertEquals("kl-sparsity(rho=0.05, beta=0.1, lambda=0.9, epsilon=1.0E-6)", kl(Map.of()).describe());
    }

    /** state() is rho^ (none before the first batch); a fresh penalty given it continues the same running estimate. */
    @Test
    void stateIsTheRunningEstimateAndAFreshPenaltyContinuesFromIt() {
        Map<String, Object> params = Map.of("rho", 0.05, "beta", 0.5, "lambda", 0.9);
        Penalty p = kl(params);
        assertEquals(Map.of(), p.state());
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        p.onHidden(Nd4j.valueArrayOf(new long[] {4, 3}, 0.2, DataType.DOUBLE), grad, null);
        Map<String, double[]> state = p.state();
        assertEquals(java.util.Set.of("rhoHat"), state.keySet());
        assertArrayEquals(new double[] {0.2, 0.2, 0.2}, state.get("rhoHat"));
        state.get("rhoHat")[0] = 99; // a copy
        assertArrayEquals(new double[] {0.2, 0.2, 0.2}, p.state().get("rhoHat"));

        KlSparsityPenalty q = (KlSparsityPenalty) kl(params);
        q.restoreState(p.state());
        INDArray gp = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        INDArray gq = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        INDArray y = Nd4j.valueArrayOf(new long[] {4, 3}, 0.6, DataType.DOUBLE);
        assertEquals(p.onHidden(y, gp, null), q.onHidden(y, gq, null));
        assertEquals(gp, gq);
        assertArrayEquals(new double[] {0.24, 0.24, 0.24}, q.rhoHat(), 1e-15);

        q.restoreState(Map.of());
        assertEquals(Map.of(), q.state(), "an empty state is before the first batch");
    }

    @Test
    void aForeignOrNonFiniteStateIsRejected() {
        Penalty p = kl(Map.of());
        assertEquals("kl-sparsity state has only rhoHat, got mean",
                assertThrows(IllegalArgumentException.class, () -> p.restoreState(Map.of("mean", new double[] {0.1})))
                        .getMessage());
        assertEquals("kl-sparsity state rhoHat holds NaN", assertThrows(IllegalArgumentException.class,
                () -> p.restoreState(Map.of("rhoHat", new double[] {0.1, Double.NaN}))).getMessage());
    }
}
